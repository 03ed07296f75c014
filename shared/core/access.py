"""Authorization rules (DESIGN §6): who holds which role and who sees which tenant. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from shared.errors import ForbiddenError, NotFoundError

ROLE_READ: Final = "Drift.Read"
ROLE_TRIAGE: Final = "Drift.Triage"
ROLE_ADMIN: Final = "Drift.Admin"

# Each app role and the roles it grants: Admin implies Triage and Read; Triage implies Read.
_GRANTS: Final[dict[str, frozenset[str]]] = {
    ROLE_ADMIN: frozenset({ROLE_ADMIN, ROLE_TRIAGE, ROLE_READ}),
    ROLE_TRIAGE: frozenset({ROLE_TRIAGE, ROLE_READ}),
    ROLE_READ: frozenset({ROLE_READ}),
}

# One message for "no such tenant" and "not yours", so the answer reveals nothing.
TENANT_NOT_FOUND: Final = "tenant not found"


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: who (object id, display name) and what the token grants (roles, groups)."""

    object_id: str
    name: str
    roles: frozenset[str]
    groups: frozenset[str]

    @property
    def is_admin(self) -> bool:
        """True when the caller holds Drift.Admin (and so every role, and every tenant)."""
        return ROLE_ADMIN in self.roles


class HasAccessGroups(Protocol):
    """Anything carrying a tenant's access groups (e.g. a registered Tenant)."""

    @property
    def access_groups(self) -> Iterable[str]: ...


T = TypeVar("T", bound=HasAccessGroups)


def _check_role(role: str) -> None:
    if role not in _GRANTS:
        # A typo here would silently deny everyone; fail loudly instead.
        raise ValueError(f"unknown role {role!r}")


def has_role(caller: Caller, role: str) -> bool:
    """True when one of the caller's roles is `role` or implies it."""
    _check_role(role)
    return any(role in _GRANTS.get(held, frozenset()) for held in caller.roles)


def require_role(caller: Caller, role: str) -> None:
    """Raise ForbiddenError unless the caller holds `role` (or a role implying it)."""
    if not has_role(caller, role):
        raise ForbiddenError(f"this call needs the {role} role")


def _normalise_group(group: str) -> str:
    return group.strip().lower()


def can_see_tenant(caller: Caller, access_groups: Iterable[str]) -> bool:
    """Admins see every tenant; others need Drift.Read and a group in the tenant's access groups."""
    if caller.is_admin:
        return True
    if not has_role(caller, ROLE_READ):
        return False
    mine = {_normalise_group(g) for g in caller.groups} - {""}
    return any(_normalise_group(g) in mine for g in access_groups)


def visible_tenants(caller: Caller, tenants: Iterable[T]) -> list[T]:
    """The tenants the caller may see, in the given order."""
    return [t for t in tenants if can_see_tenant(caller, t.access_groups)]


def require_tenant_visible(caller: Caller, access_groups: Iterable[str] | None) -> None:
    """Raise NotFoundError, identical for an unknown tenant (None) and one the caller may not see."""
    if access_groups is None or not can_see_tenant(caller, access_groups):
        raise NotFoundError(TENANT_NOT_FOUND)
