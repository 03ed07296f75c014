"""An admin reads alignment on the drift page, in Chromium: the portfolio's alignment column, then a
tenant's deviations from a golden template in words with expected vs actual."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import HOSTILE_NAME, Seeded
from tests.browser.test_drift_page import open_page, rendered, settled, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser

TEMPLATE = "golden-page"


def _template(seeded: Seeded) -> dict[str, dict[str, Any]]:
    """A template frozen from Contoso Dental, assigned to Contoso and Fabrikam: their alignments."""
    status, body = seeded.api.call(
        "PUT",
        f"/templates/{TEMPLATE}",
        {"displayName": "Dental golden", "sourceTenantId": seeded.tenants["Contoso Dental"]},
    )
    assert status == 201, body
    out = {}
    for name in ("Contoso Dental", "Fabrikam Logistics"):
        status, body = seeded.api.call("PUT", f"/tenants/{quote(seeded.tenants[name])}/templates/{TEMPLATE}", {})
        assert status == 201, body
        out[name] = body["alignment"]
    return out


@pytest.mark.parametrize("width", [1280, 390])
def test_alignment_column_and_deviations_in_words(browser: Browser, seeded: Seeded, width: int) -> None:
    results = _template(seeded)
    assert results["Contoso Dental"]["score"] == 100.0
    fabrikam = results["Fabrikam Logistics"]
    assert fabrikam["deviations"] and fabrikam["score"] < 100.0
    page, seen = open_page(browser, width)

    # Portfolio: a score per assigned template, "No template" elsewhere.
    page.goto(seeded.page_url())
    settled(page)
    portfolio = page.locator("#portfolio")
    row = lambda name: portfolio.locator("tr", has=page.get_by_text(name, exact=True))  # noqa: E731
    assert "Dental golden 100.0%" in row("Contoso Dental").locator("td[data-label='Alignment']").inner_text()
    assert f"{fabrikam['score']:.1f}%" in row("Fabrikam Logistics").locator("td[data-label='Alignment']").inner_text()
    assert row(HOSTILE_NAME).locator("td[data-label='Alignment']").inner_text() == "No template"
    shot(page, "portfolio-alignment", width)

    # The tenant's alignment: score, counts, every deviation with its label and expected vs actual.
    row("Fabrikam Logistics").get_by_role("link", name="Dental golden", exact=False).click()
    settled(page)
    section = page.locator(f"#template-{TEMPLATE}")
    assert f"{fabrikam['score']:.1f}%" in section.locator("h2").inner_text()
    for key in ("matched", "different", "missing", "conflicting"):
        assert section.locator(f"#template-{TEMPLATE}-{key} .stat-n").inner_text() == str(fabrikam["counts"][key])
    items = section.locator("ol.deviations > li")
    assert items.count() == len(fabrikam["deviations"])
    kinds = {"missing_policy": "Missing policy", "missing_setting": "Missing setting",
             "different_value": "Different value", "conflicting": "Conflicting"}  # fmt: skip
    for index, deviation in enumerate(fabrikam["deviations"][:25]):
        item = items.nth(index)
        assert item.locator(".tag").first.inner_text() == kinds[deviation["kind"]]
        assert item.locator(".deviation-label").inner_text() == deviation["label"]
        assert deviation["templateDisplayName"] in item.inner_text()
        if deviation["kind"] == "different_value":
            assert item.locator(".side-before pre, .side-before .absent").first.inner_text() == rendered(
                deviation["expected"]
            )
            assert item.locator(".side-after pre, .side-after .absent").first.inner_text() == rendered(
                deviation["actual"]
            )
    shot(page, "alignment", width)

    # A tenant measured at 100: no deviation, said in words.
    page.goto(f"{seeded.page_url()}#/tenants/{seeded.tenants['Contoso Dental']}/alignment")
    settled(page)
    assert "No deviation" in page.locator(f"#template-{TEMPLATE}").inner_text()
    assert all(url.startswith(seeded.url + "/") for url in seen["requests"]), "the page requested another origin"
    assert seen["failed"] == [] and seen["errors"] == []
