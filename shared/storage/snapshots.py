"""The snapshot container: create-only gzip JSON blobs."""

from __future__ import annotations

import threading

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import ContainerClient, ContentSettings

from shared.settings import SNAPSHOT_CONTAINER
from shared.storage.clients import StorageClients

_ready: set[object] = set()
_lock = threading.Lock()


class SnapshotStore:
    """Write each run's snapshot once; read snapshots back as bytes."""

    def __init__(self, clients: StorageClients) -> None:
        self._container: ContainerClient = clients.blob.get_container_client(SNAPSHOT_CONTAINER)
        if clients.config not in _ready:
            with _lock:
                try:
                    self._container.create_container()
                except ResourceExistsError:
                    pass
                _ready.add(clients.config)

    def create(self, name: str, data: bytes) -> bool:
        """Upload unless the blob exists; True when this call created it."""
        try:
            self._container.upload_blob(
                name,
                data,
                overwrite=False,
                content_settings=ContentSettings(content_type="application/gzip"),
            )
            return True
        except ResourceExistsError:
            return False

    def read(self, name: str) -> bytes | None:
        try:
            return self._container.download_blob(name).readall()
        except ResourceNotFoundError:
            return None

    def exists(self, name: str) -> bool:
        return self._container.get_blob_client(name).exists()

    def names(self, prefix: str) -> list[str]:
        return sorted(b.name for b in self._container.list_blobs(name_starts_with=prefix))
