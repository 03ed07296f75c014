"""The catalogue of supported policy types: keys, names for people, what each needs from Graph."""

from __future__ import annotations

from typing import Any

from shared.api.guard import enter
from shared.api.request import ApiRequest, ApiResponse
from shared.core.access import ROLE_READ
from shared.core.contracts import CONTRACTS


def policy_type_catalogue() -> list[dict[str, Any]]:
    """Every supported type, by key: `{"key", "displayName", "apiVersion", "permission"}` (pure)."""
    return [
        {
            "key": key,
            "displayName": contract.display_name,
            "apiVersion": contract.api_version,
            "permission": contract.permission,
        }
        for key, contract in sorted(CONTRACTS.items())
    ]


def get_policy_types(request: ApiRequest) -> ApiResponse:
    """GET /api/policy-types: what a selection may name, and the Graph permission each type needs."""
    enter(request, ROLE_READ)
    return ApiResponse({"policyTypes": policy_type_catalogue()})
