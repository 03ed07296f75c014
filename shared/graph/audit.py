"""Reading the tenant's audit logs during a scan (I/O; DESIGN §12), on the scan's one client and budget.

- Intune: `GET v1.0/deviceManagement/auditEvents?$filter=activityDateTime ge {since}&$top=999`
  (permission `DeviceManagementApps.Read.All`; without it a bare 403).
- Entra: `GET v1.0/auditLogs/directoryAudits?$filter=activityDateTime ge {since}&$top=999`
  (`AuditLog.Read.All`; v1.0 only: beta answers 500).

Pages are followed through `@odata.nextLink` verbatim. No filter on resources is sent (Intune's
`resources/any(...)` is unreliable): every event since `since` is read and the core matches
resource ids itself. Each raw page is trimmed (`shared.core.attribution.trim_events`) as soon as it
arrives, so `modifiedProperties` never outlive the page they came in. A log Graph refuses is
recorded with its stable error code; the scan and its coverage never depend on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import quote

from shared.core.attribution import AuditEvent, AuditSource, SourceRead, source_read, trim_events
from shared.errors import GraphError
from shared.graph.client import GraphClient

log = logging.getLogger(__name__)

PAGE_SIZE: Final = 999
PATHS: Final[dict[AuditSource, str]] = {
    "intune": "deviceManagement/auditEvents",
    "entra": "auditLogs/directoryAudits",
}


@dataclass
class AuditRead:
    """What reading the audit logs gave: trimmed events, how each source went, and the pages it
    took (each one Graph operation, retries aside)."""

    events: list[AuditEvent] = field(default_factory=list)
    sources: dict[str, SourceRead] = field(default_factory=dict)
    pages: int = 0


def audit_url(client: GraphClient, source: AuditSource, since: str) -> str:
    """The first page's URL: events since `since` (an ISO time, `Z`), the largest page Graph serves."""
    query = f"$filter={quote(f'activityDateTime ge {since}', safe='')}&$top={PAGE_SIZE}"
    return client.url("v1.0", PATHS[source], query)


async def _read_source(client: GraphClient, source: AuditSource, since: str, out: AuditRead) -> None:
    url: str | None = audit_url(client, source, since)
    events: list[AuditEvent] = []
    try:
        while url:
            page = await client.get(url)
            out.pages += 1
            chunk = page.get("value")
            if not isinstance(chunk, list):
                raise GraphError("invalid_response", "audit page without a value array")
            events.extend(trim_events(source, chunk))
            link = page.get("@odata.nextLink")
            url = str(link) if link else None
    except GraphError as exc:
        log.warning(
            "audit log %s: %s (%s); findings of its types stay unattributed for now", source, exc.code, exc.status
        )
        out.sources[source] = source_read("failed", exc.code)
        return
    out.events.extend(events)
    out.sources[source] = source_read("complete")


async def read_audit(client: GraphClient, sources: Collection[AuditSource], since: str) -> AuditRead:
    """Every event of `sources` since `since`, trimmed; each source's status (a source not asked for
    is absent: the snapshot says `notRead`)."""
    out = AuditRead()
    await asyncio.gather(*(_read_source(client, s, since, out) for s in sorted(sources)))
    return out
