"""The portal's HTTP API (DESIGN §6): identity first, then input, then storage; one handler per route."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from shared import settings
from shared.access import require_role, require_tenant_visible, visible_tenants
from shared.contracts import CONTRACTS
from shared.drift.summary import build_summary
from shared.errors import ConflictError, NotFoundError, PreconditionFailedError, ValidationError
from shared.identity import ROLE_ADMIN, ROLE_READ, ROLE_TRIAGE, Caller, resolve_caller
from shared.queries import HEAD_ROWS, published_run
from shared.runids import is_run_id
from shared.scanning import ScanRequest, new_scan_request
from shared.scope import normalise_selection
from shared.services import Services
from shared.storage.registry import Tenant
from shared.triage import acknowledge_finding, pin_baseline, unpin_baseline
from shared.validation import is_guid, require_guid

MAX_BODY_BYTES: Final = 64 * 1024
MAX_DISPLAY_NAME: Final = 256
MAX_ACCESS_GROUPS: Final = 100
MAX_NOTE: Final = 2000
DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGE_SIZE: Final = 500
_FINDING_ID = re.compile(r"^[0-9a-f]{32}$")
_STATUSES: Final = ("new", "acknowledged", "resolved", "all")
_CHANGE_TYPES: Final = ("added", "removed", "modified")
_SEVERITIES: Final = ("low", "medium", "high")
_FINDING_FIELDS: Final = (
    "id", "policyType", "subjectId", "displayName", "changeType", "categories", "severity", "status",
    "baselineRunId", "currentRunId", "firstSeenRunId", "lastSeenRunId", "firstSeenAt", "lastSeenAt",
)  # fmt: skip


class PayloadTooLargeError(ValidationError):
    """A request body over the limit (413)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "payload_too_large")


class UnsupportedMediaTypeError(ValidationError):
    """A body that is not JSON (415)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "unsupported_media_type")


@dataclass(frozen=True)
class ApiRequest:
    """What a handler sees of an HTTP request."""

    method: str
    headers: Mapping[str, str]
    params: Mapping[str, str]
    route: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def json(self, required: bool = True) -> Any:
        """The JSON body; size, content type and syntax are checked in that order."""
        if len(self.body) > MAX_BODY_BYTES:
            raise PayloadTooLargeError(f"request body exceeds {MAX_BODY_BYTES} bytes")
        if not self.body.strip():
            if required:
                raise ValidationError("a JSON body is required", "missing_body")
            return None
        content_type = (self.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise UnsupportedMediaTypeError("Content-Type must be application/json")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValidationError("request body is not valid JSON", "invalid_json") from None


@dataclass
class ApiResponse:
    """A handler's answer."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


ServicesFactory = Callable[[], Services]


def _only_params(request: ApiRequest, allowed: tuple[str, ...]) -> None:
    unknown = sorted(k for k in request.params if k not in allowed)
    if unknown:
        raise ValidationError(f"unknown query parameter(s): {', '.join(unknown)}", "unknown_parameter")


def _tenant_id(request: ApiRequest) -> str:
    return require_guid(request.route.get("tenantId"), "tenantId")


def _visible_tenant(caller: Caller, tenant_id: str, services: Services) -> Tenant:
    tenant = services.tenants.get(tenant_id)
    require_tenant_visible(caller, tenant.access_groups if tenant else None)
    assert tenant is not None
    return tenant


def _enter(request: ApiRequest, role: str, params: tuple[str, ...] = ()) -> Caller:
    caller = resolve_caller(request.headers)
    require_role(caller, role)
    _only_params(request, params)
    return caller


# --- tenants -------------------------------------------------------------------------------------


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


def put_tenant(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """PUT /api/tenants/{tenantId}: register or update."""
    _enter(request, ROLE_ADMIN)
    tenant_id = _tenant_id(request)
    name, enabled, selection, groups = parse_registration(request.json())
    tenant, created = services().tenants.upsert(tenant_id, name, enabled, selection, groups)
    return ApiResponse(tenant.to_json(), 201 if created else 200)


def post_scan(request: ApiRequest, services: ServicesFactory) -> tuple[ApiResponse, ScanRequest]:
    """POST /api/tenants/{tenantId}/scans: the response and the message to enqueue."""
    caller = _enter(request, ROLE_ADMIN)
    tenant_id = _tenant_id(request)
    tenant = _visible_tenant(caller, tenant_id, services())
    if not tenant.enabled:
        raise ConflictError(f"tenant {tenant_id} is disabled", "tenant_disabled")
    scan = new_scan_request(tenant_id, "manual")
    return ApiResponse({"runId": scan.run_id, "tenantId": tenant_id, "status": "queued"}, 202), scan


def get_runs(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/runs."""
    caller = _enter(request, ROLE_READ, ("top",))
    tenant_id = _tenant_id(request)
    limit = 50
    top = request.params.get("top")
    if top is not None:
        if not top.isdigit() or not 1 <= int(top) <= 200:
            raise ValidationError("top must be an integer from 1 to 200", "invalid_top")
        limit = int(top)
    svc = services()
    _visible_tenant(caller, tenant_id, svc)
    return ApiResponse({"tenantId": tenant_id, "runs": [r.to_json() for r in svc.runs.list(tenant_id, limit)]})


def _empty_summary(tenant: Tenant) -> dict[str, Any]:
    return dict(
        build_summary(
            tenant_id=tenant.tenant_id,
            scope_key=tenant.scope_key,
            findings=(),
            baseline=None,
            current=None,
            coverage=None,
        )
    )


def _public_summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("state", "reason", "baseline", "current", "counts", "coverage")
    return {k: summary.get(k) for k in keys}


def get_portfolio(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """GET /api/tenants: the caller's tenants with drift counts and last run."""
    caller = _enter(request, ROLE_READ)
    svc = services()
    summaries = svc.summaries.all()
    out = []
    for tenant in visible_tenants(caller, svc.tenants.list()):
        summary = summaries.get(tenant.tenant_id) or _empty_summary(tenant)
        runs = svc.runs.list(tenant.tenant_id, 1)
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
            }
        )
    return ApiResponse({"tenants": out})


# --- drift ---------------------------------------------------------------------------------------


def get_summary(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/drift: one point read of the summary."""
    caller = _enter(request, ROLE_READ)
    tenant_id = _tenant_id(request)
    svc = services()
    tenant = _visible_tenant(caller, tenant_id, svc)
    record = svc.summaries.get(tenant_id)
    summary = record.summary if record else _empty_summary(tenant)
    return ApiResponse(_public_summary(summary))


def _token_key() -> bytes:
    # Continuation tokens are signed so a forged or edited token is refused, not executed.
    return (settings.get("SECRET_HASH_KEY") or "tenantatlas-local-continuation").encode()


def _sign(payload: bytes) -> str:
    return hmac.new(_token_key(), payload, hashlib.sha256).hexdigest()[:32]


def encode_continuation(token: Mapping[str, Any], binding: str) -> str:
    """An opaque, signed continuation token bound to one tenant and filter set."""
    payload = json.dumps({"t": dict(token), "b": binding}, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _sign(payload)


def decode_continuation(value: str, binding: str) -> dict[str, Any]:
    """The storage continuation behind a token; anything forged, edited or foreign is a 400."""
    error = ValidationError("continuationToken is not valid for this request", "invalid_continuation_token")
    if len(value) > 2048 or "." not in value:
        raise error
    encoded, signature = value.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        raise error from None
    if not hmac.compare_digest(_sign(payload), signature):
        raise error
    data = json.loads(payload)
    if data.get("b") != binding or not isinstance(data.get("t"), dict):
        raise error
    return dict(data["t"])


def _choice(request: ApiRequest, name: str, choices: tuple[str, ...], default: str | None) -> str | None:
    value = request.params.get(name, default)
    if value is not None and value not in choices:
        raise ValidationError(f"{name} must be one of {', '.join(choices)}", f"invalid_{name}")
    return value


def get_findings(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/drift/findings: one filtered page, newest comparison's findings included."""
    caller = _enter(
        request, ROLE_READ, ("status", "changeType", "policyType", "severity", "pageSize", "continuationToken")
    )
    tenant_id = _tenant_id(request)
    status = _choice(request, "status", _STATUSES, "new")
    change_type = _choice(request, "changeType", _CHANGE_TYPES, None)
    policy_type = _choice(request, "policyType", tuple(sorted(CONTRACTS)), None)
    severity = _choice(request, "severity", _SEVERITIES, None)
    raw_size = request.params.get("pageSize", str(DEFAULT_PAGE_SIZE))
    if not raw_size.isdigit() or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
        raise ValidationError(f"pageSize must be an integer from 1 to {MAX_PAGE_SIZE}", "invalid_pageSize")
    page_size = int(raw_size)
    binding = json.dumps([tenant_id, status, change_type, policy_type, severity])
    token = request.params.get("continuationToken")
    after = _after(decode_continuation(token, binding)) if token else None
    svc = services()
    _visible_tenant(caller, tenant_id, svc)
    record = svc.summaries.get(tenant_id)
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
        rows, more = svc.findings.page(tenant_id, published, filters, page_size, after)
    findings = [finding_json(r) for r in rows]
    next_token = encode_continuation({"after": findings[-1]["id"]}, binding) if more and findings else None
    return ApiResponse({"findings": findings, "continuationToken": next_token})


def _after(token: Mapping[str, Any]) -> str:
    after = token.get("after")
    if not isinstance(after, str) or not _FINDING_ID.match(after):
        raise ValidationError("continuationToken is not valid for this request", "invalid_continuation_token")
    return after


def finding_json(finding: Mapping[str, Any]) -> dict[str, Any]:
    """The list shape of a finding."""
    out = {k: finding.get(k) for k in _FINDING_FIELDS}
    if isinstance(out["categories"], str):
        out["categories"] = json.loads(out["categories"])
    out["id"] = out["id"] or finding.get("RowKey")
    return out


def _finding_id(request: ApiRequest) -> str:
    value = request.route.get("findingId", "")
    if not _FINDING_ID.match(value):
        raise ValidationError("findingId must be 32 lower-case hex digits", "invalid_finding_id")
    return value


def _visible_finding(svc: Services, tenant_id: str, finding_id: str) -> tuple[dict[str, Any], str]:
    record = svc.findings.get(tenant_id, finding_id)
    summary = svc.summaries.get(tenant_id)
    published = published_run(summary.summary if summary else None)
    if record is None or str(record.finding.get("firstSeenRunId", "")) > published:
        raise NotFoundError("finding not found")
    return record.finding, record.etag


def _detail(svc: Services, tenant_id: str, finding: Mapping[str, Any]) -> dict[str, Any]:
    body = finding_json(finding)
    body["changes"] = finding.get("changes") or []
    body["history"] = [
        {"at": e["at"], "by": e["by"], "action": e["action"], "note": e.get("note"), "runId": e.get("runId")}
        for e in svc.history.for_finding(tenant_id, str(finding["id"]))
    ]
    return body


def get_finding(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/drift/findings/{findingId}: detail, history and ETag."""
    caller = _enter(request, ROLE_READ)
    tenant_id = _tenant_id(request)
    finding_id = _finding_id(request)
    svc = services()
    _visible_tenant(caller, tenant_id, svc)
    finding, etag = _visible_finding(svc, tenant_id, finding_id)
    return ApiResponse(_detail(svc, tenant_id, finding), headers={"ETag": etag})


def post_acknowledge(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """POST .../findings/{findingId}/acknowledge: who comes from the identity, never the body."""
    caller = _enter(request, ROLE_TRIAGE)
    tenant_id = _tenant_id(request)
    finding_id = _finding_id(request)
    body = request.json(required=False)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ValidationError("body must be a JSON object")
    unknown = sorted(set(body) - {"note"})
    if unknown:
        raise ValidationError(f"unknown field(s): {', '.join(unknown)}", "unknown_field")
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise ValidationError("note must be a string", "invalid_note")
    if note is not None and len(note) > MAX_NOTE:
        raise ValidationError(f"note is longer than {MAX_NOTE} characters", "note_too_long")
    svc = services()
    _visible_tenant(caller, tenant_id, svc)
    _, etag = _visible_finding(svc, tenant_id, finding_id)
    if_match = request.header("if-match")
    if if_match is not None and if_match != "*" and if_match != etag:
        raise PreconditionFailedError("the finding changed since it was read (ETag mismatch)")
    result = acknowledge_finding(svc, tenant_id, finding_id, caller.name, note, etag)
    return ApiResponse(_detail(svc, tenant_id, result.finding), headers={"ETag": result.etag})


def put_baseline(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """PUT /api/tenants/{tenantId}/drift/baseline: pin a completed run."""
    caller = _enter(request, ROLE_ADMIN)
    tenant_id = _tenant_id(request)
    body = request.json()
    if not isinstance(body, dict) or set(body) != {"runId"}:
        raise ValidationError('body must be {"runId": "<run id>"}')
    run_id = body["runId"]
    if not isinstance(run_id, str) or not is_run_id(run_id):
        raise ValidationError("runId is not a run id", "invalid_run_id")
    svc = services()
    _visible_tenant(caller, tenant_id, svc)
    return ApiResponse(pin_baseline(svc, tenant_id, run_id, caller.name))


def delete_baseline(request: ApiRequest, services: ServicesFactory) -> ApiResponse:
    """DELETE /api/tenants/{tenantId}/drift/baseline: back to rolling."""
    caller = _enter(request, ROLE_ADMIN)
    tenant_id = _tenant_id(request)
    svc = services()
    _visible_tenant(caller, tenant_id, svc)
    return ApiResponse(unpin_baseline(svc, tenant_id))
