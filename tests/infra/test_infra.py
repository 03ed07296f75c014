"""Security and wiring properties of infra/, read from the templates as parsed by pycep.

There is no Bicep compiler or Azure here, so these tests stand in for both: they check the
properties the deployment promises (no shared key, TLS 1.2, no public blob access, identity-based
storage settings, the exact roles granted, Application Insights and Key Vault without local
secrets) and that the modules fit together (every module exists and receives the parameters it
declares, every app setting the code reads is wired).
"""

from __future__ import annotations

import json
import re
import sys
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, cast

import pytest
from pycep import BicepParser

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shared.settings import (  # noqa: E402
    ALIGNMENT_QUEUE,
    APP_SETTINGS,
    EVENT_QUEUE,
    RELAY_QUEUE,
    SCAN_QUEUE,
    SNAPSHOT_CONTAINER,
    TEMPLATE_CONTAINER,
)

INFRA = ROOT / "infra"
MAIN = INFRA / "main.bicep"
MODULES = INFRA / "modules"
POST_DEPLOY = INFRA / "scripts" / "post-deploy.sh"
PARAMETERS = INFRA / "main.parameters.json"

# Built-in role definition ids, one per need, and the type of the one resource each is scoped to.
EXPECTED_ROLES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Microsoft.Storage/storageAccounts",  # Storage Blob Data Owner
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Microsoft.Storage/storageAccounts",  # Storage Queue Data Contributor
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Microsoft.Storage/storageAccounts",  # Storage Table Data Contributor
    "3913510d-42f4-4e42-8a64-420c390055eb": "Microsoft.Insights/components",  # Monitoring Metrics Publisher
    "4633458b-17de-408a-b874-0445c86b69e6": "Microsoft.KeyVault/vaults",  # Key Vault Secrets User
}
EXPECTED_TABLES = {
    "drifttenants",
    "driftruns",
    "driftlocks",
    "driftfindings",
    "drifthistory",
    "driftsummaries",
    "driftbaselines",
    "drifttemplates",
    "drifttemplateassignments",
    "driftalignments",
    "driftsubscriptions",
    "driftdeliveries",
    "driftdefinitions",
}
# Settings the platform reads rather than the app: allowed in Bicep without a catalogue entry.
PLATFORM_SETTINGS = {
    "AzureWebJobsStorage__accountName",
    "AzureWebJobsStorage__blobServiceUri",
    "AzureWebJobsStorage__queueServiceUri",
    "AzureWebJobsStorage__tableServiceUri",
    "AzureWebJobsStorage__credential",
    "AzureWebJobsStorage__clientId",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
}
KEY_VAULT_REFERENCE = re.compile(r"^@Microsoft\.KeyVault\(SecretUri=\$\{\w+\}\)$")


# ----------------------------------------------------------------------------------------------
# Reading the parsed templates
# ----------------------------------------------------------------------------------------------


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


@lru_cache(maxsize=1)
def parser() -> BicepParser:
    return BicepParser()


@cache
def parsed(path: Path) -> dict[str, Any]:
    return cast(dict[str, Any], parser().parse(file_path=path))


def has_default(param: dict[str, Any]) -> bool:
    """pycep gives every parameter a "default" key, None when the declaration has no default."""
    return param.get("default") is not None


def unwrap(config: dict[str, Any]) -> dict[str, Any]:
    """The body of a resource or module, under any `if (...)` condition or `[for ...]` loop."""
    while isinstance(config, dict) and "config" in config and ("condition" in config or "loop_type" in config):
        config = config["config"]
    return config


def resources(path: Path, resource_type: str, *, existing: bool = False) -> dict[str, dict[str, Any]]:
    """Resources of one type declared in a file, by symbolic name, as {attrs, body}."""
    found = {}
    for name, attrs in parsed(path).get("resources", {}).items():
        if attrs["type"] == resource_type and attrs["existing"] is existing:
            found[name] = {"attrs": attrs, "body": unwrap(attrs["config"])}
    return found


def all_resources(resource_type: str, *, existing: bool = False) -> list[tuple[Path, str, dict[str, Any]]]:
    return [
        (path, name, item)
        for path in bicep_files()
        for name, item in resources(path, resource_type, existing=existing).items()
    ]


def one_resource(path: Path, resource_type: str) -> dict[str, Any]:
    found = resources(path, resource_type)
    assert len(found) == 1, f"expected one {resource_type} in {path.name}, found {sorted(found)}"
    return cast(dict[str, Any], next(iter(found.values()))["body"])


def variable(path: Path, name: str) -> Any:
    return parsed(path)["variables"][name]["value"]


def parameter(path: Path, name: str) -> dict[str, Any]:
    return cast(dict[str, Any], parsed(path)["parameters"][name])


def allowed_values(param: dict[str, Any]) -> list[Any]:
    """The values of the parameter's @allowed decorator (it must have one)."""
    for decorator in param.get("decorators", []):
        if decorator["type"] == "allowed":
            return cast(list[Any], decorator["argument"])
    raise AssertionError(f"parameter has no @allowed decorator: {param}")


def has_allowed(param: dict[str, Any]) -> bool:
    return any(decorator["type"] == "allowed" for decorator in param.get("decorators", []))


def is_secure(param: dict[str, Any]) -> bool:
    return any(decorator["type"] == "secure" for decorator in param.get("decorators", []))


def dotted(value: Any) -> str | None:
    """A property access such as `identity.outputs.principalId` as that string, else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("operator", {}).get("type") == "property_accessor":
        operands = value["operator"]["operands"]
        left, right = dotted(operands["operand_1"]), dotted(operands["operand_2"])
        if left is not None and right is not None:
            return f"{left}.{right}"
    return None


def function(value: Any, function_type: str) -> dict[str, Any] | None:
    if isinstance(value, dict) and value.get("function", {}).get("type") == function_type:
        return cast(dict[str, Any], value["function"]["parameters"])
    return None


def module_calls(path: Path) -> dict[str, dict[str, Any]]:
    """Modules a file calls, by symbolic name: {target, condition, body}."""
    calls = {}
    for name, attrs in parsed(path).get("modules", {}).items():
        assert attrs["type"] == "local", f"{path.name}: module {name} must be a local file"
        config = attrs["config"]
        calls[name] = {
            "target": (path.parent / attrs["detail"]["path"]).resolve(),
            "condition": config.get("condition") if "condition" in config else None,
            "body": unwrap(config),
        }
    return calls


def module_param_value(module_path: Path, param_name: str) -> Any:
    """What main.bicep passes to one parameter of a module it calls (directly)."""
    for call in module_calls(MAIN).values():
        if call["target"] == module_path.resolve():
            return call["body"]["params"].get(param_name)
    raise AssertionError(f"main.bicep does not call {module_path.name}")


def app_settings() -> dict[str, list[dict[str, Any]]]:
    """The function app's settings, grouped by the variable that holds them.

    siteConfig.appSettings is concat(var, var, ...); each var is either a plain array of
    {name, value} or `(condition) ? [ ... ] : []`. Returns {var name: [settings]}, with the
    conditional groups keyed by their var name as well.
    """
    path = MODULES / "functionapp.bicep"
    site = one_resource(path, "Microsoft.Web/sites")
    args = function(site["properties"]["siteConfig"]["appSettings"], "concat")
    assert args, "siteConfig.appSettings must be concat() of setting groups"
    groups = {}
    for var_name in args.values():
        value = variable(path, var_name)
        if isinstance(value, dict) and value.get("operator", {}).get("type") == "conditional":
            operands = value["operator"]["operands"]
            assert operands["false_value"] == [], f"{var_name}: the else branch must add no setting"
            value = operands["true_value"]
        assert isinstance(value, list), f"{var_name} must be an array of {{name, value}}"
        groups[var_name] = value
    return groups


def settings_by_name(group: list[dict[str, Any]]) -> dict[str, Any]:
    names = [item["name"] for item in group]
    assert len(names) == len(set(names)), f"duplicate app settings: {names}"
    return {item["name"]: item["value"] for item in group}


# ----------------------------------------------------------------------------------------------
# Templates parse and fit together
# ----------------------------------------------------------------------------------------------


def test_infra_has_main_and_modules() -> None:
    assert MAIN.is_file()
    assert {path.name for path in MODULES.glob("*.bicep")} >= {
        "identity.bicep",
        "storage.bicep",
        "monitoring.bicep",
        "keyvault.bicep",
        "roles.bicep",
        "functionapp.bicep",
        "eventgrid.bicep",
    }


@pytest.mark.parametrize("path", bicep_files(), ids=lambda path: str(path.relative_to(INFRA)))
def test_every_bicep_file_parses(path: Path) -> None:
    assert parsed(path)["globals"]["scope"]["value"] == "resourceGroup"


def test_every_module_exists_receives_its_parameters_and_is_used() -> None:
    used = set()
    for path in bicep_files():
        for name, call in module_calls(path).items():
            target = call["target"]
            assert target.is_file(), f"{path.name}: module {name} points at missing {target}"
            used.add(target)
            declared = parsed(target).get("parameters", {})
            passed = call["body"].get("params", {})
            unknown = set(passed) - set(declared)
            assert not unknown, f"{path.name}: module {name} passes undeclared params {sorted(unknown)}"
            missing = {p for p, spec in declared.items() if not has_default(spec)} - set(passed)
            assert not missing, f"{path.name}: module {name} misses required params {sorted(missing)}"
    orphans = {path.resolve() for path in MODULES.glob("*.bicep")} - used
    assert not orphans, f"modules no template uses: {sorted(p.name for p in orphans)}"


def test_every_parameter_is_used() -> None:
    # What the Bicep linter's no-unused-params rule would report: a parameter never referenced
    # means a value the user sets goes nowhere.
    for path in bicep_files():
        code = "\n".join(
            re.sub(r"(^|\s)//.*$", "", line)
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith(("param ", "@"))
        )
        for name in parsed(path).get("parameters", {}):
            assert re.search(rf"\b{name}\b", code), f"{path.name}: parameter {name} is never used"


def test_module_outputs_used_by_main_exist() -> None:
    calls = module_calls(MAIN)
    text = MAIN.read_text(encoding="utf-8")
    for module_name, output_name in re.findall(r"\b(\w+)\.outputs\.(\w+)", text):
        assert module_name in calls, f"main.bicep reads outputs of unknown module {module_name}"
        outputs = parsed(calls[module_name]["target"]).get("outputs", {})
        assert output_name in outputs, f"{module_name} has no output {output_name}"


def test_parameters_file_matches_main() -> None:
    values = json.loads(PARAMETERS.read_text(encoding="utf-8"))["parameters"]
    declared = parsed(MAIN)["parameters"]
    assert set(values) <= set(declared), f"unknown parameters: {sorted(set(values) - set(declared))}"
    required = {name for name, spec in declared.items() if not has_default(spec)}
    assert required <= set(values), f"required parameters missing from the file: {sorted(required - set(values))}"
    for name in values:
        assert not is_secure(declared[name]), f"secure parameter {name} must be passed on the command line, not stored"
        if has_allowed(declared[name]):
            allowed = allowed_values(declared[name])
            assert values[name]["value"] in allowed, f"{name}={values[name]['value']!r} is not allowed"


# ----------------------------------------------------------------------------------------------
# No shared key, no stored secret where an identity will do
# ----------------------------------------------------------------------------------------------


def test_storage_account_refuses_shared_keys_and_public_access() -> None:
    accounts = all_resources("Microsoft.Storage/storageAccounts")
    assert len(accounts) == 1, "one storage account"
    props = accounts[0][2]["body"]["properties"]
    assert props["allowSharedKeyAccess"] is False
    assert props["defaultToOAuthAuthentication"] is True
    assert props["minimumTlsVersion"] == "TLS1_2"
    assert props["supportsHttpsTrafficOnly"] is True
    assert props["allowBlobPublicAccess"] is False
    assert props["allowCrossTenantReplication"] is False


def test_blob_containers_are_private_and_include_snapshots_and_the_package() -> None:
    path = MODULES / "storage.bicep"
    containers = resources(path, "Microsoft.Storage/storageAccounts/blobServices/containers")
    assert len(containers) == 1
    (container,) = containers.values()
    assert container["body"]["properties"]["publicAccess"] == "None"
    loop = container["attrs"]["config"]["loop_type"]["detail"]
    assert variable(path, loop["array_name"]) == [
        "snapshotContainerName",
        "templateContainerName",
        "deploymentContainerName",
    ]
    assert parameter(path, "snapshotContainerName")["default"] == SNAPSHOT_CONTAINER
    assert module_param_value(path, "snapshotContainerName") == SNAPSHOT_CONTAINER
    assert parameter(path, "templateContainerName")["default"] == TEMPLATE_CONTAINER
    assert module_param_value(path, "templateContainerName") == TEMPLATE_CONTAINER
    assert module_param_value(path, "deploymentContainerName") == "deploymentContainerName"
    assert variable(MAIN, "deploymentContainerName").startswith("app-package-")
    # The Flex deployment package is read from that same container with the identity.
    functionapp = MODULES / "functionapp.bicep"
    storage = one_resource(functionapp, "Microsoft.Web/sites")["properties"]["functionAppConfig"]["deployment"][
        "storage"
    ]
    assert storage["type"] == "blobContainer"
    assert storage["value"] == "${blobEndpoint}${deploymentContainerName}"
    assert storage["authentication"] == {
        "type": "UserAssignedIdentity",
        "userAssignedIdentityResourceId": "identityId",
    }
    assert module_param_value(functionapp, "deploymentContainerName") == "deploymentContainerName"


def test_queue_and_tables_exist() -> None:
    path = MODULES / "storage.bicep"
    (queues,) = resources(path, "Microsoft.Storage/storageAccounts/queueServices/queues").values()
    assert variable(path, queues["attrs"]["config"]["loop_type"]["detail"]["array_name"]) == [
        "scanQueueName",
        "${scanQueueName}-poison",
        "alignmentQueueName",
        "${alignmentQueueName}-poison",
        "eventQueueName",
        "${eventQueueName}-poison",
        "relayQueueName",
        "${relayQueueName}-poison",
    ]
    assert parameter(path, "scanQueueName")["default"] == SCAN_QUEUE
    assert module_param_value(path, "scanQueueName") == SCAN_QUEUE
    assert parameter(path, "alignmentQueueName")["default"] == ALIGNMENT_QUEUE
    assert module_param_value(path, "alignmentQueueName") == ALIGNMENT_QUEUE
    assert parameter(path, "eventQueueName")["default"] == EVENT_QUEUE
    assert module_param_value(path, "eventQueueName") == EVENT_QUEUE
    assert parameter(path, "relayQueueName")["default"] == RELAY_QUEUE
    assert module_param_value(path, "relayQueueName") == RELAY_QUEUE

    (tables,) = resources(path, "Microsoft.Storage/storageAccounts/tableServices/tables").values()
    loop = tables["attrs"]["config"]["loop_type"]["detail"]
    assert tables["body"]["name"] == "${tableNamePrefix}${" + loop["item_name"] + "}"
    prefix = parameter(MAIN, "tableNamePrefix")["default"]
    assert {prefix + suffix for suffix in variable(path, loop["array_name"])} == EXPECTED_TABLES
    assert module_param_value(path, "tableNamePrefix") == "tableNamePrefix"


def test_role_assignments_are_exactly_the_needed_ones_each_on_one_resource() -> None:
    assigned = {}
    for path, name, item in all_resources("Microsoft.Authorization/roleAssignments"):
        body = item["body"]
        args = function(body["properties"]["roleDefinitionId"], "subscription_resource_id")
        assert args and args["resource_type"] == "Microsoft.Authorization/roleDefinitions", name
        reference = dotted(args["resource_name_1"])
        assert reference, f"{name}: role definition id must be a literal or a variable"
        var_name, _, key = reference.partition(".")
        role_id = variable(path, var_name)[key] if key else var_name
        assert role_id not in assigned, f"role {role_id} assigned twice"
        # Scoped to one named resource of the right type, never the resource group or subscription.
        scope = body.get("scope")
        assert isinstance(scope, str), f"{name} must be scoped to a resource"
        scoped = parsed(path)["resources"][scope]
        assigned[role_id] = scoped["type"]
        assert body["properties"]["principalType"] == "ServicePrincipal"
        assert body["properties"]["principalId"] == "principalId"
    assert assigned == EXPECTED_ROLES
    assert not all_resources("Microsoft.Authorization/roleDefinitions"), "no custom role"
    # The principal is the app's user-assigned identity.
    assert dotted(module_param_value(MODULES / "roles.bicep", "principalId")) == "identity.outputs.principalId"


def test_application_insights_and_workspace_refuse_local_auth() -> None:
    path = MODULES / "monitoring.bicep"
    insights = one_resource(path, "Microsoft.Insights/components")
    assert insights["properties"]["DisableLocalAuth"] is True
    assert insights["properties"]["WorkspaceResourceId"]
    workspace = one_resource(path, "Microsoft.OperationalInsights/workspaces")
    assert workspace["properties"]["features"]["disableLocalAuth"] is True


def test_key_vault_uses_rbac_and_is_recoverable() -> None:
    vaults = all_resources("Microsoft.KeyVault/vaults")
    assert len(vaults) == 1
    props = vaults[0][2]["body"]["properties"]
    assert props["enableRbacAuthorization"] is True
    assert "accessPolicies" not in props
    assert props["enableSoftDelete"] is True
    assert props["enablePurgeProtection"] is True
    assert props["enabledForTemplateDeployment"] is False


def test_secrets_are_secure_parameters_without_defaults_and_written_only_when_given() -> None:
    for path in bicep_files():
        for name, spec in parsed(path).get("parameters", {}).items():
            if is_secure(spec):
                assert spec["default"] in (None, ""), f"{path.name}: secure {name} must have no default value"
    keyvault = MODULES / "keyvault.bicep"
    calls = module_calls(keyvault)
    assert {call["target"].name for call in calls.values()} == {"kvsecret.bicep"}
    for name, call in calls.items():
        condition = call["condition"]
        assert condition and condition["operator"]["type"] == "not", f"{name} must be written only when given"
        assert function(condition["operator"]["operands"]["bool_value"], "empty"), name


def test_no_shared_key_connection_string_or_listkeys_anywhere() -> None:
    forbidden = re.compile(r"listKeys|AccountKey=|SharedAccessSignature|DefaultEndpointsProtocol|\.listKeys\(")
    for path in [*bicep_files(), POST_DEPLOY]:
        text = path.read_text(encoding="utf-8")
        assert not forbidden.search(text), f"{path.name} uses a storage key"


# ----------------------------------------------------------------------------------------------
# The function app
# ----------------------------------------------------------------------------------------------


def test_function_app_runs_on_flex_consumption_with_python_and_the_identity() -> None:
    path = MODULES / "functionapp.bicep"
    plan = one_resource(path, "Microsoft.Web/serverfarms")
    assert plan["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    assert plan["properties"]["reserved"] is True

    site = one_resource(path, "Microsoft.Web/sites")
    assert site["kind"] == "functionapp,linux"
    assert site["identity"]["type"] == "UserAssigned"
    assert list(site["identity"]["userAssignedIdentities"]) == ["'${identityId}'"]
    props = site["properties"]
    assert props["httpsOnly"] is True
    assert props["keyVaultReferenceIdentity"] == "identityId"
    assert props["siteConfig"]["minTlsVersion"] == "1.2"
    assert props["siteConfig"]["ftpsState"] == "Disabled"
    runtime = props["functionAppConfig"]["runtime"]
    assert runtime["name"] == "python"
    assert runtime["version"] == "pythonVersion"
    for file in (path, MAIN):
        versions = parameter(file, "pythonVersion")
        assert set(allowed_values(versions)) <= {"3.11", "3.12"}
        assert versions["default"] in {"3.11", "3.12"}
    assert set(props["functionAppConfig"]["scaleAndConcurrency"]) == {"maximumInstanceCount", "instanceMemoryMB"}

    # Publishing with a user name and password is off.
    policies = resources(path, "Microsoft.Web/sites/basicPublishingCredentialsPolicies")
    assert {item["body"]["name"]: item["body"]["properties"]["allow"] for item in policies.values()} == {
        "ftp": False,
        "scm": False,
    }


def test_every_setting_the_code_reads_is_wired() -> None:
    groups = app_settings()
    base = settings_by_name(groups.pop("baseSettings"))
    conditional = {var: settings_by_name(group) for var, group in groups.items()}
    every = dict(base)
    for group in conditional.values():
        assert not set(group) & set(every), "a setting is set twice"
        every.update(group)

    catalogue = {spec.name: spec for spec in APP_SETTINGS}
    for spec in APP_SETTINGS:
        if spec.required_in_azure and spec.name != "AzureWebJobsStorage":
            assert spec.name in base, f"{spec.name} (required in Azure) is not in the function app's settings"
    unknown = set(every) - set(catalogue) - PLATFORM_SETTINGS
    assert not unknown, f"settings the code does not read: {sorted(unknown)}"

    # Optional settings appear only in their mode.
    assert set(conditional["clientSecretSettings"]) == {"GRAPH_CLIENT_SECRET"}
    assert set(conditional["certificateSettings"]) == {"GRAPH_CLIENT_CERTIFICATE"}
    assert set(conditional["jwtSettings"]) == {"AUTH_JWT_JWKS_URL", "AUTH_JWT_ISSUER", "AUTH_JWT_AUDIENCE"}
    assert "GRAPH_STATIC_TOKEN" not in every, "a static token is for a local simulator only"
    assert "FUNCTIONS_WORKER_RUNTIME" not in every, "Flex Consumption takes the runtime from functionAppConfig"
    assert "AzureWebJobsStorage" not in every, "no storage connection string"


def test_storage_connection_is_identity_based() -> None:
    base = settings_by_name(app_settings()["baseSettings"])
    assert base["AzureWebJobsStorage__credential"] == "managedidentity"
    assert base["AzureWebJobsStorage__clientId"] == "identityClientId"
    assert base["AzureWebJobsStorage__accountName"] == "storageAccountName"
    for service in ("blob", "queue", "table"):
        assert base[f"AzureWebJobsStorage__{service}ServiceUri"] == f"{service}Endpoint"
    assert not any(name.startswith("WEBSITE_CONTENT") for name in base), "no Azure Files content share"


def test_telemetry_uses_entra_auth() -> None:
    base = settings_by_name(app_settings()["baseSettings"])
    assert base["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] == "ClientId=${identityClientId};Authorization=AAD"
    assert base["APPLICATIONINSIGHTS_CONNECTION_STRING"] == "appInsightsConnectionString"


def test_secrets_are_key_vault_references() -> None:
    groups = app_settings()
    values = {
        "SECRET_HASH_KEY": settings_by_name(groups["baseSettings"])["SECRET_HASH_KEY"],
        "GRAPH_CLIENT_SECRET": settings_by_name(groups["clientSecretSettings"])["GRAPH_CLIENT_SECRET"],
        "GRAPH_CLIENT_CERTIFICATE": settings_by_name(groups["certificateSettings"])["GRAPH_CLIENT_CERTIFICATE"],
    }
    for name, value in values.items():
        assert isinstance(value, str) and KEY_VAULT_REFERENCE.match(value), f"{name} must be a Key Vault reference"
    # The URIs come from the vault module, versionless so a rotated secret is picked up.
    keyvault_outputs = parsed(MODULES / "keyvault.bicep")["outputs"]
    for output in ("secretHashKeyUri", "graphClientSecretUri", "graphClientCertificateUri"):
        value = keyvault_outputs[output]["value"]
        assert value.startswith("${vault.properties.vaultUri}secrets/${secretNames."), output


def test_app_settings_in_azure_mode() -> None:
    path = MODULES / "functionapp.bicep"
    base = settings_by_name(app_settings()["baseSettings"])
    assert base["BLOB_TRIGGER_SOURCE"] == "EventGrid"
    assert base["GRAPH_MANAGED_IDENTITY_CLIENT_ID"] == "identityClientId"
    assert base["GRAPH_CREDENTIAL_MODE"] == "graphCredentialMode"
    assert base["AUTH_MODE"] == "authMode"
    assert base["GRAPH_BASE_URL"] == "graphBaseUrl"
    for file in (path, MAIN):
        assert parameter(file, "graphCredentialMode")["default"] == "managed_identity"
        assert "static_token" not in allowed_values(parameter(file, "graphCredentialMode"))
        assert set(allowed_values(parameter(file, "authMode"))) == {"easyauth", "jwt"}
        assert parameter(file, "graphBaseUrl")["default"] == "https://graph.microsoft.com"
    # Defaults in Bicep agree with the code's defaults.
    defaults = {spec.name: spec.default for spec in APP_SETTINGS}
    assert parameter(MAIN, "scanSchedule")["default"] == defaults["SCAN_SCHEDULE"]
    assert parameter(MAIN, "tableNamePrefix")["default"] == defaults["TABLE_NAME_PREFIX"]
    assert str(parameter(MAIN, "graphMaxConcurrency")["default"]) == defaults["GRAPH_MAX_CONCURRENCY"]
    assert str(parameter(MAIN, "graphRequestBudget")["default"]) == defaults["GRAPH_REQUEST_BUDGET"]
    assert str(parameter(MAIN, "graphTimeoutSeconds")["default"]) == defaults["GRAPH_TIMEOUT_SECONDS"]
    assert str(parameter(MAIN, "eventRetryBaseSeconds")["default"]) == defaults["EVENT_RETRY_BASE_SECONDS"]
    assert str(parameter(MAIN, "eventMaxAttempts")["default"]) == defaults["EVENT_MAX_ATTEMPTS"]
    assert parameter(MAIN, "publicBaseUrl")["default"] == defaults["PUBLIC_BASE_URL"]


def test_easy_auth_validates_tokens_without_a_secret() -> None:
    calls = module_calls(MODULES / "functionapp.bicep")
    (call,) = [c for c in calls.values() if c["target"].name == "easyauth.bicep"]
    assert call["condition"]["operator"] == {
        "type": "equals",
        "operands": {"operand_1": "authMode", "operand_2": "easyauth"},
    }
    auth = one_resource(MODULES / "easyauth.bicep", "Microsoft.Web/sites/config")
    assert auth["name"] == "authsettingsV2"
    props = auth["properties"]
    assert props["platform"]["enabled"] is True
    assert props["globalValidation"]["requireAuthentication"] is True
    assert props["globalValidation"]["unauthenticatedClientAction"] == "Return401"
    assert props["globalValidation"]["excludedPaths"] == ["/runtime/webhooks/blobs"]
    aad = props["identityProviders"]["azureActiveDirectory"]
    assert aad["enabled"] is True
    assert "clientSecretSettingName" not in aad["registration"]
    assert props["httpSettings"]["requireHttps"] is True


# ----------------------------------------------------------------------------------------------
# Event Grid drives the snapshot blob trigger
# ----------------------------------------------------------------------------------------------


def test_event_grid_system_topic_on_the_storage_account() -> None:
    path = MODULES / "eventgrid.bicep"
    topic = one_resource(path, "Microsoft.EventGrid/systemTopics")
    assert topic["properties"]["topicType"] == "Microsoft.Storage.StorageAccounts"
    assert dotted(topic["properties"]["source"]) == "storage.id"
    outputs = parsed(MAIN)["outputs"]
    for name in ("functionAppName", "eventGridSystemTopicName"):
        assert name in outputs, f"post-deploy.sh reads output {name}"


def test_post_deploy_script_subscribes_detect_drift_to_new_snapshots() -> None:
    text = POST_DEPLOY.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash")
    assert POST_DEPLOY.stat().st_mode & 0o111, "post-deploy.sh must be executable"
    assert 'FUNCTION_NAME="detect_drift"' in text
    assert "systemKeys.blobs_extension" in text
    assert "/runtime/webhooks/blobs?functionName=Host.Functions.${FUNCTION_NAME}&code=" in text
    assert "--included-event-types Microsoft.Storage.BlobCreated" in text
    assert f'SUBJECT_BEGINS_WITH="/blobServices/default/containers/{SNAPSHOT_CONTAINER}/"' in text
    assert 'SUBJECT_ENDS_WITH=".json.gz"' in text
    assert "az eventgrid system-topic event-subscription create" in text


def test_federated_credential_values_are_outputs() -> None:
    outputs = parsed(MAIN)["outputs"]
    assert outputs["federatedCredentialAudience"]["value"] == "api://AzureADTokenExchange"
    assert outputs["federatedCredentialIssuer"]["value"] == "homeTenantIssuer"
    assert variable(MAIN, "homeTenantIssuer") == "${loginEndpoint}${tenant().tenantId}/v2.0"
    assert dotted(outputs["federatedCredentialSubject"]["value"]) == "identity.outputs.principalId"


def test_api_app_registration_manifest_has_the_drift_roles_and_one_scope() -> None:
    manifest = json.loads((INFRA / "entra" / "api-app.json").read_text(encoding="utf-8"))
    roles = {role["value"]: role for role in manifest["appRoles"]}
    assert set(roles) == {"Drift.Read", "Drift.Triage", "Drift.Admin"}
    assert len({role["id"] for role in roles.values()}) == 3
    assert all(role["isEnabled"] and "User" in role["allowedMemberTypes"] for role in roles.values())
    assert manifest["api"]["requestedAccessTokenVersion"] == 2, "AUTH_JWT_AUDIENCE defaults to the client id"
    assert manifest["groupMembershipClaims"] in {"SecurityGroup", "ApplicationGroup"}
    (scope,) = manifest["api"]["oauth2PermissionScopes"]

    preauthorize = json.loads((INFRA / "entra" / "api-preauthorize-azure-cli.json").read_text(encoding="utf-8"))
    # The second PATCH repeats the api object, so whatever PATCH does to nested objects, nothing is lost.
    assert {k: v for k, v in preauthorize["api"].items() if k != "preAuthorizedApplications"} == manifest["api"]
    (azure_cli,) = preauthorize["api"]["preAuthorizedApplications"]
    assert azure_cli == {"appId": "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "delegatedPermissionIds": [scope["id"]]}
