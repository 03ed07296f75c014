"""local.settings.json for the local runner: `Values` into the environment, `%NAME%` references resolved."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path


class SettingReferenceError(ValueError):
    """A `%NAME%` binding expression naming a setting that is not set."""


def load_local_settings(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    """Copy `Values` of a local.settings.json into the environment where not set; returns the names set."""
    target = os.environ if environ is None else environ
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("IsEncrypted"):
        raise SystemExit(f"{path}: encrypted settings are not supported by the local runner")
    applied = []
    for name, value in (data.get("Values") or {}).items():
        if name not in target and value is not None:
            target[name] = str(value)
            applied.append(name)
    return applied


def resolve_setting_references(value: str, environ: Mapping[str, str] | None = None) -> str:
    """`%NAME%` replaced by the setting's value, as the host does for binding expressions."""
    source = os.environ if environ is None else environ

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in source:
            raise SettingReferenceError(f"app setting {name} (used as %{name}%) is not set")
        return source[name]

    return re.sub(r"%(\w+)%", lookup, value)
