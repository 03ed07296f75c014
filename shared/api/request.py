"""What a handler sees of an HTTP request and what it answers (the rules for its content: `validate`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
    url: str = ""  # as the host received it: scheme, host and path (the app's own origin is learnt from it)

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        return header_value(self.headers, name)


@dataclass
class ApiResponse:
    """A handler's answer: JSON body, status and extra headers."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
