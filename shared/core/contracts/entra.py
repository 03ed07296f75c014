"""Contracts of the Entra ID policy types (`identity`, `policies`; pure data)."""

from __future__ import annotations

from typing import Final

from shared.core.contracts.model import HIGH_ALL, NAMED_LOCATION, PERM_POLICY, FollowUp, PolicyContract, Source

ENTRA: Final[tuple[PolicyContract, ...]] = (
    PolicyContract(
        key="conditionalAccessPolicy",
        api_version="v1.0",
        sources=(Source("identity/conditionalAccess/policies"),),
        permission=PERM_POLICY,
        has_assignments=False,
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="namedLocation",
        api_version="v1.0",
        sources=(Source("identity/conditionalAccess/namedLocations"),),
        permission=PERM_POLICY,
        has_assignments=False,
        severity={"settings": "high", "removed": "high"},
        names_kind=NAMED_LOCATION,
    ),
    PolicyContract(
        key="authenticationMethodsPolicy",
        api_version="v1.0",
        # The service takes no query options here and sends the configurations unasked.
        sources=(Source("policies/authenticationMethodsPolicy"),),
        permission=PERM_POLICY,
        follow_ups=(
            FollowUp("authenticationMethodConfigurations", "authenticationMethodConfigurations", when_absent=True),
        ),
        singleton=True,
        has_assignments=False,
        volatile_fields=frozenset({"policyVersion"}),
        severity=HIGH_ALL,
    ),
)
