"""What a handler sees of an HTTP request and what it answers; the JSON body rules (size, type, syntax)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from shared.errors import PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError

MAX_BODY_BYTES: Final = 64 * 1024


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, case-insensitively, from any mapping (the one header lookup of the app)."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    for key, candidate in headers.items():
        if key.lower() == wanted:
            return candidate
    return None


@dataclass(frozen=True)
class ApiRequest:
    """What a handler sees of an HTTP request."""

    method: str
    headers: Mapping[str, str]
    params: Mapping[str, str]
    route: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        return header_value(self.headers, name)

    def json(self, required: bool = True) -> Any:
        """The JSON body; size, content type and syntax are checked in that order."""
        if len(self.body) > MAX_BODY_BYTES:
            raise PayloadTooLargeError(f"request body exceeds {MAX_BODY_BYTES} bytes")
        if not self.body.strip():
            if required:
                raise ValidationError("a JSON body is required", "missing_body")
            return None
        content_type = (self.header("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise UnsupportedMediaTypeError("Content-Type must be application/json")
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise ValidationError("request body is not valid JSON", "invalid_json") from None


@dataclass
class ApiResponse:
    """A handler's answer: JSON body, status and extra headers."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
