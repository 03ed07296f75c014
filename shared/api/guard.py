"""Every handler's first steps: who calls, whether their role allows it, which query parameters and
route ids are acceptable, and whether the tenant is visible to them (before any other storage read)."""

from __future__ import annotations

from collections.abc import Callable

from shared.api.caller import resolve_caller
from shared.api.request import ApiRequest
from shared.core.access import Caller, require_role, require_tenant_visible
from shared.core.ids import require_guid
from shared.core.tenants import Tenant
from shared.errors import ValidationError
from shared.storage.stores import Stores

# Handlers open storage only once the caller and the input have passed.
StoresFactory = Callable[[], Stores]


def enter(request: ApiRequest, role: str, params: tuple[str, ...] = ()) -> Caller:
    """The caller, once they hold `role` and the query names only `params`."""
    caller = resolve_caller(request.headers)
    require_role(caller, role)
    unknown = sorted(k for k in request.params if k not in params)
    if unknown:
        raise ValidationError(f"unknown query parameter(s): {', '.join(unknown)}", "unknown_parameter")
    return caller


def route_tenant_id(request: ApiRequest) -> str:
    """The `{tenantId}` of the route, lower-cased; a 400 unless it is a GUID."""
    return require_guid(request.route.get("tenantId"), "tenantId")


def visible_tenant(caller: Caller, tenant_id: str, stores: Stores) -> Tenant:
    """The registered tenant, if the caller may see it; NotFoundError alike for unknown and hidden."""
    tenant = stores.tenants.get(tenant_id)
    require_tenant_visible(caller, tenant.access_groups if tenant else None)
    assert tenant is not None
    return tenant


def choice(request: ApiRequest, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    """A query parameter restricted to `choices` (or absent: `default`)."""
    value = request.params.get(name, default)
    if value is not None and value not in choices:
        raise ValidationError(f"{name} must be one of {', '.join(choices)}", f"invalid_{name}")
    return value
