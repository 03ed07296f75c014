"""Strict mode: where the service is stricter than its metadata, the simulator is too (GRAPH.md
"Service behaviour that the metadata does not show"). Each test shows the strict answer and, where
it helps to see what strictness adds, the lenient (metadata-only) answer beside it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.graphsim import GraphSimulator, SimTenant
from devtools.graphsim.catalog import EXPAND_LIMIT
from tests.devtools.graphsim.helpers import SECRET, GraphClient

GPC = "/beta/deviceManagement/groupPolicyConfigurations"
SC = "/beta/deviceManagement/configurationPolicies"
TAGS = "/beta/deviceManagement/roleScopeTags"
AUTH_METHODS = "/v1.0/policies/authenticationMethodsPolicy"


@pytest.fixture(scope="module")
def lenient(tenant: SimTenant) -> Iterator[GraphClient]:
    """The same tenant behind a simulator that answers only by the metadata."""
    with GraphSimulator(token_secret=SECRET, strict=False) as sim:
        sim.add_tenant(tenant.tenant_id, tenant)
        graph = GraphClient(sim, tenant.tenant_id)
        yield graph
        graph.close()


def _config_with_presentations(tenant: SimTenant) -> tuple[str, dict[str, object]]:
    for config in tenant.objects("groupPolicyConfiguration"):
        for value in config["definitionValues"]:
            if value["presentationValues"]:
                return config["id"], value
    raise AssertionError("no admin template with presentation values")


def test_strict_is_the_default(sim: GraphSimulator) -> None:
    assert sim.strict is True and GraphSimulator().strict is True


def test_a_nested_expand_on_admin_templates_is_refused_with_max_expansion_depth(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    config_id, _ = _config_with_presentations(tenant)
    nested = f"{GPC}/{config_id}/definitionValues?$expand=definition,presentationValues($expand=presentation)"
    refused = client.get(nested)
    assert refused.status_code == 400
    assert "MaxExpansionDepth" in refused.json()["error"]["message"]
    assert client.get(f"{GPC}?$expand=definitionValues($expand=definition)").status_code == 400
    # Depth one is accepted, and so is the same nesting at the presentation values' own path.
    assert client.get(f"{GPC}/{config_id}/definitionValues?$expand=definition").status_code == 200
    assert lenient.get(nested).status_code == 200


def test_presentation_values_expanded_at_depth_one_come_back_empty(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    config_id, value = _config_with_presentations(tenant)
    expanded = client.get_all(f"{GPC}/{config_id}/definitionValues?$expand=presentationValues")
    assert expanded and all(v["presentationValues"] == [] for v in expanded)
    own_path = client.get_all(f"{GPC}/{config_id}/definitionValues/{value['id']}/presentationValues")
    assert len(own_path) == len(value["presentationValues"]) >= 1  # type: ignore[arg-type]
    assert any(
        v["presentationValues"]
        for v in lenient.get_all(f"{GPC}/{config_id}/definitionValues?$expand=presentationValues")
    )


def test_the_definition_catalogue_lists_presentations(client: GraphClient, tenant: SimTenant) -> None:
    _, value = _config_with_presentations(tenant)
    definition = value["definition"]
    assert isinstance(definition, dict)
    presentations = client.get_all(f"/beta/deviceManagement/groupPolicyDefinitions/{definition['id']}/presentations")
    assert {p["id"] for p in presentations} >= {
        pv["presentation"]["id"]
        for pv in value["presentationValues"]  # type: ignore[union-attr]
    }
    bare = next(
        d
        for d in client.get_all("/beta/deviceManagement/groupPolicyDefinitions")
        if d["displayName"] == "Use OneDrive Files On-Demand"
    )
    assert client.get_all(f"/beta/deviceManagement/groupPolicyDefinitions/{bare['id']}/presentations") == []


def test_scope_tag_assignments_are_empty_when_expanded_and_whole_at_their_own_path(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    tagged = [t for t in tenant.objects("roleScopeTag") if t["assignments"]]
    assert tagged, "the tenant should hold scope tags with assignments"
    listed = client.get_all(f"{TAGS}?$expand=assignments")
    assert listed and all(t["assignments"] == [] for t in listed)
    one = tagged[0]
    assert len(client.get_all(f"{TAGS}/{one['id']}/assignments")) == len(one["assignments"])
    assert any(t["assignments"] for t in lenient.get_all(f"{TAGS}?$expand=assignments"))


@pytest.mark.parametrize(
    "query", ["$expand=authenticationMethodConfigurations", "$select=id", "$top=1", "api-version=1"]
)
def test_the_authentication_methods_policy_refuses_every_query_option(
    client: GraphClient, lenient: GraphClient, query: str
) -> None:
    refused = client.get(f"{AUTH_METHODS}?{query}")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "BadRequest"
    plain = client.get(AUTH_METHODS).json()
    assert {c["id"] for c in plain["authenticationMethodConfigurations"]} >= {"Fido2", "Sms"}
    # By the metadata alone the configurations need an $expand, which is accepted.
    assert "authenticationMethodConfigurations" not in lenient.get(AUTH_METHODS).json()
    assert lenient.get(f"{AUTH_METHODS}?$expand=authenticationMethodConfigurations").status_code == 200


def test_expanded_collections_are_cut_short_with_a_navigation_next_link(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    big = next(p for p in tenant.objects("settingsCatalogPolicy") if p["settingCount"] > EXPAND_LIMIT)
    item = client.get(f"{SC}/{big['id']}?$expand=settings").json()
    assert len(item["settings"]) == EXPAND_LIMIT
    link = item["settings@odata.nextLink"]
    assert link.startswith(client.sim.base_url + f"{SC}/{big['id']}/settings?")
    rest = client.get_all(link)
    ids = [s["id"] for s in item["settings"] + rest]
    assert ids == [s["id"] for s in big["settings"]]
    whole = lenient.get(f"{SC}/{big['id']}?$expand=settings").json()
    assert len(whole["settings"]) == big["settingCount"] and "settings@odata.nextLink" not in whole


def test_a_list_item_whose_expansion_was_cut_comes_without_its_setting_count(
    client: GraphClient, tenant: SimTenant
) -> None:
    listed = client.get_all(f"{SC}?$expand=settings")
    cut = [p for p in listed if "settings@odata.nextLink" in p]
    whole = [p for p in listed if "settings@odata.nextLink" not in p]
    assert cut and whole
    assert all("settingCount" not in p for p in cut)
    assert all(p["settingCount"] == len(p["settings"]) for p in whole)
    # Read by id, the item has its count.
    assert client.get(f"{SC}/{cut[0]['id']}").json()["settingCount"] > EXPAND_LIMIT


def test_strict_answers_hold_inside_batch(client: GraphClient, tenant: SimTenant) -> None:
    config_id, _ = _config_with_presentations(tenant)
    requests = [
        {
            "id": "1",
            "method": "GET",
            "url": f"/deviceManagement/groupPolicyConfigurations/{config_id}/definitionValues?$expand=definition,presentationValues($expand=presentation)",
        },
        {"id": "2", "method": "GET", "url": "/deviceManagement/roleScopeTags?$expand=assignments"},
    ]
    replies = {r["id"]: r for r in client.post("/beta/$batch", {"requests": requests}).json()["responses"]}
    assert replies["1"]["status"] == 400
    assert replies["2"]["status"] == 200 and all(t["assignments"] == [] for t in replies["2"]["body"]["value"])


def test_get_by_ids_refuses_anything_that_is_not_an_object_id(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    # Conditional Access puts "All" where group ids go and authentication methods "all_users": the
    # directory refuses the whole call for one of them rather than skipping it.
    group = tenant.groups()[0]["id"]
    body = {"ids": [group, "all_users"], "types": ["group"]}
    refused = client.post("/v1.0/directoryObjects/getByIds", body)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "Request_BadRequest" and "all_users" in refused.json()["error"]["message"]
    assert [g["id"] for g in lenient.post("/v1.0/directoryObjects/getByIds", body).json()["value"]] == [group]
    assert [g["id"] for g in client.post("/v1.0/directoryObjects/getByIds", {"ids": [group]}).json()["value"]] == [
        group
    ]


# -- DESIGN §10 types ---------------------------------------------------------------------------

APPS = "/beta/deviceAppManagement/mobileApps"
SETS = "/beta/deviceAppManagement/policySets"
TERMS = "/beta/deviceManagement/termsAndConditions"
BRANDING = "/beta/deviceManagement/intuneBrandingProfiles"
STRENGTHS = "/v1.0/policies/authenticationStrengthPolicies"


def test_the_app_list_leaves_out_scope_tags_that_the_app_read_by_id_has(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    listed = client.get_all(f"{APPS}?$expand=assignments,categories")
    assert listed and all("roleScopeTagIds" not in a for a in listed)
    tagged = next(a for a in tenant.objects("mobileApp") if a["roleScopeTagIds"])
    one = client.get(f"{APPS}/{tagged['id']}?$expand=assignments,categories").json()
    assert one["roleScopeTagIds"] == tagged["roleScopeTagIds"] and "assignments" in one and "categories" in one
    assert all("roleScopeTagIds" in a for a in lenient.get_all(APPS))


def test_policy_sets_refuse_expand_on_the_list_and_take_it_by_id(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    refused = client.get(f"{SETS}?$expand=items")
    assert refused.status_code == 400 and "Expand" in refused.json()["error"]["message"]
    one = tenant.objects("policySet")[0]
    body = client.get(f"{SETS}/{one['id']}?$expand=assignments,items").json()
    assert len(body["items"]) == len(one["items"]) and len(body["assignments"]) == len(one["assignments"])
    assert lenient.get(f"{SETS}?$expand=items").status_code == 200


def test_terms_and_conditions_refuse_to_expand_assignments_read_at_their_own_path(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    terms = tenant.objects("termsAndConditions")[0]
    assert client.get(f"{TERMS}?$expand=assignments").status_code == 400
    assert client.get(f"{TERMS}/{terms['id']}?$expand=assignments").status_code == 400
    own = client.get_all(f"{TERMS}/{terms['id']}/assignments")
    assert len(own) == len(terms["assignments"]) >= 1
    assert lenient.get(f"{TERMS}?$expand=assignments").status_code == 200


def test_role_assignments_are_not_reachable_under_their_role_definition(client: GraphClient, tenant: SimTenant) -> None:
    role = tenant.objects("roleDefinition")[0]
    refused = client.get(f"/beta/deviceManagement/roleDefinitions/{role['id']}/roleAssignments")
    assert refused.status_code == 400
    assignment = tenant.objects("roleAssignment")[0]
    one = client.get(f"/beta/deviceManagement/roleAssignments/{assignment['id']}?$expand=roleDefinition").json()
    assert one["roleDefinition"]["id"] == assignment["roleDefinition"]["id"] and one["members"]


def test_a_reusable_setting_sends_its_instance_only_when_selected(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    path = "/beta/deviceManagement/reusablePolicySettings"
    assert all("settingInstance" not in s for s in client.get_all(path))
    selected = client.get_all(f"{path}?$select=id,displayName,settingInstance")
    assert selected and all(s["settingInstance"] for s in selected)
    assert all("settingInstance" in s for s in lenient.get_all(path))


def test_branding_logos_come_only_at_their_own_path(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    with_logo = next(p for p in tenant.objects("intuneBrandingProfile") if p["themeColorLogo"])
    without = next(p for p in tenant.objects("intuneBrandingProfile") if not p["landingPageCustomizedImage"])
    assert all("themeColorLogo" not in p for p in client.get_all(BRANDING))
    assert "themeColorLogo" not in client.get(f"{BRANDING}/{with_logo['id']}").json()
    logo = client.get(f"{BRANDING}/{with_logo['id']}/themeColorLogo").json()
    assert (logo["type"], logo["value"]) == (with_logo["themeColorLogo"]["type"], with_logo["themeColorLogo"]["value"])
    assert client.get(f"{BRANDING}/{without['id']}/landingPageCustomizedImage").status_code == 204
    assert "themeColorLogo" in lenient.get(f"{BRANDING}/{with_logo['id']}").json()


def test_combination_configurations_exist_only_on_custom_strengths(
    client: GraphClient, lenient: GraphClient, tenant: SimTenant
) -> None:
    strengths = tenant.objects("authenticationStrengthPolicy")
    built_in = next(s for s in strengths if s["policyType"] == "builtIn")
    custom = next(s for s in strengths if s["policyType"] == "custom")
    assert client.get(f"{STRENGTHS}/{built_in['id']}/combinationConfigurations").status_code == 400
    configs = client.get_all(f"{STRENGTHS}/{custom['id']}/combinationConfigurations")
    assert [c["allowedAAGUIDs"] for c in configs] == [c["allowedAAGUIDs"] for c in custom["combinationConfigurations"]]
    assert lenient.get(f"{STRENGTHS}/{built_in['id']}/combinationConfigurations").status_code == 200


def test_enrollment_profiles_are_listed_per_apple_token(client: GraphClient, tenant: SimTenant) -> None:
    tokens = client.get_all("/beta/deviceManagement/depOnboardingSettings")
    assert tokens
    listed = [
        p
        for t in tokens
        for p in client.get_all(f"/beta/deviceManagement/depOnboardingSettings/{t['id']}/enrollmentProfiles")
    ]
    assert sorted(p["id"] for p in listed) == sorted(tenant.ids("depEnrollmentProfile"))
    bad = client.get(
        "/beta/deviceManagement/depOnboardingSettings/00000000-0000-0000-0000-000000000000/enrollmentProfiles"
    )
    assert bad.status_code == 404
