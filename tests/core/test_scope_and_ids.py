"""Scope keys, selections, run ids and settings validation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared import settings
from shared.core.clock import iso
from shared.core.contracts import CONTRACTS
from shared.core.ids import is_run_id, new_run_id, newest_first_key, run_id_time
from shared.core.messages import RelayRequest, parse_relay_message
from shared.core.scope import normalise_selection, scope_key
from shared.errors import SettingsError, ValidationError

REQUIRED_TYPES = {
    "settingsCatalogPolicy",
    "deviceConfiguration",
    "deviceCompliancePolicy",
    "groupPolicyConfiguration",
    "endpointSecurityIntent",
    "appProtectionPolicy",
    "mobileAppConfiguration",
    "deviceManagementScript",
    "deviceShellScript",
    "deviceHealthScript",
    "windowsAutopilotDeploymentProfile",
    "deviceEnrollmentConfiguration",
    "windowsFeatureUpdateProfile",
    "windowsQualityUpdateProfile",
    "windowsDriverUpdateProfile",
    "assignmentFilter",
    "roleScopeTag",
    "conditionalAccessPolicy",
    "namedLocation",
    "authenticationMethodsPolicy",
}


def test_the_registry_covers_every_required_type() -> None:
    assert REQUIRED_TYPES <= set(CONTRACTS)


def test_scope_key_ignores_order_and_duplicates() -> None:
    assert scope_key(["namedLocation", "deviceConfiguration"]) == scope_key(
        ["deviceConfiguration", "namedLocation", "namedLocation"]
    )
    assert scope_key(["namedLocation"]) != scope_key(["deviceConfiguration"])
    assert normalise_selection(None) == sorted(CONTRACTS)


def test_unknown_or_empty_selections_are_refused() -> None:
    with pytest.raises(ValidationError, match="notAType"):
        normalise_selection(["notAType"])
    with pytest.raises(ValidationError):
        normalise_selection([])


def test_run_ids_sort_by_time_and_the_row_key_sorts_newest_first() -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    ids = [new_run_id(t0 + timedelta(milliseconds=ms)) for ms in (0, 1, 999, 1000, 86_400_000)]
    assert ids == sorted(ids)
    assert all(is_run_id(i) for i in ids)
    keys = [newest_first_key(i) for i in ids]
    assert keys == sorted(keys, reverse=True)


def test_settings_errors_name_the_setting() -> None:
    with pytest.raises(SettingsError, match="GRAPH_MAX_CONCURRENCY"):
        settings.get_int("GRAPH_MAX_CONCURRENCY", 1, 64, {"GRAPH_MAX_CONCURRENCY": "lots"})
    with pytest.raises(SettingsError, match="AUTH_MODE"):
        settings.get_choice("AUTH_MODE", settings.AUTH_MODES, {"AUTH_MODE": "none"})
    assert settings.get("SCAN_SCHEDULE", {}) == "0 0 */6 * * *"


def test_microsoft_clouds_are_recognised() -> None:
    for url in (
        "https://graph.microsoft.com",
        "https://graph.microsoft.us",
        "https://dod-graph.microsoft.us",
        "https://microsoftgraph.chinacloudapi.cn",
    ):
        assert settings.is_microsoft_cloud_host(url)
    assert not settings.is_microsoft_cloud_host("http://127.0.0.1:8099")


def test_a_run_id_tells_the_moment_it_was_minted() -> None:
    moment = datetime(2026, 3, 1, 8, 0, 2, 345000, tzinfo=UTC)
    assert run_id_time(new_run_id(moment)) == iso(moment) == "2026-03-01T08:00:02.345Z"


def test_a_relay_request_round_trips_and_names_a_tenant() -> None:
    tenant = "6F1C2A8E-1B2C-4D5E-8F90-123456789ABC"
    assert parse_relay_message(RelayRequest(tenant, "scan").to_message()) == RelayRequest(tenant.lower(), "scan")
    for body in ("not json", "[]", '{"tenantId": "all"}', '{"reason": "scan"}'):
        with pytest.raises(ValidationError):
            parse_relay_message(body)
