"""Template routes (DESIGN §14): templates and their versions, assignments to tenants, a tenant's alignment."""

from __future__ import annotations

from typing import Any, Final

from shared.api.guard import StoresFactory, enter, route_tenant_id, visible_tenant
from shared.api.request import ApiRequest, ApiResponse
from shared.api.validate import json_body
from shared.core.access import ROLE_ADMIN, ROLE_READ
from shared.core.alignment import MAX_TEMPLATE_OBJECTS, ObjectRef, parse_variables
from shared.core.ids import is_run_id, require_guid, require_template_id
from shared.core.messages import AlignmentRequest
from shared.errors import NotFoundError, ValidationError
from shared.flows.alignment import (
    TemplateRequest,
    assign_template,
    assigned_tenants,
    delete_template,
    save_template,
    unassign_template,
)

MAX_DISPLAY_NAME: Final = 256
MAX_OBJECT_ID: Final = 256
_TEMPLATE_FIELDS: Final = ("displayName", "sourceTenantId", "runId", "objects", "variables", "compareAssignments")


def _object_refs(value: Any) -> list[ObjectRef] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or len(value) > MAX_TEMPLATE_OBJECTS:
        raise ValidationError(
            f"objects must be a non-empty array of at most {MAX_TEMPLATE_OBJECTS} {{policyType, id}}", "invalid_objects"
        )
    refs: list[ObjectRef] = []
    for entry in value:
        if (
            not isinstance(entry, dict)
            or set(entry) != {"policyType", "id"}
            or not isinstance(entry["policyType"], str)
            or not isinstance(entry["id"], str)
            or not entry["id"]
            or len(entry["id"]) > MAX_OBJECT_ID
        ):
            raise ValidationError(
                'each object must be {"policyType": "<type>", "id": "<object id>"}', "invalid_objects"
            )
        refs.append(ObjectRef(policyType=entry["policyType"], id=entry["id"]))
    return refs


def parse_template(body: Any) -> TemplateRequest:
    """Validate a PUT /templates/{templateId} body (pure)."""
    if not isinstance(body, dict):
        raise ValidationError("body must be a JSON object")
    unknown = sorted(set(body) - set(_TEMPLATE_FIELDS))
    if unknown:
        raise ValidationError(f"unknown field(s): {', '.join(unknown)}", "unknown_field")
    name = body.get("displayName")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_DISPLAY_NAME:
        raise ValidationError(f"displayName must be a non-empty string of at most {MAX_DISPLAY_NAME} characters")
    source = require_guid(body.get("sourceTenantId"), "sourceTenantId")
    run_id = body.get("runId")
    if run_id is not None and (not isinstance(run_id, str) or not is_run_id(run_id)):
        raise ValidationError("runId is not a run id", "invalid_run_id")
    compare = body.get("compareAssignments", False)
    if not isinstance(compare, bool):
        raise ValidationError("compareAssignments must be true or false")
    return TemplateRequest(
        display_name=name.strip(),
        source_tenant_id=source,
        run_id=run_id,
        objects=_object_refs(body.get("objects")),
        variables=parse_variables(body.get("variables")),
        compare_assignments=compare,
    )


def _route_template_id(request: ApiRequest) -> str:
    return require_template_id(request.route.get("templateId"))


def put_template(request: ApiRequest, open_stores: StoresFactory) -> tuple[ApiResponse, list[str]]:
    """PUT /api/templates/{templateId}: a new version; the response, and one alignment message per
    tenant the template is assigned to (so they pick the new version up without waiting for a scan)."""
    enter(request, ROLE_ADMIN)
    template_id = _route_template_id(request)
    parsed = parse_template(json_body(request))
    stores = open_stores()
    record, created = save_template(stores, template_id, parsed)
    messages = [AlignmentRequest(t, "template").to_message() for t in assigned_tenants(stores, template_id)]
    return ApiResponse(record.to_json(), 201 if created else 200), messages


def get_templates(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/templates."""
    enter(request, ROLE_ADMIN)
    return ApiResponse({"templates": [r.to_json() for r in open_stores().templates.all()]})


def get_template(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/templates/{templateId}."""
    enter(request, ROLE_ADMIN)
    template_id = _route_template_id(request)
    record = open_stores().templates.get(template_id)
    if record is None:
        raise NotFoundError(f"template {template_id} not found")
    return ApiResponse(record.to_json())


def delete_template_route(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """DELETE /api/templates/{templateId}: 204; assignments and alignments with it go too."""
    enter(request, ROLE_ADMIN)
    delete_template(open_stores(), _route_template_id(request))
    return ApiResponse(None, 204)


def put_assignment(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """PUT /api/tenants/{tenantId}/templates/{templateId}: assign (or change the variables) and measure now."""
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    template_id = _route_template_id(request)
    body = json_body(request, required=False)
    if body is None:
        body = {}
    if not isinstance(body, dict) or set(body) - {"variables"}:
        raise ValidationError('body must be {"variables"?: {"name": "value in this tenant"}}', "unknown_field")
    variables = parse_variables(body.get("variables"))
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    created, alignment = assign_template(stores, tenant_id, template_id, variables, caller.name)
    out = {"tenantId": tenant_id, "templateId": template_id, "variables": variables, "alignment": alignment}
    return ApiResponse(out, 201 if created else 200)


def delete_assignment(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """DELETE /api/tenants/{tenantId}/templates/{templateId}: unassign; 204."""
    caller = enter(request, ROLE_ADMIN)
    tenant_id = route_tenant_id(request)
    template_id = _route_template_id(request)
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    unassign_template(stores, tenant_id, template_id)
    return ApiResponse(None, 204)


def get_alignment(request: ApiRequest, open_stores: StoresFactory) -> ApiResponse:
    """GET /api/tenants/{tenantId}/alignment: one point read of the stored alignment."""
    caller = enter(request, ROLE_READ)
    tenant_id = route_tenant_id(request)
    stores = open_stores()
    visible_tenant(caller, tenant_id, stores)
    record = stores.alignments.get(tenant_id)
    return ApiResponse(
        {
            "tenantId": tenant_id,
            "computedAt": record.computed_at if record else None,
            "templates": record.results if record else [],
        }
    )
