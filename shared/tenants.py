"""Tenant API services: identity first, then validation, then storage."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.errors import ForbiddenError, NotFoundError, ValidationError
from shared.identity import ROLE_ADMIN, ROLE_READ, Caller, resolve_caller
from shared.scanning import ScanRequest, new_scan_request
from shared.scope import normalise_selection
from shared.services import Services
from shared.validation import is_guid, require_guid

MAX_DISPLAY_NAME = 256
MAX_ACCESS_GROUPS = 100


def _require_role(caller: Caller, role: str) -> None:
    if role not in caller.roles and ROLE_ADMIN not in caller.roles:
        raise ForbiddenError(f"this call needs the {role} role")


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


def register_tenant(
    headers: Mapping[str, str], tenant_id: Any, read_body: Callable[[], Any], services: Callable[[], Services]
) -> tuple[dict[str, Any], bool]:
    """PUT /api/tenants/{tenantId}."""
    caller = resolve_caller(headers)
    _require_role(caller, ROLE_ADMIN)
    tid = require_guid(tenant_id, "tenantId")
    name, enabled, selection, groups = parse_registration(read_body())
    tenant, created = services().tenants.upsert(tid, name, enabled, selection, groups)
    return tenant.to_json(), created


def request_scan(headers: Mapping[str, str], tenant_id: Any, services: Callable[[], Services]) -> ScanRequest:
    """POST /api/tenants/{tenantId}/scans: the message to enqueue."""
    caller = resolve_caller(headers)
    _require_role(caller, ROLE_ADMIN)
    tid = require_guid(tenant_id, "tenantId")
    tenant = services().tenants.get(tid)
    if tenant is None:
        raise NotFoundError(f"tenant {tid} is not registered")
    if not tenant.enabled:
        from shared.errors import ConflictError

        raise ConflictError(f"tenant {tid} is disabled", "tenant_disabled")
    return new_scan_request(tid, "manual")


def list_runs(
    headers: Mapping[str, str], tenant_id: Any, top: str | None, services: Callable[[], Services]
) -> dict[str, Any]:
    """GET /api/tenants/{tenantId}/runs."""
    caller = resolve_caller(headers)
    _require_role(caller, ROLE_READ)
    tid = require_guid(tenant_id, "tenantId")
    limit = 50
    if top is not None:
        if not top.isdigit() or not 1 <= int(top) <= 200:
            raise ValidationError("top must be an integer from 1 to 200", "invalid_top")
        limit = int(top)
    svc = services()
    if svc.tenants.get(tid) is None:
        raise NotFoundError(f"tenant {tid} is not registered")
    return {"tenantId": tid, "runs": [r.to_json() for r in svc.runs.list(tid, limit)]}
