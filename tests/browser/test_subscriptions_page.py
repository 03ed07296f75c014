"""An admin on the drift page, in Chromium: the event subscriptions, a test event, recent deliveries.

The app is served by the local runner, whose background loop delivers the events queue like the
host; the subscribers are real HTTP receivers on loopback (allowed: storage is the emulator)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from devtools.azurite import Azurite
from devtools.receiver import WebhookReceiver
from shared.settings import EVENT_QUEUE
from tests.browser.conftest import drift_app
from tests.browser.test_drift_page import open_page, settled, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from devtools.demo import Api
    from devtools.runner import Runner

# A URL that would run script if the page ever inserted it as markup (no spaces: the rules refuse them).
HOSTILE_PATH = "/teams?x=<img/src=x/onerror=window.__xss=1>"


@dataclass
class Served:
    runner: Runner
    api: Api
    receiver: WebhookReceiver

    def page_url(self, fragment: str) -> str:
        return f"{self.runner.url}/api/ui#{fragment}"


@pytest.fixture
def served(app_env: dict[str, str], azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    from devtools.demo import Api
    from devtools.host import LocalHost
    from devtools.runner import Runner

    monkeypatch.setenv("EVENT_RETRY_BASE_SECONDS", "300")  # a refused test event stays `retrying` on screen
    host = LocalHost(drift_app(), azurite.connection_string)
    host.skip_existing_blobs()
    host.queue(EVENT_QUEUE).clear_messages()
    with WebhookReceiver() as receiver, Runner(host, 0, background=True, poll_interval=0.3) as runner:
        receiver.answer("/down", [503])
        api = Api(runner.url)
        for sid, body in {
            "psa-tickets": {"url": receiver.url("/psa"), "filter": {"minSeverity": "high"}},
            "ops-channel": {"url": receiver.url(HOSTILE_PATH), "format": "teams"},
            "old-endpoint": {"url": receiver.url("/down"), "filter": {"eventTypes": ["drift.run.failed"]}},
        }.items():
            status, answer = api.call("PUT", f"/subscriptions/{sid}", body)
            assert status == 201, answer
        yield Served(runner, api, receiver)


@pytest.mark.parametrize("width", [1280, 390])
def test_list_subscriptions_send_a_test_event_and_see_its_delivery(
    browser: Browser, served: Served, width: int
) -> None:
    page, seen = open_page(browser, width)

    # The list, reached from the header: every subscription, its format and what it sends.
    page.goto(served.page_url("/"))
    settled(page)
    page.locator("#nav-subscriptions").click()
    settled(page)
    table = page.locator("#subscriptions")
    assert table.locator("a.subscription-link").all_inner_texts() == ["old-endpoint", "ops-channel", "psa-tickets"]
    psa_row = table.locator("tr", has=page.get_by_role("link", name="psa-tickets", exact=True))
    assert "High severity and up" in psa_row.inner_text() and "CloudEvents" in psa_row.inner_text()
    assert "Teams card" in table.locator("tr", has=page.get_by_role("link", name="ops-channel")).inner_text()
    assert HOSTILE_PATH in table.inner_text()
    assert page.evaluate("window.__xss") is None and page.locator("main img").count() == 0
    shot(page, "subscriptions", width)

    # A healthy subscriber: the test event is delivered, signed, and listed.
    page.get_by_role("link", name="psa-tickets", exact=True).click()
    settled(page)
    assert page.locator("#no-deliveries").is_visible()
    before = len(served.receiver.received("/psa"))
    page.get_by_role("button", name="Send a test event").click()
    page.wait_for_function(
        "() => (document.getElementById('test-feedback') || {}).textContent === 'Test event delivered (HTTP 204).'",
        timeout=30_000,
    )
    [request] = served.receiver.received("/psa")[before:]
    row = page.locator(f"#deliveries tr[data-event-id='{request.headers['webhook-id']}']")
    assert "Test event" in row.inner_text() and "Delivered" in row.inner_text() and "HTTP 204" in row.inner_text()
    shot(page, "subscription-delivered", width)

    # A subscriber that answers 503: the delivery shows as retrying, with the answer and the next try.
    page.goto(served.page_url("/subscriptions/old-endpoint"))
    settled(page)
    page.get_by_role("button", name="Send a test event").click()
    page.wait_for_function(
        "() => (document.getElementById('test-feedback') || {}).textContent.startsWith('Test event not accepted (HTTP 503)')",
        timeout=30_000,
    )
    row = page.locator("#deliveries tbody tr").first
    text = row.inner_text()
    assert "Retrying" in text and "HTTP 503" in text and "http_error" in text
    assert row.locator("td[data-label='Next attempt'] time").count() == 1
    shot(page, "subscription-retrying", width)

    assert seen["errors"] == [], seen["errors"]
    assert seen["failed"] == [], seen["failed"]
    assert all(url.startswith(served.runner.url) for url in seen["requests"]), "the page loads nothing from elsewhere"


def test_a_non_admin_is_told_the_role_is_missing(browser: Browser, served: Served, monkeypatch: Any) -> None:
    # AUTH_MODE=local makes everyone an admin; with Easy Auth in front and a reader's principal, the
    # API refuses and the page says so instead of showing an empty list.
    from tests.authkit import easyauth_headers

    monkeypatch.setenv("AUTH_MODE", "easyauth")
    monkeypatch.setenv("WEBSITE_AUTH_ENABLED", "true")
    page, seen = open_page(browser, 1280)
    page.context.set_extra_http_headers(easyauth_headers(["Drift.Read"]))
    page.goto(served.page_url("/subscriptions"))
    settled(page)
    alert = page.get_by_role("alert")
    assert "does not have the role" in alert.inner_text() and "forbidden" in alert.inner_text()
    assert page.locator("#subscriptions").count() == 0
    assert seen["errors"] == [], "the error view itself must not fail"
