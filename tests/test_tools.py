"""The rule for missing tools: a developer's run may skip, a CI run must fail."""

from __future__ import annotations

import pytest

from tests.tools import missing_tool


def test_a_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not on PATH"):
        missing_tool("chromium is not on PATH")


def test_a_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not on PATH"):
        missing_tool("chromium is not on PATH")
