"""Contracts of the Entra ID policy types (`identity`, `policies`; pure data)."""

from __future__ import annotations

from typing import Final

from shared.core.contracts.model import HIGH_ALL, PERM_POLICY, PolicyContract

ENTRA: Final[tuple[PolicyContract, ...]] = (
    PolicyContract(
        key="conditionalAccessPolicy",
        api_version="v1.0",
        collections=("identity/conditionalAccess/policies",),
        permission=PERM_POLICY,
        has_assignments=False,
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="namedLocation",
        api_version="v1.0",
        collections=("identity/conditionalAccess/namedLocations",),
        permission=PERM_POLICY,
        has_assignments=False,
        severity={"settings": "high", "removed": "high"},
    ),
    PolicyContract(
        key="authenticationMethodsPolicy",
        api_version="v1.0",
        collections=("policies/authenticationMethodsPolicy",),
        permission=PERM_POLICY,
        list_query="$expand=authenticationMethodConfigurations",
        singleton=True,
        has_assignments=False,
        volatile_fields=frozenset({"policyMigrationState", "policyVersion", "reconfirmationInDays"}),
        severity=HIGH_ALL,
    ),
)
