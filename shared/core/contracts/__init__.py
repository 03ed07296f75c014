"""The contract registry: every supported policy type described once (pure data, no I/O).

`model` holds the shape of a contract, `intune` and `entra` the types of each service; this
registry joins them and answers lookups. A new type is one entry in `intune` or `entra`.
"""

from __future__ import annotations

from typing import Final

from shared.core.contracts.entra import ENTRA
from shared.core.contracts.intune import INTUNE
from shared.core.contracts.model import (
    ApiVersion,
    CountCheck,
    FollowUp,
    PolicyContract,
    SettingsLayout,
    Severity,
    Source,
)
from shared.errors import ValidationError

__all__ = [
    "CONTRACTS",
    "GLOBAL_VOLATILE_FIELDS",
    "ApiVersion",
    "CountCheck",
    "FollowUp",
    "PolicyContract",
    "SettingsLayout",
    "Severity",
    "Source",
    "contract_for",
]

CONTRACTS: Final[dict[str, PolicyContract]] = {c.key: c for c in INTUNE + ENTRA}

# Fields set by the service, never by an admin, wherever they appear in an item: timestamps, the
# version Intune bumps on every save, counters, and provenance fixed at creation. A profile's
# applicability rules (`deviceManagementApplicabilityRule*`) are an admin's: they are compared.
GLOBAL_VOLATILE_FIELDS: Final = frozenset(
    {
        "createdDateTime",
        "lastModifiedDateTime",
        "modifiedDateTime",
        "version",
        "settingCount",
        "isAssigned",
        "creationSource",
        "supportsScopeTags",
    }
)


def contract_for(policy_type: str) -> PolicyContract:
    """The contract of a policy type; unknown types are refused (fail safe)."""
    try:
        return CONTRACTS[policy_type]
    except KeyError:
        raise ValidationError(f"Unsupported policy type: {policy_type}", "unknown_policy_type") from None
