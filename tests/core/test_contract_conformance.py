"""Conformance: every path, `$expand`/`$select` navigation and special field name the contracts use
exists on that entity type in that API version, per Microsoft's metadata (the checked-in extract
`devtools/graph_metadata.json`, re-checked against `../shared/graph-metadata/` when it is there)."""

from __future__ import annotations

import re

import pytest

from devtools.graph_metadata import (
    EXTRACT,
    METADATA_DIR,
    Version,
    contract_requests,
    contract_types,
    element_type,
    load_extract,
    recheck,
    used_versions,
)
from devtools.graphsim.catalog import COLLECTIONS, Nav
from shared.core.contracts import CONTRACTS, GLOBAL_VOLATILE_FIELDS, PolicyContract
from shared.core.contracts.model import template_fields
from shared.core.normalise import APP_IDENTIFIER_FIELDS, KEY_FIELDS, is_secret_name

EXTRACTED = load_extract()
IDS = sorted(CONTRACTS)

# String properties whose names sound secret but hold none, reviewed against the metadata. Anything
# new that sounds secret fails the test below until it is masked or reasoned about here.
NOT_SECRET: dict[str, str] = {
    "activeDirectorySiteCode": "an Active Directory site name",
    "appConfigKey": "the name of an app configuration key",
    "appConfigKeyValue": "an app configuration value an admin reads in clear in the portal",
    "certificateSubjectName": "a certificate's subject, public",
    "certificateTemplateName": "a CA template name",
    "credentialBundleIdAccessControlList": "bundle ids allowed to use a credential, not the credential",
    "defaultPasskeyProfile": "the id of a passkey profile",
    "fileVaultInstitutionalRecoveryKeyCertificateFileName": "a file name",
    "fileVaultPersonalRecoveryKeyHelpMessage": "help text shown to users",
    "key": "the name half of a key/value pair",
    "keywords": "search words of a setting definition (Microsoft's catalogue, read for names only)",
    "modeCredentialUsed": "which credential mode is used, not the credential",
    "passwordChangeUrl": "a URL",
    "passwordFormatString": "a username/password format template, not a password",
    "passwordRequirementsDescription": "help text",
    "publicKeyInfrastructureIdentifier": "the id of a PKI object",
    "safariPasswordAutoFillDomains": "domains",
    "secretReferenceValueId": "Graph's reference to a stored secret (GRAPH.md: kept to see rotations)",
    "serverCertificateCommonName": "a certificate's common name, public",
    "serverCertificateIssuerCommonName": "a certificate issuer's name, public",
    "subjectKeyIdentifier": "a certificate's key identifier, public",
    "trustedServerCertificateNames": "certificate names, public",
    "x509CertificateField": "which certificate field binds a user",
    "exemptedCertificateAuthoritiesSubjectKeyIdentifiers": "public identifiers of CAs",
    "applicationGuardCertificateThumbprints": "certificate thumbprints, public",
    "companyPortalVppTokenId": "the id of a VPP token, not the token",
    "enabledSkipKeys": "Setup Assistant screens to skip",
    "keyPath": "a registry key path (Win32 app detection and requirement rules)",
    "vppTokenAppleId": "the Apple ID a VPP token belongs to, not the token",
    "vppTokenDisplayName": "the name of a VPP token",
    "vppTokenId": "the id of a VPP token, not the token",
    "vppTokenOrganizationName": "the organisation a VPP token belongs to",
}
_SOUNDS_SECRET = re.compile(r"(?i)(password|passphrase|passcode|pin$|^pin|key|token|secret|credential|exitcode)")


def _version(contract: PolicyContract) -> Version:
    return EXTRACTED[contract.api_version]


def _scope(contract: PolicyContract) -> set[str]:
    version = _version(contract)
    reached, _ = contract_types(version, contract)
    return version.closure(reached)


def test_the_extract_covers_every_version_a_contract_uses() -> None:
    assert set(used_versions()) <= set(EXTRACTED)
    for name, version in EXTRACTED.items():
        assert {"deviceManagement", "identity", "policies"} <= set(version.roots), name


@pytest.mark.parametrize("policy_type", IDS)
def test_every_path_expansion_selection_and_follow_up_exists_in_its_version(policy_type: str) -> None:
    contract = CONTRACTS[policy_type]
    reached, problems = contract_types(_version(contract), contract)
    assert problems == []
    assert reached
    # Every query the reader sends is one the extract has judged (none slipped past the walk).
    for request in contract_requests(contract):
        assert set(re.findall(r"\$(\w+)=", request.query)) <= {"expand", "select"}, request


@pytest.mark.parametrize("policy_type", IDS)
def test_special_field_names_exist_on_the_types_the_contract_reads(policy_type: str) -> None:
    contract = CONTRACTS[policy_type]
    version = _version(contract)
    names = version.names_in(_scope(contract))
    special = {
        "volatile": contract.volatile_fields,
        "secret": contract.secret_fields,
        "script": contract.script_fields,
        "name": {contract.name_field},
        "id": {contract.id_field},
        "follow-up": {f.name for _, f in contract.all_follow_ups()},
        "follow-up condition": {f.only_when[0] for _, f in contract.all_follow_ups() if f.only_when},
        "skip": {name for name, _ in contract.skip_when},
        "reference": contract.reference_fields,
        "admin-set": contract.admin_set_fields,
    }
    if contract.count_check:
        special["count"] = {contract.count_check.count_field, contract.count_check.values_field}
    for kind, fields in special.items():
        missing = sorted(f for f in fields if f not in names)
        assert missing == [], f"{kind} field(s) unknown to {contract.api_version} metadata: {missing}"


@pytest.mark.parametrize("policy_type", IDS)
def test_follow_up_names_and_gate_fields_are_members_of_their_owners(policy_type: str) -> None:
    contract = CONTRACTS[policy_type]
    version = _version(contract)
    owners = [
        version.resolve(p) for p in [f"{s.path}/{{id}}" if not contract.singleton else s.path for s in contract.sources]
    ]
    for chain, follow_up in contract.all_follow_ups():
        for owner in owners:
            current = owner
            for step in chain:
                target = version.navigation(current, step)
                if target is None and follow_up.single and step == chain[-1]:
                    target = version.member(current, step)  # a property read at its own path
                assert target is not None, (owner, chain)
                current = element_type(target)
            assert follow_up.name == chain[-1], "a follow-up is stored under its navigation's name"
            if follow_up.only_if_nonempty:
                # `{definition.id}`: a member of the element the follow-up is made for.
                parent = owner
                for step in chain[:-1]:
                    parent = element_type(version.navigation(parent, step) or "")
                for dotted in template_fields(follow_up.only_if_nonempty):
                    node = parent
                    for part in dotted.split("."):
                        ref = version.member(node, part)
                        assert ref is not None, (dotted, node)
                        node = element_type(ref)


def test_global_volatile_fields_and_natural_keys_exist_somewhere_the_contracts_read() -> None:
    names: set[str] = set()
    for contract in CONTRACTS.values():
        names |= set(_version(contract).names_in(_scope(contract)))
    assert sorted(GLOBAL_VOLATILE_FIELDS - names) == []
    assert sorted(set(KEY_FIELDS) - names) == []
    assert sorted(set(APP_IDENTIFIER_FIELDS) - names) == []


@pytest.mark.parametrize("policy_type", IDS)
def test_every_string_that_sounds_secret_is_masked_or_reviewed(policy_type: str) -> None:
    contract = CONTRACTS[policy_type]
    version = _version(contract)
    unreviewed: set[str] = set()
    for type_name in _scope(contract):
        for name, ref in version.types[type_name].properties.items():
            if element_type(ref) != "Edm.String" or not _SOUNDS_SECRET.search(name):
                continue
            if is_secret_name(name) or name in contract.secret_fields or name in NOT_SECRET:
                continue
            unreviewed.add(f"{type_name}.{name}")
    assert sorted(unreviewed) == []


def test_the_reviewed_list_names_only_properties_that_exist() -> None:
    names: set[str] = set()
    for contract in CONTRACTS.values():
        names |= set(_version(contract).names_in(_scope(contract)))
    assert sorted(set(NOT_SECRET) - names) == []


def test_the_simulator_serves_collections_and_navigations_that_exist() -> None:
    # The simulator's collections and navigations are Graph's, not inventions.
    def check(version: Version, type_name: str, navs: tuple[Nav, ...]) -> None:
        for nav in navs:
            target = version.navigation(type_name, nav.name)
            assert target is not None, (type_name, nav.name)
            check(version, element_type(target), nav.children)

    for spec in COLLECTIONS.values():
        if spec.virtual or spec.path == "groups":
            continue
        path = spec.path if spec.singleton else f"{spec.path}/{{id}}"
        checked = False
        for name in ("beta", "v1.0"):
            version = EXTRACTED[name]
            if name not in spec.versions:
                continue
            try:
                type_name = version.resolve(path)
            except KeyError:
                continue
            if type_name not in version.types:
                continue  # the extract holds this version's types only where a contract reads them
            assert spec.entity_type in {f"microsoft.graph.{t}" for t in version.lineage(type_name)}, spec.path
            check(version, type_name, spec.navs)
            checked = True
            break
        assert checked, spec.path


def test_the_extract_agrees_with_microsofts_files() -> None:
    if not METADATA_DIR.is_dir():
        # Reference material beside the repository, not a tool the project installs: a clone without it
        # (a user's machine) still checks every contract against the checked-in extract above.
        pytest.skip(f"Microsoft's Graph metadata is not at {METADATA_DIR}: the extract cannot be re-checked")
    assert EXTRACT.is_file()
    assert recheck(EXTRACTED, METADATA_DIR) == []


def test_the_simulators_setting_definitions_have_only_members_of_their_types() -> None:
    # What `settings?$expand=settingDefinitions`, `configurationSettings/{id}` and (compliance
    # policies) `complianceSettings/{id}` serve: Graph's shapes.
    from devtools.graphsim.setting_definitions import compliance_catalog, definition_catalog

    beta = EXTRACTED["beta"]

    def check(node: dict[str, object], type_name: str, where: str) -> None:
        declared = str(node.get("@odata.type", "")).removeprefix("#microsoft.graph.") or type_name
        assert type_name in beta.lineage(declared), (where, declared, type_name)
        for key, value in node.items():
            if key == "@odata.type":
                continue
            ref = beta.member(declared, key)
            assert ref is not None, f"{where}: {key} is not a member of {declared}"
            inner = element_type(ref)
            for element in value if isinstance(value, list) else [value]:
                if isinstance(element, dict) and inner in beta.types:
                    check(element, inner, f"{where}.{key}")

    catalog = definition_catalog()
    compliance = compliance_catalog()
    assert catalog and compliance
    for definition in [*catalog, *compliance]:
        check(definition, "deviceManagementConfigurationSettingDefinition", str(definition["id"]))


def test_group_names_come_from_a_v1_action_and_property_that_exist() -> None:
    v1 = EXTRACTED["v1.0"]
    assert v1.roots["directoryObjects"] == "Collection(directoryObject)"
    assert v1.member("group", "displayName") == "Edm.String"
    assert "directoryObject" in v1.lineage("group")
