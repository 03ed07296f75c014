"""Baseline routes: pin a completed run, or go back to rolling baselines."""

from __future__ import annotations

from shared.api.guard import StoresFactory, enter, route_tenant_id, visible_tenant
from shared.api.request import ApiRequest, ApiResponse
from shared.core.access import ROLE_ADMIN
from shared.core.ids import is_run_id
from shared.errors import ValidationError
from shared.flows.triage import pin_baseline, unpin_baseline


def put_baseline(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """PUT /api/tenants/{tenantId}/drift/baseline: pin a completed run."""
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    body = request.json()
    if not isinstance(body, dict) or set(body) != {"runId"}:
        raise ValidationError('body must be {"runId": "<run id>"}')
    run_id = body["runId"]
    if not isinstance(run_id, str) or not is_run_id(run_id):
        raise ValidationError("runId is not a run id", "invalid_run_id")
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    return ApiResponse(pin_baseline(stores, tenant_id, run_id, caller.name))


def delete_baseline(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """DELETE /api/tenants/{tenantId}/drift/baseline: back to rolling."""
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    return ApiResponse(unpin_baseline(stores, tenant_id))
