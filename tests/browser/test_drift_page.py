"""An admin on the drift page, in Chromium: from the portfolio to a finding's before/after, and triage."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import ARTIFACTS, HOSTILE_NAME, Seeded

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NOTE = "Expected: CHG-4711, AV tuning pilot on the front-desk PCs <b>until Friday</b>"
MAX_STEPS_PER_FINDING = 4


def open_page(browser: Browser, width: int) -> tuple[Page, dict[str, list[str]]]:
    """A fresh page at `width`, recording every request, failed response and script error."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    seen: dict[str, list[str]] = {"requests": [], "failed": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on(
        "response",
        lambda r: (
            seen["failed"].append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    return page, seen


def settled(page: Page) -> None:
    """Wait until the view for the current address is on screen (the page marks it when done)."""
    page.wait_for_function(
        "() => { const m = document.querySelector('main');"
        " return m && m.dataset.route === location.hash && !m.hasAttribute('aria-busy'); }"
    )


def load_more(page: Page) -> None:
    """Click "Load more" and wait until the next page is in the list."""
    before = page.locator("a.finding-link").count()
    page.locator("#load-more").click()
    page.wait_for_function("n => document.querySelectorAll('a.finding-link').length > n", arg=before)


def shot(page: Page, name: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    # Responsive: nothing may force a horizontal scroll, at 390 px as at 1280 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}px"


def rendered(value: Any) -> str:
    """How the page prints a before/after value (see valueView in app.js)."""
    if value is None:
        return "(not set)"
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) - {"truncated"} == {"sha256", "sizeBytes"}:
        return f"sha256 {value['sha256']}"
    return json.dumps(value, indent=2, ensure_ascii=False)


def words(label: str | None, value: Any) -> str:
    """How the page prints one side of a change: its words where the API gives them, else the value."""
    return label if label is not None else rendered(value)


def read_changes_in_words(page: Page, detail: dict[str, Any]) -> None:
    """Each change reads as the API's words; one click shows the raw path and values."""
    items = page.locator("#changes > li")
    assert items.count() == len(detail["changes"])
    for index, change in enumerate(detail["changes"]):
        item = items.nth(index)
        assert item.locator(".change-label").inner_text() == change["label"]
        assert item.locator(".side-before").locator(".words, pre, .absent").first.inner_text() == words(
            change["beforeLabel"], change["before"]
        )
        assert item.locator(".side-after").locator(".words, pre, .absent").first.inner_text() == words(
            change["afterLabel"], change["after"]
        )
        assert item.locator(".tag-unresolved").count() == (1 if change["unresolved"] else 0)
        raw = item.locator("details.raw")
        assert not raw.evaluate("d => d.open") and not raw.locator(".path").is_visible()
        raw.locator("summary").click()
        assert raw.locator(".path").is_visible() and raw.locator(".path").inner_text() == change["path"]
        assert raw.locator(".raw-before pre, .raw-before .absent").first.inner_text() == rendered(change["before"])
        assert raw.locator(".raw-after pre, .raw-after .absent").first.inner_text() == rendered(change["after"])


def find(seeded: Seeded, tenant: str, **params: str) -> list[dict[str, Any]]:
    body = seeded.api.get(f"/tenants/{quote(seeded.tenants[tenant])}/drift/findings", pageSize="500", **params)
    return list(body["findings"])


@pytest.mark.parametrize("width", [1280, 390])
def test_open_filter_read_and_acknowledge_a_finding(browser: Browser, seeded: Seeded, width: int) -> None:
    page, seen = open_page(browser, width)
    tenant = "Fabrikam Logistics"
    (defender,) = [c for c in seeded.changes if c.tenant_id == seeded.tenants[tenant] and "Defender" in c.description]
    (finding,) = [
        f for f in find(seeded, tenant, policyType="settingsCatalogPolicy") if f["subjectId"] == defender.subject_id
    ]
    detail = seeded.api.get(f"/tenants/{seeded.tenants[tenant]}/drift/findings/{finding['id']}")
    assert detail["changes"], "the Defender edit must show as changes"

    # Portfolio: every tenant, its state and coverage; data shown as text, never as markup.
    page.goto(seeded.page_url())
    settled(page)
    portfolio = page.locator("#portfolio")
    for name in seeded.tenants:
        assert portfolio.get_by_text(name, exact=True).count() == 1
    assert page.evaluate("window.__xss") is None and page.locator("main img").count() == 0
    hostile_row = portfolio.locator("tr", has=page.get_by_text(HOSTILE_NAME, exact=True))
    assert "1 type not covered" in hostile_row.inner_text()
    shot(page, "portfolio", width)

    # Tenant summary: counts, compared runs, coverage.
    page.get_by_role("link", name=tenant, exact=True).click()
    settled(page)
    summary = seeded.api.get(f"/tenants/{seeded.tenants[tenant]}/drift")
    assert page.locator("#stat-new .stat-n").inner_text() == str(summary["counts"]["new"])
    assert summary["current"]["runId"] in page.locator("main").inner_text()
    shot(page, "summary", width)

    # Findings: filter by policy type, then open the Defender policy's finding.
    page.locator("#stat-new").click()
    settled(page)
    page.select_option("#filter-policyType", "settingsCatalogPolicy")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**policyType=settingsCatalogPolicy**")
    settled(page)
    types = page.locator("#findings tbody td[data-label='Policy type']").all_inner_texts()
    assert types and set(types) == {"Settings catalog"}
    shot(page, "findings", width)
    page.locator(f"a.finding-link[data-finding-id='{finding['id']}']").click()
    settled(page)

    # Detail: every change in words first, its raw path and values one click away.
    assert page.locator("h1").inner_text() == detail["displayName"]
    read_changes_in_words(page, detail)
    shot(page, "detail", width)

    # Acknowledge with a note, by keyboard: the button is a real button.
    page.locator("#ack-note").fill(NOTE)
    page.locator("#ack-note").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "ack-submit"
    page.keyboard.press("Enter")
    page.locator("#ack-done").wait_for()
    assert "Acknowledged" in page.locator(".lede").inner_text()
    history = page.locator("#history").inner_text()
    assert "Acknowledged by local-admin" in history
    assert page.locator("#history blockquote.note").inner_text() == NOTE  # the note as text, markup and all
    shot(page, "acknowledged", width)

    # Gone from the new list it came from, listed under acknowledged.
    page.locator("#back-to-list").click()
    settled(page)
    assert "status=new" in page.url
    assert page.locator(f"a[data-finding-id='{finding['id']}']").count() == 0
    page.select_option("#filter-status", "acknowledged")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**status=acknowledged**")
    settled(page)
    assert page.locator(f"a[data-finding-id='{finding['id']}']").count() == 1
    after = seeded.api.get(f"/tenants/{seeded.tenants[tenant]}/drift/findings/{finding['id']}")
    assert after["status"] == "acknowledged" and after["history"][-1]["note"] == NOTE

    assert all(url.startswith(seeded.url + "/") for url in seen["requests"]), "the page requested another origin"
    assert seen["failed"] == [] and seen["errors"] == []


def test_every_finding_of_a_tenant_is_a_few_steps_from_the_first_page_and_reads_in_words(
    browser: Browser, seeded: Seeded
) -> None:
    page, seen = open_page(browser, 1280)
    tenant = "Fabrikam Logistics"
    tid = seeded.tenants[tenant]
    findings = find(seeded, tenant, status="all")
    assert len(findings) >= 5, findings  # one per scripted change at least
    details = {f["id"]: seeded.api.get(f"/tenants/{tid}/drift/findings/{f['id']}") for f in findings}
    changes = [c for d in details.values() for c in d["changes"]]
    # What the scripted changes were, in the words an admin reads in the Intune portal.
    labels = {(c["label"], c["beforeLabel"], c["afterLabel"]) for c in changes}
    assert any(c.tenant_id == tid and "attack surface" in c.description for c in seeded.changes)
    assert any(
        label.startswith("Attack Surface Reduction Rules › Block ") and (before, after) == ("Block", "Audit")
        for label, before, after in labels
    ), labels
    assert any(label.startswith("Excluded group: SG-Intune-") for label, _, _ in labels), labels
    assert all("device_vendor_msft" not in c["label"] for c in changes), changes
    shown = 0
    # One already triaged: "every finding" means acknowledged ones too, not just the new list.
    status, body = seeded.api.call("POST", f"/tenants/{tid}/drift/findings/{findings[0]['id']}/acknowledge", {})
    assert status == 200, body

    reached: dict[str, int] = {}
    for finding in findings:
        steps = 1
        page.goto(seeded.page_url())  # the first page, as an admin opens it
        settled(page)
        page.get_by_role("link", name=tenant, exact=True).click()
        steps += 1
        settled(page)
        page.locator("#stat-all").click()
        steps += 1
        settled(page)
        link = page.locator(f"a.finding-link[data-finding-id='{finding['id']}']")
        while link.count() == 0 and page.locator("#load-more").count():
            load_more(page)
            steps += 1
        # The list says what changed in words before the finding is opened.
        row = page.locator("#findings tbody tr", has=link)
        assert (
            row.locator("td[data-label='What changed']")
            .inner_text()
            .startswith(finding["changeSummary"] or ("whole policy" if finding["changeType"] != "modified" else ""))
        )
        link.click()
        steps += 1
        settled(page)
        assert page.locator("h1").inner_text() == (finding["displayName"] or finding["subjectId"])
        assert finding["id"] in page.url
        reached[finding["id"]] = steps
        read_changes_in_words(page, details[finding["id"]])
        if details[finding["id"]]["changes"] and shown < 3:
            shown += 1
            shot(page, f"words-{finding['policyType']}-{shown}", 1280)

    assert set(reached) == {f["id"] for f in findings}
    assert max(reached.values()) <= MAX_STEPS_PER_FINDING, reached

    # Long lists page with "Load more" (continuation tokens); here two findings a page.
    page.goto(f"{seeded.page_url()}#/tenants/{tid}/findings?status=all&pageSize=2")
    settled(page)
    listed = page.locator("a.finding-link").evaluate_all("links => links.map(a => a.dataset.findingId)")
    assert len(listed) == 2
    while page.locator("#load-more").count():
        load_more(page)
        listed = page.locator("a.finding-link").evaluate_all("links => links.map(a => a.dataset.findingId)")
        # Keyboard users land on the first finding that was added.
        assert page.evaluate("document.activeElement.dataset.findingId") in listed
    assert sorted(listed) == sorted(f["id"] for f in findings)

    # Each type reads in words, by the name the API gives it (GET /api/policy-types).
    names = {t["key"]: t["displayName"] for t in seeded.api.get("/policy-types")["policyTypes"]}
    page.goto(f"{seeded.page_url()}#/tenants/{tid}/findings?status=all")
    settled(page)
    shown = set(page.locator("#findings tbody td[data-label='Policy type']").all_inner_texts())
    assert shown == {names[f["policyType"]] for f in findings}
    assert {"App", "Intune role assignment", "Authorization policy"} <= shown
    assert seen["failed"] == [] and seen["errors"] == []


def test_a_blocked_tenant_says_why(browser: Browser, seeded: Seeded) -> None:
    page, seen = open_page(browser, 1280)
    page.goto(seeded.page_url())
    settled(page)
    page.get_by_role("link", name="Woodgrove Clinic", exact=True).click()
    settled(page)
    reason = page.locator("#state-reason")
    text = reason.inner_text()
    assert text.startswith("Blocked:") and "no_baseline" in text and "baseline" in text.lower()
    assert page.locator("#stat-new .stat-n").inner_text() == "0"

    page.goto(seeded.page_url())
    settled(page)
    page.get_by_role("link", name=HOSTILE_NAME, exact=True).click()
    settled(page)
    coverage = page.locator("#coverage")
    assert "deviceHealthScript" in coverage.inner_text() or "Remediation" in coverage.inner_text()
    assert "forbidden" in coverage.inner_text()
    shot(page, "coverage-problem", 1280)
    assert seen["failed"] == [] and seen["errors"] == []


def test_acknowledging_a_finding_that_changed_meanwhile_reloads_it(browser: Browser, seeded: Seeded) -> None:
    page, seen = open_page(browser, 1280)
    tid = seeded.tenants["Contoso Dental"]
    finding = find(seeded, "Contoso Dental")[0]
    page.goto(f"{seeded.page_url()}#/tenants/{tid}/findings/{finding['id']}")
    settled(page)
    # Someone else acknowledges it while this page is open: the page's ETag is now stale.
    status, body = seeded.api.call(
        "POST", f"/tenants/{tid}/drift/findings/{finding['id']}/acknowledge", {"note": "first"}
    )
    assert status == 200, body

    page.locator("#ack-note").fill("second")
    page.get_by_role("button", name="Acknowledge").click()
    page.locator("#ack-done").wait_for()
    assert "changed since you opened it" in page.locator("#ack-section-msg").inner_text()
    history = page.locator("#history").inner_text()
    assert history.count("Acknowledged") == 1 and "first" in history and "second" not in history
    assert seen["errors"] == []
    # The page sent the ETag it had read (If-Match), and the API refused the stale write with a 412.
    assert len(seen["failed"]) == 1 and seen["failed"][0].startswith("412 ")


@pytest.mark.parametrize("width", [1280, 390])
def test_who_changed_it_is_in_the_list_the_detail_and_the_summary(browser: Browser, seeded: Seeded, width: int) -> None:
    page, seen = open_page(browser, width)
    tenant = "Fabrikam Logistics"
    tid = seeded.tenants[tenant]
    listed = find(seeded, tenant)
    # The scripted changes were made by two technicians and the MSP's automation (devtools.demo).
    actors = {f["changedBy"] for f in listed}
    assert any(str(a).startswith("jordan.lee@") for a in actors), actors
    assert all(f["attributionState"] == "attributed" for f in listed), listed
    page.goto(f"{seeded.page_url()}#/tenants/{tid}")
    settled(page)
    summary = seeded.api.get(f"/tenants/{tid}/drift")
    by_actor = page.locator("#by-actor tbody tr")
    assert by_actor.count() == len(summary["counts"]["byActor"]) > 0
    for row in by_actor.all():
        who, count = row.locator("th").inner_text(), row.locator("td").inner_text()
        assert summary["counts"]["byActor"][who] == int(count)

    page.locator("#stat-new").click()
    settled(page)
    for finding in listed:
        row = page.locator("#findings tbody tr", has=page.locator(f"a[data-finding-id='{finding['id']}']"))
        cell = row.locator("td[data-label='Changed by']").inner_text()
        assert finding["changedBy"] in cell
        if finding["changedFromIp"]:
            assert f"from {finding['changedFromIp']}" in cell
    shot(page, "findings-changed-by", width)

    removed = next(f for f in listed if f["policyType"] == "conditionalAccessPolicy" and f["changeType"] == "removed")
    assert removed["changedBy"] == "MSP Automation runbook"
    page.locator(f"a.finding-link[data-finding-id='{removed['id']}']").click()
    settled(page)
    detail = seeded.api.get(f"/tenants/{tid}/drift/findings/{removed['id']}")
    events = page.locator("#attribution-events > li")
    assert events.count() == len(detail["attribution"]["events"]) >= 1
    first = events.first.inner_text()
    newest = detail["attribution"]["events"][0]
    assert "MSP Automation runbook (application)" in first
    assert newest["activity"] == "Delete conditional access policy" and newest["activity"] in first
    assert "Entra audit log" in first
    shot(page, "detail-changed-by", width)

    # A technician's change shows where it came from, and with which app.
    by_user = next(f for f in listed if str(f["changedBy"]).startswith("jordan.lee@"))
    page.goto(f"{seeded.page_url()}#/tenants/{tid}/findings/{by_user['id']}")
    settled(page)
    first = page.locator("#attribution-events > li").first.inner_text()
    assert by_user["changedBy"] in first and f"from {by_user['changedFromIp']}" in first
    assert "with Microsoft Intune portal extension" in first and "Intune audit log" in first
    assert seen["failed"] == [] and seen["errors"] == []
