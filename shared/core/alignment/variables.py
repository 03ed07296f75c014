"""Template variables (pure): values that differ per tenant by nature (group ids, domains, named
locations), replaced by each tenant's own value before comparing (DESIGN §14)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from shared.errors import ValidationError

VARIABLE_NAME_PATTERN: Final = "^[A-Za-z][A-Za-z0-9_-]{0,63}$"
MAX_VARIABLES: Final = 100
MAX_VARIABLE_VALUE: Final = 1024
_NAME: Final = re.compile(VARIABLE_NAME_PATTERN.rstrip("$"))


def unset_marker(name: str) -> str:
    """What the template expects where a tenant gave no value for a variable: never equal to a value."""
    return "{{" + name + "}}"


def parse_variables(value: Any, field: str = "variables") -> dict[str, str]:
    """A `{"name": "value"}` object: names of letters, digits, `_` and `-`; values non-empty strings."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be an object of name → value", "invalid_variables")
    if len(value) > MAX_VARIABLES:
        raise ValidationError(f"{field} holds more than {MAX_VARIABLES} variables", "invalid_variables")
    out: dict[str, str] = {}
    for name, text in value.items():
        if not _NAME.fullmatch(name):
            raise ValidationError(
                f"variable name {name!r} must start with a letter and hold at most 64 letters, digits, _ or -",
                "invalid_variables",
            )
        if not isinstance(text, str) or not text or len(text) > MAX_VARIABLE_VALUE:
            raise ValidationError(
                f"variable {name} must be a non-empty string of at most {MAX_VARIABLE_VALUE} characters",
                "invalid_variables",
            )
        out[name] = text
    return out


def require_distinct_values(variables: Mapping[str, str]) -> None:
    """Two variables with one source value would make substitution ambiguous."""
    seen: dict[str, str] = {}
    for name in sorted(variables):
        other = seen.setdefault(variables[name], name)
        if other != name:
            raise ValidationError(f"variables {other} and {name} have the same value", "invalid_variables")


def substitution(template_variables: Mapping[str, str], tenant_values: Mapping[str, str]) -> dict[str, str]:
    """Source value → the tenant's value, or the unset marker where the tenant gave none. Values the
    tenant gives for names the template no longer has are ignored (the template moved on)."""
    return {source: tenant_values.get(name, unset_marker(name)) for name, source in sorted(template_variables.items())}


def substitute(value: Any, mapping: Mapping[str, str]) -> Any:
    """`value` with every string equal to a key of `mapping` replaced by its value (dict keys kept)."""
    if not mapping:
        return value
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {k: substitute(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, mapping) for v in value]
    return value


def strings_in(value: Any) -> Iterator[str]:
    """Every string value inside `value` (not dict keys)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings_in(v)
