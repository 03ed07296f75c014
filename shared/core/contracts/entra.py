"""Contracts of the Entra ID policy types (`identity`, `policies`, `groupSettings`; pure data)."""

from __future__ import annotations

from typing import Final

from shared.core.contracts.model import (
    AUTH_STRENGTH,
    HIGH_ALL,
    NAMED_LOCATION,
    PERM_DEVICE_REGISTRATION,
    PERM_GROUP_SETTINGS,
    PERM_POLICY,
    FollowUp,
    PolicyContract,
    Source,
)

ENTRA: Final[tuple[PolicyContract, ...]] = (
    PolicyContract(
        key="conditionalAccessPolicy",
        api_version="v1.0",
        display_name="Conditional Access",
        sources=(Source("identity/conditionalAccess/policies"),),
        permission=PERM_POLICY,
        has_assignments=False,
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="namedLocation",
        api_version="v1.0",
        display_name="Named location",
        sources=(Source("identity/conditionalAccess/namedLocations"),),
        permission=PERM_POLICY,
        has_assignments=False,
        severity={"settings": "high", "removed": "high"},
        names_kind=NAMED_LOCATION,
    ),
    PolicyContract(
        key="authenticationMethodsPolicy",
        api_version="v1.0",
        display_name="Authentication methods",
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
    # -- DESIGN §10 ------------------------------------------------------------------------------------
    PolicyContract(
        key="identitySecurityDefaultsEnforcementPolicy",
        api_version="v1.0",
        display_name="Security defaults",
        sources=(Source("policies/identitySecurityDefaultsEnforcementPolicy"),),
        permission=PERM_POLICY,
        singleton=True,
        has_assignments=False,
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="authorizationPolicy",
        api_version="v1.0",
        display_name="Authorization policy",
        sources=(Source("policies/authorizationPolicy"),),
        permission=PERM_POLICY,
        singleton=True,
        has_assignments=False,
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="authenticationStrengthPolicy",
        api_version="v1.0",
        display_name="Authentication strength",
        sources=(Source("policies/authenticationStrengthPolicies"),),
        permission=PERM_POLICY,
        # Combination configurations (allowed FIDO2 keys, certificate issuers) exist only on custom
        # strengths; the built-in ones are Microsoft's and have none.
        follow_ups=(
            FollowUp("combinationConfigurations", "combinationConfigurations", only_when=("policyType", "custom")),
        ),
        has_assignments=False,
        severity=HIGH_ALL,
        # Conditional Access grant controls refer to strengths by id.
        names_kind=AUTH_STRENGTH,
    ),
    PolicyContract(
        key="crossTenantAccessPolicy",
        api_version="v1.0",
        display_name="Cross-tenant access (default)",
        sources=(Source("policies/crossTenantAccessPolicy"),),
        permission=PERM_POLICY,
        follow_ups=(FollowUp("default", "default", single=True),),
        singleton=True,
        has_assignments=False,
        # Whether the default is still Microsoft's untouched one is the service's bookkeeping.
        volatile_fields=frozenset({"isServiceDefault"}),
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="crossTenantAccessPartner",
        api_version="v1.0",
        display_name="Cross-tenant access partner",
        sources=(Source("policies/crossTenantAccessPolicy/partners"),),
        permission=PERM_POLICY,
        id_field="tenantId",
        name_field="tenantId",
        has_assignments=False,
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="groupSetting",
        api_version="v1.0",
        display_name="Directory settings",
        sources=(Source("groupSettings"),),
        permission=PERM_GROUP_SETTINGS,
        has_assignments=False,
        severity={"settings": "medium", "removed": "medium", "added": "medium"},
    ),
    PolicyContract(
        key="deviceRegistrationPolicy",
        api_version="v1.0",
        display_name="Device registration policy",
        sources=(Source("policies/deviceRegistrationPolicy"),),
        permission=PERM_DEVICE_REGISTRATION,
        singleton=True,
        has_assignments=False,
        severity=HIGH_ALL,
    ),
)
