"""Audit events as the snapshot keeps them (pure, DESIGN §12): Graph's two shapes trimmed to one.

Intune `deviceManagement/auditEvents` and Entra `auditLogs/directoryAudits` describe the same thing
differently; both become

    {"id", "source": "intune"|"entra", "at", "activity",
     "actor": {"type": "user"|"application", "userPrincipalName", "userId", "applicationId",
               "applicationDisplayName", "ipAddress"},
     "resources": [{"id", "type"}]}

and nothing else: `modifiedProperties` (old and new values, which can hold secrets), resource
display names and every other field are dropped here, before anything is stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypedDict

from shared.core.clock import iso
from shared.core.contracts import CONTRACTS

AuditSource = Literal["intune", "entra"]
SOURCES: Final[tuple[AuditSource, ...]] = ("entra", "intune")
# Graph's Intune workloads; every other configuration a contract reads is Entra's (Conditional
# Access, named locations, authentication methods and the other `policies/...`).
_INTUNE_ROOTS: Final = ("deviceManagement/", "deviceAppManagement/")
_FRACTION: Final = re.compile(r"^(?P<head>[^.]+?)(?:\.(?P<fraction>\d+))?(?P<zone>Z|[+-]\d\d:\d\d)?$")
_MAX_TEXT: Final = 256


class Actor(TypedDict):
    """Who made a change: a user (with the app they used) or an application on its own."""

    type: Literal["user", "application"]
    userPrincipalName: str | None
    userId: str | None
    applicationId: str | None
    applicationDisplayName: str | None
    ipAddress: str | None


class Resource(TypedDict):
    """An object an event touched: Intune `resources[].resourceId`, Entra `targetResources[].id`."""

    id: str
    type: str | None


class AuditEvent(TypedDict):
    """One audit event, trimmed to what attribution needs."""

    id: str
    source: AuditSource
    at: str
    activity: str
    actor: Actor
    resources: list[Resource]


def audit_source(policy_type: str) -> AuditSource:
    """The audit log that records changes of a policy type (by the Graph path its contract reads)."""
    contract = CONTRACTS.get(policy_type)
    paths = [s.path for s in contract.sources] if contract is not None else []
    return "intune" if paths and all(p.startswith(_INTUNE_ROOTS) for p in paths) else "entra"


def event_time(value: Any) -> str | None:
    """Graph's `activityDateTime` (up to 7 fractional digits, `Z` or an offset) as the app writes
    times (milliseconds, `Z`), so events and runs compare as text; None when it is not a time."""
    if not isinstance(value, str):
        return None
    match = _FRACTION.match(value.strip())
    if match is None:
        return None
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    zone = match["zone"] or "Z"
    try:
        moment = datetime.fromisoformat(f"{match['head']}.{fraction}{'+00:00' if zone == 'Z' else zone}")
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso(moment)


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:_MAX_TEXT]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _resources(entries: Any, id_field: str) -> list[Resource]:
    out: dict[str, Resource] = {}
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, Mapping):
            rid = _text(entry.get(id_field))
            if rid is not None:
                out.setdefault(rid.lower(), Resource(id=rid.lower(), type=_text(entry.get("type"))))
    return [out[k] for k in sorted(out)]


def from_intune(raw: Mapping[str, Any]) -> AuditEvent | None:
    """An Intune `auditEvent` trimmed (None: no id or no time, nothing to attribute with)."""
    event_id, at = _text(raw.get("id")), event_time(raw.get("activityDateTime"))
    if event_id is None or at is None:
        return None
    actor = _mapping(raw.get("actor"))
    upn, user_id = _text(actor.get("userPrincipalName")), _text(actor.get("userId"))
    return AuditEvent(
        id=event_id,
        source="intune",
        at=at,
        activity=_text(raw.get("activityType")) or _text(raw.get("activity")) or _text(raw.get("displayName")) or "",
        actor=Actor(
            type="user" if upn or user_id else "application",
            userPrincipalName=upn,
            userId=user_id,
            applicationId=_text(actor.get("applicationId")),
            applicationDisplayName=_text(actor.get("applicationDisplayName")),
            ipAddress=_text(actor.get("ipAddress")),
        ),
        resources=_resources(raw.get("resources"), "resourceId"),
    )


def from_entra(raw: Mapping[str, Any]) -> AuditEvent | None:
    """An Entra `directoryAudit` trimmed (None: no id or no time)."""
    event_id, at = _text(raw.get("id")), event_time(raw.get("activityDateTime"))
    if event_id is None or at is None:
        return None
    initiated = _mapping(raw.get("initiatedBy"))
    user, app = _mapping(initiated.get("user")), _mapping(initiated.get("app"))
    if _text(user.get("id")) or _text(user.get("userPrincipalName")):
        actor = Actor(
            type="user",
            userPrincipalName=_text(user.get("userPrincipalName")),
            userId=_text(user.get("id")),
            applicationId=None,
            applicationDisplayName=None,
            ipAddress=_text(user.get("ipAddress")),
        )
    else:
        actor = Actor(
            type="application",
            userPrincipalName=None,
            userId=None,
            applicationId=_text(app.get("appId")),
            applicationDisplayName=_text(app.get("displayName")),
            ipAddress=None,
        )
    return AuditEvent(
        id=event_id,
        source="entra",
        at=at,
        activity=_text(raw.get("activityDisplayName")) or "",
        actor=actor,
        resources=_resources(raw.get("targetResources"), "id"),
    )


def trim_events(source: AuditSource, raws: Iterable[Any]) -> list[AuditEvent]:
    """Every usable event of one source, trimmed, each once, in (time, id) order; events that touch
    no object are dropped (nothing could match them)."""
    convert = from_intune if source == "intune" else from_entra
    kept: dict[str, AuditEvent] = {}
    for raw in raws:
        event = convert(raw) if isinstance(raw, Mapping) else None
        if event is not None and event["resources"]:
            kept[event["id"]] = event
    return sorted(kept.values(), key=lambda e: (e["at"], e["id"]))
