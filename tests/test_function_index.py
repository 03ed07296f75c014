"""What the Functions host will read when it indexes function_app: every binding, checked."""

from __future__ import annotations

from typing import Any

import function_app
from devtools.host import index_functions
from shared.settings import SCAN_QUEUE


def _functions() -> dict[str, Any]:
    return {f.get_function_name(): f for f in index_functions(function_app.app)}


def _bindings(fn: Any) -> dict[str, dict[str, Any]]:
    return {b["name"]: b for b in fn.get_bindings_dict()["bindings"]}


def _value(x: Any) -> Any:
    return getattr(x, "value", x)


def test_the_expected_functions_are_registered() -> None:
    assert {"schedule_scans", "scan_tenant", "put_tenant", "post_scan", "get_runs"} <= set(_functions())


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


def test_http_functions_are_anonymous_at_the_platform_and_routed() -> None:
    expected = {
        "put_tenant": ("tenants/{tenantId}", ["PUT"]),
        "post_scan": ("tenants/{tenantId}/scans", ["POST"]),
        "get_runs": ("tenants/{tenantId}/runs", ["GET"]),
    }
    functions = _functions()
    for name, (route, methods) in expected.items():
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
