"""Wiring: every store built once per process, on first use, from the storage settings."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from shared.storage.alignments import AlignmentStore
from shared.storage.assignments import AssignmentStore
from shared.storage.baselines import BaselineStore
from shared.storage.clients import StorageClients, StorageConfig
from shared.storage.definitions import DefinitionStore
from shared.storage.deliveries import DeliveryLog
from shared.storage.eventqueue import EventQueue
from shared.storage.findings import FindingStore
from shared.storage.history import HistoryStore
from shared.storage.locks import ScopeLocks
from shared.storage.registry import TenantRegistry
from shared.storage.runs import RunStore
from shared.storage.snapshots import SnapshotStore
from shared.storage.subscriptions import SubscriptionStore
from shared.storage.summaries import SummaryStore
from shared.storage.templates import TemplateStore


@dataclass
class Stores:
    """Every store the flows and the API use."""

    clients: StorageClients

    @cached_property
    def tenants(self) -> TenantRegistry:
        return TenantRegistry(self.clients)

    @cached_property
    def runs(self) -> RunStore:
        return RunStore(self.clients)

    @cached_property
    def locks(self) -> ScopeLocks:
        return ScopeLocks(self.clients)

    @cached_property
    def snapshots(self) -> SnapshotStore:
        return SnapshotStore(self.clients)

    @cached_property
    def findings(self) -> FindingStore:
        return FindingStore(self.clients)

    @cached_property
    def history(self) -> HistoryStore:
        return HistoryStore(self.clients, self.findings)

    @cached_property
    def summaries(self) -> SummaryStore:
        return SummaryStore(self.clients)

    @cached_property
    def baselines(self) -> BaselineStore:
        return BaselineStore(self.clients)

    @cached_property
    def templates(self) -> TemplateStore:
        return TemplateStore(self.clients)

    @cached_property
    def assignments(self) -> AssignmentStore:
        return AssignmentStore(self.clients)

    @cached_property
    def alignments(self) -> AlignmentStore:
        return AlignmentStore(self.clients)

    @cached_property
    def subscriptions(self) -> SubscriptionStore:
        return SubscriptionStore(self.clients)

    @cached_property
    def deliveries(self) -> DeliveryLog:
        return DeliveryLog(self.clients)

    @cached_property
    def event_queue(self) -> EventQueue:
        return EventQueue(self.clients)

    @cached_property
    def definitions(self) -> DefinitionStore:
        return DefinitionStore(self.clients)


_current: Stores | None = None
_current_config: StorageConfig | None = None
_lock = threading.Lock()


def get_stores(env: Mapping[str, str] | None = None) -> Stores:
    """The process's stores for the current settings (rebuilt if the storage settings change)."""
    global _current, _current_config
    config = StorageConfig.from_env(env)
    with _lock:
        if _current is None or _current_config != config:
            _current = Stores(StorageClients(config))
            _current_config = config
        return _current
