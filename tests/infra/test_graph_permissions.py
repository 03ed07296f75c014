"""The Graph reader asks for exactly the read-only permissions the policy types need: the app
registration file (`infra/entra/graph-reader-app.json`), the README's table and the contracts agree."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared.core.contracts import CONTRACTS  # noqa: E402
from shared.core.contracts.model import PERM_APPS, PERM_AUDIT_LOG, PERM_DIRECTORY  # noqa: E402

GRAPH = "00000003-0000-0000-c000-000000000000"
# Microsoft Graph's application permissions (app roles of its service principal) by value, as
# Microsoft publishes them.
APP_ROLE_IDS = {
    "DeviceManagementConfiguration.Read.All": "dc377aa6-52d8-4e23-b271-2a7ae04cedf3",
    "DeviceManagementApps.Read.All": "7a6ee1e7-141e-4cec-ae74-d9db155731ff",
    "DeviceManagementServiceConfig.Read.All": "06a5fe6d-c49d-46a7-b082-56b1b14103c7",
    "DeviceManagementScripts.Read.All": "c7a5be92-2b3d-4540-8a67-c96dcaae8b43",
    "DeviceManagementRBAC.Read.All": "58ca0d9a-1575-47e1-a3cb-007ef2e4583b",
    "Policy.Read.All": "246dd0d5-5bd0-4def-940b-0421030a5b68",
    "Policy.Read.DeviceConfiguration": "bdba4817-6ba1-4a7c-8a01-be9bc7c242dd",
    "GroupSettings.Read.All": "f3c4f514-c65a-43f5-bfce-1735872258dd",
    "CloudPC.Read.All": "a9e09520-8ed4-4cde-838e-4fdea192c227",
    "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    "AuditLog.Read.All": "b0afded3-3588-46d8-8b3d-9842eff778da",
}
# Beside the policy types: the names of the groups that policies are assigned to
# (`directoryObjects/getByIds`).
GROUP_NAMES = PERM_DIRECTORY


# Who changed it (DESIGN §12): the Intune audit log needs DeviceManagementApps.Read.All, the Entra
# audit log AuditLog.Read.All.
AUDIT_LOGS = {PERM_APPS, PERM_AUDIT_LOG}


def needed() -> set[str]:
    return {c.permission for c in CONTRACTS.values()} | {GROUP_NAMES} | AUDIT_LOGS


def test_every_contract_names_a_read_only_permission_with_a_known_id() -> None:
    for contract in CONTRACTS.values():
        assert ".Read." in contract.permission and "Write" not in contract.permission, contract.key
        assert contract.permission in APP_ROLE_IDS, contract.permission


def test_the_app_registration_asks_for_exactly_what_the_types_need() -> None:
    manifest = json.loads((ROOT / "infra" / "entra" / "graph-reader-app.json").read_text(encoding="utf-8"))
    assert manifest["signInAudience"] == "AzureADMultipleOrgs"
    (graph,) = manifest["requiredResourceAccess"]
    assert graph["resourceAppId"] == GRAPH
    assert all(access["type"] == "Role" for access in graph["resourceAccess"])
    ids = [access["id"] for access in graph["resourceAccess"]]
    assert len(ids) == len(set(ids))
    assert set(ids) == {APP_ROLE_IDS[name] for name in needed()}


def test_the_readme_table_lists_the_same_permissions_with_their_ids() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| Application permission (Microsoft Graph) |") :]
    table = table[: table.index("\n\n")]
    rows = re.findall(r"^\| ([A-Za-z.]+) \| `([0-9a-f-]{36})` \|", table, re.MULTILINE)
    assert dict(rows) == {name: APP_ROLE_IDS[name] for name in needed()}
