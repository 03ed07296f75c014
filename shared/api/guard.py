"""Every handler's first steps: who calls, whether their role allows it, which query parameters are
acceptable (by the rules of `shared.api.validate`), and whether the tenant is visible to them (before
any other storage read). The cross-site rule ran before the handler (`shared.api.origin.admit`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.api.caller import resolve_caller
from shared.api.request import ApiRequest
from shared.api.validate import QueryRule, query
from shared.api.validate import route_tenant_id as route_tenant_id  # every tenant route's id, re-exported
from shared.core.access import Caller, require_role, require_tenant_visible
from shared.core.tenants import Tenant
from shared.storage.stores import Stores

# Handlers open storage only once the caller and the input have passed.
StoresFactory = Callable[[], Stores]


def enter(request: ApiRequest, role: str) -> Caller:
    """The caller, once they hold `role`; a route without query parameters refuses any."""
    caller, _ = enter_with_query(request, role, {})
    return caller


def enter_with_query(request: ApiRequest, role: str, rules: Mapping[str, QueryRule]) -> tuple[Caller, dict[str, Any]]:
    """The caller, once they hold `role`, and the query parsed by `rules` (anything else is a 400)."""
    caller = resolve_caller(request.headers)
    require_role(caller, role)
    return caller, query(request, rules)


def visible_tenant(caller: Caller, tenant_id: str, stores: Stores) -> Tenant:
    """The registered tenant, if the caller may see it; NotFoundError alike for unknown and hidden."""
    tenant = stores.tenants.get(tenant_id)
    require_tenant_visible(caller, tenant.access_groups if tenant else None)
    assert tenant is not None
    return tenant
