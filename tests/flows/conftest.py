"""Fixtures of the flow tests: the local host that drives the registered functions, the same host
with the drift events settings and empty event queues, and a local webhook receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.receiver import WebhookReceiver
from shared.settings import EVENT_QUEUE, RELAY_QUEUE
from tests.pipeline import make_host


@pytest.fixture
def host(app_env: dict[str, str], azurite: Azurite) -> Any:
    """The function app as the Functions host runs it, against this test's tables and Azurite."""
    return make_host(azurite.connection_string)


@pytest.fixture
def events_host(app_env: dict[str, str], azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A host with short retries (1 s doubling, 5 attempts) and a public base URL for event links."""
    monkeypatch.setenv("EVENT_RETRY_BASE_SECONDS", "1")
    monkeypatch.setenv("EVENT_MAX_ATTEMPTS", "5")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://drift.msp.example/")
    events = make_host(azurite.connection_string)
    for queue in (EVENT_QUEUE, f"{EVENT_QUEUE}-poison", RELAY_QUEUE, f"{RELAY_QUEUE}-poison"):
        events.queue(queue).clear_messages()  # the queues are shared by every test of the session
    return events


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as instance:
        yield instance
