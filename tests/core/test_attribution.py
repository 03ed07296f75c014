"""The attribution core (DESIGN §12): Graph's two audit shapes trimmed to one, each finding matched
in its own window, the states and their reasons, pending findings settled later, changedBy."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared.core.attribution import (
    AuditIndex,
    PendingMark,
    attribution_fields,
    audit_section,
    audit_source,
    changed_by,
    event_time,
    from_entra,
    from_intune,
    settle_pending,
    source_read,
    trim_events,
)
from shared.core.drift import count_findings, plan_delta

OBJ = "9f0c1b2a-1111-4222-8333-444455556666"
OTHER = "0e1d2c3b-aaaa-4bbb-8ccc-dddd11112222"
START, END = "2026-11-29T10:00:00.000Z", "2026-11-29T16:00:00.000Z"


def intune_raw(event_id: str, at: str, resource: str = OBJ, **actor: Any) -> dict[str, Any]:
    return {
        "id": event_id,
        "activityDateTime": at,
        "activityType": "Patch DeviceConfiguration",
        "actor": {"auditActorType": "ItPro", **actor},
        "resources": [
            {
                "resourceId": resource,
                "type": "DeviceConfiguration",
                "displayName": "Win10 baseline",
                "modifiedProperties": [{"displayName": "password", "oldValue": "hunter2", "newValue": "s3cret!"}],
            }
        ],
    }


def entra_raw(event_id: str, at: str, resource: str = OBJ, user: Any = None, app: Any = None) -> dict[str, Any]:
    return {
        "id": event_id,
        "activityDateTime": at,
        "activityDisplayName": "Update conditional access policy",
        "initiatedBy": {"user": user, "app": app},
        "targetResources": [{"id": resource, "type": "Policy", "modifiedProperties": [{"newValue": "x"}]}],
    }


def index(*events: Any, read_at: str = "2026-11-29T16:00:05.000Z", **sources: Any) -> AuditIndex:
    reads = {"intune": source_read("complete"), "entra": source_read("complete"), **sources}
    return AuditIndex(
        audit_section(since=START, read_at=read_at, pending_since=None, sources=reads, events=list(events))
    )


def test_graph_times_with_seven_digits_or_offsets_become_the_apps_format() -> None:
    assert event_time("2026-11-29T10:15:53.0206557Z") == "2026-11-29T10:15:53.020Z"
    assert event_time("2026-11-29T10:15:53Z") == "2026-11-29T10:15:53.000Z"
    assert event_time("2026-11-29T11:15:53.5+01:00") == "2026-11-29T10:15:53.500Z"
    assert event_time("yesterday") is None and event_time(None) is None


def test_intune_and_entra_shapes_become_one_and_old_new_values_are_dropped() -> None:
    intune = from_intune(
        intune_raw(
            "e1", "2026-11-29T12:00:00.1234567Z", OBJ.upper(), userPrincipalName="alice@contoso.example",
            userId="u1", applicationDisplayName="Microsoft Intune portal extension", ipAddress="198.51.100.7",
        )
    )  # fmt: skip
    assert intune == {
        "id": "e1", "source": "intune", "at": "2026-11-29T12:00:00.123Z", "activity": "Patch DeviceConfiguration",
        "actor": {"type": "user", "userPrincipalName": "alice@contoso.example", "userId": "u1", "applicationId": None,
                  "applicationDisplayName": "Microsoft Intune portal extension", "ipAddress": "198.51.100.7"},
        "resources": [{"id": OBJ, "type": "DeviceConfiguration"}],
    }  # fmt: skip
    app = from_entra(entra_raw("d1", "2026-11-29T12:00:00Z", app={"appId": "a1", "displayName": "Automation"}))
    assert app is not None and app["actor"] == {
        "type": "application", "userPrincipalName": None, "userId": None, "applicationId": "a1",
        "applicationDisplayName": "Automation", "ipAddress": None,
    }  # fmt: skip
    user = from_entra(entra_raw("d2", "2026-11-29T12:00:00Z", user={"id": "u2", "userPrincipalName": "bob@x"}))
    assert user is not None and user["actor"]["type"] == "user" and user["actor"]["userId"] == "u2"
    trimmed = repr(trim_events("intune", [intune_raw("e2", "2026-11-29T12:00:00Z")]))
    assert "hunter2" not in trimmed and "s3cret" not in trimmed and "modifiedProperties" not in trimmed


def test_events_without_id_time_or_resources_are_dropped_and_duplicates_kept_once() -> None:
    raws = [
        intune_raw("e1", "2026-11-29T12:00:00Z"),
        intune_raw("e1", "2026-11-29T12:00:00Z"),
        {**intune_raw("e2", "2026-11-29T12:00:00Z"), "resources": []},
        {**intune_raw("e3", "2026-11-29T12:00:00Z"), "activityDateTime": None},
        "not an event",
    ]
    assert [e["id"] for e in trim_events("intune", raws)] == ["e1"]


def test_policy_types_map_to_the_log_that_records_them() -> None:
    assert audit_source("deviceConfiguration") == "intune"
    assert audit_source("appProtectionPolicy") == "intune"
    assert audit_source("conditionalAccessPolicy") == "entra"
    assert audit_source("namedLocation") == "entra"
    assert audit_source("authenticationMethodsPolicy") == "entra"


def test_only_events_naming_the_object_strictly_inside_its_window_match_newest_first() -> None:
    inside_old = from_intune(intune_raw("a", "2026-11-29T11:00:00Z", userPrincipalName="alice@x"))
    inside_new = from_intune(intune_raw("b", "2026-11-29T15:00:00Z", userPrincipalName="bob@x"))
    before = from_intune(intune_raw("c", "2026-11-29T09:59:59Z", userPrincipalName="eve@x"))
    at_end = from_intune(intune_raw("d", END, userPrincipalName="eve@x"))
    other = from_intune(intune_raw("e", "2026-11-29T12:00:00Z", OTHER, userPrincipalName="eve@x"))
    entra_same_id = from_entra(entra_raw("f", "2026-11-29T12:00:00Z", user={"id": "u", "userPrincipalName": "eve@x"}))
    found = index(inside_old, inside_new, before, at_end, other, entra_same_id).attribute(
        "deviceConfiguration", OBJ, START, END, 30
    )
    assert found["state"] == "attributed" and found["reason"] is None
    assert [e["id"] for e in found["events"]] == ["b", "a"]
    assert changed_by(found) == "bob@x"
    assert found["window"] == {"after": START, "before": END}


def test_no_match_is_pending_until_logs_read_latency_minutes_after_the_window_closed() -> None:
    early = index(read_at="2026-11-29T16:29:59.999Z").attribute("deviceConfiguration", OBJ, START, END, 30)
    assert (early["state"], early["reason"]) == ("pending", "awaiting_audit_log")
    late = index(read_at="2026-11-29T16:30:00.000Z").attribute("deviceConfiguration", OBJ, START, END, 30)
    assert (late["state"], late["reason"]) == ("unattributed", "no_matching_event")


def test_a_forbidden_log_is_unavailable_another_failure_stays_pending_an_unread_log_unavailable() -> None:
    forbidden = index(intune=source_read("failed", "forbidden")).attribute("deviceConfiguration", OBJ, START, END, 0)
    assert (forbidden["state"], forbidden["reason"]) == ("unavailable", "forbidden")
    throttled = index(intune=source_read("failed", "throttled")).attribute("deviceConfiguration", OBJ, START, END, 0)
    assert (throttled["state"], throttled["reason"]) == ("pending", "throttled")
    # The Entra log still answers for Entra objects.
    assert (
        index(intune=source_read("failed", "forbidden")).attribute("namedLocation", OBJ, START, END, 0)["state"]
        == "unattributed"
    )
    old_snapshot = AuditIndex(None).attribute("deviceConfiguration", OBJ, START, END, 0)
    assert (old_snapshot["state"], old_snapshot["reason"]) == ("unavailable", "audit_not_read")


def test_pending_findings_are_matched_in_their_own_windows_and_unread_sources_leave_them_waiting() -> None:
    first = PendingMark(findingId="f1", policyType="conditionalAccessPolicy", subjectId=OBJ,
                        windowStart="2026-11-28T10:00:00.000Z", windowEnd="2026-11-28T16:00:00.000Z")  # fmt: skip
    second = PendingMark(findingId="f2", policyType="conditionalAccessPolicy", subjectId=OBJ,
                         windowStart=START, windowEnd=END)  # fmt: skip
    intune_only = PendingMark(findingId="f3", policyType="deviceConfiguration", subjectId=OTHER,
                              windowStart=START, windowEnd=END)  # fmt: skip
    late_event = from_entra(entra_raw("x", "2026-11-28T12:00:00Z", user={"id": "u", "userPrincipalName": "bob@x"}))
    logs = AuditIndex(
        audit_section(
            since="2026-11-28T10:00:00.000Z", read_at="2026-11-29T16:10:00.000Z", pending_since=None,
            sources={"entra": source_read("complete")}, events=[late_event] if late_event else [],
        )
    )  # fmt: skip
    settled = settle_pending([second, intune_only, first], logs, 30)
    # f1's event is in f1's window only; f2 waits (its window closed 10 minutes ago); f3's log was not read.
    assert [(m["findingId"], a["state"]) for m, a in settled] == [("f1", "attributed")]
    assert changed_by(settled[0][1]) == "bob@x"


def test_list_fields_and_counts_by_actor() -> None:
    event = from_intune(
        intune_raw("a", "2026-11-29T11:00:00Z", applicationDisplayName="Automation", applicationId="a1")
    )
    found = index(event).attribute("deviceConfiguration", OBJ, START, END, 30)
    assert attribution_fields(found) == {
        "changedBy": "Automation", "changedAt": "2026-11-29T11:00:00.000Z", "changedFromIp": None,
        "changedWithApp": "Automation", "attributionState": "attributed",
    }  # fmt: skip
    assert attribution_fields(None)["changedBy"] is None
    base = {"changeType": "modified", "severity": "medium", "policyType": "deviceConfiguration"}
    counts = count_findings(
        [
            {**base, "id": "1", "status": "new", "changedBy": "alice@x"},
            {**base, "id": "2", "status": "new", "changedBy": "alice@x"},
            {**base, "id": "3", "status": "acknowledged", "changedBy": "bob@x"},
            {**base, "id": "4", "status": "new", "changedBy": None},
        ]
    )
    assert counts["byActor"] == {"alice@x": 2}
    # A later scan naming the actor of a pending new finding moves only byActor.
    before = {**base, "id": "4", "status": "new", "changedBy": None}
    delta = plan_delta([{**before, "changedBy": "bob@x"}], {"4": before})
    assert delta["new"] == 0 and delta["byActor"] == {"bob@x": 1}


@given(
    st.lists(
        st.tuples(st.sampled_from([OBJ, OTHER]), st.integers(0, 24 * 3600 - 1), st.sampled_from(["alice@x", "bob@x"])),
        max_size=30,
    )
)
def test_attribution_is_the_same_whatever_order_the_events_come_in(events: list[tuple[str, int, str]]) -> None:
    raws = [
        intune_raw(f"e{i}", f"2026-11-29T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z", rid, userPrincipalName=who)
        for i, (rid, s, who) in enumerate(events)
    ]
    forward = index(*trim_events("intune", raws)).attribute("deviceConfiguration", OBJ, START, END, 30)
    backward = index(*trim_events("intune", list(reversed(raws)))).attribute("deviceConfiguration", OBJ, START, END, 30)
    assert forward == backward
    inside = [
        r for r in raws if r["resources"][0]["resourceId"] == OBJ and START < event_time(r["activityDateTime"]) < END
    ]  # type: ignore[operator]
    assert len(forward["events"]) == min(len(inside), 20)
    assert forward["state"] == ("attributed" if inside else "pending")
