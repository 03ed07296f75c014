"""The type reader against the simulator over real HTTP: whole or failed, never silently short."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from devtools.graphsim import TYPE_KEYS, GraphSimulator, SimTenant, generate_tenant
from shared.core.contracts import CONTRACTS
from shared.graph.client import build_graph_client
from shared.graph.credentials import StaticTokenProvider
from shared.graph.policies import read_type

SECRET = "reader-test-secret"


@pytest.fixture(scope="module")
def tenant() -> SimTenant:
    return generate_tenant(seed=41, size=120)


def _serve(tenant: SimTenant, strict: bool) -> Iterator[GraphSimulator]:
    with GraphSimulator(token_secret=SECRET, strict=strict) as sim:
        sim.add_tenant(tenant.tenant_id, tenant)
        yield sim


@pytest.fixture(scope="module")
def strict(tenant: SimTenant) -> Iterator[GraphSimulator]:
    yield from _serve(tenant, True)


@pytest.fixture(scope="module")
def lenient(tenant: SimTenant) -> Iterator[GraphSimulator]:
    yield from _serve(tenant, False)


def _read(sim: GraphSimulator, tenant: SimTenant, policy_type: str) -> Any:
    async def main() -> Any:
        env = {"GRAPH_BASE_URL": sim.base_url, "GRAPH_MAX_CONCURRENCY": "4", "GRAPH_TIMEOUT_SECONDS": "10"}
        client = build_graph_client(tenant.tenant_id, env, auth_provider=StaticTokenProvider(SECRET, tenant.tenant_id))
        try:
            return await read_type(client, policy_type, b"k")
        finally:
            await client.close()

    return asyncio.run(main())


def test_a_navigation_the_service_usually_sends_unasked_is_read_when_it_is_absent(
    strict: GraphSimulator, lenient: GraphSimulator, tenant: SimTenant
) -> None:
    # By the metadata alone the policy comes without its configurations: the follow-up reads them.
    whole = _read(strict, tenant, "authenticationMethodsPolicy")
    lenient.stats.reset()
    read = _read(lenient, tenant, "authenticationMethodsPolicy")
    assert read.status == "complete" and read.items == whole.items
    assert read.items[0]["content"]["authenticationMethodConfigurations"]
    assert lenient.stats.requests(path_contains="authenticationMethodsPolicy/authenticationMethodConfigurations")
    strict.stats.reset()
    _read(strict, tenant, "authenticationMethodsPolicy")
    assert len(strict.stats.requests()) == 1  # sent unasked: no follow-up


def test_a_definition_that_cannot_be_read_never_skips_its_presentation_values(
    strict: GraphSimulator, tenant: SimTenant
) -> None:
    clean = _read(strict, tenant, "groupPolicyConfiguration")
    strict.faults.status(500, count=None, path="groupPolicyDefinitions")
    strict.stats.reset()

    degraded = _read(strict, tenant, "groupPolicyConfiguration")
    strict.faults.clear()
    assert degraded.status == "complete" and degraded.items == clean.items
    values = [v for c in tenant.objects("groupPolicyConfiguration") for v in c["definitionValues"]]
    assert len(strict.stats.requests(path_contains="/presentationValues")) == len(values)


def test_a_cut_expansion_whose_next_page_fails_fails_the_type(strict: GraphSimulator, tenant: SimTenant) -> None:
    big = next(p for p in tenant.objects("settingsCatalogPolicy") if p["settingCount"] > 100)

    strict.faults.fail_page(f"configurationPolicies/{big['id']}/settings", 1, status=500)
    try:
        failed = _read(strict, tenant, "settingsCatalogPolicy")
    finally:
        strict.faults.clear()
    assert failed.status == "failed" and failed.error_code == "graph_error" and failed.items == []


def test_a_count_the_settings_never_reach_fails_the_type(strict: GraphSimulator) -> None:
    own = generate_tenant(seed=42, size=40)
    policy = own.objects("settingsCatalogPolicy")[0]
    strict.add_tenant(own.tenant_id, own)
    stored = own.lookup("deviceManagement/configurationPolicies", policy["id"])
    assert stored is not None
    stored["settingCount"] = len(policy["settings"]) + 1  # the service says one more than it sends
    try:
        result = _read(strict, own, "settingsCatalogPolicy")
    finally:
        strict.remove_tenant(own.tenant_id)
    assert result.status == "failed" and result.error_code == "invalid_response"


def test_follow_ups_are_batched(strict: GraphSimulator, tenant: SimTenant) -> None:
    strict.stats.reset()
    result = _read(strict, tenant, "roleScopeTag")
    tags = tenant.objects("roleScopeTag")
    assert result.status == "complete" and len(result.items) == len(tags)
    per_tag = strict.stats.requests(path_contains="/assignments")
    envelopes = strict.stats.requests(path_contains="$batch")
    assert len(per_tag) == len(tags) and 1 <= len(envelopes) <= -(-len(tags) // 20)
    by_id = {i["id"]: i for i in result.items}
    for tag in tags:
        assert len(by_id[tag["id"]]["assignments"]) == len(tag["assignments"])


def test_the_reader_sends_nothing_the_strict_simulator_refuses(strict: GraphSimulator, tenant: SimTenant) -> None:
    strict.stats.reset()
    for policy_type in sorted(CONTRACTS):
        assert _read(strict, tenant, policy_type).status == "complete", policy_type
    assert [e for e in strict.stats.requests() if e.status >= 400] == []


# -- DESIGN §10 types ---------------------------------------------------------------------------

# The types DESIGN §10 added to the first twenty (the simulator lists those first).
NEW_TYPES = TYPE_KEYS[20:]


@pytest.mark.parametrize("policy_type", NEW_TYPES)
def test_a_new_type_reads_whole_whatever_the_service_leaves_out(
    strict: GraphSimulator, lenient: GraphSimulator, tenant: SimTenant, policy_type: str
) -> None:
    # The strict simulator leaves out what the service leaves out (scope tags of listed apps,
    # expansions it refuses, logos, unselected instances): the reader gets it all the same.
    by_metadata = _read(lenient, tenant, policy_type)
    like_the_service = _read(strict, tenant, policy_type)
    assert like_the_service.status == by_metadata.status == "complete", like_the_service.error
    assert like_the_service.items == by_metadata.items
    expected = {i for i in tenant.ids(policy_type) if not tenant.is_builtin(policy_type, i)}
    assert {i["id"] for i in like_the_service.items} == expected and expected


def test_microsofts_store_apps_are_skipped_before_any_per_app_read(strict: GraphSimulator, tenant: SimTenant) -> None:
    apps = tenant.objects("mobileApp")
    builtin = {a["id"] for a in apps if tenant.is_builtin("mobileApp", a["id"])}
    assert builtin
    strict.stats.reset()
    result = _read(strict, tenant, "mobileApp")
    assert result.status == "complete" and builtin.isdisjoint(i["id"] for i in result.items)
    per_app = strict.stats.requests(path_contains="mobileApps/")
    assert len(per_app) == len(apps) - len(builtin)
    assert all("$expand=assignments,categories" in e.path for e in per_app)
    # Assigned, a built-in app is the tenant's configuration and is read.
    app = next(iter(builtin))
    tenant.add_assignment("mobileApp", app, "allLicensedUsers")
    try:
        assert app in {i["id"] for i in _read(strict, tenant, "mobileApp").items}
    finally:
        tenant.remove_assignment("mobileApp", app, tenant.get("mobileApp", app)["assignments"][0]["id"])


def test_a_type_whose_permission_was_not_consented_fails_forbidden_and_others_read(
    strict: GraphSimulator,
) -> None:
    own = generate_tenant(seed=43, size=60)
    own.granted = frozenset(c.permission for c in CONTRACTS.values()) - {"CloudPC.Read.All"}
    strict.add_tenant(own.tenant_id, own)
    try:
        results = {t: _read(strict, own, t) for t in ("cloudPcProvisioningPolicy", "cloudPcUserSetting", "mobileApp")}
    finally:
        strict.remove_tenant(own.tenant_id)
    for policy_type in ("cloudPcProvisioningPolicy", "cloudPcUserSetting"):
        assert (results[policy_type].status, results[policy_type].error_code) == ("failed", "forbidden")
    assert results["mobileApp"].status == "complete" and results["mobileApp"].items
