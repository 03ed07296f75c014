"""The local runner: its NCRONTAB parser, and the app served over real HTTP with queues and blobs delivered."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.cron import CronError, CronSchedule
from devtools.localsettings import SettingReferenceError, load_local_settings, resolve_setting_references
from devtools.runner import Runner
from tests.pipeline import JSON

# --- NCRONTAB ------------------------------------------------------------------------------------


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # the default SCAN_SCHEDULE: every six hours on the hour
        ("0 0 */6 * * *", "2026-03-10T05:59:59", "2026-03-10T06:00:00"),
        ("0 0 */6 * * *", "2026-03-10T06:00:00", "2026-03-10T12:00:00"),  # strictly after
        ("0 0 */6 * * *", "2026-12-31T23:00:00", "2027-01-01T00:00:00"),
        # every 15 seconds
        ("*/15 * * * * *", "2026-03-10T10:00:07", "2026-03-10T10:00:15"),
        ("*/15 * * * * *", "2026-03-10T10:00:45.5", "2026-03-10T10:01:00"),
        # a list and a single value
        ("0 0 12 1,15 * *", "2026-03-02T00:00:00", "2026-03-15T12:00:00"),
        ("5 4 3 2 1 *", "2026-03-10T00:00:00", "2027-01-02T03:04:05"),
        # ranges: weekdays at 09:30 (2026-03-13 is a Friday)
        ("0 30 9 * * 1-5", "2026-03-13T10:00:00", "2026-03-16T09:30:00"),
        ("0 0 8-10 * * *", "2026-03-10T08:30:00", "2026-03-10T09:00:00"),
        # a stepped range and an open step
        ("0 10-40/15 * * * *", "2026-03-10T10:26:00", "2026-03-10T10:40:00"),
        ("0 50/5 * * * *", "2026-03-10T10:56:00", "2026-03-10T11:50:00"),
        # Sunday is 0 and 7 (2026-03-15 is a Sunday)
        ("0 0 0 * * 0", "2026-03-10T00:00:00", "2026-03-15T00:00:00"),
        ("0 0 0 * * 7", "2026-03-10T00:00:00", "2026-03-15T00:00:00"),
        # the next 29 February
        ("0 0 0 29 2 *", "2026-03-01T00:00:00", "2028-02-29T00:00:00"),
        # day of month and day of week both apply, as in NCrontab (Friday the 13th)
        ("0 0 0 13 * 5", "2026-03-14T00:00:00", "2026-11-13T00:00:00"),
    ],
)
def test_next_occurrence(expression: str, after: str, expected: str) -> None:
    schedule = CronSchedule.parse(expression)
    assert schedule.next_after(at(after)) == at(expected)
    assert schedule.matches(at(expected))


def test_parsed_fields() -> None:
    schedule = CronSchedule.parse("0 0 */6 * * *")
    assert schedule.seconds == {0} and schedule.minutes == {0}
    assert schedule.hours == {0, 6, 12, 18}
    assert schedule.days == set(range(1, 32)) and schedule.months == set(range(1, 13))
    assert schedule.weekdays == set(range(7))
    assert CronSchedule.parse("1,2,3 * * * * *").seconds == {1, 2, 3}
    assert CronSchedule.parse("0 0 0 * * 1-3,5").weekdays == {1, 2, 3, 5}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 */6 * * *", "six fields"),
        ("0 0 */6 * * * *", "six fields"),
        ("60 * * * * *", "second field"),
        ("* * 24 * * *", "hour field"),
        ("* * * 0 * *", "day field"),
        ("* * * * 13 *", "month field"),
        ("* * * * * 8", "day of week field"),
        ("*/0 * * * * *", "step"),
        ("* 5-1 * * * *", "backwards"),
        ("a * * * * *", "second field"),
        ("* * * * JAN *", "month field"),
        ("1,,2 * * * * *", "second field"),
    ],
)
def test_invalid_expressions_name_the_problem(expression: str, message: str) -> None:
    with pytest.raises(CronError, match=message):
        CronSchedule.parse(expression)


def test_a_schedule_that_never_fires_says_so() -> None:
    with pytest.raises(CronError, match="never fires"):
        CronSchedule.parse("0 0 0 31 2 *").next_after(at("2026-01-01T00:00:00"))


def test_setting_references_and_local_settings(tmp_path: Path) -> None:
    assert resolve_setting_references("%SCAN_SCHEDULE%", {"SCAN_SCHEDULE": "0 0 * * * *"}) == "0 0 * * * *"
    with pytest.raises(SettingReferenceError, match="SCAN_SCHEDULE"):
        resolve_setting_references("%SCAN_SCHEDULE%", {})
    path = tmp_path / "local.settings.json"
    path.write_text(json.dumps({"IsEncrypted": False, "Values": {"A": "from file", "B": "from file"}}))
    env = {"A": "from environment"}
    assert load_local_settings(path, env) == ["B"]
    assert env == {"A": "from environment", "B": "from file"}


# --- the runner over real HTTP -------------------------------------------------------------------


def request(
    base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


def get_json(base: str, path: str) -> Any:
    status, _, body = request(base, "GET", path)
    assert status == 200, body
    return json.loads(body)


@pytest.fixture
def tenant(graph_sim: Any) -> str:
    from devtools.graphsim import generate_tenant

    tid = str(uuid.uuid4())
    graph_sim.add_tenant(tid, generate_tenant(seed=7, size=30, name="Runner Test", tenant_id=tid))
    return tid


def make_runner(connection_string: str, **options: Any) -> Runner:
    import function_app
    from devtools.host import LocalHost

    host = LocalHost(function_app.app, connection_string)
    host.skip_existing_blobs()  # other tests' snapshots are not this runner's business
    return Runner(host, 0, **options)


@pytest.fixture
def runner(app_env: dict[str, str], azurite: Azurite) -> Iterator[Runner]:
    with make_runner(azurite.connection_string, background=False) as instance:
        yield instance


def test_http_routes_are_served_over_real_http(runner: Runner, tenant: str) -> None:
    status, headers, body = request(
        runner.url, "PUT", f"/api/tenants/{tenant}", {"displayName": "Runner Test", "enabled": True}
    )
    assert status == 201, body
    assert headers["Content-Type"].startswith("application/json")
    assert json.loads(body)["tenantId"] == tenant

    assert get_json(runner.url, f"/api/tenants/{tenant}/runs")["runs"] == []
    # The query string reaches the function (an invalid `top` is refused by the handler) ...
    status, _, body = request(runner.url, "GET", f"/api/tenants/{tenant}/runs?top=zero")
    assert status == 400 and json.loads(body)["error"]["code"] == "invalid_top"
    # ... and so do the body and its content type.
    status, _, body = request(runner.url, "PUT", f"/api/tenants/{tenant}", {"displayName": "", "enabled": True})
    assert status == 400 and "displayName" in json.loads(body)["error"]["message"]
    # No function routes this path.
    status, _, _ = request(runner.url, "GET", "/api/no/such/route")
    assert status == 404


def test_pump_delivers_the_scan_message_and_the_snapshot_blob(runner: Runner, tenant: str) -> None:
    request(runner.url, "PUT", f"/api/tenants/{tenant}", {"displayName": "Runner Test", "enabled": True})
    status, _, body = request(runner.url, "POST", f"/api/tenants/{tenant}/scans", headers=JSON)
    assert status == 202, body
    run_id = json.loads(body)["runId"]
    assert get_json(runner.url, f"/api/tenants/{tenant}/runs")["runs"] == []  # only queued so far

    assert runner.pump() >= 2  # the queue message, then the snapshot blob
    (run,) = get_json(runner.url, f"/api/tenants/{tenant}/runs")["runs"]
    assert run["runId"] == run_id and run["status"] == "completed"
    summary = get_json(runner.url, f"/api/tenants/{tenant}/drift")
    assert summary["current"]["runId"] == run_id  # detect_drift saw the blob
    assert summary["state"] == "blocked" and summary["reason"]["code"] == "no_baseline"
    assert runner.pump() == 0  # nothing is delivered twice


def test_preflights_and_the_cross_site_rule_hold_over_real_http(
    runner: Runner, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = "https://portal.msp.example"
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", portal)
    request(runner.url, "PUT", f"/api/tenants/{tenant}", {"displayName": "Runner Test", "enabled": True})
    for path, method in (
        ("/api/tenants", "GET"),
        (f"/api/tenants/{tenant}/scans", "POST"),
        ("/api/openapi.json", "GET"),
    ):
        ask = {
            "Origin": portal,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        }
        status, headers, _ = request(runner.url, "OPTIONS", path, headers=ask)
        assert status == 204, path
        assert headers["Access-Control-Allow-Origin"] == portal and method in headers["Access-Control-Allow-Methods"]
        assert headers["Cache-Control"] == "no-store" and headers["X-Content-Type-Options"] == "nosniff"
        assert request(runner.url, "OPTIONS", path, headers={**ask, "Origin": "https://evil.example"})[0] == 403
    scans = f"/api/tenants/{tenant}/scans"
    # A form on another site, and the same form where the browser left Origin out.
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _, body = request(runner.url, "POST", scans, headers={**form, "Origin": "https://evil.example"})
    assert status == 403 and json.loads(body)["error"]["code"] == "origin_not_allowed"
    assert request(runner.url, "POST", scans, headers=form)[0] == 415
    # The page the runner serves posts from the runner's own origin (its Host), as the browser sends it.
    status, _, body = request(runner.url, "POST", scans, headers={**JSON, "Origin": runner.url})
    assert status == 202, body
    status, headers, _ = request(runner.url, "POST", scans, headers={**JSON, "Origin": portal})
    assert status == 202 and headers["Access-Control-Allow-Origin"] == portal


def test_the_timer_fires_on_its_schedule(app_env: dict[str, str], azurite: Azurite, tenant: str) -> None:
    now = [at("2026-03-10T05:59:58")]
    with make_runner(azurite.connection_string, background=False, clock=lambda: now[0]) as runner:
        (timer,) = runner.timers
        assert timer.name == "schedule_scans" and timer.schedule.expression == app_env["SCAN_SCHEDULE"]
        assert timer.next_due == at("2026-03-10T06:00:00")
        request(runner.url, "PUT", f"/api/tenants/{tenant}", {"displayName": "Runner Test", "enabled": True})

        runner.tick()
        assert get_json(runner.url, f"/api/tenants/{tenant}/runs")["runs"] == []  # not yet due

        now[0] += timedelta(seconds=3)
        assert runner.due_timers() == [("schedule_scans", False)]
        assert timer.next_due == at("2026-03-10T12:00:00")
        runner.run_timer_now("schedule_scans")
        runner.pump()
        (run,) = get_json(runner.url, f"/api/tenants/{tenant}/runs")["runs"]
        assert run["status"] == "completed"

        now[0] = at("2026-03-10T12:00:30")
        runner.tick()  # due: fires, delivers
        assert len(get_json(runner.url, f"/api/tenants/{tenant}/runs")["runs"]) == 2


def test_background_loop_and_manual_trigger(app_env: dict[str, str], azurite: Azurite, tenant: str) -> None:
    with make_runner(azurite.connection_string, poll_interval=0.2) as runner:
        request(runner.url, "PUT", f"/api/tenants/{tenant}", {"displayName": "Runner Test", "enabled": True})
        # The host's admin endpoint for non-HTTP functions: fire the timer now.
        status, _, _ = request(runner.url, "POST", "/admin/functions/schedule_scans", {"input": ""})
        assert status == 202
        assert request(runner.url, "POST", "/admin/functions/no_such_function", {})[0] == 404
        deadline = time.monotonic() + 60
        runs: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            runs = get_json(runner.url, f"/api/tenants/{tenant}/runs")["runs"]
            if runs and runs[0]["status"] == "completed":
                break
            time.sleep(0.2)
        assert runs and runs[0]["status"] == "completed"  # delivered by the background loop, nobody pumped
        assert runner.errors == 0


def test_a_busy_port_is_an_error(app_env: dict[str, str], azurite: Azurite) -> None:
    with make_runner(azurite.connection_string, background=False) as first:
        second = make_runner(azurite.connection_string, background=False)
        second.requested_port = first.port
        with pytest.raises(OSError):
            second.start()
