"""A deviation's place in words (DESIGN §11), from the same resolver as findings' changes.

The names come from the tenant run's `references` first, then from the template's (the reference
run's, frozen with it): a setting the tenant lacks is still named. See `shared.core.drift.labels`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.core.contracts import PolicyContract
from shared.core.drift.labels import WHOLE_POLICY, Resolver, path_label

__all__ = ["WHOLE_POLICY", "deviation_label", "resolver_for"]


def resolver_for(tenant_run: Mapping[str, Any], template: Mapping[str, Any]) -> Resolver:
    """Names for one alignment: the tenant run's references, then the template's."""
    return Resolver(tenant_run.get("references"), template.get("references"))


def deviation_label(contract: PolicyContract, path: str, resolver: Resolver) -> str:
    """The words for a deviation's path (`""`: the whole policy)."""
    label, _ = path_label(contract, path, resolver)
    return label
