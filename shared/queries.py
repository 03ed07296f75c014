"""Read side: what readers may see of a tenant's drift (findings appear together with their summary)."""

from __future__ import annotations

from typing import Any, Final

from shared.services import Services

# The default list (status new, no other filter) is kept next to the summary, one row more than the
# largest page it serves, so its first page costs one point read whatever the number of findings.
HEAD_ROWS: Final = 101


def published_run(services: Services, tenant_id: str) -> str | None:
    """The newest run whose comparison the summary has published (None: nothing published yet)."""
    record = services.summaries.get(tenant_id)
    if record is None:
        return None
    current = record.summary.get("current") or {}
    return current.get("runId")


def visible_findings(services: Services, tenant_id: str) -> list[dict[str, Any]]:
    """Findings first seen in a published run: a comparison still being written stays hidden."""
    watermark = published_run(services, tenant_id)
    if watermark is None:
        return []
    return [f for f in services.findings.list_all(tenant_id) if str(f.get("firstSeenRunId", "")) <= watermark]


def default_list_head(services: Services, tenant_id: str, published: str) -> list[dict[str, Any]]:
    """The first rows of the default findings list as readers will see it once `published` is."""
    rows, _ = services.findings.page(tenant_id, published, {"status": "new"}, HEAD_ROWS)
    return rows
