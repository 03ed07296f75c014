"""The audit logs of a simulated tenant: every change a test makes is written as Graph logs it.

Intune changes go to `deviceManagement/auditEvents` (v1.0 and beta): `actor` with `auditActorType`,
`resources[]` with `resourceId`, `type` and `modifiedProperties`. Entra changes (Conditional Access,
named locations, the authentication methods policy) go to `auditLogs/directoryAudits` (v1.0 only;
beta answers 500): `initiatedBy.user` or `initiatedBy.app`, `targetResources[]` with `id`.

Both carry the changed properties' old and new values, as Graph does, secrets included: that is
exactly what the app must never keep.

Knobs (on `SimTenant.audit`): `latency_seconds` (events become visible that long after the change;
Entra's lag is minutes), `max_page` (the largest page served, so tests can force paging),
`add_noise(...)` (events for other objects or at chosen times). A 403 is the fault plan's
`forbid("deviceManagement/auditEvents")`. The router filters as the services do (strict: a
filter the service refuses is a 400).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from devtools.graphsim.util import graph_timestamp, guid

Obj = dict[str, Any]
Source = Literal["intune", "entra"]

INTUNE_PATH = "deviceManagement/auditEvents"
ENTRA_PATH = "auditLogs/directoryAudits"
INTUNE_PORTAL_APP = ("5926fc8e-304e-4f59-8bed-58ca97cc39a4", "Microsoft Intune portal extension")
ENTRA_PORTAL_APP = ("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal")
# Entra's words for the objects this simulator serves: (bucket) → (noun, loggedByService).
_ENTRA_NOUNS: dict[str, tuple[str, str]] = {
    "identity/conditionalAccess/policies": ("conditional access policy", "Conditional Access"),
    "identity/conditionalAccess/namedLocations": ("named location", "Conditional Access"),
    "policies/authenticationMethodsPolicy": ("authentication methods policy", "Authentication Methods"),
}
_ENTRA_VERBS = {"Create": "Add", "Patch": "Update", "Delete": "Delete"}


@dataclass(frozen=True)
class AuditActor:
    """Who the simulated tenant's next changes are made by."""

    kind: Literal["user", "application"]
    user_principal_name: str | None = None
    user_id: str | None = None
    app_id: str | None = None
    app_name: str | None = None
    ip_address: str | None = None

    @classmethod
    def user(cls, upn: str, user_id: str, ip_address: str = "203.0.113.10") -> AuditActor:
        """An admin signed in to the portal."""
        return cls("user", upn, user_id, None, None, ip_address)

    @classmethod
    def app(cls, name: str, app_id: str) -> AuditActor:
        """An application acting on its own (an automation with application permissions)."""
        return cls("application", None, None, app_id, name, None)


@dataclass
class _Logged:
    visible_at: float
    at: str
    event: Obj


@dataclass
class AuditLog:
    """One tenant's two audit logs."""

    tenant_id: str
    domain: str
    latency_seconds: float = 0.0
    max_page: int = 999
    recording: bool = True
    _rng: random.Random = field(default_factory=lambda: random.Random(0))
    _events: dict[str, list[_Logged]] = field(default_factory=lambda: {"intune": [], "entra": []})
    _lock: threading.Lock = field(default_factory=threading.Lock)
    actor: AuditActor | None = None

    def __post_init__(self) -> None:
        self._rng = random.Random(f"audit:{self.tenant_id}")
        if self.actor is None:
            self.actor = AuditActor.user(f"admin@{self.domain}", guid(self._rng))

    @contextmanager
    def acting_as(self, actor: AuditActor) -> Iterator[None]:
        """Changes inside the block are logged as made by `actor`."""
        before = self.actor
        self.actor = actor
        try:
            yield
        finally:
            self.actor = before

    # -- writing --------------------------------------------------------------------------------

    def record(
        self,
        *,
        intune: bool,
        bucket: str,
        entity_type: str,
        operation: Literal["Create", "Patch", "Delete"],
        object_id: str,
        display_name: str | None,
        before: Obj | None,
        after: Obj | None,
        at: datetime | None = None,
        actor: AuditActor | None = None,
    ) -> Obj:
        """Log one change (called by the store for every add, update and delete)."""
        moment = at or datetime.now(UTC)
        who = actor or self.actor
        assert who is not None
        changed = _modified(before, after)
        kind = entity_type.rsplit(".", 1)[-1]
        kind = kind[:1].upper() + kind[1:]
        if intune:
            event = self._intune(moment, who, operation, kind, object_id, display_name, changed)
        else:
            event = self._entra(moment, who, operation, bucket, object_id, display_name, changed)
        self._log("intune" if intune else "entra", moment, event)
        return event

    def add_noise(
        self,
        source: Source,
        count: int = 1,
        *,
        object_id: str | None = None,
        at: datetime | None = None,
        actor: AuditActor | None = None,
    ) -> list[Obj]:
        """Events that are not the change under test: for other objects (a random id) or at a chosen
        time (before a baseline, say)."""
        out = []
        for _ in range(count):
            with self._lock:
                oid = object_id or guid(self._rng)
            out.append(
                self.record(
                    intune=source == "intune",
                    bucket="identity/conditionalAccess/policies" if source == "entra" else "",
                    entity_type="microsoft.graph.deviceConfiguration",
                    operation="Patch",
                    object_id=oid,
                    display_name="Unrelated object",
                    before={"displayName": "a"},
                    after={"displayName": "b"},
                    at=at,
                    actor=actor,
                )
            )
        return out

    def _log(self, source: Source, moment: datetime, event: Obj) -> None:
        with self._lock:
            self._events[source].append(_Logged(time.time() + self.latency_seconds, event["activityDateTime"], event))

    def _intune(
        self,
        moment: datetime,
        who: AuditActor,
        operation: str,
        kind: str,
        object_id: str,
        display_name: str | None,
        changed: list[Obj],
    ) -> Obj:
        user = who.kind == "user"
        app_id, app_name = INTUNE_PORTAL_APP if user else (who.app_id, who.app_name)
        with self._lock:
            event_id, correlation = guid(self._rng), guid(self._rng)
        return {
            "@odata.type": "#microsoft.graph.auditEvent",
            "id": event_id,
            "displayName": f"{operation} {kind}",
            "componentName": kind,
            "actor": {
                "@odata.type": "microsoft.graph.auditActor",
                "type": "ItPro" if user else "Application",
                "auditActorType": "ItPro" if user else "Application",
                "userPermissions": ["*"],
                "applicationId": app_id,
                "applicationDisplayName": app_name,
                "userPrincipalName": who.user_principal_name,
                "servicePrincipalName": None if user else app_name,
                "ipAddress": who.ip_address,
                "userId": who.user_id,
                "remoteTenantId": None,
                "remoteUserId": None,
            },
            "activity": None,
            "activityDateTime": graph_timestamp(moment),
            "activityType": f"{operation} {kind}",
            "activityOperationType": operation,
            "activityResult": "Success",
            "correlationId": correlation,
            "resources": [
                {
                    "@odata.type": "microsoft.graph.auditResource",
                    "displayName": display_name,
                    "modifiedProperties": changed,
                    "type": kind,
                    "auditResourceType": kind,
                    "resourceId": object_id,
                }
            ],
            "category": kind,
        }

    def _entra(
        self,
        moment: datetime,
        who: AuditActor,
        operation: str,
        bucket: str,
        object_id: str,
        display_name: str | None,
        changed: list[Obj],
    ) -> Obj:
        noun, service = _ENTRA_NOUNS.get(bucket, ("policy", "Core Directory"))
        with self._lock:
            event_id, correlation = f"Directory_{guid(self._rng)}_{self._rng.randrange(1, 99_999)}", guid(self._rng)
        user = None
        app = None
        if who.kind == "user":
            user = {
                "id": who.user_id,
                "displayName": None,
                "userPrincipalName": who.user_principal_name,
                "ipAddress": who.ip_address,
                "userType": "Member",
                "homeTenantId": self.tenant_id,
                "homeTenantName": None,
            }
        else:
            app = {
                "appId": who.app_id,
                "displayName": who.app_name,
                "servicePrincipalId": guid(random.Random(who.app_id)),
                "servicePrincipalName": who.app_name,
            }
        return {
            "id": event_id,
            "category": "Policy",
            "correlationId": correlation,
            "result": "success",
            "resultReason": "",
            "activityDisplayName": f"{_ENTRA_VERBS[operation]} {noun}",
            "activityDateTime": graph_timestamp(moment),
            "loggedByService": service,
            "operationType": _ENTRA_VERBS[operation],
            "initiatedBy": {"user": user, "app": app},
            "targetResources": [
                {
                    "id": object_id,
                    "displayName": display_name,
                    "type": "Policy",
                    "userPrincipalName": None,
                    "groupType": None,
                    "modifiedProperties": changed,
                }
            ],
            "additionalDetails": [],
        }

    # -- reading (the router) -------------------------------------------------------------------

    def visible(self, source: Source) -> list[Obj]:
        """Events Graph would list now, newest first (an event in its latency is not there yet)."""
        now = time.time()
        with self._lock:
            logged = [e for e in self._events[source] if e.visible_at <= now]
        return [e.event for e in sorted(logged, key=lambda e: e.at, reverse=True)]


def _modified(before: Obj | None, after: Obj | None) -> list[Obj]:
    """`modifiedProperties` as the services write them: each top-level property that differs, its
    old and new values as JSON text (whatever they hold)."""
    old, new = before or {}, after or {}
    out = []
    for key in sorted(set(old) | set(new)):
        if key.startswith("@") or old.get(key) == new.get(key):
            continue
        out.append(
            {
                "displayName": key,
                "oldValue": None if key not in old else json.dumps(old[key]),
                "newValue": None if key not in new else json.dumps(new[key]),
            }
        )
    return out


# -- filters the services take ----------------------------------------------------------------------

_TIME = r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,7})?)?(?:Z|[+-]\d\d:\d\d))"
_TIME_CLAUSE = re.compile(rf"^activityDateTime (ge|le|gt|lt) {_TIME}$")
_SERVICE_CLAUSE = re.compile(r"^loggedByService eq '([^']*)'$")
_TARGET_CLAUSE = re.compile(r"^targetResources/any\((\w+):\s*\1/id eq '([^']*)'\)$")


class FilterError(ValueError):
    """A `$filter` the service refuses."""


def _moment(text: str) -> datetime:
    head, _, rest = text.partition(".")
    if rest:
        digits = re.match(r"\d+", rest)
        zone = rest[digits.end() :] if digits else rest
        fraction = (digits.group(0) if digits else "0")[:6].ljust(6, "0")
        text = f"{head}.{fraction}{zone}"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def apply_filter(source: Source, events: list[Obj], expression: str | None) -> list[Obj]:
    """The events a `$filter` keeps, as each service reads it: `activityDateTime` comparisons joined
    by `and` on both; Entra also `loggedByService eq` and `targetResources/any(t:t/id eq …)`.
    Anything else (Intune's `resources/any(...)` included) is refused."""
    if not expression:
        return events
    kept = events
    for clause in re.split(r"\s+and\s+", expression.strip()):
        clause = clause.strip()
        if match := _TIME_CLAUSE.match(clause):
            op, bound = match.group(1), _moment(match.group(2))
            compare = {
                "ge": lambda a, b: a >= b,
                "le": lambda a, b: a <= b,
                "gt": lambda a, b: a > b,
                "lt": lambda a, b: a < b,
            }[op]
            kept = [e for e in kept if compare(_moment(e["activityDateTime"]), bound)]
        elif source == "entra" and (match := _SERVICE_CLAUSE.match(clause)):
            kept = [e for e in kept if e.get("loggedByService") == match.group(1)]
        elif source == "entra" and (match := _TARGET_CLAUSE.match(clause)):
            kept = [e for e in kept if any(t.get("id") == match.group(2) for t in e.get("targetResources") or [])]
        else:
            raise FilterError(f"Invalid filter clause: '{clause}' is not supported on this resource.")
    return kept
