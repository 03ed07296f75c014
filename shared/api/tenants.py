"""Tenant routes: register, scan now, runs, and the portfolio of the caller's tenants."""

from __future__ import annotations

from typing import Final

from shared.api.findings import public_summary
from shared.api.guard import StoresFactory, enter, enter_with_query, route_tenant_id, visible_tenant
from shared.api.request import ApiRequest, ApiResponse
from shared.api.validate import Field, Integer, QueryRule, array, flag, json_object, text
from shared.core.access import ROLE_ADMIN, ROLE_READ, visible_tenants
from shared.core.ids import is_guid
from shared.core.messages import ScanRequest, new_scan_request
from shared.core.scope import normalise_selection
from shared.errors import ConflictError

MAX_DISPLAY_NAME: Final = 256
MAX_ACCESS_GROUPS: Final = 100
MAX_POLICY_TYPES: Final = 100
DEFAULT_RUNS: Final = 50
MAX_RUNS: Final = 200


REGISTRATION_BODY: Final = {
    "displayName": Field(text("displayName", max_length=MAX_DISPLAY_NAME, non_blank=True), required=True),
    "enabled": Field(flag("enabled"), required=True),
    "policyTypes": Field(
        array("policyTypes must be an array of policy type keys", item=lambda t: isinstance(t, str),
              max_items=MAX_POLICY_TYPES)
    ),
    "accessGroups": Field(
        array(f"accessGroups must be an array of at most {MAX_ACCESS_GROUPS} group object ids (GUIDs)",
              item=is_guid, max_items=MAX_ACCESS_GROUPS)
    ),
}  # fmt: skip
RUNS_QUERY: Final[dict[str, QueryRule]] = {"top": Integer(1, MAX_RUNS, DEFAULT_RUNS)}


def put_tenant(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """PUT /api/tenants/{tenantId}: register or update."""
    enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    body = json_object(request, REGISTRATION_BODY)
    selection = normalise_selection(body["policyTypes"])
    groups = [g.lower() for g in body["accessGroups"] or []]
    tenant, created = open_stores().tenants.upsert(
        tenant_id, body["displayName"].strip(), body["enabled"], selection, groups
    )
    return ApiResponse(tenant.to_json(), 201 if created else 200)


def post_scan(request: ApiRequest, open_stores: StoresFactory) -> tuple[ApiResponse, ScanRequest]:
    """POST /api/tenants/{tenantId}/scans: the response and the message to enqueue.

    The body is empty or `{}`; either way the request declares Content-Type: application/json.
    """
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    json_object(request, {}, required=False)
    tenant = visible_tenant(caller, tenant_id, open_stores())
    if not tenant.enabled:
        raise ConflictError(f"tenant {tenant_id} is disabled", "tenant_disabled")
    scan = new_scan_request(tenant_id, "manual")
    return ApiResponse({"runId": scan.run_id, "tenantId": tenant_id, "status": "queued"}, 202), scan


def get_runs(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/runs?top=N (1 to 200, default 50)."""
    caller, query = enter_with_query(request, ROLE_READ, RUNS_QUERY)
    tenant_id = route_tenant_id(request)
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    runs = stores.runs.list(tenant_id, query["top"])
    return ApiResponse({"tenantId": tenant_id, "runs": [r.to_json() for r in runs]})


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
