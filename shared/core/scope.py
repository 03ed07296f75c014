"""Selections and scope keys (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Iterable

from shared.core.canonical import canonical_hash
from shared.core.contracts import CONTRACTS
from shared.errors import ValidationError


def normalise_selection(policy_types: Iterable[str] | None) -> list[str]:
    """Sorted, de-duplicated policy type keys; None means every supported type."""
    if policy_types is None:
        return sorted(CONTRACTS)
    selection = sorted(set(policy_types))
    unknown = [t for t in selection if t not in CONTRACTS]
    if unknown:
        raise ValidationError(f"Unknown policy type(s): {', '.join(unknown)}", "unknown_policy_type")
    if not selection:
        raise ValidationError("policyTypes must name at least one policy type", "empty_selection")
    return selection


def scope_key(selection: Iterable[str]) -> str:
    """SHA-256 of the canonical JSON of a selection: the same set in any order gives the same key."""
    return canonical_hash({"policyTypes": sorted(set(selection))})
