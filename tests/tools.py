"""Tools a test needs from the machine: where one is missing, skip on a developer's machine, fail in CI."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True when CI=true (or 1): `.ci/run` sets it, and so do most CI systems."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing_tool(reason: str) -> NoReturn:
    """Skip with `reason`; in CI, fail with it instead, so a broken install can never pass unnoticed."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing tool fails the run instead of skipping it)", pytrace=False)
    pytest.skip(reason)
