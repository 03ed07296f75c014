"""Fixtures of the flow tests: the local host that drives the registered functions."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.azurite import Azurite
from tests.pipeline import make_host


@pytest.fixture
def host(app_env: dict[str, str], azurite: Azurite) -> Any:
    """The function app as the Functions host runs it, against this test's tables and Azurite."""
    return make_host(azurite.connection_string)
