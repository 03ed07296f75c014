"""What the Functions host will read when it indexes function_app: every binding, checked."""

from __future__ import annotations

from typing import Any

import function_app
from devtools.host import index_functions
from shared.settings import ALIGNMENT_QUEUE, EVENT_QUEUE, RELAY_QUEUE, SCAN_QUEUE


def _functions() -> dict[str, Any]:
    return {f.get_function_name(): f for f in index_functions(function_app.app)}


def _bindings(fn: Any) -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in fn.get_bindings_dict()["bindings"]}


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


EXPECTED_HTTP = {
    "get_portfolio": ("tenants", ["GET"]),
    "put_tenant": ("tenants/{tenantId}", ["PUT"]),
    "post_scan": ("tenants/{tenantId}/scans", ["POST"]),
    "get_runs": ("tenants/{tenantId}/runs", ["GET"]),
    "get_drift": ("tenants/{tenantId}/drift", ["GET"]),
    "get_findings": ("tenants/{tenantId}/drift/findings", ["GET"]),
    "get_finding": ("tenants/{tenantId}/drift/findings/{findingId}", ["GET"]),
    "acknowledge": ("tenants/{tenantId}/drift/findings/{findingId}/acknowledge", ["POST"]),
    "put_baseline": ("tenants/{tenantId}/drift/baseline", ["PUT"]),
    "delete_baseline": ("tenants/{tenantId}/drift/baseline", ["DELETE"]),
    "get_policy_types": ("policy-types", ["GET"]),
    "get_openapi": ("openapi.json", ["GET"]),
    "get_templates": ("templates", ["GET"]),
    "put_template": ("templates/{templateId}", ["PUT"]),
    "get_template": ("templates/{templateId}", ["GET"]),
    "delete_template": ("templates/{templateId}", ["DELETE"]),
    "put_assignment": ("tenants/{tenantId}/templates/{templateId}", ["PUT"]),
    "delete_assignment": ("tenants/{tenantId}/templates/{templateId}", ["DELETE"]),
    "get_alignment": ("tenants/{tenantId}/alignment", ["GET"]),
    "get_subscriptions": ("subscriptions", ["GET"]),
    "put_subscription": ("subscriptions/{subscriptionId}", ["PUT"]),
    "get_subscription": ("subscriptions/{subscriptionId}", ["GET"]),
    "delete_subscription": ("subscriptions/{subscriptionId}", ["DELETE"]),
    "post_subscription_test": ("subscriptions/{subscriptionId}/test", ["POST"]),
    "get_subscription_deliveries": ("subscriptions/{subscriptionId}/deliveries", ["GET"]),
    "cors_preflight": ("{*path}", ["OPTIONS"]),
    "drift_page": ("ui", ["GET"]),
    "drift_page_asset": ("ui/{file}", ["GET"]),
}


def test_the_expected_functions_are_registered() -> None:
    assert {
        "schedule_scans",
        "scan_tenant",
        "detect_drift",
        "align_tenant",
        "deliver_event",
        "relay_events",
        *EXPECTED_HTTP,
    } <= set(_functions())


def test_detect_drift_is_a_blob_trigger_on_snapshots_with_the_configured_source() -> None:
    b = _bindings(_functions()["detect_drift"])
    assert b["snapshot"]["type"] == "blobTrigger"
    assert b["snapshot"]["path"] == "snapshots/{tenantId}/{runId}.json.gz"
    assert b["snapshot"]["connection"] == "AzureWebJobsStorage"
    # Read from BLOB_TRIGGER_SOURCE when the app is indexed; the tests run with the local value.
    assert b["snapshot"]["source"] == "LogsAndContainerScan"


def test_the_blob_trigger_source_setting_is_read_at_indexing(monkeypatch: Any) -> None:
    from functions.drift import _trigger_source

    monkeypatch.setenv("BLOB_TRIGGER_SOURCE", "EventGrid")
    assert _trigger_source().value == "EventGrid"
    monkeypatch.delenv("BLOB_TRIGGER_SOURCE")
    assert _trigger_source().value == "EventGrid"  # Azure's default (Flex Consumption)
    monkeypatch.setenv("BLOB_TRIGGER_SOURCE", "LogsAndContainerScan")
    assert _trigger_source().value == "LogsAndContainerScan"


def test_schedule_scans_is_a_timer_on_the_schedule_setting_with_a_queue_output() -> None:
    b = _bindings(_functions()["schedule_scans"])
    assert b["timer"]["type"] == "timerTrigger"
    assert b["timer"]["schedule"] == "%SCAN_SCHEDULE%"
    assert b["timer"]["runOnStartup"] is False
    assert b["scans"]["type"] == "queue"
    assert _value(b["scans"]["direction"]) == 1  # out
    assert b["scans"]["queueName"] == SCAN_QUEUE
    assert b["scans"]["connection"] == "AzureWebJobsStorage"


def test_scan_tenant_is_triggered_by_the_scan_queue() -> None:
    b = _bindings(_functions()["scan_tenant"])
    assert b["msg"]["type"] == "queueTrigger"
    assert b["msg"]["queueName"] == SCAN_QUEUE == "tenant-scans"
    assert b["msg"]["connection"] == "AzureWebJobsStorage"


def test_a_completed_scan_and_a_new_template_version_ask_for_alignment_through_output_bindings() -> None:
    functions = _functions()
    for name, arg in (("scan_tenant", "alignments"), ("put_template", "alignments")):
        b = _bindings(functions[name])
        assert b[arg]["type"] == "queue" and _value(b[arg]["direction"]) == 1
        assert b[arg]["queueName"] == ALIGNMENT_QUEUE == "tenant-alignments"
        assert b[arg]["connection"] == "AzureWebJobsStorage"
    b = _bindings(functions["align_tenant"])
    assert b["msg"]["type"] == "queueTrigger" and b["msg"]["queueName"] == ALIGNMENT_QUEUE


def test_deliver_event_is_triggered_by_the_events_queue_and_has_no_output_binding() -> None:
    bindings = _bindings(_functions()["deliver_event"])
    assert bindings["msg"]["type"] == "queueTrigger"
    assert bindings["msg"]["queueName"] == EVENT_QUEUE == "drift-events"
    assert bindings["msg"]["connection"] == "AzureWebJobsStorage"
    # Retries need a visibility delay, which an output binding cannot set: the flow enqueues them.
    assert set(bindings) == {"msg"}


def test_whoever_records_drift_events_asks_for_the_relay_through_an_output_binding() -> None:
    functions = _functions()
    for name in ("detect_drift", "scan_tenant", "acknowledge"):
        b = _bindings(functions[name])
        assert b["relays"]["type"] == "queue" and _value(b["relays"]["direction"]) == 1, name
        assert b["relays"]["queueName"] == RELAY_QUEUE == "drift-relay", name
        assert b["relays"]["connection"] == "AzureWebJobsStorage", name
    b = _bindings(functions["relay_events"])
    assert b["msg"]["type"] == "queueTrigger" and b["msg"]["queueName"] == RELAY_QUEUE
    # The relay enqueues deliveries through the storage adapter (one message per event and subscription).
    assert set(b) == {"msg"}


def test_http_functions_are_anonymous_at_the_platform_and_routed() -> None:
    functions = _functions()
    for name, (route, methods) in EXPECTED_HTTP.items():
        trigger = functions[name].get_trigger().get_dict_repr()
        assert trigger["type"] == "httpTrigger"
        assert trigger["route"] == route
        assert [_value(m) for m in trigger["methods"]] == methods
        # Identity is enforced in the app (Easy Auth / JWT), not with function keys.
        assert _value(trigger["authLevel"]) == "anonymous"


def test_post_scan_enqueues_through_an_output_binding() -> None:
    b = _bindings(_functions()["post_scan"])
    assert b["scans"]["type"] == "queue" and b["scans"]["queueName"] == SCAN_QUEUE


def test_no_function_name_or_route_is_registered_twice() -> None:
    functions = index_functions(function_app.app)
    names = [f.get_function_name() for f in functions]
    assert len(names) == len(set(names))
    routes = [
        (f.get_trigger().get_dict_repr()["route"], tuple(_value(m) for m in f.get_trigger().get_dict_repr()["methods"]))
        for f in functions
        if f.get_trigger().get_binding_name() == "httpTrigger"
    ]
    assert len(routes) == len(set(routes))
