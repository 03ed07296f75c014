"""Scope locks: at most one scan per tenant and scope key at a time (table entity with expiry + ETag)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from shared.storage.clients import StorageClients
from shared.storage.tables import table_client


@dataclass(frozen=True)
class LockState:
    """Who holds a scope lock, until when."""

    holder: str
    expires_at: float


class ScopeLocks:
    """Acquire, renew and release the lock of (tenant, scope key)."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "locks")

    def holder(self, tenant_id: str, scope: str) -> LockState | None:
        try:
            entity = self._table.get_entity(tenant_id, scope)
        except ResourceNotFoundError:
            return None
        return LockState(entity["holder"], float(entity["expiresAt"]))

    def acquire(self, tenant_id: str, scope: str, holder: str, ttl: float) -> bool:
        """True when `holder` now holds the lock; an expired lock is taken over atomically.

        Not re-entrant: a second acquire by the same holder fails while the lock is live, so two
        deliveries of one message never scan at once.
        """
        return self._take(tenant_id, scope, holder, ttl, reentrant=False)

    def _take(self, tenant_id: str, scope: str, holder: str, ttl: float, reentrant: bool) -> bool:
        entity = {"PartitionKey": tenant_id, "RowKey": scope, "holder": holder, "expiresAt": time.time() + ttl}
        try:
            self._table.create_entity(entity)
            return True
        except ResourceExistsError:
            pass
        try:
            current = self._table.get_entity(tenant_id, scope)
        except ResourceNotFoundError:
            return self._take(tenant_id, scope, holder, ttl, reentrant)
        live = float(current["expiresAt"]) > time.time()
        if live and not (reentrant and current["holder"] == holder):
            return False
        try:
            self._table.update_entity(
                entity,
                mode=UpdateMode.REPLACE,
                etag=current.metadata["etag"],
                match_condition=MatchConditions.IfNotModified,
            )
            return True
        except (HttpResponseError, ResourceNotFoundError):
            return False

    def renew(self, tenant_id: str, scope: str, holder: str, ttl: float) -> bool:
        """Extend a held lock; False if someone else took it."""
        return self._take(tenant_id, scope, holder, ttl, reentrant=True)

    def release(self, tenant_id: str, scope: str, holder: str) -> None:
        """Release the lock if `holder` still holds it."""
        try:
            current = self._table.get_entity(tenant_id, scope)
        except ResourceNotFoundError:
            return
        if current["holder"] != holder:
            return
        try:
            self._table.delete_entity(
                tenant_id, scope, etag=current.metadata["etag"], match_condition=MatchConditions.IfNotModified
            )
        except (HttpResponseError, ResourceNotFoundError):
            pass
