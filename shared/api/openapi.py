"""The OpenAPI 3 document of the API, built from the same constants the handlers validate with."""

from __future__ import annotations

from typing import Any

from shared.api.findings import STATUS_FILTERS
from shared.api.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_TOKEN_CHARS
from shared.api.request import ApiRequest, ApiResponse
from shared.api.subscriptions import DEFAULT_DELIVERIES, MAX_DELIVERIES
from shared.api.templates import MAX_OBJECT_ID
from shared.api.tenants import DEFAULT_RUNS, MAX_ACCESS_GROUPS, MAX_DISPLAY_NAME, MAX_POLICY_TYPES, MAX_RUNS
from shared.api.validate import query
from shared.core.alignment import (
    DEVIATION_KINDS,
    MAX_TEMPLATE_OBJECTS,
    MAX_VARIABLE_VALUE,
    MAX_VARIABLES,
    VARIABLE_NAME_PATTERN,
)
from shared.core.contracts import CONTRACTS
from shared.core.drift import MAX_NOTE_LENGTH, SEVERITIES
from shared.core.events import (
    DELIVERY_STATUSES,
    EVENT_SCHEMA_NAMES,
    EVENT_TYPES,
    FORMATS,
    ROUTED_EVENT_TYPES,
    SUBSCRIPTION_TEST,
    event_schemas,
)
from shared.core.events.subscriptions import MAX_FILTER_TENANTS
from shared.core.events.urls import MAX_URL_LENGTH
from shared.core.ids import (
    EVENT_ID_PATTERN,
    FINDING_ID_PATTERN,
    GUID_PATTERN,
    RUN_ID_PATTERN,
    SUBSCRIPTION_ID_PATTERN,
    TEMPLATE_ID_PATTERN,
)

_GUID = {"type": "string", "format": "uuid", "pattern": GUID_PATTERN}
_RUN_ID = {"type": "string", "pattern": RUN_ID_PATTERN}
_NULLABLE_STR = {"type": ["string", "null"]}
_POLICY_TYPES = sorted(CONTRACTS)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(schema: dict[str, Any], description: str = "OK", headers: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        out["headers"] = headers
    return out


_COMMON = {
    "400": _error("Bad input"),
    "401": _error("No acceptable identity"),
    "403": _error("Role missing, or a browser request from an origin that is not allowed"),
    "404": _error("Unknown, or not visible to the caller"),
    "500": _error("Service misconfigured"),
}
_TENANT_PARAM = {"name": "tenantId", "in": "path", "required": True, "schema": _GUID}
_FINDING_PARAM = {
    "name": "findingId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": FINDING_ID_PATTERN},
}
_SUBSCRIPTION_PARAM = {
    "name": "subscriptionId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": SUBSCRIPTION_ID_PATTERN},
}
_TEMPLATE_PARAM = {
    "name": "templateId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": TEMPLATE_ID_PATTERN},
}
_VARIABLES = {
    "type": "object",
    "maxProperties": MAX_VARIABLES,
    "description": f"Variable name ({VARIABLE_NAME_PATTERN}) → value",
    "additionalProperties": {"type": "string", "minLength": 1, "maxLength": MAX_VARIABLE_VALUE},
}
_ETAG = {"ETag": {"description": "Version of the finding, for If-Match", "schema": {"type": "string"}}}
_JSON_BODY_ERRORS = {"413": _error("Body too large"), "415": _error("Content-Type is not application/json")}


def _op(summary: str, role: str, responses: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "description": f"Role: {role}.", "responses": {**responses, **_COMMON}, **extra}


def _schemas() -> dict[str, Any]:
    counts = {
        "type": "object",
        "required": ["new", "acknowledged", "resolved"],
        "properties": {
            "new": {"type": "integer", "minimum": 0},
            "acknowledged": {"type": "integer", "minimum": 0},
            "resolved": {"type": "integer", "minimum": 0},
            "byChangeType": {"type": "object", "additionalProperties": {"type": "integer"}},
            "byPolicyType": {"type": "object", "additionalProperties": {"type": "integer"}},
            "bySeverity": {"type": "object", "additionalProperties": {"type": "integer"}},
            "byActor": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "New findings by who made the change (`changedBy`); findings without an actor "
                "are not counted here",
            },
        },
    }
    actor = {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": ["user", "application"]},
            "userPrincipalName": _NULLABLE_STR,
            "userId": _NULLABLE_STR,
            "applicationId": _NULLABLE_STR,
            "applicationDisplayName": {**_NULLABLE_STR, "description": "The app the change was made with or by"},
            "ipAddress": _NULLABLE_STR,
        },
    }
    attribution = {
        "type": ["object", "null"],
        "description": "Who made the change, from the tenant's audit logs (DESIGN §12); null for findings "
        "detected before attribution existed",
        "required": ["state", "reason", "events"],
        "properties": {
            "state": {"type": "string", "enum": ["attributed", "pending", "unattributed", "unavailable"]},
            "reason": {
                **_NULLABLE_STR,
                "description": "Why not attributed: `awaiting_audit_log` (pending), `no_matching_event` "
                "(unattributed), `forbidden` or `audit_not_read` (unavailable), or the error code of a failed read",
            },
            "events": {
                "type": "array",
                "description": "Matching audit events, newest first",
                "items": {
                    "type": "object",
                    "required": ["source", "id", "activity", "at", "actor"],
                    "properties": {
                        "source": {"type": "string", "enum": ["intune", "entra"]},
                        "id": {"type": "string"},
                        "activity": {"type": "string"},
                        "at": {"type": "string"},
                        "actor": actor,
                    },
                },
            },
            "window": {
                "type": "object",
                "description": "The change happened after `after` (the baseline run's start) and before "
                "`before` (the current run's start)",
                "properties": {"after": {"type": "string"}, "before": {"type": "string"}},
            },
        },
    }
    run_ref = {
        "type": ["object", "null"],
        "required": ["runId", "status"],
        "properties": {
            "runId": _RUN_ID,
            "status": {"type": "string"},
            "startedAt": _NULLABLE_STR,
            "finishedAt": _NULLABLE_STR,
        },
    }
    finding_props: dict[str, Any] = {
        "id": {"type": "string"},
        "policyType": {"type": "string", "enum": _POLICY_TYPES},
        "subjectId": {"type": "string"},
        "displayName": {"type": "string"},
        "changeType": {"type": "string", "enum": ["added", "removed", "modified"]},
        "categories": {"type": "array", "items": {"type": "string", "enum": ["settings", "assignments", "metadata"]}},
        "changeSummary": {
            **_NULLABLE_STR,
            "description": "What changed, in words: the first change's label (settings first), its values when "
            "short, and how many more (`Allow Behavior Monitoring: Allowed → Not allowed (+2 more)`); null for "
            "added and removed findings.",
        },
        "severity": {"type": "string", "enum": ["low", "medium", "high"]},
        "status": {"type": "string", "enum": ["new", "acknowledged", "resolved"]},
        "baselineRunId": _RUN_ID,
        "currentRunId": _RUN_ID,
        "firstSeenRunId": _RUN_ID,
        "lastSeenRunId": _RUN_ID,
        "firstSeenAt": {"type": "string"},
        "lastSeenAt": {"type": "string"},
        "changedBy": {
            **_NULLABLE_STR,
            "description": "Who made the change: the newest matching audit event's user principal name or "
            "application name; null when not attributed",
        },
        "changedAt": {**_NULLABLE_STR, "description": "When, by the newest matching audit event"},
        "changedFromIp": {**_NULLABLE_STR, "description": "From where: the IP address of that event's actor"},
        "changedWithApp": {**_NULLABLE_STR, "description": "With which app (or which app on its own)"},
        "attributionState": {
            "type": ["string", "null"],
            "enum": ["attributed", "pending", "unattributed", "unavailable", None],
            "description": "The attribution's state; null for findings detected before attribution existed",
        },
    }
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                }
            },
        },
        "TenantRegistration": {
            "type": "object",
            "additionalProperties": False,
            "required": ["displayName", "enabled"],
            "properties": {
                "displayName": {"type": "string", "minLength": 1, "maxLength": MAX_DISPLAY_NAME},
                "enabled": {"type": "boolean"},
                "policyTypes": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_POLICY_TYPES,
                    "items": {"type": "string", "enum": _POLICY_TYPES},
                },
                "accessGroups": {"type": "array", "maxItems": MAX_ACCESS_GROUPS, "items": _GUID},
            },
        },
        "Tenant": {
            "type": "object",
            "required": ["tenantId", "displayName", "enabled", "policyTypes", "accessGroups", "scopeKey"],
            "properties": {
                "tenantId": _GUID,
                "displayName": {"type": "string"},
                "enabled": {"type": "boolean"},
                "policyTypes": {"type": "array", "items": {"type": "string"}},
                "accessGroups": {"type": "array", "items": {"type": "string"}},
                "scopeKey": {"type": "string"},
                "createdAt": {"type": "string"},
                "updatedAt": {"type": "string"},
            },
        },
        "PolicyTypes": {
            "type": "object",
            "required": ["policyTypes"],
            "properties": {
                "policyTypes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["key", "displayName", "apiVersion", "permission"],
                        "properties": {
                            "key": {"type": "string", "enum": _POLICY_TYPES},
                            "displayName": {"type": "string"},
                            "apiVersion": {"type": "string", "enum": ["v1.0", "beta"]},
                            "permission": {"type": "string"},
                        },
                    },
                }
            },
        },
        "Portfolio": {
            "type": "object",
            "required": ["tenants"],
            "properties": {
                "tenants": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["tenantId", "displayName", "enabled", "lastRun", "counts", "state"],
                        "properties": {
                            "tenantId": _GUID,
                            "displayName": {"type": "string"},
                            "enabled": {"type": "boolean"},
                            "lastRun": run_ref,
                            "counts": counts,
                            "state": {"type": "string", "enum": ["ready", "blocked", "error"]},
                            "coverageProblems": {"type": "integer", "minimum": 0},
                            "alignment": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["templateId", "score", "state"],
                                    "properties": {
                                        "templateId": {"type": "string"},
                                        "displayName": {"type": "string"},
                                        "version": {"type": "integer"},
                                        "runId": _NULLABLE_STR,
                                        "state": {"type": "string", "enum": ["ready", "no_completed_run"]},
                                        "score": {"type": ["number", "null"]},
                                    },
                                },
                            },
                        },
                    },
                }
            },
        },
        "ScanAccepted": {
            "type": "object",
            "required": ["runId", "tenantId", "status"],
            "properties": {"runId": _RUN_ID, "tenantId": _GUID, "status": {"type": "string", "enum": ["queued"]}},
        },
        "Runs": {
            "type": "object",
            "required": ["tenantId", "runs"],
            "properties": {
                "tenantId": _GUID,
                "runs": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["runId", "status", "types", "counts", "errorCodes"],
                        "properties": {
                            "runId": _RUN_ID,
                            "status": {"type": "string", "enum": ["running", "completed", "partial", "failed"]},
                            "startedAt": _NULLABLE_STR,
                            "finishedAt": _NULLABLE_STR,
                            "types": {"type": "object"},
                            "counts": {"type": "object"},
                            "errorCodes": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
        },
        "Summary": {
            "type": "object",
            "required": ["state", "reason", "baseline", "current", "counts", "coverage"],
            "properties": {
                "state": {"type": "string", "enum": ["ready", "blocked", "error"]},
                "reason": {
                    "type": ["object", "null"],
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                },
                "baseline": {
                    "type": ["object", "null"],
                    "required": ["mode", "runId"],
                    "properties": {
                        "mode": {"type": "string", "enum": ["rolling", "pinned"]},
                        "runId": _RUN_ID,
                        "finishedAt": _NULLABLE_STR,
                    },
                },
                "current": run_ref,
                "counts": counts,
                "coverage": {
                    "type": "object",
                    "required": ["complete", "failed"],
                    "properties": {
                        "complete": {"type": "array", "items": {"type": "string"}},
                        "failed": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["policyType", "errorCode"],
                                "properties": {"policyType": {"type": "string"}, "errorCode": {"type": "string"}},
                            },
                        },
                    },
                },
            },
        },
        "Finding": {"type": "object", "required": list(finding_props), "properties": finding_props},
        "FindingsPage": {
            "type": "object",
            "required": ["findings", "continuationToken"],
            "properties": {"findings": {"type": "array", "items": _ref("Finding")}, "continuationToken": _NULLABLE_STR},
        },
        "FindingDetail": {
            "allOf": [
                _ref("Finding"),
                {
                    "type": "object",
                    "required": ["changes", "history", "attribution"],
                    "properties": {
                        "attribution": attribution,
                        "changes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "path",
                                    "category",
                                    "label",
                                    "beforeLabel",
                                    "afterLabel",
                                    "unresolved",
                                ],
                                "properties": {
                                    "path": {"type": "string", "description": "Stable place, from semantic keys"},
                                    "category": {"type": "string", "enum": ["settings", "assignments", "metadata"]},
                                    "before": {"description": "Raw value in the baseline (null: absent)"},
                                    "after": {"description": "Raw value in the current run (null: absent)"},
                                    "label": {
                                        "type": "string",
                                        "description": "The place in words: setting name with its parents "
                                        "(` › `), assignment kind and target name, or the property in words",
                                    },
                                    "beforeLabel": {
                                        **_NULLABLE_STR,
                                        "description": "The baseline value in words where the raw value is an id, "
                                        "an option id or an object; null where it reads well as it is",
                                    },
                                    "afterLabel": {**_NULLABLE_STR, "description": "The current value in words"},
                                    "unresolved": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                        "description": "Ids whose names could not be resolved (shown as the id)",
                                    },
                                },
                            },
                        },
                        "history": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["at", "by", "action"],
                                "properties": {
                                    "at": {"type": "string"},
                                    "by": {"type": "string"},
                                    "action": {
                                        "type": "string",
                                        "enum": ["detected", "acknowledged", "reopened", "resolved"],
                                    },
                                    "note": _NULLABLE_STR,
                                    "runId": _NULLABLE_STR,
                                },
                            },
                        },
                    },
                },
            ]
        },
        "Acknowledge": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"note": {"type": "string", "maxLength": MAX_NOTE_LENGTH}},
        },
        **_template_schemas(),
        "Empty": {"type": "object", "additionalProperties": False, "maxProperties": 0},
        "BaselinePin": {
            "type": "object",
            "additionalProperties": False,
            "required": ["runId"],
            "properties": {"runId": _RUN_ID},
        },
        "Baseline": {
            "type": "object",
            "required": ["mode"],
            "properties": {
                "mode": {"type": "string", "enum": ["rolling", "pinned"]},
                "runId": _RUN_ID,
                "finishedAt": _NULLABLE_STR,
            },
        },
        **_subscription_schemas(),
        **event_schemas("#/components/schemas/"),
    }


def _subscription_schemas() -> dict[str, Any]:
    def some(items: dict[str, Any], most: int) -> dict[str, Any]:
        return {"type": ["array", "null"], "minItems": 1, "maxItems": most, "items": items}

    subscription_props: dict[str, Any] = {
        "subscriptionId": {"type": "string", "pattern": SUBSCRIPTION_ID_PATTERN},
        "url": {"type": "string"},
        "format": {"type": "string", "enum": list(FORMATS)},
        "filter": _ref("SubscriptionFilter"),
        "enabled": {"type": "boolean"},
        "createdAt": {"type": "string"},
        "updatedAt": {"type": "string"},
    }
    return {
        "SubscriptionFilter": {
            "type": "object",
            "additionalProperties": False,
            "description": "Leave a field out to let everything through it. minSeverity and policyTypes judge finding "
            "events; drift.run.failed carries neither and passes them.",
            "properties": {
                "tenantIds": some(_GUID, MAX_FILTER_TENANTS),
                "eventTypes": some({"type": "string", "enum": list(ROUTED_EVENT_TYPES)}, len(ROUTED_EVENT_TYPES)),
                "minSeverity": {"type": ["string", "null"], "enum": [*SEVERITIES, None]},
                "policyTypes": some({"type": "string", "enum": _POLICY_TYPES}, len(_POLICY_TYPES)),
            },
        },
        "SubscriptionRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["url"],
            "properties": {
                "url": {
                    "type": "string",
                    "maxLength": MAX_URL_LENGTH,
                    "description": "https; must not resolve to a private, loopback, link-local, multicast, reserved "
                    "or metadata address (http on loopback only against the local storage emulator)",
                },
                "format": {"type": "string", "enum": list(FORMATS), "default": "cloudevents"},
                "filter": {"oneOf": [_ref("SubscriptionFilter"), {"type": "null"}]},
                "enabled": {"type": "boolean", "default": True},
            },
        },
        "Subscription": {"type": "object", "required": list(subscription_props), "properties": subscription_props},
        "SubscriptionCreated": {
            "allOf": [
                _ref("Subscription"),
                {
                    "type": "object",
                    "required": ["signingSecret"],
                    "properties": {
                        "signingSecret": {
                            "type": "string",
                            "pattern": "^whsec_[A-Za-z0-9+/]+={0,2}$",
                            "description": "Standard Webhooks secret; answered only here, never again",
                        }
                    },
                },
            ]
        },
        "Subscriptions": {
            "type": "object",
            "required": ["subscriptions"],
            "properties": {"subscriptions": {"type": "array", "items": _ref("Subscription")}},
        },
        "TestAccepted": {
            "type": "object",
            "required": ["subscriptionId", "eventId", "type", "status"],
            "properties": {
                "subscriptionId": {"type": "string", "pattern": SUBSCRIPTION_ID_PATTERN},
                "eventId": {"type": "string", "pattern": EVENT_ID_PATTERN},
                "type": {"const": SUBSCRIPTION_TEST},
                "status": {"const": "queued"},
            },
        },
        "Deliveries": {
            "type": "object",
            "required": ["subscriptionId", "deliveries"],
            "properties": {
                "subscriptionId": {"type": "string", "pattern": SUBSCRIPTION_ID_PATTERN},
                "deliveries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["eventId", "type", "status", "attempts", "lastHttpStatus", "lastError"],
                        "properties": {
                            "eventId": {"type": "string", "pattern": EVENT_ID_PATTERN},
                            "type": {"type": "string", "enum": list(EVENT_TYPES)},
                            "subject": {"type": "string"},
                            "eventTime": {"type": "string"},
                            "status": {"type": "string", "enum": list(DELIVERY_STATUSES)},
                            "attempts": {"type": "integer", "minimum": 1},
                            "lastHttpStatus": {"type": ["integer", "null"]},
                            "lastError": _NULLABLE_STR,
                            "firstAttemptAt": {"type": "string"},
                            "lastAttemptAt": {"type": "string"},
                            "nextAttemptAt": _NULLABLE_STR,
                        },
                    },
                },
            },
        },
        "TeamsMessage": {
            "type": "object",
            "description": "format teams: a Teams Workflows webhook message with one Adaptive Card (1.4)",
            "required": ["type", "attachments"],
            "properties": {
                "type": {"const": "message"},
                "attachments": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["contentType", "content"],
                        "properties": {
                            "contentType": {"const": "application/vnd.microsoft.card.adaptive"},
                            "contentUrl": {"type": "null"},
                            "content": {"type": "object", "required": ["type", "version", "body"]},
                        },
                    },
                },
            },
        },
    }


_SIGNATURE_HEADERS = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The event id: the same on every attempt, so receivers dedupe on it",
        "schema": {"type": "string", "pattern": EVENT_ID_PATTERN},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "Unix seconds of this attempt",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": "v1, + base64 HMAC-SHA256 of {webhook-id}.{webhook-timestamp}.{body} with the whsec_ secret",
        "schema": {"type": "string", "pattern": "^v1,"},
    },
]


def _webhooks() -> dict[str, Any]:
    """One entry per event type: what a subscriber receives (Standard Webhooks signed POST)."""
    out: dict[str, Any] = {}
    for event_type in EVENT_TYPES:
        out[event_type] = {
            "post": {
                "summary": f"{event_type} event",
                "description": "Delivered to every enabled subscription whose filter passes the event (a test "
                "event only to its subscription). Format cloudevents: the event itself, application/cloudevents+json; "
                "format teams: a Teams message with an Adaptive Card. A non-2xx answer, a redirect, a timeout (10 s) "
                "or a connection error is retried with doubling delays, then marked failed.",
                "operationId": "event_" + event_type.replace(".", "_"),
                "parameters": _SIGNATURE_HEADERS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/cloudevents+json": {"schema": _ref(EVENT_SCHEMA_NAMES[event_type])},
                        "application/json": {"schema": _ref("TeamsMessage")},
                    },
                },
                "responses": {"2XX": {"description": "Delivered"}},
            }
        }
    return out


def _subscription_paths() -> dict[str, Any]:
    admin = "Drift.Admin"
    top = {
        "name": "top",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DELIVERIES, "default": DEFAULT_DELIVERIES},
    }
    return {
        "/subscriptions": {
            "get": _op(
                "Event subscriptions", admin, {"200": _ok(_ref("Subscriptions"))}, operationId="getSubscriptions"
            )
        },
        "/subscriptions/{subscriptionId}": {
            "put": _op(
                "Create or replace an event subscription",
                admin,
                {
                    "200": _ok(_ref("Subscription"), "Replaced (the signing secret is kept)"),
                    "201": _ok(_ref("SubscriptionCreated"), "Created; the only answer with the signing secret"),
                    **_JSON_BODY_ERRORS,
                },
                operationId="putSubscription",
                parameters=[_SUBSCRIPTION_PARAM],
                requestBody=_json_body("SubscriptionRequest"),
            ),
            "get": _op(
                "One event subscription",
                admin,
                {"200": _ok(_ref("Subscription"))},
                operationId="getSubscription",
                parameters=[_SUBSCRIPTION_PARAM],
            ),
            "delete": _op(
                "Delete an event subscription and its deliveries log",
                admin,
                {"204": {"description": "Deleted"}},
                operationId="deleteSubscription",
                parameters=[_SUBSCRIPTION_PARAM],
            ),
        },
        "/subscriptions/{subscriptionId}/test": {
            "post": _op(
                "Send a drift.subscription.test event now",
                admin,
                {"202": _ok(_ref("TestAccepted"), "Queued for delivery"), "409": _error("Subscription disabled")},
                operationId="testSubscription",
                parameters=[_SUBSCRIPTION_PARAM],
            )
        },
        "/subscriptions/{subscriptionId}/deliveries": {
            "get": _op(
                "Recent deliveries, newest first",
                admin,
                {"200": _ok(_ref("Deliveries"))},
                operationId="getDeliveries",
                parameters=[_SUBSCRIPTION_PARAM, top],
            )
        },
    }


def _template_schemas() -> dict[str, Any]:
    counts = {
        "type": "object",
        "required": ["matched", "missing", "different", "conflicting"],
        "properties": {
            k: {"type": "integer", "minimum": 0} for k in ("matched", "missing", "different", "conflicting")
        },
    }
    deviation = {
        "type": "object",
        "required": ["kind", "policyType", "templateObjectId", "templateDisplayName", "tenantObjectIds", "path",
                     "label", "expected", "actual"],
        "properties": {
            "kind": {"type": "string", "enum": list(DEVIATION_KINDS)},
            "policyType": {"type": "string", "enum": _POLICY_TYPES},
            "templateObjectId": {"type": "string"},
            "templateDisplayName": {"type": "string"},
            "tenantObjectIds": {"type": "array", "items": {"type": "string"}},
            "path": {"type": "string"},
            "label": {"type": "string"},
            "expected": {},
            "actual": {},
        },
    }  # fmt: skip
    return {
        "TemplateRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["displayName", "sourceTenantId"],
            "properties": {
                "displayName": {"type": "string", "minLength": 1, "maxLength": MAX_DISPLAY_NAME},
                "sourceTenantId": _GUID,
                "runId": _RUN_ID,
                "objects": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_TEMPLATE_OBJECTS,
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["policyType", "id"],
                        "properties": {
                            "policyType": {"type": "string", "enum": _POLICY_TYPES},
                            "id": {"type": "string", "minLength": 1, "maxLength": MAX_OBJECT_ID},
                        },
                    },
                },
                "variables": _VARIABLES,
                "compareAssignments": {"type": "boolean", "default": False},
            },
        },
        "Template": {
            "type": "object",
            "required": [
                "templateId",
                "displayName",
                "version",
                "sourceTenantId",
                "runId",
                "compareAssignments",
                "variables",
                "objects",
            ],
            "properties": {
                "templateId": {"type": "string", "pattern": TEMPLATE_ID_PATTERN},
                "displayName": {"type": "string"},
                "version": {"type": "integer", "minimum": 1},
                "sourceTenantId": _GUID,
                "runId": _RUN_ID,
                "compareAssignments": {"type": "boolean"},
                "variables": {"type": "object", "additionalProperties": {"type": "string"}},
                "objectCount": {"type": "integer", "minimum": 0},
                "createdAt": {"type": "string"},
                "updatedAt": {"type": "string"},
                "objects": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["policyType", "id", "displayName", "settingsCount"],
                        "properties": {
                            "policyType": {"type": "string"},
                            "id": {"type": "string"},
                            "displayName": {"type": "string"},
                            "settingsCount": {"type": "integer", "minimum": 0},
                        },
                    },
                },
            },
        },
        "Templates": {
            "type": "object",
            "required": ["templates"],
            "properties": {"templates": {"type": "array", "items": _ref("Template")}},
        },
        "AssignmentRequest": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"variables": _VARIABLES},
        },
        "TemplateAlignment": {
            "type": "object",
            "required": [
                "templateId",
                "displayName",
                "version",
                "runId",
                "state",
                "score",
                "counts",
                "deviations",
                "deviationsOmitted",
                "notCovered",
            ],
            "properties": {
                "templateId": {"type": "string"},
                "displayName": {"type": "string"},
                "version": {"type": "integer", "minimum": 1},
                "runId": {**_RUN_ID, "type": ["string", "null"]},
                "state": {"type": "string", "enum": ["ready", "no_completed_run"]},
                "score": {"type": ["number", "null"], "minimum": 0, "maximum": 100},
                "counts": counts,
                "deviations": {"type": "array", "items": deviation},
                "deviationsOmitted": {"type": "integer", "minimum": 0},
                "notCovered": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Assignment": {
            "type": "object",
            "required": ["tenantId", "templateId", "variables", "alignment"],
            "properties": {
                "tenantId": _GUID,
                "templateId": {"type": "string"},
                "variables": {"type": "object", "additionalProperties": {"type": "string"}},
                "alignment": _ref("TemplateAlignment"),
            },
        },
        "Alignment": {
            "type": "object",
            "required": ["tenantId", "computedAt", "templates"],
            "properties": {
                "tenantId": _GUID,
                "computedAt": _NULLABLE_STR,
                "templates": {"type": "array", "items": _ref("TemplateAlignment")},
            },
        },
    }


def _json_body(schema: str, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": _ref(schema)}}}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.0 document served at /api/openapi.json."""
    findings_params = [
        _TENANT_PARAM,
        {
            "name": "status",
            "in": "query",
            "schema": {"type": "string", "enum": list(STATUS_FILTERS), "default": "new"},
        },
        {"name": "changeType", "in": "query", "schema": {"type": "string", "enum": ["added", "removed", "modified"]}},
        {"name": "policyType", "in": "query", "schema": {"type": "string", "enum": _POLICY_TYPES}},
        {"name": "severity", "in": "query", "schema": {"type": "string", "enum": ["low", "medium", "high"]}},
        {
            "name": "pageSize",
            "in": "query",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
        },
        {"name": "continuationToken", "in": "query", "schema": {"type": "string", "maxLength": MAX_TOKEN_CHARS}},
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TenantAtlas Drift API",
            "version": "1.0.0",
            "description": "Read-only configuration drift for Intune and Entra ID tenants. Identity: Easy Auth or an Entra bearer token; "
            "app roles Drift.Read, Drift.Triage, Drift.Admin. A tenant the caller may not see answers like one that does not exist. "
            "Every POST, PUT and DELETE declares Content-Type: application/json, with a body or without (415 otherwise); "
            "a request with an Origin header must come from the app's own origin or an allowed one (403 otherwise).",
        },
        "servers": [{"url": "/api"}],
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
        "security": [{"bearer": []}, {}],
        "paths": {
            "/tenants": {
                "get": _op("Portfolio", "Drift.Read", {"200": _ok(_ref("Portfolio"))}, operationId="getPortfolio")
            },
            "/policy-types": {
                "get": _op(
                    "Supported policy types: names for people and the Graph permission each needs",
                    "Drift.Read",
                    {"200": _ok(_ref("PolicyTypes"))},
                    operationId="getPolicyTypes",
                )
            },
            "/tenants/{tenantId}": {
                "put": _op(
                    "Register or update a tenant",
                    "Drift.Admin",
                    {"200": _ok(_ref("Tenant"), "Updated"), "201": _ok(_ref("Tenant"), "Created"), **_JSON_BODY_ERRORS},
                    operationId="putTenant",
                    parameters=[_TENANT_PARAM],
                    requestBody=_json_body("TenantRegistration"),
                )
            },
            "/tenants/{tenantId}/scans": {
                "post": _op(
                    "Enqueue a scan now",
                    "Drift.Admin",
                    {"202": _ok(_ref("ScanAccepted"), "Queued"), "409": _error("Tenant disabled"), **_JSON_BODY_ERRORS},
                    operationId="postScan",
                    parameters=[_TENANT_PARAM],
                    requestBody=_json_body("Empty", required=False),
                )
            },
            "/tenants/{tenantId}/runs": {
                "get": _op(
                    "Recent runs, newest first",
                    "Drift.Read",
                    {"200": _ok(_ref("Runs"))},
                    operationId="getRuns",
                    parameters=[
                        _TENANT_PARAM,
                        {
                            "name": "top",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_RUNS, "default": DEFAULT_RUNS},
                        },
                    ],
                )
            },
            "/tenants/{tenantId}/drift": {
                "get": _op(
                    "Drift summary",
                    "Drift.Read",
                    {"200": _ok(_ref("Summary"))},
                    operationId="getDrift",
                    parameters=[_TENANT_PARAM],
                )
            },
            "/tenants/{tenantId}/drift/findings": {
                "get": _op(
                    "Findings",
                    "Drift.Read",
                    {"200": _ok(_ref("FindingsPage"))},
                    operationId="getFindings",
                    parameters=findings_params,
                )
            },
            "/tenants/{tenantId}/drift/findings/{findingId}": {
                "get": _op(
                    "Finding detail",
                    "Drift.Read",
                    {"200": _ok(_ref("FindingDetail"), headers=_ETAG)},
                    operationId="getFinding",
                    parameters=[_TENANT_PARAM, _FINDING_PARAM],
                )
            },
            "/tenants/{tenantId}/drift/findings/{findingId}/acknowledge": {
                "post": _op(
                    "Acknowledge a finding",
                    "Drift.Triage",
                    {
                        "200": _ok(_ref("FindingDetail"), headers=_ETAG),
                        "409": _error("Finding resolved"),
                        "412": _error("Stale If-Match"),
                        **_JSON_BODY_ERRORS,
                    },
                    operationId="acknowledgeFinding",
                    parameters=[
                        _TENANT_PARAM,
                        _FINDING_PARAM,
                        {"name": "If-Match", "in": "header", "schema": {"type": "string"}},
                    ],
                    requestBody=_json_body("Acknowledge", required=False),
                )
            },
            "/templates": {
                "get": _op("Templates", "Drift.Admin", {"200": _ok(_ref("Templates"))}, operationId="getTemplates")
            },
            "/templates/{templateId}": {
                "put": _op(
                    "Create a template, or a new version of it",
                    "Drift.Admin",
                    {
                        "200": _ok(_ref("Template"), "New version"),
                        "201": _ok(_ref("Template"), "Created"),
                        "409": _error("Run not completed, no completed run, or concurrent change"),
                        **_JSON_BODY_ERRORS,
                    },
                    operationId="putTemplate",
                    parameters=[_TEMPLATE_PARAM],
                    requestBody=_json_body("TemplateRequest"),
                ),
                "get": _op(
                    "One template",
                    "Drift.Admin",
                    {"200": _ok(_ref("Template"))},
                    operationId="getTemplate",
                    parameters=[_TEMPLATE_PARAM],
                ),
                "delete": _op(
                    "Delete a template with its versions and assignments",
                    "Drift.Admin",
                    {"204": {"description": "Deleted"}},
                    operationId="deleteTemplate",
                    parameters=[_TEMPLATE_PARAM],
                ),
            },
            "/tenants/{tenantId}/templates/{templateId}": {
                "put": _op(
                    "Assign a template (with this tenant's variable values) and measure the tenant now",
                    "Drift.Admin",
                    {
                        "200": _ok(_ref("Assignment"), "Updated"),
                        "201": _ok(_ref("Assignment"), "Assigned"),
                        **_JSON_BODY_ERRORS,
                    },
                    operationId="putAssignment",
                    parameters=[_TENANT_PARAM, _TEMPLATE_PARAM],
                    requestBody=_json_body("AssignmentRequest", required=False),
                ),
                "delete": _op(
                    "Unassign a template",
                    "Drift.Admin",
                    {"204": {"description": "Unassigned"}},
                    operationId="deleteAssignment",
                    parameters=[_TENANT_PARAM, _TEMPLATE_PARAM],
                ),
            },
            "/tenants/{tenantId}/alignment": {
                "get": _op(
                    "The tenant's alignment with each assigned template",
                    "Drift.Read",
                    {"200": _ok(_ref("Alignment"))},
                    operationId="getAlignment",
                    parameters=[_TENANT_PARAM],
                )
            },
            "/tenants/{tenantId}/drift/baseline": {
                "put": _op(
                    "Pin a completed run as the baseline",
                    "Drift.Admin",
                    {"200": _ok(_ref("Baseline")), "409": _error("Run not usable as a baseline"), **_JSON_BODY_ERRORS},
                    operationId="pinBaseline",
                    parameters=[_TENANT_PARAM],
                    requestBody=_json_body("BaselinePin"),
                ),
                "delete": _op(
                    "Return to rolling baselines",
                    "Drift.Admin",
                    {"200": _ok(_ref("Baseline")), **_JSON_BODY_ERRORS},
                    operationId="unpinBaseline",
                    parameters=[_TENANT_PARAM],
                ),
            },
            **_subscription_paths(),
        },
        "webhooks": _webhooks(),
    }


def get_document(request: ApiRequest) -> ApiResponse:
    """GET /api/openapi.json: the document, to anyone (it holds no data); no query parameters."""
    query(request, {})
    return ApiResponse(openapi_document())
