"""Every id format of the app, once: tenant and group GUIDs, run ids, finding ids, template ids (pure).

Each format is one pattern string; the validators here and the OpenAPI document both use it, so
what the handlers accept and what the document says can never disagree. Patterns are anchored with
`\\Z`-equivalent full matches: a trailing newline never passes.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from typing import Any, Final

from shared.errors import ValidationError

GUID_PATTERN: Final = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
RUN_ID_PATTERN: Final = "^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{8}$"
FINDING_ID_PATTERN: Final = "^[0-9a-f]{32}$"
TEMPLATE_ID_PATTERN: Final = "^[a-z0-9-]{1,64}$"
# Chosen by the admin who subscribes (DESIGN §13): short, URL- and RowKey-safe, shaped like template ids.
SUBSCRIPTION_ID_PATTERN: Final = TEMPLATE_ID_PATTERN
# Drift event ids (CloudEvents `id`, Standard Webhooks `webhook-id`): 32 lower-case hex digits.
EVENT_ID_PATTERN: Final = "^[0-9a-f]{32}$"

_GUID: Final = re.compile(GUID_PATTERN.rstrip("$"))
_RUN_ID: Final = re.compile(RUN_ID_PATTERN.rstrip("$"))
_FINDING_ID: Final = re.compile(FINDING_ID_PATTERN.rstrip("$"))
_TEMPLATE_ID: Final = re.compile(TEMPLATE_ID_PATTERN.rstrip("$"))
_SUBSCRIPTION_ID: Final = re.compile(SUBSCRIPTION_ID_PATTERN.rstrip("$"))
_EVENT_ID: Final = re.compile(EVENT_ID_PATTERN.rstrip("$"))


def _full(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def is_guid(value: Any) -> bool:
    """True for a canonical GUID string."""
    return _full(_GUID, value)


def require_guid(value: Any, name: str) -> str:
    """A lower-cased GUID, or ValidationError naming the field."""
    if not is_guid(value):
        raise ValidationError(f"{name} must be a GUID", "invalid_tenant_id" if name == "tenantId" else "invalid_id")
    return str(value).lower()


def is_finding_id(value: Any) -> bool:
    """True for a finding id: 32 lower-case hex digits."""
    return _full(_FINDING_ID, value)


def require_template_id(value: Any) -> str:
    """A template id (1-64 characters of a-z, 0-9 and -), or ValidationError."""
    if not _full(_TEMPLATE_ID, value):
        raise ValidationError("templateId must be 1-64 characters of a-z, 0-9 and -", "invalid_template_id")
    return str(value)


def is_subscription_id(value: Any) -> bool:
    """True for a subscription id: 1–64 characters of a-z, 0-9 and '-'."""
    return _full(_SUBSCRIPTION_ID, value)


def require_subscription_id(value: Any) -> str:
    """The subscription id, or ValidationError (`invalid_subscription_id`)."""
    if not is_subscription_id(value):
        raise ValidationError("subscriptionId must be 1-64 characters of a-z, 0-9 and '-'", "invalid_subscription_id")
    return str(value)


def is_event_id(value: Any) -> bool:
    """True for a drift event id: 32 lower-case hex digits."""
    return _full(_EVENT_ID, value)


def new_run_id(now: datetime | None = None) -> str:
    """A run id such as 20261125T181502123Z-1a2b3c4d (UTC, millisecond precision): sorts by time."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"
    return f"{stamp}-{secrets.token_hex(4)}"


def is_run_id(value: Any) -> bool:
    """True for a well-formed run id."""
    return _full(_RUN_ID, value)


def run_id_time(run_id: str) -> str:
    """The moment a run id was minted, as `clock.iso` writes it (`2026-11-25T18:15:02.123Z`)."""
    stamp = run_id.partition("-")[0]
    return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}.{stamp[15:18]}Z"


def _invert_digits(text: str) -> str:
    return "".join(str(9 - int(c)) if c.isdigit() else c for c in text)


def newest_first_key(run_id: str) -> str:
    """A RowKey that sorts runs newest first (each timestamp digit inverted)."""
    stamp, _, suffix = run_id.partition("-")
    return f"{_invert_digits(stamp)}-{suffix}"


def newest_first_time_key(moment: str, suffix: str) -> str:
    """A RowKey that sorts newest first by a `clock.iso` timestamp (its digits inverted), then `suffix`."""
    digits = "".join(c for c in moment if c.isdigit())
    return f"{_invert_digits(digits)}-{suffix}"
