"""Blob helpers: a container client, the container created the first time this process asks."""

from __future__ import annotations

import threading

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import ContainerClient

from shared.storage.clients import StorageClients

_created: set[tuple[object, str]] = set()
_lock = threading.Lock()


def container_client(clients: StorageClients, name: str) -> ContainerClient:
    """A client for a blob container, creating the container once per process and storage config."""
    client: ContainerClient = clients.blob.get_container_client(name)
    marker = (clients.config, name)
    if marker not in _created:
        with _lock:
            if marker not in _created:
                try:
                    client.create_container()
                except ResourceExistsError:
                    pass
                _created.add(marker)
    return client
