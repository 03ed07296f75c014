"""Read side: what readers may see of a tenant's drift (findings appear together with their summary)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from shared.services import Services

# The default list (status new, no other filter) is kept next to the summary, one row more than the
# largest page it serves, so its first page costs one point read whatever the number of findings.
HEAD_ROWS: Final = 101


def published_run(summary: Mapping[str, Any] | None) -> str:
    """The newest run whose comparison a summary has published ("" before any): readers see only
    findings first seen up to it, so a comparison still being written stays hidden."""
    current = (summary or {}).get("current") or {}
    return str(current.get("runId") or "")


def default_list_head(services: Services, tenant_id: str, published: str) -> list[dict[str, Any]]:
    """The first rows of the default findings list as readers will see it once `published` is."""
    rows, _ = services.findings.page(tenant_id, published, {"status": "new"}, HEAD_ROWS)
    return rows
