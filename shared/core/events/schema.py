"""The JSON Schema (2020-12) of drift events: one source for `docs/events.schema.json` and the OpenAPI
document's `webhooks` (pure). `tests/core/events` validates every event the core builds against it."""

from __future__ import annotations

from typing import Any, Final

from shared.core.contracts import CONTRACTS
from shared.core.drift.models import CHANGE_TYPES, SEVERITIES, STATUSES
from shared.core.events.model import (
    DATA_CONTENT_TYPE,
    FINDING_EVENT_TYPES,
    RUN_FAILED,
    SPEC_VERSION,
    SUBSCRIPTION_TEST,
)
from shared.core.ids import EVENT_ID_PATTERN, FINDING_ID_PATTERN, GUID_PATTERN, RUN_ID_PATTERN, SUBSCRIPTION_ID_PATTERN

SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID: Final = "urn:tenantatlas:drift:events:1"
# Names of the schemas, as `$defs` in the standalone document and `components/schemas` in OpenAPI.
EVENT_SCHEMA_NAMES: Final[dict[str, str]] = {
    **{event_type: "DriftFindingEvent" for event_type in FINDING_EVENT_TYPES},
    RUN_FAILED: "DriftRunFailedEvent",
    SUBSCRIPTION_TEST: "DriftSubscriptionTestEvent",
}

FINDING_DATA_FIELDS: Final = (
    "tenantId", "tenantDisplayName", "findingId", "policyType", "objectId", "displayName", "changeType",
    "severity", "status", "previousStatus", "runId", "changedBy", "actor", "note", "link",
)  # fmt: skip
_STR: Final = {"type": "string"}
_NULLABLE_STR: Final = {"type": ["string", "null"]}
_LINK: Final = {
    "type": ["string", "null"],
    "format": "uri",
    "description": "The drift page's view, when PUBLIC_BASE_URL is set",
}
_GUID: Final = {"type": "string", "pattern": GUID_PATTERN}


def _bare(pattern: str) -> str:
    """An id pattern without its anchors, to embed in a longer pattern."""
    return pattern.removeprefix("^").removesuffix("$")


def _envelope(types: list[str], source: str, subject: str, data_ref: str, description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"],
        "properties": {
            "specversion": {"const": SPEC_VERSION},
            "id": {
                "type": "string",
                "pattern": EVENT_ID_PATTERN,
                "description": "Stable: the same state change always has the same id (also sent as webhook-id)",
            },
            "source": {"type": "string", "pattern": source},
            "type": {"enum": types} if len(types) > 1 else {"const": types[0]},
            "subject": {"type": "string", "pattern": subject},
            "time": {"type": "string", "format": "date-time", "description": "When the state change happened (UTC)"},
            "datacontenttype": {"const": DATA_CONTENT_TYPE},
            "data": {"$ref": data_ref},
        },
    }


def event_schemas(ref_prefix: str) -> dict[str, Any]:
    """The named event and data schemas, cross-referenced with `ref_prefix` (`#/$defs/` or
    `#/components/schemas/`)."""
    tenant_source = f"^/tenants/{_bare(GUID_PATTERN)}$"
    return {
        "DriftFindingEvent": _envelope(
            list(FINDING_EVENT_TYPES),
            tenant_source,
            f"^findings/{_bare(FINDING_ID_PATTERN)}$",
            ref_prefix + "DriftFindingEventData",
            "A finding state change: opened (new finding), reopened, resolved or acknowledged",
        ),
        "DriftFindingEventData": {
            "type": "object",
            "required": list(FINDING_DATA_FIELDS),
            "properties": {
                "tenantId": _GUID,
                "tenantDisplayName": _STR,
                "findingId": {"type": "string", "pattern": FINDING_ID_PATTERN},
                "policyType": {"enum": sorted(CONTRACTS)},
                "objectId": {"type": "string", "description": "Graph object id of the policy"},
                "displayName": {"type": "string", "description": "Graph displayName (or name) of the policy"},
                "changeType": {"enum": list(CHANGE_TYPES)},
                "severity": {"enum": list(SEVERITIES)},
                "status": {"enum": list(STATUSES), "description": "The finding's status after the change"},
                "previousStatus": {"enum": [*STATUSES, None]},
                "runId": {"type": ["string", "null"], "pattern": RUN_ID_PATTERN},
                "changedBy": {
                    **_NULLABLE_STR,
                    "description": "Who made the drift, from the tenant's audit logs (user principal name or app name)",
                },
                "actor": {
                    "type": "string",
                    "description": "Who changed the finding's state: `system` or the acknowledging user",
                },
                "note": _NULLABLE_STR,
                "link": _LINK,
            },
        },
        "DriftRunFailedEvent": _envelope(
            [RUN_FAILED],
            tenant_source,
            f"^runs/{_bare(RUN_ID_PATTERN)}$",
            ref_prefix + "DriftRunFailedEventData",
            "A scan run that failed",
        ),
        "DriftRunFailedEventData": {
            "type": "object",
            "required": ["tenantId", "tenantDisplayName", "runId", "status", "errorCodes", "link"],
            "properties": {
                "tenantId": _GUID,
                "tenantDisplayName": _STR,
                "runId": {"type": "string", "pattern": RUN_ID_PATTERN},
                "status": {"const": "failed"},
                "errorCodes": {"type": "array", "items": _STR, "description": "Stable error codes of the run"},
                "link": _LINK,
            },
        },
        "DriftSubscriptionTestEvent": _envelope(
            [SUBSCRIPTION_TEST],
            f"^/subscriptions/{_bare(SUBSCRIPTION_ID_PATTERN)}$",
            f"^subscriptions/{_bare(SUBSCRIPTION_ID_PATTERN)}$",
            ref_prefix + "DriftSubscriptionTestEventData",
            "Sent when an admin asks for a test (POST /api/subscriptions/{subscriptionId}/test)",
        ),
        "DriftSubscriptionTestEventData": {
            "type": "object",
            "required": ["subscriptionId", "message", "requestedBy", "link"],
            "properties": {
                "subscriptionId": {"type": "string", "pattern": SUBSCRIPTION_ID_PATTERN},
                "message": _STR,
                "requestedBy": _STR,
                "link": _LINK,
            },
        },
    }


def event_json_schema() -> dict[str, Any]:
    """The standalone JSON Schema of a drift event (checked in as docs/events.schema.json)."""
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "TenantAtlas Drift event (CloudEvents 1.0, structured JSON)",
        "oneOf": [
            {"$ref": "#/$defs/DriftFindingEvent"},
            {"$ref": "#/$defs/DriftRunFailedEvent"},
            {"$ref": "#/$defs/DriftSubscriptionTestEvent"},
        ],
        "$defs": event_schemas("#/$defs/"),
    }
