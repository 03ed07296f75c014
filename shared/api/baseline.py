"""Baseline routes: pin a completed run, or go back to rolling baselines."""

from __future__ import annotations

from typing import Final

from shared.api.guard import StoresFactory, enter, route_tenant_id, visible_tenant
from shared.api.request import ApiRequest, ApiResponse
from shared.api.validate import Field, identifier, json_object
from shared.core.access import ROLE_ADMIN
from shared.core.ids import is_run_id
from shared.flows.triage import pin_baseline, unpin_baseline

PIN_BODY: Final = {"runId": Field(identifier("runId", is_run_id, "a run id", "invalid_run_id"), required=True)}


def put_baseline(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """PUT /api/tenants/{tenantId}/drift/baseline: pin a completed run (`{"runId"}`)."""
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    run_id = json_object(request, PIN_BODY)["runId"]
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    return ApiResponse(pin_baseline(stores, tenant_id, run_id, caller.name))


def delete_baseline(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """DELETE /api/tenants/{tenantId}/drift/baseline: back to rolling (no body)."""
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    json_object(request, {}, required=False)
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    return ApiResponse(unpin_baseline(stores, tenant_id))
