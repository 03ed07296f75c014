"""Who is calling (DESIGN §6). This build supports AUTH_MODE=local; easyauth and jwt are refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared import settings
from shared.errors import AuthenticationError, SettingsError
from shared.storage.clients import is_local_emulator

ROLE_READ = "Drift.Read"
ROLE_TRIAGE = "Drift.Triage"
ROLE_ADMIN = "Drift.Admin"


@dataclass(frozen=True)
class Caller:
    """An authenticated caller."""

    name: str
    roles: frozenset[str]
    groups: frozenset[str]


def resolve_caller(headers: Mapping[str, str], env: Mapping[str, str] | None = None) -> Caller:
    """The caller of a request, according to AUTH_MODE."""
    mode = settings.get_choice("AUTH_MODE", settings.AUTH_MODES, env)
    if mode == "local":
        if not is_local_emulator(env):
            raise SettingsError("AUTH_MODE", "is 'local', which is refused unless storage is the local emulator")
        return Caller("local-admin", frozenset({ROLE_READ, ROLE_TRIAGE, ROLE_ADMIN}), frozenset())
    raise AuthenticationError(f"AUTH_MODE={mode} is not available in this build; use AUTH_MODE=local with Azurite")
