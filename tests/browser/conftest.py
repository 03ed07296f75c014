"""Browser tests: the drift page in Chromium (Playwright), served by the local runner over real HTTP,
with Azurite and the Graph simulator behind it. Without Chromium they skip locally and fail in CI."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from devtools.azurite import Azurite
from tests.tools import missing_tool

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from devtools.demo import Api, ScriptedChange
    from devtools.runner import Runner

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A display name that would run script if the page ever inserted data as markup.
HOSTILE_NAME = 'Northwind <img src=x onerror="window.__xss=1"> & "Schools"'
T = TypeVar("T")


def chromium_executable() -> str | None:
    """Debian's chromium (no browser download: `playwright install` is never run)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module (Playwright's sync API holds an event loop while it lives)."""
    path = chromium_executable()
    if path is None:
        missing_tool("chromium is not on PATH (Debian: apt-get install chromium); the browser tests need it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def off_the_loop(fn: Callable[[], T]) -> T:
    """Run `fn` in a thread of its own: the scanner runs asyncio, which refuses to start inside the
    event loop that Playwright's sync API keeps running on the test's thread."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(fn())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, name="off-the-loop")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def drift_app() -> Any:
    """function_app's app, which must register the drift page next to the API."""
    import function_app
    from devtools.host import index_functions

    names = {f.get_function_name() for f in index_functions(function_app.app)}
    assert "drift_page" in names, "function_app does not register the drift page blueprint (functions.ui)"
    return function_app.app


@dataclass
class Seeded:
    """A served app with a scanned, changed and re-scanned portfolio."""

    runner: Runner
    api: Api
    tenants: dict[str, str]  # display name → tenant id
    changes: list[ScriptedChange] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.runner.url

    def page_url(self) -> str:
        return f"{self.runner.url}/api/ui"


def _scan_everything(runner: Runner) -> None:
    def work() -> None:
        runner.run_timer_now("schedule_scans")
        runner.pump()

    off_the_loop(work)


@pytest.fixture
def seeded(app_env: dict[str, str], azurite: Azurite, graph_sim: Any) -> Iterator[Seeded]:
    """Four tenants, two scans with the demo's scripted changes in between:

    - Fabrikam Logistics and Contoso Dental: every scripted change (settings, assignments, a deleted
      Conditional Access policy, a new platform script, a rotated Wi-Fi key), `ready`;
    - a tenant with a hostile display name whose remediation scripts Graph refuses in the second scan
      (a coverage problem);
    - Woodgrove Clinic, registered after the first scan: one run only, so `blocked` (no baseline).
    """
    from devtools.demo import Api, apply_changes
    from devtools.graphsim import generate_tenant
    from devtools.graphsim.generator import ENTRA_MIX, WINDOWS_INTUNE_MIX
    from devtools.host import LocalHost
    from devtools.runner import Runner

    specs = {
        "Fabrikam Logistics": (202, 150, None),
        "Contoso Dental": (101, 60, WINDOWS_INTUNE_MIX),
        HOSTILE_NAME: (303, 30, ENTRA_MIX),
        "Woodgrove Clinic": (404, 25, WINDOWS_INTUNE_MIX),
    }
    tenants = {name: str(uuid.uuid4()) for name in specs}
    for name, (seed, size, mix) in specs.items():
        tid = tenants[name]
        graph_sim.add_tenant(tid, generate_tenant(seed, size, mix, name=name, tenant_id=tid))

    host = LocalHost(drift_app(), azurite.connection_string)
    host.skip_existing_blobs()  # other tests' snapshots
    with Runner(host, 0, background=False) as runner:
        api = Api(runner.url)

        def register(name: str) -> None:
            status, body = api.call("PUT", f"/tenants/{tenants[name]}", {"displayName": name, "enabled": True})
            assert status in (200, 201), body

        for name in specs:
            if name != "Woodgrove Clinic":
                register(name)
        _scan_everything(runner)
        changes = apply_changes(graph_sim, [tenants["Fabrikam Logistics"]])
        changes += apply_changes(graph_sim, [tenants["Contoso Dental"]])
        graph_sim.faults.forbid("deviceManagement/deviceHealthScripts", tenant=tenants[HOSTILE_NAME])
        register("Woodgrove Clinic")
        _scan_everything(runner)
        yield Seeded(runner, api, tenants, changes)
