"""Input validation shared by triggers and the API (pure)."""

from __future__ import annotations

import re
from typing import Any

from shared.errors import ValidationError

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_guid(value: Any) -> bool:
    """True for a canonical GUID string."""
    return isinstance(value, str) and bool(_GUID.match(value))


def require_guid(value: Any, name: str) -> str:
    """A lower-cased GUID, or ValidationError naming the field."""
    if not is_guid(value):
        raise ValidationError(f"{name} must be a GUID", "invalid_tenant_id" if name == "tenantId" else "invalid_id")
    return str(value).lower()
