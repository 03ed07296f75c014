"""Authorization rules: role hierarchy, tenant visibility, and not-visible answering like not-found."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from shared.core.access import (
    ROLE_ADMIN,
    ROLE_READ,
    ROLE_TRIAGE,
    Caller,
    can_see_tenant,
    has_role,
    require_role,
    require_tenant_visible,
    visible_tenants,
)
from shared.errors import ForbiddenError, NotFoundError

GROUP_A = "6f1c2b7e-1d2a-4c43-9a51-0b6f4f4d1a01"
GROUP_B = "0d9e8f7a-2b3c-4d5e-8f90-a1b2c3d4e5f6"
GROUP_OTHER = "11111111-2222-3333-4444-555555555555"


def caller(*roles: str, groups: tuple[str, ...] = ()) -> Caller:
    return Caller("oid-1", "someone@contoso.example", frozenset(roles), frozenset(groups))


ADMIN = caller(ROLE_ADMIN)
TRIAGER = caller(ROLE_TRIAGE, groups=(GROUP_A,))
READER = caller(ROLE_READ, groups=(GROUP_A,))
READER_ELSEWHERE = caller(ROLE_READ, groups=(GROUP_OTHER,))
NO_ROLES_IN_GROUP = caller(groups=(GROUP_A,))
OTHER_APP_ROLE = caller("Something.Else", groups=(GROUP_A,))


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (ADMIN, {ROLE_READ: True, ROLE_TRIAGE: True, ROLE_ADMIN: True}),
        (TRIAGER, {ROLE_READ: True, ROLE_TRIAGE: True, ROLE_ADMIN: False}),
        (READER, {ROLE_READ: True, ROLE_TRIAGE: False, ROLE_ADMIN: False}),
        (NO_ROLES_IN_GROUP, {ROLE_READ: False, ROLE_TRIAGE: False, ROLE_ADMIN: False}),
        (OTHER_APP_ROLE, {ROLE_READ: False, ROLE_TRIAGE: False, ROLE_ADMIN: False}),
    ],
    ids=["admin", "triage", "read", "no-roles", "foreign-role"],
)
def test_role_hierarchy(who: Caller, expected: dict[str, bool]) -> None:
    assert {role: has_role(who, role) for role in expected} == expected
    for role, allowed in expected.items():
        if allowed:
            require_role(who, role)
        else:
            with pytest.raises(ForbiddenError) as info:
                require_role(who, role)
            assert info.value.code == "forbidden"
            assert info.value.message == f"this call needs the {role} role"


def test_role_names_are_exact() -> None:
    assert not has_role(caller("drift.admin"), ROLE_READ)
    assert ADMIN.is_admin and not TRIAGER.is_admin


def test_an_unknown_role_name_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        has_role(ADMIN, "Drift.Reader")


@pytest.mark.parametrize(
    ("who", "access_groups", "visible"),
    [
        (ADMIN, [], True),
        (ADMIN, [GROUP_OTHER], True),
        (caller(ROLE_ADMIN, groups=()), [GROUP_A], True),
        (READER, [GROUP_A], True),
        (READER, [GROUP_B, GROUP_A], True),
        (READER, [GROUP_B], False),
        (READER, [], False),
        (READER_ELSEWHERE, [GROUP_A], False),
        (TRIAGER, [GROUP_A], True),
        (TRIAGER, [GROUP_B], False),
        (NO_ROLES_IN_GROUP, [GROUP_A], False),
        (OTHER_APP_ROLE, [GROUP_A], False),
        (caller(ROLE_READ), [GROUP_A], False),
        # Group object ids are GUIDs: the case of either side does not matter.
        (READER, [GROUP_A.upper()], True),
        (caller(ROLE_READ, groups=(GROUP_A.upper(),)), [GROUP_A], True),
        (caller(ROLE_READ, groups=("",)), [""], False),
    ],
)
def test_tenant_visibility(who: Caller, access_groups: list[str], visible: bool) -> None:
    assert can_see_tenant(who, access_groups) is visible
    if visible:
        require_tenant_visible(who, access_groups)
    else:
        with pytest.raises(NotFoundError):
            require_tenant_visible(who, access_groups)


def _not_found(who: Caller, access_groups: list[str] | None) -> tuple[type[Exception], str, str]:
    with pytest.raises(NotFoundError) as info:
        require_tenant_visible(who, access_groups)
    return type(info.value), info.value.code, info.value.message


def test_a_tenant_not_visible_answers_exactly_like_one_that_does_not_exist() -> None:
    missing = _not_found(READER, None)
    hidden = _not_found(READER, [GROUP_B])
    assert missing == hidden == (NotFoundError, "not_found", "tenant not found")
    # Not even an admin sees a tenant that does not exist.
    assert _not_found(ADMIN, None) == missing


@dataclass(frozen=True)
class FakeTenant:
    tenant_id: str
    access_groups: list[str]


def test_visible_tenants_keeps_order_and_filters() -> None:
    tenants = [
        FakeTenant("t1", [GROUP_A]),
        FakeTenant("t2", [GROUP_B]),
        FakeTenant("t3", []),
        FakeTenant("t4", [GROUP_OTHER, GROUP_A.upper()]),
    ]
    assert [t.tenant_id for t in visible_tenants(READER, tenants)] == ["t1", "t4"]
    assert [t.tenant_id for t in visible_tenants(ADMIN, tenants)] == ["t1", "t2", "t3", "t4"]
    assert visible_tenants(NO_ROLES_IN_GROUP, tenants) == []
    assert visible_tenants(READER, iter(tenants)) == [tenants[0], tenants[3]]
