"""Wire format of the simulator over real HTTP: paging, expand, by-id content, errors, auth."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

import httpx

from devtools.graphsim import TYPE_COLLECTIONS, TYPE_VERSIONS, GraphSimulator, SimTenant, make_token
from tests.devtools.graphsim.helpers import SECRET, GraphClient

SC = "/beta/deviceManagement/configurationPolicies"


def test_settings_catalog_pages_by_25_with_opaque_absolute_next_links(client: GraphClient, tenant: SimTenant) -> None:
    first = client.get(SC)
    assert first.status_code == 200
    page = first.json()
    assert len(page["value"]) == 25
    assert page["@odata.count"] == len(tenant.ids("settingsCatalogPolicy")) > 25
    assert "@microsoft.graph.tips" in page
    link = page["@odata.nextLink"]
    assert link.startswith(client.sim.base_url + SC + "?")
    token = parse_qs(urlsplit(link).query)["$skiptoken"][0]
    assert not token.isdigit() and "25" != token
    items = client.get_all(SC)
    assert sorted(i["id"] for i in items) == sorted(tenant.ids("settingsCatalogPolicy"))
    assert all("settings" not in i and "assignments" not in i for i in items)


def test_forged_or_foreign_skiptoken_is_rejected(client: GraphClient) -> None:
    link = client.get(SC).json()["@odata.nextLink"]
    token = parse_qs(urlsplit(link).query)["$skiptoken"][0]
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(f"{SC}?$skiptoken={forged}").status_code == 400
    assert client.get(f"/beta/deviceManagement/deviceConfigurations?$skiptoken={token}").status_code == 400
    assert client.get(f"{SC}?$skiptoken=25").status_code == 400


def test_top_is_honoured_and_capped(client: GraphClient) -> None:
    assert len(client.get(f"{SC}?$top=5").json()["value"]) == 5
    assert len(client.get(f"{SC}?$top=500").json()["value"]) == 25
    page = client.get("/beta/deviceManagement/deviceConfigurations?$top=3").json()
    assert len(page["value"]) == 3
    assert "$top=3" in page["@odata.nextLink"]
    assert client.get("/beta/deviceManagement/deviceConfigurations?$top=1000").status_code == 400


def test_settings_subresource_pages_and_matches_setting_count(client: GraphClient, tenant: SimTenant) -> None:
    big = next(p for p in tenant.objects("settingsCatalogPolicy") if p["settingCount"] > 100)
    first = client.get(f"{SC}/{big['id']}/settings").json()
    assert len(first["value"]) == 25 and "@odata.nextLink" in first
    settings = client.get_all(f"{SC}/{big['id']}/settings")
    assert len(settings) == big["settingCount"] == len(big["settings"])
    assert settings[0]["settingInstance"]["settingDefinitionId"].startswith("user_vendor_msft_policy_config_")


def test_navigation_properties_only_when_expanded(client: GraphClient, tenant: SimTenant) -> None:
    policy_id = tenant.ids("settingsCatalogPolicy")[0]
    plain = client.get(f"{SC}/{policy_id}").json()
    assert "settings" not in plain and "assignments" not in plain
    assert plain["settingCount"] > 100
    full = client.get(f"{SC}/{policy_id}?$expand=settings,assignments").json()
    # Expanded: cut at 100 (strict mode), the rest behind settings@odata.nextLink (test_strict.py).
    assert len(full["settings"]) == 100 < full["settingCount"] and "settings@odata.nextLink" in full
    assert isinstance(full["assignments"], list)
    assert "assignments@odata.context" in full
    listed = client.get(f"{SC}?$expand=settings").json()["value"]
    assert all(len(p["settings"]) == p["settingCount"] for p in listed if "settings@odata.nextLink" not in p)
    assert all("assignments" not in p for p in listed)
    assert client.get(f"{SC}?$expand=nonsense").status_code == 400


def test_nested_expand_of_compliance_actions(client: GraphClient, tenant: SimTenant) -> None:
    policy_id = tenant.ids("deviceCompliancePolicy")[0]
    base = f"/v1.0/deviceManagement/deviceCompliancePolicies/{policy_id}"
    shallow = client.get(f"{base}?$expand=scheduledActionsForRule").json()
    assert shallow["scheduledActionsForRule"]
    assert all("scheduledActionConfigurations" not in r for r in shallow["scheduledActionsForRule"])
    deep = client.get(f"{base}?$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)")
    rules = deep.json()["scheduledActionsForRule"]
    assert rules[0]["scheduledActionConfigurations"][0]["actionType"] == "block"
    listed = client.get(
        "/beta/deviceManagement/deviceCompliancePolicies?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)"
    ).json()["value"]
    assert all(p["scheduledActionsForRule"][0]["scheduledActionConfigurations"] for p in listed)


def test_admin_template_definition_and_presentation_values(client: GraphClient, tenant: SimTenant) -> None:
    config = tenant.objects("groupPolicyConfiguration")[0]
    base = f"/beta/deviceManagement/groupPolicyConfigurations/{config['id']}/definitionValues"
    values = client.get_all(f"{base}?$expand=definition")
    assert len(values) == len(config["definitionValues"])
    assert all(v["definition"]["displayName"] for v in values)
    assert all("definition" not in v for v in client.get_all(base))
    with_pres = next(v for v in config["definitionValues"] if v["presentationValues"])
    pres = client.get_all(f"{base}/{with_pres['id']}/presentationValues?$expand=presentation")
    assert pres and all(p["presentation"]["label"] for p in pres)
    assert all("presentation" not in p for p in client.get_all(f"{base}/{with_pres['id']}/presentationValues"))


def test_script_content_only_on_get_by_id(client: GraphClient, tenant: SimTenant) -> None:
    markers = tenant.script_markers()
    for type_key, fields in (
        ("deviceManagementScript", ["scriptContent"]),
        ("deviceShellScript", ["scriptContent"]),
        ("deviceHealthScript", ["detectionScriptContent", "remediationScriptContent"]),
    ):
        path = "/beta/" + TYPE_COLLECTIONS[type_key]
        listed = client.get_all(path)
        assert listed and all(item[f] is None for item in listed for f in fields)
        one = client.get(f"{path}/{listed[0]['id']}").json()
        for field in fields:
            text = base64.b64decode(one[field]).decode()
            assert any(m in text for m in markers)


def test_every_type_collection_answers_in_its_versions(client: GraphClient, tenant: SimTenant) -> None:
    for type_key, path in TYPE_COLLECTIONS.items():
        if "{id}" in path:  # nested under an owner: any owner of the tenant will do
            owner = client.get_all("/beta/" + path.split("/{id}/")[0])[0]["id"]
            path = path.replace("{id}", owner)
        for version in ("v1.0", "beta"):
            resp = client.get(f"/{version}/{path}")
            if version in TYPE_VERSIONS[type_key]:
                assert resp.status_code == 200, (type_key, version, resp.text)
            else:
                assert resp.status_code == 400, (type_key, version)
                assert resp.json()["error"]["code"] == "BadRequest"


def test_app_protection_list_is_base_objects_with_targeted_configs(client: GraphClient, tenant: SimTenant) -> None:
    listed = client.get_all("/beta/deviceAppManagement/managedAppPolicies")
    types = {p["@odata.type"] for p in listed}
    assert "#microsoft.graph.targetedManagedAppConfiguration" in types
    assert {"#microsoft.graph.iosManagedAppProtection", "#microsoft.graph.androidManagedAppProtection"} <= types
    assert all("pinRequired" not in p and "apps" not in p for p in listed)
    ios = next(p for p in listed if p["@odata.type"] == "#microsoft.graph.iosManagedAppProtection")
    full = client.get(f"/beta/deviceAppManagement/iosManagedAppProtections/{ios['id']}?$expand=apps,assignments").json()
    assert full["pinRequired"] is True and full["apps"] and "assignments" in full
    assert client.get(f"/beta/deviceAppManagement/iosManagedAppProtections/{ios['id']}/assignments").status_code == 200


def test_conditional_access_named_locations_and_auth_methods(client: GraphClient) -> None:
    policies = client.get_all("/v1.0/identity/conditionalAccess/policies")
    assert policies and all("assignments" not in p for p in policies)
    users = policies[0]["conditions"]["users"]
    assert {"includeUsers", "excludeGroups", "includeRoles"} <= set(users)
    assert client.get(f"/v1.0/identity/conditionalAccess/policies/{policies[0]['id']}/assignments").status_code == 400
    locations = client.get_all("/v1.0/identity/conditionalAccess/namedLocations")
    kinds = {loc["@odata.type"] for loc in locations}
    assert kinds == {"#microsoft.graph.ipNamedLocation", "#microsoft.graph.countryNamedLocation"}
    amp = client.get("/v1.0/policies/authenticationMethodsPolicy").json()
    assert amp["id"] == "authenticationMethodsPolicy"
    # Sent unasked, like the service (test_strict.py covers the 400 for any query option).
    ids = {c["id"] for c in amp["authenticationMethodConfigurations"]}
    assert {"Fido2", "MicrosoftAuthenticator", "Sms", "TemporaryAccessPass", "Email"} <= ids
    fido = client.get("/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/Fido2").json()
    assert fido["@odata.type"] == "#microsoft.graph.fido2AuthenticationMethodConfiguration"


def test_groups_and_get_by_ids(client: GraphClient, tenant: SimTenant) -> None:
    groups = client.get_all("/v1.0/groups")
    assert len(groups) == len(tenant.groups())
    wanted = [g["id"] for g in groups[:3]] + ["00000000-0000-0000-0000-0000000000ff"]
    found = client.post("/v1.0/directoryObjects/getByIds", {"ids": wanted, "types": ["group"]}).json()["value"]
    assert sorted(g["id"] for g in found) == sorted(wanted[:3])
    assert all(g["@odata.type"] == "#microsoft.graph.group" and g["displayName"] for g in found)
    assert client.post("/v1.0/directoryObjects/getByIds", {"ids": ["x"] * 1001}).status_code == 400


def test_errors_versions_segments_and_ids(client: GraphClient) -> None:
    missing = client.get("/deviceManagement/configurationPolicies")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceNotFound"
    assert client.get("/v2.0/deviceManagement/configurationPolicies").status_code == 404
    unknown = client.get("/beta/deviceManagement/configurationPolicys")
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "BadRequest"
    assert client.get("/beta/devicemanagement/configurationPolicies").status_code == 400  # case-sensitive
    not_found = client.get(f"{SC}/00000000-0000-0000-0000-000000000000")
    assert not_found.status_code == 404
    error = not_found.json()["error"]
    assert error["code"] == "ResourceNotFound"
    assert json.loads(error["message"])["_version"] == 3  # Intune: an escaped JSON document
    assert set(error["innerError"]) >= {"request-id", "date", "client-request-id"}
    assert client.get(f"{SC}/x/unknownThing").status_code in (400, 404)


def test_key_syntax_select_and_request_ids(client: GraphClient, tenant: SimTenant) -> None:
    policy_id = tenant.ids("deviceConfiguration")[0]
    resp = client.get(
        f"/beta/deviceManagement/deviceConfigurations('{policy_id}')?$select=id,displayName",
        headers={"client-request-id": "abc-123"},
    )
    assert resp.status_code == 200
    assert set(resp.json()) <= {"@odata.context", "@odata.type", "id", "displayName"}
    assert resp.headers["client-request-id"] == "abc-123"
    assert resp.headers["request-id"]
    assert client.get("/beta/deviceManagement/deviceConfigurations").headers["request-id"]


def test_bearer_token_checks(sim: GraphSimulator, tenant: SimTenant) -> None:
    url = sim.base_url + SC
    with urllib.request.urlopen(
        urllib.request.Request(url, headers={"Authorization": f"Bearer {make_token(tenant.tenant_id, SECRET)}"})
    ) as ok:
        assert ok.status == 200
    cases = {
        "missing": None,
        "wrong secret": f"Bearer {make_token(tenant.tenant_id, 'nope')}",
        "unknown tenant": f"Bearer {make_token('11111111-2222-3333-4444-555555555555', SECRET)}",
        "expired": f"Bearer {make_token(tenant.tenant_id, SECRET, expires_in=-10)}",
        "wrong audience": f"Bearer {make_token(tenant.tenant_id, SECRET, audience='https://management.azure.com')}",
        "garbage": "Bearer not-a-token",
    }
    for name, header in cases.items():
        headers = {"Authorization": header} if header else {}
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers))
            raise AssertionError(f"{name}: expected 401")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401, name
            body = json.loads(exc.read())
            assert body["error"]["code"] == "InvalidAuthenticationToken", name
            assert exc.headers["request-id"] and exc.headers["client-request-id"]


def test_tenant_is_chosen_by_token(
    sim: GraphSimulator, fresh: tuple[SimTenant, GraphClient], client: GraphClient
) -> None:
    own, graph = fresh
    mine = {p["id"] for p in graph.get_all("/beta/deviceManagement/deviceConfigurations")}
    theirs = {p["id"] for p in client.get_all("/beta/deviceManagement/deviceConfigurations")}
    assert mine == set(own.ids("deviceConfiguration"))
    assert not mine & theirs


def test_context_manager_and_base_url() -> None:
    with GraphSimulator(token_secret="x") as sim:
        assert sim.base_url.startswith("http://127.0.0.1:") and not sim.base_url.endswith("/")
        resp = httpx.get(sim.base_url + "/v1.0/groups")
        assert resp.status_code == 401
