"""The one rule set for what a request may carry; every handler declares its input here and gets
parsed values back before it opens storage.

- Query parameters: only the names a route declares. Integers are ASCII digits in a range
  (`str.isdigit` also accepts '²' and '٣', which `int` then refuses or reads as 3); choices come from
  a fixed tuple; opaque values (continuation tokens) are bounded printable ASCII.
- Route ids: full matches of the patterns in `shared.core.ids`, so a trailing newline never passes.
- JSON, from a body or from a header or token: UTF-8, at most `MAX_JSON_DEPTH` containers deep (a
  20,000-level document is a ValueError here, never a RecursionError), no NaN or Infinity, no lone
  surrogate code points (they cannot be stored or logged as UTF-8).
- Bodies: at most `MAX_BODY_BYTES`, `Content-Type: application/json`, and an object whose fields are
  each declared with a check; an undeclared field is refused.

Every refusal is a ValidationError: 400 with a code naming the problem (413 and 415 for size and type).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.api.request import ApiRequest
from shared.core.ids import is_finding_id, require_guid
from shared.errors import PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError

MAX_BODY_BYTES: Final = 64 * 1024
MAX_JSON_DEPTH: Final = 32
JSON_MEDIA_TYPE: Final = "application/json"

_ASCII_DIGITS: Final = re.compile(r"[0-9]{1,9}")
_PRINTABLE_ASCII: Final = re.compile(r"[\x21-\x7e]*")
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")


# --- JSON from anywhere ----------------------------------------------------------------------------


class JsonInputError(ValueError):
    """Bytes that are not acceptable JSON; the message is a predicate ("is not valid JSON"), `code` says why."""

    def __init__(self, message: str, code: str = "invalid_json") -> None:
        super().__init__(message)
        self.code = code


def _refuse_constant(name: str) -> Any:
    raise JsonInputError(f"uses {name}, which JSON does not have")


def _check_depth_and_text(value: Any, max_depth: int) -> None:
    # Iterative on purpose: the value may be as deep as the parser's own recursion allowed.
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise JsonInputError("holds an unpaired surrogate code point")
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise JsonInputError(f"is nested deeper than {max_depth} levels", "json_too_deep")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)


def load_json(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse untrusted JSON; JsonInputError (a ValueError) for anything but plain, shallow UTF-8 JSON."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_refuse_constant)
    except JsonInputError:
        raise
    except RecursionError:
        raise JsonInputError(f"is nested deeper than {max_depth} levels", "json_too_deep") from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError, an integer beyond Python's digit limit
        raise JsonInputError("is not valid JSON") from None
    _check_depth_and_text(value, max_depth)
    return value


# --- request bodies --------------------------------------------------------------------------------


def media_type(request: ApiRequest) -> str:
    """The Content-Type's media type, lower-case, without parameters ('' when absent)."""
    return (request.header("content-type") or "").split(";")[0].strip().lower()


def json_body(request: ApiRequest, *, required: bool = True) -> Any:
    """The JSON body; size, presence, content type, then syntax and depth are checked in that order."""
    if len(request.body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"request body exceeds {MAX_BODY_BYTES} bytes")
    if not request.body.strip():
        if required:
            raise ValidationError("a JSON body is required", "missing_body")
        return None
    if media_type(request) != JSON_MEDIA_TYPE:
        raise UnsupportedMediaTypeError(f"Content-Type must be {JSON_MEDIA_TYPE}")
    try:
        return load_json(request.body)
    except JsonInputError as exc:
        raise ValidationError(f"request body {exc}", exc.code) from None


Check = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One field of a JSON object body: the check that returns its value, and whether it must be there.

    An optional field that is absent or null is None, unchecked.
    """

    check: Check
    required: bool = False


def json_object(request: ApiRequest, fields: Mapping[str, Field], *, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object holding only `fields`, each checked; {} for an optional body that is absent."""
    body = json_body(request, required=required)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ValidationError("body must be a JSON object")
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ValidationError(f"unknown field(s): {', '.join(unknown)}", "unknown_field")
    values: dict[str, Any] = {}
    for name, field in fields.items():
        raw = body.get(name)
        if raw is None:
            if field.required:
                raise ValidationError(f"{name} is required", "missing_field")
            values[name] = None
        else:
            values[name] = field.check(raw)
    return values


def text(
    name: str, *, max_length: int, non_blank: bool = False, code: str = "bad_request", too_long_code: str | None = None
) -> Check:
    """A string field of at most `max_length` characters (and not only spaces when `non_blank`)."""
    shape = f"{name} must be a {'non-empty ' if non_blank else ''}string of at most {max_length} characters"

    def check(value: Any) -> str:
        if not isinstance(value, str) or (non_blank and not value.strip()):
            raise ValidationError(shape, code)
        if len(value) > max_length:
            raise ValidationError(f"{name} is longer than {max_length} characters", too_long_code or code)
        return value

    return check


def flag(name: str, code: str = "bad_request") -> Check:
    """A boolean field (true or false, not 0, 1 or "yes")."""

    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"{name} must be true or false", code)
        return value

    return check


def identifier(name: str, is_valid: Callable[[Any], bool], kind: str, code: str) -> Check:
    """A string field that is one of the id formats of `shared.core.ids` (full match; no trailing newline)."""

    def check(value: Any) -> str:
        if not is_valid(value):
            raise ValidationError(f"{name} is not {kind}", code)
        return str(value)

    return check


def array(message: str, *, item: Callable[[Any], bool], max_items: int, code: str = "bad_request") -> Check:
    """An array of at most `max_items` values, each accepted by `item`; `message` describes the shape."""

    def check(value: Any) -> list[Any]:
        if not isinstance(value, list) or len(value) > max_items or not all(item(v) for v in value):
            raise ValidationError(message, code)
        return list(value)

    return check


# --- query parameters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Integer:
    """An integer query parameter written in ASCII digits, from `low` to `high`."""

    low: int
    high: int
    default: int | None = None


@dataclass(frozen=True)
class Choice:
    """A query parameter that is one of `choices`."""

    choices: tuple[str, ...]
    default: str | None = None


@dataclass(frozen=True)
class Opaque:
    """An opaque query value (a token): printable ASCII of at most `max_length` characters; empty is absent."""

    max_length: int
    code: str


QueryRule = Integer | Choice | Opaque


def _parameter(name: str, raw: str | None, rule: QueryRule) -> Any:
    if isinstance(rule, Integer):
        if raw is None:
            return rule.default
        if not _ASCII_DIGITS.fullmatch(raw) or not rule.low <= int(raw) <= rule.high:
            raise ValidationError(f"{name} must be an integer from {rule.low} to {rule.high}", f"invalid_{name}")
        return int(raw)
    if isinstance(rule, Choice):
        if raw is None:
            return rule.default
        if raw not in rule.choices:
            raise ValidationError(f"{name} must be one of {', '.join(rule.choices)}", f"invalid_{name}")
        return raw
    if not raw:
        return None
    if len(raw) > rule.max_length or not _PRINTABLE_ASCII.fullmatch(raw):
        raise ValidationError(f"{name} is not valid for this request", rule.code)
    return raw


def query(request: ApiRequest, rules: Mapping[str, QueryRule]) -> dict[str, Any]:
    """Every declared query parameter parsed (absent: its default); an undeclared one is refused."""
    unknown = sorted(k for k in request.params if k not in rules)
    if unknown:
        raise ValidationError(f"unknown query parameter(s): {', '.join(unknown)}", "unknown_parameter")
    return {name: _parameter(name, request.params.get(name), rule) for name, rule in rules.items()}


# --- route ids -------------------------------------------------------------------------------------


def route_tenant_id(request: ApiRequest) -> str:
    """The `{tenantId}` of the route, lower-cased; a 400 unless it is a GUID."""
    return require_guid(request.route.get("tenantId"), "tenantId")


def route_finding_id(request: ApiRequest) -> str:
    """The `{findingId}` of the route; a 400 unless it is 32 lower-case hex digits."""
    value = request.route.get("findingId")
    if not is_finding_id(value):
        raise ValidationError("findingId must be 32 lower-case hex digits", "invalid_finding_id")
    return str(value)
