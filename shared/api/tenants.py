"""Tenant routes: register, scan now, runs, and the portfolio of the caller's tenants."""

from __future__ import annotations

from typing import Any, Final

from shared.api.findings import public_summary
from shared.api.guard import StoresFactory, enter, route_tenant_id, visible_tenant
from shared.api.request import ApiRequest, ApiResponse
from shared.core.access import ROLE_ADMIN, ROLE_READ, visible_tenants
from shared.core.ids import is_guid
from shared.core.messages import ScanRequest, new_scan_request
from shared.core.scope import normalise_selection
from shared.errors import ConflictError, ValidationError

MAX_DISPLAY_NAME: Final = 256
MAX_ACCESS_GROUPS: Final = 100


def parse_registration(body: Any) -> tuple[str, bool, list[str], list[str]]:
    """Validate a PUT /tenants/{id} body (pure)."""
    if not isinstance(body, dict):
        raise ValidationError("body must be a JSON object")
    unknown = sorted(set(body) - {"displayName", "enabled", "policyTypes", "accessGroups"})
    if unknown:
        raise ValidationError(f"unknown field(s): {', '.join(unknown)}", "unknown_field")
    name = body.get("displayName")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_DISPLAY_NAME:
        raise ValidationError(f"displayName must be a non-empty string of at most {MAX_DISPLAY_NAME} characters")
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        raise ValidationError("enabled must be true or false")
    types = body.get("policyTypes")
    if types is not None and (not isinstance(types, list) or not all(isinstance(t, str) for t in types)):
        raise ValidationError("policyTypes must be an array of policy type keys")
    selection = normalise_selection(types)
    groups = body.get("accessGroups", [])
    if not isinstance(groups, list) or len(groups) > MAX_ACCESS_GROUPS or not all(is_guid(g) for g in groups):
        raise ValidationError(f"accessGroups must be an array of at most {MAX_ACCESS_GROUPS} group object ids (GUIDs)")
    return name.strip(), enabled, selection, [g.lower() for g in groups]


def put_tenant(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """PUT /api/tenants/{tenantId}: register or update."""
    enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    name, enabled, selection, groups = parse_registration(request.json())
    tenant, created = open_stores().tenants.upsert(tenant_id, name, enabled, selection, groups)
    return ApiResponse(tenant.to_json(), 201 if created else 200)


def post_scan(request: ApiRequest, open_stores: StoresFactory) -> tuple[ApiResponse, ScanRequest]:
    """POST /api/tenants/{tenantId}/scans: the response and the message to enqueue."""
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    tenant = visible_tenant(caller, tenant_id, open_stores())
    if not tenant.enabled:
        raise ConflictError(f"tenant {tenant_id} is disabled", "tenant_disabled")
    scan = new_scan_request(tenant_id, "manual")
    return ApiResponse({"runId": scan.run_id, "tenantId": tenant_id, "status": "queued"}, 202), scan


def get_runs(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/runs."""
    caller = enter(request, ROLE_READ, ("top",))
    tenant_id = route_tenant_id(request)
    limit = 50
    top = request.params.get("top")
    if top is not None:
        if not top.isdigit() or not 1 <= int(top) <= 200:
            raise ValidationError("top must be an integer from 1 to 200", "invalid_top")
        limit = int(top)
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    return ApiResponse({"tenantId": tenant_id, "runs": [r.to_json() for r in stores.runs.list(tenant_id, limit)]})


def get_portfolio(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/tenants: the caller's tenants with drift counts and last run."""
    caller = enter(request, ROLE_READ)
    stores = open_stores()
    summaries = stores.summaries.all()
    alignment = stores.alignments.scores()
    out = []
    for tenant in visible_tenants(caller, stores.tenants.list()):
        summary = public_summary(tenant, summaries.get(tenant.tenant_id))
        runs = stores.runs.list(tenant.tenant_id, 1)
        last = runs[0].to_json() if runs else None
        counts = summary.get("counts") or {}
        out.append(
            {
                "tenantId": tenant.tenant_id,
                "displayName": tenant.display_name,
                "enabled": tenant.enabled,
                "lastRun": {k: last[k] for k in ("runId", "status", "startedAt", "finishedAt")} if last else None,
                "counts": {k: int(counts.get(k, 0)) for k in ("new", "acknowledged", "resolved")},
                "state": summary.get("state", "blocked"),
                "coverageProblems": len((summary.get("coverage") or {}).get("failed") or []),
                "alignment": alignment.get(tenant.tenant_id, []),
            }
        )
    return ApiResponse({"tenants": out})
