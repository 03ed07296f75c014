"""Drift routes: a tenant's summary, its findings (filtered, paged), one finding, acknowledge."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from shared.api.guard import StoresFactory, enter, enter_with_query, route_tenant_id, visible_tenant
from shared.api.paging import (
    CONTINUATION_TOKEN_RULE,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    decode_continuation,
    encode_continuation,
)
from shared.api.request import ApiRequest, ApiResponse
from shared.api.validate import Choice, Field, Integer, QueryRule, json_object, route_finding_id, text
from shared.core.access import ROLE_READ, ROLE_TRIAGE
from shared.core.contracts import CONTRACTS
from shared.core.drift import CHANGE_TYPES, LIST_FIELDS, MAX_NOTE_LENGTH, SEVERITIES, build_summary, published_run
from shared.core.ids import is_finding_id
from shared.core.messages import RelayRequest
from shared.core.tenants import Tenant
from shared.errors import NotFoundError, PreconditionFailedError, ValidationError
from shared.flows.triage import acknowledge_finding
from shared.storage.findings import HEAD_ROWS
from shared.storage.stores import Stores

STATUS_FILTERS: Final = ("new", "acknowledged", "resolved", "all")
FINDINGS_QUERY: Final[dict[str, QueryRule]] = {
    "status": Choice(STATUS_FILTERS, "new"),
    "changeType": Choice(CHANGE_TYPES),
    "policyType": Choice(tuple(sorted(CONTRACTS))),
    "severity": Choice(SEVERITIES),
    "pageSize": Integer(1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
    "continuationToken": CONTINUATION_TOKEN_RULE,
}
ACKNOWLEDGE_BODY: Final = {
    "note": Field(text("note", max_length=MAX_NOTE_LENGTH, code="invalid_note", too_long_code="note_too_long")),
}
_SUMMARY_KEYS: Final = ("state", "reason", "baseline", "current", "counts", "coverage")


def public_summary(tenant: Tenant, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The summary as readers see it; before any run, an empty `blocked` one."""
    summary: Mapping[str, Any] = stored or build_summary(
        tenant_id=tenant.tenant_id, scope_key=tenant.scope_key, findings=(), baseline=None, current=None, coverage=None
    )
    return {k: summary.get(k) for k in _SUMMARY_KEYS}


def get_summary(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/drift: one point read of the summary."""
    caller = enter(request, ROLE_READ)
    tenant_id = route_tenant_id(request)
    stores = open_stores()
    tenant = visible_tenant(caller, tenant_id, stores)
    record = stores.summaries.get(tenant_id)
    return ApiResponse(public_summary(tenant, record.summary if record else None))


def get_findings(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/drift/findings: one filtered page, newest comparison's findings included."""
    caller, query = enter_with_query(request, ROLE_READ, FINDINGS_QUERY)
    tenant_id = route_tenant_id(request)
    status, change_type, policy_type, severity = (query[k] for k in ("status", "changeType", "policyType", "severity"))
    page_size: int = query["pageSize"]
    binding = json.dumps([tenant_id, status, change_type, policy_type, severity])
    token = query["continuationToken"]
    after = _after(decode_continuation(token, binding)) if token else None
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    record = stores.summaries.get(tenant_id)
    published = published_run(record.summary if record else None)
    filters = {
        name: value
        for name, value in (("status", None if status == "all" else status), ("changeType", change_type),
                            ("policyType", policy_type), ("severity", severity))
        if value is not None
    }  # fmt: skip
    if (
        record is not None
        and record.head is not None
        and filters == {"status": "new"}
        and after is None
        and page_size < HEAD_ROWS
    ):
        # The default first page: kept with the summary, one point read at any size.
        rows, more = record.head[:page_size], len(record.head) > page_size
    else:
        rows, more = stores.findings.page(tenant_id, published, filters, page_size, after)
    findings = [finding_json(r) for r in rows]
    next_token = encode_continuation({"after": findings[-1]["id"]}, binding) if more and findings else None
    return ApiResponse({"findings": findings, "continuationToken": next_token})


def _after(token: Mapping[str, Any]) -> str:
    after = token.get("after")
    if not isinstance(after, str) or not is_finding_id(after):
        raise ValidationError("continuationToken is not valid for this request", "invalid_continuation_token")
    return after


def finding_json(finding: Mapping[str, Any]) -> dict[str, Any]:
    """The list shape of a finding."""
    out = {k: finding.get(k) for k in LIST_FIELDS}
    if isinstance(out["categories"], str):
        out["categories"] = json.loads(out["categories"])
    out["id"] = out["id"] or finding.get("RowKey")
    return out


def _visible_finding(stores: Stores, tenant_id: str, finding_id: str) -> tuple[dict[str, Any], str]:
    record = stores.findings.get(tenant_id, finding_id)
    summary = stores.summaries.get(tenant_id)
    published = published_run(summary.summary if summary else None)
    if record is None or str(record.finding.get("firstSeenRunId", "")) > published:
        raise NotFoundError("finding not found")
    return record.finding, record.etag


def change_json(change: Mapping[str, Any]) -> dict[str, Any]:
    """One change as the detail shows it: raw path and values, and the same in words (DESIGN §11).

    Findings stored before changes carried words read with their path as label and no value words.
    """
    return {
        "path": change.get("path"),
        "category": change.get("category"),
        "before": change.get("before"),
        "after": change.get("after"),
        "label": change.get("label") or change.get("path"),
        "beforeLabel": change.get("beforeLabel"),
        "afterLabel": change.get("afterLabel"),
        "unresolved": list(change.get("unresolved") or []),
    }


def _detail(stores: Stores, tenant_id: str, finding: Mapping[str, Any]) -> dict[str, Any]:
    body = finding_json(finding)
    body["changes"] = [change_json(c) for c in finding.get("changes") or []]
    # Who made the change (DESIGN §12); null for a finding detected before attribution existed.
    body["attribution"] = finding.get("attribution")
    body["history"] = [
        {"at": e["at"], "by": e["by"], "action": e["action"], "note": e.get("note"), "runId": e.get("runId")}
        for e in stores.history.for_finding(tenant_id, str(finding["id"]))
    ]
    return body


def get_finding(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/drift/findings/{findingId}: detail, history and ETag."""
    caller = enter(request, ROLE_READ)
    tenant_id = route_tenant_id(request)
    finding_id = route_finding_id(request)
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    finding, etag = _visible_finding(stores, tenant_id, finding_id)
    return ApiResponse(_detail(stores, tenant_id, finding), headers={"ETag": etag})


def post_acknowledge(request: ApiRequest, open_stores: StoresFactory) -> tuple[ApiResponse, RelayRequest]:
    """POST .../findings/{findingId}/acknowledge: who comes from the identity, never the body. Also
    the relay request for the tenant's outbox, which holds the acknowledgement's drift event."""
    caller = enter(request, ROLE_TRIAGE)
    tenant_id = route_tenant_id(request)
    finding_id = route_finding_id(request)
    note = json_object(request, ACKNOWLEDGE_BODY, required=False)["note"]
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    _, etag = _visible_finding(stores, tenant_id, finding_id)
    if_match = request.header("if-match")
    if if_match is not None and if_match != "*" and if_match != etag:
        raise PreconditionFailedError("the finding changed since it was read (ETag mismatch)")
    result = acknowledge_finding(stores, tenant_id, finding_id, caller.name, note, etag)
    response = ApiResponse(_detail(stores, tenant_id, result.finding), headers={"ETag": result.etag})
    return response, RelayRequest(tenant_id, "acknowledgement")
