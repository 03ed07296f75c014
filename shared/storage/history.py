"""Triage history: read from the tenant's findings partition (where detection and triage write it, in
the same transaction as the state it records), and from the legacy history table for findings
created before that layout (DESIGN §5: history is never rewritten, so old rows are read, not moved).
"""

from __future__ import annotations

from typing import Any

from shared.storage.clients import StorageClients
from shared.storage.findings import FindingStore, event_from_entity
from shared.storage.tables import table_client


class HistoryStore:
    """A finding's history, oldest first."""

    def __init__(self, clients: StorageClients, findings: FindingStore) -> None:
        self._clients = clients
        self._findings = findings

    def for_finding(self, tenant_id: str, finding_id: str) -> list[dict[str, Any]]:
        """Every event of one finding: one prefix query; the legacy table (one partition per finding)
        only when the finding's `detected` event is not in the new layout, i.e. it was created
        before the layout changed."""
        events = self._findings.history(tenant_id, finding_id)
        if not any(e.get("action") == "detected" for e in events):
            legacy = table_client(self._clients, "history").query_entities(
                "PartitionKey eq @p", parameters={"p": f"{tenant_id}_{finding_id}"}
            )
            seen = {e["id"] for e in events}
            events += [event_from_entity(e) for e in legacy if e.get("id") not in seen]
        return sorted(events, key=lambda e: (e["at"], e["id"]))
