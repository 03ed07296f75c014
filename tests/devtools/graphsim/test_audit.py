"""The simulator's audit logs: every change a test makes is logged in the service's own shape, read
as Graph serves it (filters, paging, latency), and refused where the service refuses."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from devtools.graphsim import SimTenant
from devtools.graphsim.audit import AuditActor
from tests.devtools.graphsim.helpers import GraphClient

INTUNE = "/v1.0/deviceManagement/auditEvents"
ENTRA = "/v1.0/auditLogs/directoryAudits"
ALICE = AuditActor.user("alice@contoso.example", "11111111-2222-4333-8444-555555555555", "198.51.100.7")
ROBOT = AuditActor.app("Provisioning", "66666666-7777-4888-8999-000000000000")


def _since(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_changes_are_logged_in_each_services_shape_with_the_actor_who_made_them(
    fresh: tuple[SimTenant, GraphClient],
) -> None:
    tenant, client = fresh
    start = datetime.now(UTC) - timedelta(seconds=1)
    device = tenant.objects("deviceConfiguration")[0]
    policy = tenant.objects("conditionalAccessPolicy")[0]
    with tenant.audit.acting_as(ALICE):
        tenant.rename("deviceConfiguration", device["id"], "Renamed by Alice")
    with tenant.audit.acting_as(ROBOT):
        tenant.rename("conditionalAccessPolicy", policy["id"], "Renamed by a robot")
    query = f"?$filter=activityDateTime ge {_since(start)}"
    (intune,) = client.get(INTUNE + query).json()["value"]
    assert intune["activityType"] == "Patch DeviceConfiguration"
    assert intune["actor"]["userPrincipalName"] == ALICE.user_principal_name
    assert intune["actor"]["ipAddress"] == ALICE.ip_address
    (resource,) = intune["resources"]
    assert resource["resourceId"] == device["id"]
    assert any(p["displayName"] == "displayName" for p in resource["modifiedProperties"])
    (entra,) = client.get(ENTRA + query).json()["value"]
    assert entra["activityDisplayName"] == "Update conditional access policy"
    assert entra["loggedByService"] == "Conditional Access"
    assert entra["initiatedBy"]["user"] is None
    assert entra["initiatedBy"]["app"]["appId"] == ROBOT.app_id
    assert entra["targetResources"][0]["id"] == policy["id"]


def test_a_generated_tenant_has_no_history_and_a_delete_is_logged(fresh: tuple[SimTenant, GraphClient]) -> None:
    tenant, client = fresh
    assert client.get_all(INTUNE) == [] and client.get_all(ENTRA) == []
    location = tenant.objects("namedLocation")[0]
    tenant.delete("namedLocation", location["id"])
    logged = client.get_all(ENTRA)
    assert any(
        e["activityDisplayName"] == "Delete named location" and e["targetResources"][0]["id"] == location["id"]
        for e in logged
    )


def test_latency_hides_an_event_until_it_has_passed(fresh: tuple[SimTenant, GraphClient]) -> None:
    tenant, client = fresh
    tenant.audit.latency_seconds = 1.0
    try:
        policy = tenant.objects("conditionalAccessPolicy")[0]
        start = datetime.now(UTC) - timedelta(seconds=1)
        tenant.rename("conditionalAccessPolicy", policy["id"], "Late")
        query = f"?$filter=activityDateTime ge {_since(start)}"
        assert client.get(ENTRA + query).json()["value"] == []
        time.sleep(1.1)
        assert len(client.get(ENTRA + query).json()["value"]) == 1
    finally:
        tenant.audit.latency_seconds = 0.0


def test_pages_are_followed_to_the_end_through_next_links(fresh: tuple[SimTenant, GraphClient]) -> None:
    tenant, client = fresh
    tenant.audit.add_noise("intune", 7)
    tenant.audit.max_page = 3
    try:
        first = client.get(INTUNE + "?$top=999").json()
        assert len(first["value"]) == 3 and "@odata.nextLink" in first
        everything = client.get_all(INTUNE + "?$top=999")
        assert len({e["id"] for e in everything}) == len(everything) >= 7
    finally:
        tenant.audit.max_page = 999


def test_time_filters_keep_what_the_service_keeps(fresh: tuple[SimTenant, GraphClient]) -> None:
    tenant, client = fresh
    old = datetime.now(UTC) - timedelta(days=10)
    tenant.audit.add_noise("entra", 2, at=old)
    recent = tenant.audit.add_noise("entra", 1)
    kept = client.get_all(ENTRA + f"?$filter=activityDateTime ge {_since(old + timedelta(days=1))}")
    assert recent[0]["id"] in {e["id"] for e in kept}
    assert all(e["activityDateTime"] > _since(old + timedelta(days=1)) for e in kept)


def test_strict_refusals_beta_directory_audits_and_filters_the_service_does_not_take(
    client: GraphClient, tenant: SimTenant
) -> None:
    beta = client.get("/beta/auditLogs/directoryAudits")
    assert beta.status_code == 500
    refused = client.get(INTUNE + "?$filter=resources/any(r:r/resourceId eq 'x')")
    assert refused.status_code == 400
    entra_target = client.get(ENTRA + "?$filter=targetResources/any(t:t/id eq 'x')")
    assert entra_target.status_code == 200  # Entra takes this one
    nonsense = client.get(ENTRA + "?$filter=category eq 'Policy' or result eq 'success'")
    assert nonsense.status_code == 400
    too_big = client.get(INTUNE + "?$top=1000")
    assert too_big.status_code == 400
    assert client.get("/beta/deviceManagement/auditEvents").status_code == 200


def test_a_forbidden_log_answers_403(sim: Any, client: GraphClient, tenant: SimTenant) -> None:
    sim.faults.forbid("auditLogs/directoryAudits", tenant=tenant.tenant_id)
    response = client.get(ENTRA)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Forbidden"
    assert client.get(INTUNE).status_code == 200
