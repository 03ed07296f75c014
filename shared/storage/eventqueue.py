"""The events queue (`drift-events`): delivery messages, each optionally hidden for a delay.

The Functions queue output binding cannot delay a message, and a retry must wait
(EVENT_RETRY_BASE_SECONDS doubling), so deliveries are enqueued here with the queue client's
visibility timeout. Messages are base64-encoded, as the queue trigger expects by default.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Final

from azure.core.exceptions import ResourceExistsError
from azure.storage.queue import QueueClient, TextBase64EncodePolicy

from shared.errors import StorageLimitError
from shared.settings import EVENT_QUEUE
from shared.storage.clients import StorageClients

# A queue message is at most 64 KiB once base64-encoded.
MAX_MESSAGE_CHARS: Final = 48 * 1024
# The service hides a message for at most seven days, and a message must outlive its delay.
MAX_DELAY_SECONDS: Final = 7 * 24 * 3600 - 3600
_TIME_TO_LIVE_SECONDS: Final = 7 * 24 * 3600


class EventQueue:
    """Send delivery messages to the events queue (created on first use)."""

    def __init__(self, clients: StorageClients, queue_name: str = EVENT_QUEUE) -> None:
        self._service = clients.queue
        self._name = queue_name
        self._client: QueueClient | None = None
        self._lock = threading.Lock()

    def _queue(self) -> QueueClient:
        with self._lock:
            if self._client is None:
                client = self._service.get_queue_client(self._name, message_encode_policy=TextBase64EncodePolicy())
                try:
                    client.create_queue()
                except ResourceExistsError:
                    pass
                self._client = client
            return self._client

    def send(self, message: str, delay_seconds: int = 0) -> None:
        """Enqueue one message, invisible for `delay_seconds` (0–7 days)."""
        if len(message) > MAX_MESSAGE_CHARS:
            raise StorageLimitError(f"an events queue message of {len(message)} characters exceeds the 64 KiB limit")
        if not 0 <= delay_seconds <= MAX_DELAY_SECONDS:
            raise ValueError(f"delay must be between 0 and {MAX_DELAY_SECONDS} seconds")
        self._queue().send_message(
            message, visibility_timeout=delay_seconds or None, time_to_live=_TIME_TO_LIVE_SECONDS
        )

    def send_all(self, messages: Iterable[str]) -> int:
        """Enqueue messages now, one request each (the service has no batch send); returns how many."""
        sent = 0
        for message in messages:
            self.send(message)
            sent += 1
        return sent
