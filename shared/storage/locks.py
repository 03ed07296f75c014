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
    etag: str = ""


class ScopeLocks:
    """Acquire, renew and release the lock of (tenant, scope key)."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "locks")

    def holder(self, tenant_id: str, scope: str) -> LockState | None:
        try:
            entity = self._table.get_entity(tenant_id, scope)
        except ResourceNotFoundError:
            return None
        return LockState(entity["holder"], float(entity["expiresAt"]), str(entity.metadata["etag"]))

    def acquire(self, tenant_id: str, scope: str, holder: str, ttl: float) -> str | None:
        """The lock's ETag when `holder` now holds it (None: someone holds it); an expired lock is
        taken over atomically.

        Not re-entrant: a second acquire by the same holder fails while the lock is live, so two
        deliveries of one message never scan at once.
        """
        return self._take(tenant_id, scope, holder, ttl, reentrant=False)

    def _take(self, tenant_id: str, scope: str, holder: str, ttl: float, reentrant: bool) -> str | None:
        entity = {"PartitionKey": tenant_id, "RowKey": scope, "holder": holder, "expiresAt": time.time() + ttl}
        try:
            return str(self._table.create_entity(entity)["etag"])
        except ResourceExistsError:
            pass
        try:
            current = self._table.get_entity(tenant_id, scope)
        except ResourceNotFoundError:
            return self._take(tenant_id, scope, holder, ttl, reentrant)
        live = float(current["expiresAt"]) > time.time()
        if live and not (reentrant and current["holder"] == holder):
            return None
        try:
            meta = self._table.update_entity(
                entity,
                mode=UpdateMode.REPLACE,
                etag=current.metadata["etag"],
                match_condition=MatchConditions.IfNotModified,
            )
            return str(meta["etag"])
        except (HttpResponseError, ResourceNotFoundError):
            return None

    def take_over(self, tenant_id: str, scope: str, holder: str, ttl: float, seen: LockState) -> str | None:
        """Take a lock from a holder known to be finished (the lock as `seen`, by its ETag); None if
        it changed meanwhile."""
        entity = {"PartitionKey": tenant_id, "RowKey": scope, "holder": holder, "expiresAt": time.time() + ttl}
        try:
            meta = self._table.update_entity(
                entity, mode=UpdateMode.REPLACE, etag=seen.etag, match_condition=MatchConditions.IfNotModified
            )
        except (HttpResponseError, ResourceNotFoundError):
            return None
        return str(meta["etag"])

    def renew(self, tenant_id: str, scope: str, holder: str, ttl: float) -> str | None:
        """Extend a held lock; its new ETag, or None if someone else took it."""
        return self._take(tenant_id, scope, holder, ttl, reentrant=True)

    def release(self, tenant_id: str, scope: str, holder: str, etag: str | None = None) -> None:
        """Release the lock if `holder` still holds it: one conditional delete when the ETag it was
        last taken or renewed with is given, else read, check the holder, delete."""
        if etag is not None:
            try:
                self._table.delete_entity(tenant_id, scope, etag=etag, match_condition=MatchConditions.IfNotModified)
                return
            except ResourceNotFoundError:
                return
            except HttpResponseError:
                pass  # renewed or taken over since: look before deleting
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
