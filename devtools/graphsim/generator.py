"""Deterministic tenant generation: ``generate_tenant(seed, size, mix)`` and ``generate_portfolio``.

``size`` top-level objects are spread over all 20 type keys (one of each first when size >= 20, the
rest by ``mix`` weights). The same seed, size, mix and name always give the same tenant, ids and
timestamps included.
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Callable
from typing import Any

from devtools.graphsim import content as C
from devtools.graphsim.catalog import TYPE_KEYS
from devtools.graphsim.settings_catalog import FAMILIES, SettingsBuilder, to_setting_rows
from devtools.graphsim.store import SimTenant, make_assignment
from devtools.graphsim.util import etag, guid, later_timestamp, random_timestamp

Obj = dict[str, Any]
G = "#microsoft.graph."

DEFAULT_MIX: dict[str, float] = {
    "settingsCatalogPolicy": 0.24,
    "deviceConfiguration": 0.12,
    "deviceCompliancePolicy": 0.06,
    "groupPolicyConfiguration": 0.05,
    "endpointSecurityIntent": 0.02,
    "appProtectionPolicy": 0.05,
    "mobileAppConfiguration": 0.03,
    "deviceManagementScript": 0.05,
    "deviceShellScript": 0.02,
    "deviceHealthScript": 0.04,
    "windowsAutopilotDeploymentProfile": 0.02,
    "deviceEnrollmentConfiguration": 0.03,
    "windowsFeatureUpdateProfile": 0.02,
    "windowsQualityUpdateProfile": 0.01,
    "windowsDriverUpdateProfile": 0.02,
    "assignmentFilter": 0.04,
    "roleScopeTag": 0.02,
    "conditionalAccessPolicy": 0.12,
    "namedLocation": 0.03,
    "authenticationMethodsPolicy": 0.0,
}

SINGLETONS = frozenset({"authenticationMethodsPolicy"})
_STABLE_NS = uuid.UUID("8d5a4b3c-2e1f-4a0b-9c8d-7e6f5a4b3c2d")


def _stable_id(text: str) -> str:
    return str(uuid.uuid5(_STABLE_NS, text))


def allocate(size: int, mix: dict[str, float] | None = None) -> dict[str, int]:
    """How many objects of each type key a tenant of ``size`` gets (largest remainder)."""
    if mix is not None:
        unknown = sorted(set(mix) - set(TYPE_KEYS))
        if unknown:
            raise ValueError(f"unknown type key(s) in mix: {', '.join(unknown)}")
        if any(w < 0 for w in mix.values()):
            raise ValueError("mix weights must not be negative")
    weights = {k: float((mix if mix is not None else DEFAULT_MIX).get(k, 0.0)) for k in TYPE_KEYS}
    counts = dict.fromkeys(TYPE_KEYS, 0)
    if size <= 0:
        return counts
    if size >= len(TYPE_KEYS):
        counts = dict.fromkeys(TYPE_KEYS, 1)
        remaining = size - len(TYPE_KEYS)
    else:
        remaining = size
        if weights["authenticationMethodsPolicy"] > 0:
            counts["authenticationMethodsPolicy"] = 1
            remaining -= 1
    pool = {k: w for k, w in weights.items() if w > 0 and k not in SINGLETONS}
    if not pool:
        pool = {k: w for k, w in DEFAULT_MIX.items() if w > 0}
    total = sum(pool.values())
    shares = {k: remaining * w / total for k, w in pool.items()}
    floors = {k: int(v) for k, v in shares.items()}
    left = remaining - sum(floors.values())
    order = sorted(pool, key=lambda k: (-(shares[k] - floors[k]), TYPE_KEYS.index(k)))
    for k in order[:left]:
        floors[k] += 1
    for k, n in floors.items():
        counts[k] += n
    return counts


class _Generator:
    """Builds one tenant; every random choice comes from one seeded RNG, in a fixed order."""

    def __init__(self, tenant: SimTenant, seed: int, size: int, counts: dict[str, int]) -> None:
        self.t = tenant
        self.seed = seed
        self.size = size
        self.counts = counts
        self.rng = random.Random(f"generate:{seed}:{tenant.name}")
        self.short = "".join(w[0] for w in tenant.name.split()[:3]).upper() or "SIM"
        self.group_ids: dict[str, str] = {}
        self.filters: list[tuple[str, str]] = []
        self.scope_tag_ids: list[str] = ["0"]
        self.location_ids: list[str] = []
        self.dangling_group: str | None = None

    # -- small helpers -------------------------------------------------------------------------

    def id(self) -> str:
        return guid(self.rng)

    def stamps(self) -> tuple[str, str]:
        created = random_timestamp(self.rng)
        return created, later_timestamp(self.rng, created)

    def scope_tags(self) -> list[str]:
        tags = ["0"]
        if len(self.scope_tag_ids) > 1 and self.rng.random() < 0.25:
            tags.append(self.rng.choice(self.scope_tag_ids[1:]))
        return tags

    def group(self, *prefixes: str) -> str:
        names = [n for n in self.group_ids if not prefixes or n.startswith(prefixes)]
        return self.group_ids[self.rng.choice(names or list(self.group_ids))]

    def assignments(self, parent: str, kind: str = "device") -> list[Obj]:
        """0-4 realistic assignments: groups (some filtered), exclusions, all devices / users."""
        n = self.rng.choices([0, 1, 2, 3, 4], weights=[12, 35, 28, 15, 10])[0]
        rows: list[Obj] = []
        used: set[str] = set()
        for _ in range(n):
            roll = self.rng.random()
            if roll < 0.55:
                target = "group"
            elif roll < 0.8:
                target = "exclusion"
            elif kind in ("device", "any") and roll < 0.9:
                target = "allDevices"
            elif kind == "app":
                target = "group"
            else:
                target = "allLicensedUsers"
            group_id: str | None = None
            if target in ("group", "exclusion"):
                prefixes = ("SG-Intune-Exclude", "CA-BreakGlass") if target == "exclusion" else ("SG-", "APP_")
                group_id = self.group(*prefixes)
                if target == "group" and self.dangling_group and self.rng.random() < 0.5:
                    group_id, self.dangling_group = self.dangling_group, None
                if group_id in used:
                    continue
                used.add(group_id)
            elif target in used:
                continue
            else:
                used.add(target)
            filter_id: str | None = None
            filter_type = "none"
            if target != "exclusion" and self.filters and kind != "app" and self.rng.random() < 0.35:
                filter_id = self.rng.choice(self.filters)[0]
                filter_type = self.rng.choice(["include", "exclude"])
            rows.append(make_assignment(f"{parent}_{self.id()}", parent, target, group_id, filter_id, filter_type))
        return rows

    def variant(self, names: list[str] | tuple[str, ...], i: int) -> str:
        base = names[i % len(names)]
        rnd = i // len(names)
        return base if rnd == 0 else f"{base} ({rnd + 1})"

    # -- foundations ---------------------------------------------------------------------------

    def build_groups(self) -> None:
        for name, rule in C.GROUPS:
            created = random_timestamp(self.rng)
            props: Obj = {
                "description": f"{name} (managed by the Intune team)" if name.startswith("SG-") else None,
                "createdDateTime": created[:19] + "Z",
                "mailNickname": name.replace(" ", "")[:20],
            }
            if rule:
                props.update(groupTypes=["DynamicMembership"], membershipRule=rule, membershipRuleProcessingState="On")
            self.group_ids[name] = self.t.add_group(name, group_id=self.id(), **props)
        if self.size >= 100:
            self.dangling_group = self.id()
            self.t.deleted_group_ids.add(self.dangling_group)

    def assignment_filter(self, i: int) -> Obj:
        name, platform, rule = C.FILTERS[i % len(C.FILTERS)]
        created, modified = self.stamps()
        fid = self.id()
        self.filters.append((fid, platform))
        return {
            "@odata.type": G + "deviceAndAppManagementAssignmentFilter",
            "id": fid,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "displayName": self.variant([n for n, _, _ in C.FILTERS], i),
            "description": f"Targets {platform} devices: {name[4:]}",
            "platform": platform,
            "rule": rule,
            "roleScopeTags": ["0"],
            "payloads": [],
            "assignmentFilterManagementType": "devices",
        }

    def role_scope_tag(self, i: int) -> Obj:
        if i == 0:
            return {
                "@odata.type": G + "roleScopeTag",
                "id": "0",
                "displayName": "Default",
                "description": "Default scope tag for all objects",
                "isBuiltIn": True,
                "assignments": [],
            }
        _name, description = C.SCOPE_TAGS[(i - 1) % len(C.SCOPE_TAGS)]
        tag_id = str(i)
        self.scope_tag_ids.append(tag_id)
        rows = [
            make_assignment(f"{tag_id}_{self.id()}", tag_id, "group", self.group("SG-"))
            for _ in range(self.rng.randint(0, 2))
        ]
        for row in rows:
            row.pop("source")
            row.pop("sourceId")
        return {
            "@odata.type": G + "roleScopeTag",
            "id": tag_id,
            "displayName": self.variant([n for n, _ in C.SCOPE_TAGS], i - 1),
            "description": description,
            "isBuiltIn": False,
            "assignments": rows,
        }

    def named_location(self, i: int) -> Obj:
        created, modified = self.stamps()
        lid = self.id()
        self.location_ids.append(lid)
        if i % 2 == 0:
            _name, cidrs, trusted = C.IP_LOCATIONS[(i // 2) % len(C.IP_LOCATIONS)]
            ranges = [
                {"@odata.type": G + ("iPv6CidrRange" if ":" in c else "iPv4CidrRange"), "cidrAddress": c} for c in cidrs
            ]
            return {
                "@odata.type": G + "ipNamedLocation",
                "id": lid,
                "displayName": self.variant([n for n, _, _ in C.IP_LOCATIONS], i // 2),
                "modifiedDateTime": modified,
                "createdDateTime": created,
                "isTrusted": trusted,
                "ipRanges": ranges,
            }
        _name, countries = C.COUNTRY_LOCATIONS[(i // 2) % len(C.COUNTRY_LOCATIONS)]
        return {
            "@odata.type": G + "countryNamedLocation",
            "id": lid,
            "displayName": self.variant([n for n, _ in C.COUNTRY_LOCATIONS], i // 2),
            "modifiedDateTime": modified,
            "createdDateTime": created,
            "countriesAndRegions": list(countries),
            "includeUnknownCountriesAndRegions": False,
            "countryLookupMethod": "clientIpAddress",
        }

    # -- Intune --------------------------------------------------------------------------------

    def settings_catalog_policy(self, i: int) -> Obj:
        fam = FAMILIES[i % len(FAMILIES)]
        pid = self.id()
        created, modified = self.stamps()
        builder = SettingsBuilder(self.rng, self.t.plant_secret)
        ctx = {"tenant_id": self.t.tenant_id, "short": self.short}
        settings = to_setting_rows(fam.build(builder, ctx), fam.templated)
        return {
            "@odata.type": G + "deviceManagementConfigurationPolicy",
            "id": pid,
            "name": self.variant([f.name for f in FAMILIES], i),
            "description": fam.description,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "creationSource": None,
            "platforms": fam.platforms,
            "technologies": fam.technologies,
            "priorityMetaData": None,
            "roleScopeTagIds": self.scope_tags(),
            "isAssigned": False,
            "settingCount": len(settings),
            "templateReference": {
                "templateId": fam.template_id,
                "templateFamily": fam.template_family,
                "templateDisplayName": fam.template_name,
                "templateDisplayVersion": fam.template_version,
            },
            "settings": settings,
            "assignments": self.assignments(pid, "user" if " - U - " in fam.name else "device"),
        }

    def _device_config_base(self, odata_type: str, name: str, description: str = "") -> Obj:
        created, modified = self.stamps()
        return {
            "@odata.type": G + odata_type,
            "id": self.id(),
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": self.scope_tags(),
            "supportsScopeTags": True,
            "deviceManagementApplicabilityRuleOsEdition": None,
            "deviceManagementApplicabilityRuleOsVersion": None,
            "deviceManagementApplicabilityRuleDeviceMode": None,
            "createdDateTime": created,
            "description": description,
            "displayName": name,
            "version": self.rng.randint(1, 9),
        }

    def device_configuration(self, i: int) -> Obj:
        kinds: list[tuple[str, Callable[[Obj], None]]] = [
            ("Win - Custom - D - OMA-URI Settings", self._dc_custom),
            ("iOS - Wi-Fi - D - Corporate PSK", self._dc_ios_wifi),
            ("Win - WUfB - Ring 1 - Pilot", self._dc_wufb),
            ("Win - Device Restrictions - D - General", self._dc_general),
            ("Win - Endpoint Protection - D - Legacy", self._dc_endpoint_protection),
            ("Android - Work Profile Wi-Fi - D - Warehouse", self._dc_android_wifi),
            ("iOS - VPN - D - IKEv2 Always On", self._dc_ikev2),
            ("Win - VPN - D - Legacy L2TP", self._dc_win_vpn),
            ("macOS - Custom - D - Login Window", self._dc_macos_custom),
            ("Win - WUfB - Ring 2 - Broad", self._dc_wufb),
        ]
        name = self.variant([k for k, _ in kinds], i)
        fill = kinds[i % len(kinds)][1]
        obj = self._device_config_base("deviceConfiguration", name)
        fill(obj)
        obj["assignments"] = self.assignments(obj["id"], "device")
        return obj

    def _dc_custom(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "windows10CustomConfiguration"
        settings: list[Obj] = []
        for kind, display, uri, value in self.rng.sample(C.OMA_PLAIN, self.rng.randint(3, len(C.OMA_PLAIN))):
            settings.append(
                {
                    "@odata.type": G + kind,
                    "displayName": display,
                    "description": display,
                    "omaUri": uri,
                    "secretReferenceValueId": None,
                    "isEncrypted": False,
                    "value": value,
                    **({"isReadOnly": False} if kind == "omaSettingInteger" else {}),
                }
            )
        for display, uri in C.OMA_ENCRYPTED[: self.rng.randint(1, len(C.OMA_ENCRYPTED))]:
            settings.append(
                {
                    "@odata.type": G + "omaSettingString",
                    "displayName": display,
                    "description": f"{display} (encrypted by Intune)",
                    "omaUri": uri,
                    "secretReferenceValueId": self.id(),
                    "isEncrypted": True,
                    "value": self.t.plant_secret(),
                }
            )
        obj["omaSettings"] = settings

    def _dc_ios_wifi(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "iosWiFiConfiguration"
        obj.update(
            networkName=f"{self.short}-Corp",
            ssid=f"{self.short}-Corp",
            connectAutomatically=True,
            connectWhenNetworkNameIsHidden=self.rng.random() < 0.3,
            disableMacAddressRandomization=False,
            wiFiSecurityType="wpaPersonal",
            proxySettings="none",
            proxyManualAddress=None,
            proxyManualPort=None,
            proxyAutomaticConfigurationUrl=None,
            preSharedKey=self.t.plant_secret(),
        )

    def _dc_android_wifi(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "androidWorkProfileWiFiConfiguration"
        obj.update(
            networkName=f"{self.short}-Warehouse",
            ssid=f"{self.short}-WH",
            connectAutomatically=True,
            connectWhenNetworkNameIsHidden=True,
            wiFiSecurityType="wpaPersonal",
            preSharedKeyIsSet=True,
            preSharedKey=self.t.plant_secret(),
            proxySettings="none",
            proxyManualAddress=None,
            proxyManualPort=None,
            proxyAutomaticConfigurationUrl=None,
            proxyExclusionList=None,
        )

    def _dc_wufb(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "windowsUpdateForBusinessConfiguration"
        quality = self.rng.choice([0, 3, 7])
        obj.update(
            deliveryOptimizationMode="userDefined",
            prereleaseFeatures="userDefined",
            automaticUpdateMode="windowsDefault",
            microsoftUpdateServiceAllowed=True,
            driversExcluded=self.rng.random() < 0.2,
            installationSchedule=None,
            qualityUpdatesDeferralPeriodInDays=quality,
            featureUpdatesDeferralPeriodInDays=self.rng.choice([0, 30, 60]),
            qualityUpdatesPaused=False,
            featureUpdatesPaused=False,
            qualityUpdatesPauseExpiryDateTime="0001-01-01T00:00:00Z",
            featureUpdatesPauseExpiryDateTime="0001-01-01T00:00:00Z",
            businessReadyUpdatesOnly="userDefined",
            skipChecksBeforeRestart=False,
            updateWeeks=None,
            featureUpdatesRollbackWindowInDays=self.rng.choice([10, 30]),
            deadlineForFeatureUpdatesInDays=self.rng.choice([2, 5, 7]),
            deadlineForQualityUpdatesInDays=self.rng.choice([1, 2, 3]),
            deadlineGracePeriodInDays=self.rng.choice([1, 2]),
            postponeRebootUntilAfterDeadline=True,
            autoRestartNotificationDismissal="notConfigured",
            scheduleRestartWarningInHours=None,
            scheduleImminentRestartWarningInMinutes=None,
            userPauseAccess=self.rng.choice(["disabled", "enabled"]),
            userWindowsUpdateScanAccess="enabled",
            updateNotificationLevel="defaultNotifications",
            allowWindows11Upgrade=self.rng.random() < 0.5,
        )

    def _dc_general(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "windows10GeneralConfiguration"
        r = self.rng
        obj.update(
            passwordRequired=True,
            passwordBlockSimple=True,
            passwordMinimumLength=r.choice([8, 12, 14]),
            passwordMinutesOfInactivityBeforeScreenTimeout=r.choice([5, 15]),
            passwordExpirationDays=None,
            passwordPreviousPasswordBlockCount=r.choice([None, 5, 24]),
            passwordRequiredType="alphanumeric",
            cameraBlocked=r.random() < 0.2,
            cortanaBlocked=True,
            bluetoothBlocked=False,
            storageBlockRemovableStorage=r.random() < 0.3,
            edgeBlockPasswordManager=r.random() < 0.5,
            smartScreenEnableAppInstallControl=False,
            defenderRequireRealTimeMonitoring=True,
            defenderScanMaxCpu=r.choice([30, 50]),
            defenderScheduledScanTime=None,
            defenderDetectedMalwareActions={
                "lowSeverity": "clean",
                "moderateSeverity": "quarantine",
                "highSeverity": "remove",
                "severeSeverity": "block",
            },
            experienceBlockDeviceDiscovery=True,
            lockScreenBlockCortana=True,
            privacyAdvertisingId="blocked",
            settingsBlockChangeRegion=r.random() < 0.5,
            startMenuHideRecentlyAddedApps=True,
            windowsSpotlightBlocked=r.random() < 0.5,
            wiFiBlockManualConfiguration=False,
            appsAllowTrustedAppsSideloading="notConfigured",
            enterpriseCloudPrintDiscoveryEndPoint=None,
        )

    def _dc_endpoint_protection(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "windows10EndpointProtectionConfiguration"
        r = self.rng
        obj.update(
            localSecurityOptionsBlockMicrosoftAccounts=True,
            localSecurityOptionsBlockRemoteLogonWithBlankPassword=True,
            localSecurityOptionsDisableAdministratorAccount=True,
            localSecurityOptionsAdministratorAccountName=None,
            localSecurityOptionsDisableGuestAccount=True,
            localSecurityOptionsMachineInactivityLimitInMinutes=r.choice([5, 15]),
            localSecurityOptionsMinimumSessionSecurityForNtlmSspBasedClients="ntlmV2And128BitEncryption",
            lanManagerAuthenticationLevel="lmNtlmV2AndNotLmOrNtm",
            firewallBlockStatefulFTP=True,
            firewallIPSecExemptionsAllowDHCP=False,
            firewallProfileDomain={
                "firewallEnabled": "allowed",
                "inboundConnectionsBlocked": True,
                "outboundConnectionsRequired": True,
                "inboundNotificationsBlocked": r.random() < 0.5,
                "stealthModeBlocked": False,
            },
            firewallProfilePublic={
                "firewallEnabled": "allowed",
                "inboundConnectionsBlocked": True,
                "outboundConnectionsRequired": True,
                "inboundNotificationsBlocked": True,
                "stealthModeBlocked": False,
            },
            defenderAttackSurfaceReductionExcludedPaths=[],
            defenderExploitProtectionXml=None,
            defenderSecurityCenterBlockExploitProtectionOverride=True,
            bitLockerEncryptDevice=True,
            bitLockerSystemDrivePolicy={
                "encryptionMethod": "xtsAes256",
                "startupAuthenticationRequired": True,
                "startupAuthenticationBlockWithoutTpmChip": True,
                "startupAuthenticationTpmUsage": "allowed",
                "minimumPinLength": None,
                "recoveryOptions": {
                    "blockDataRecoveryAgent": True,
                    "recoveryPasswordUsage": "required",
                    "recoveryKeyUsage": "blocked",
                    "hideRecoveryOptions": True,
                    "enableRecoveryInformationSaveToStore": True,
                    "recoveryInformationToStore": "passwordAndKey",
                    "enableBitLockerAfterRecoveryInformationToStore": True,
                },
            },
            xboxServicesEnableXboxGameSaveTask=False,
            xboxServicesLiveAuthManagerServiceStartupMode="disabled",
        )

    def _dc_ikev2(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "iosikEv2VpnConfiguration"
        obj.update(
            connectionName=f"{self.short} VPN",
            connectionType="ikEv2",
            server={"description": "Primary gateway", "address": "vpn.corp.example", "isDefaultServer": True},
            authenticationMethod="sharedSecret",
            enableSplitTunneling=False,
            safariDomains=[],
            remoteIdentifier="vpn.corp.example",
            localIdentifier="deviceFQDN",
            serverCertificateType="rsa",
            sharedSecret=self.t.plant_secret(),
            alwaysOnConfiguration=None,
            enablePerfectForwardSecrecy=True,
            mtuSizeInBytes=1400,
        )

    def _dc_win_vpn(self, obj: Obj) -> None:
        # Legacy profile kept by some tenants; `password` is the secret-bearing property here.
        obj["@odata.type"] = G + "windows10VpnConfiguration"
        obj.update(
            connectionName=f"{self.short} Legacy VPN",
            connectionType="l2tp",
            servers=[{"description": "Legacy gateway", "address": "l2tp.corp.example", "isDefaultServer": True}],
            authenticationMethod="usernameAndPassword",
            userName="svc-vpn",
            password=self.t.plant_secret(),
            rememberUserCredentials=False,
            enableSplitTunneling=True,
            profileTarget="device",
            dnsSuffixes=["corp.example"],
            trustedNetworkDomains=["corp.example"],
        )

    def _dc_macos_custom(self, obj: Obj) -> None:
        obj["@odata.type"] = G + "macOSCustomConfiguration"
        plist = (
            '<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>'
            "<key>PayloadType</key><string>com.apple.loginwindow</string>"
            "<key>SHOWFULLNAME</key><true/></dict></plist>"
        )
        obj.update(
            payloadName="Login Window",
            payloadFileName="loginwindow.mobileconfig",
            payload=base64.b64encode(plist.encode()).decode(),
            deploymentChannel="deviceChannel",
        )

    def compliance_policy(self, i: int) -> Obj:
        kinds = [
            "windows10CompliancePolicy",
            "iosCompliancePolicy",
            "androidWorkProfileCompliancePolicy",
            "macOSCompliancePolicy",
        ]
        names = [
            "Win - Compliance - D - Baseline",
            "iOS - Compliance - D - Corporate",
            "Android - Compliance - U - Work Profile",
            "macOS - Compliance - D - Baseline",
        ]
        kind = kinds[i % len(kinds)]
        created, modified = self.stamps()
        pid = self.id()
        r = self.rng
        obj: Obj = {
            "@odata.type": G + kind,
            "roleScopeTagIds": self.scope_tags(),
            "id": pid,
            "createdDateTime": created,
            "description": None if r.random() < 0.5 else "Minimum device health for Conditional Access",
            "lastModifiedDateTime": modified,
            "displayName": self.variant(names, i),
            "version": r.randint(1, 6),
        }
        if kind == "windows10CompliancePolicy":
            obj.update(
                passwordRequired=r.random() < 0.3,
                passwordBlockSimple=False,
                passwordMinimumLength=None,
                osMinimumVersion=r.choice(["10.0.19045.3803", "10.0.22631.2861", None]),
                osMaximumVersion=None,
                bitLockerEnabled=True,
                secureBootEnabled=True,
                codeIntegrityEnabled=True,
                tpmRequired=True,
                defenderEnabled=True,
                rtpEnabled=True,
                antivirusRequired=True,
                antiSpywareRequired=True,
                activeFirewallRequired=True,
                signatureOutOfDate=r.random() < 0.7,
                deviceThreatProtectionEnabled=r.random() < 0.5,
                deviceThreatProtectionRequiredSecurityLevel=r.choice(["medium", "low", "unavailable"]),
                configurationManagerComplianceRequired=False,
                deviceCompliancePolicyScript=None,
                validOperatingSystemBuildRanges=[],
            )
        elif kind == "iosCompliancePolicy":
            obj.update(
                passcodeRequired=True,
                passcodeBlockSimple=True,
                passcodeMinimumLength=6,
                passcodeMinutesOfInactivityBeforeLock=r.choice([0, 5]),
                passcodeRequiredType="numeric",
                osMinimumVersion=r.choice(["17.0", "16.6"]),
                securityBlockJailbrokenDevices=True,
                deviceThreatProtectionEnabled=False,
                deviceThreatProtectionRequiredSecurityLevel="unavailable",
                managedEmailProfileRequired=False,
                restrictedApps=[],
            )
        elif kind == "androidWorkProfileCompliancePolicy":
            obj.update(
                passwordRequired=True,
                passwordMinimumLength=6,
                passwordRequiredType="numericComplex",
                securityBlockJailbrokenDevices=True,
                securityRequireSafetyNetAttestationBasicIntegrity=True,
                securityRequireSafetyNetAttestationCertifiedDevice=r.random() < 0.5,
                osMinimumVersion=r.choice(["12.0", "13.0"]),
                storageRequireEncryption=True,
                minAndroidSecurityPatchLevel=r.choice(["2024-06-01", None]),
            )
        else:
            obj.update(
                passwordRequired=True,
                passwordMinimumLength=r.choice([8, 12]),
                systemIntegrityProtectionEnabled=True,
                storageRequireEncryption=True,
                firewallEnabled=True,
                firewallBlockAllIncoming=False,
                firewallEnableStealthMode=r.random() < 0.5,
                gatekeeperAllowedAppSource="macAppStoreAndIdentifiedDevelopers",
                osMinimumVersion=r.choice(["14.0", "13.5"]),
            )
        actions = [
            {
                "id": self.id(),
                "gracePeriodHours": 0,
                "actionType": "block",
                "notificationTemplateId": "00000000-0000-0000-0000-000000000000",
                "notificationMessageCCList": [],
            }
        ]
        if r.random() < 0.5:
            actions.append(
                {
                    "id": self.id(),
                    "gracePeriodHours": r.choice([24, 72]),
                    "actionType": "notification",
                    "notificationTemplateId": self.id(),
                    "notificationMessageCCList": [self.group("SG-Intune-Admins", "SG-")],
                }
            )
        if r.random() < 0.2:
            actions.append(
                {
                    "id": self.id(),
                    "gracePeriodHours": 720,
                    "actionType": "retire",
                    "notificationTemplateId": "00000000-0000-0000-0000-000000000000",
                    "notificationMessageCCList": [],
                }
            )
        obj["scheduledActionsForRule"] = [
            {"id": self.id(), "ruleName": "PasswordRequired", "scheduledActionConfigurations": actions}
        ]
        obj["assignments"] = self.assignments(pid, "device" if i % 4 != 2 else "user")
        return obj

    def group_policy_configuration(self, i: int) -> Obj:
        names = [
            "Win - ADMX - D - Microsoft Edge",
            "Win - ADMX - D - Windows Hardening",
            "Win - ADMX - U - Office Defaults",
            "Win - ADMX - D - OneDrive",
        ]
        created, modified = self.stamps()
        pid = self.id()
        chosen = self.rng.sample(C.ADMX, self.rng.randint(3, min(12, len(C.ADMX))))
        values: list[Obj] = []
        for display, category, class_type, presentations in chosen:
            def_id = _stable_id("admx:" + display)
            v_created = random_timestamp(self.rng)
            pvalues: list[Obj] = []
            for kind, label, value in presentations:
                if isinstance(value, str):
                    value = value.replace("{tenant}", self.t.tenant_id)
                pres = {
                    "@odata.type": G + C.PRESENTATION_TYPES[kind],
                    "id": _stable_id(f"pres:{display}:{label}"),
                    "label": label,
                    "lastModifiedDateTime": "2024-09-12T08:31:00.0000000Z",
                }
                pv: Obj = {
                    "@odata.type": G + kind,
                    "id": self.id(),
                    "createdDateTime": v_created,
                    "lastModifiedDateTime": v_created,
                    "presentation": pres,
                }
                if kind == "groupPolicyPresentationValueList":
                    pv["values"] = [
                        {"name": str(v), "value": None} for v in (value if isinstance(value, list) else [value])
                    ]
                else:
                    pv["value"] = value
                pvalues.append(pv)
            values.append(
                {
                    "id": self.id(),
                    "createdDateTime": v_created,
                    "lastModifiedDateTime": v_created,
                    "enabled": self.rng.random() < 0.85,
                    "configurationType": "policy",
                    "definition": {
                        "id": def_id,
                        "classType": class_type,
                        "displayName": display,
                        "explainText": f"This policy setting controls: {display.lower()}.",
                        "categoryPath": category,
                        "supportedOn": "At least Windows 10 / Microsoft Edge version 77",
                        "policyType": "admxBacked",
                        "hasRelatedDefinitions": False,
                        "groupPolicyCategoryId": _stable_id("cat:" + category),
                        "minDeviceCspVersion": "5.0",
                        "minUserCspVersion": "5.0",
                        "version": "1.0",
                        "lastModifiedDateTime": "2024-09-12T08:31:00.0000000Z",
                    },
                    "presentationValues": pvalues,
                }
            )
        return {
            "@odata.type": G + "groupPolicyConfiguration",
            "id": pid,
            "displayName": self.variant(names, i),
            "description": "",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": self.scope_tags(),
            "policyConfigurationIngestionType": "builtIn",
            "definitionValues": values,
            "assignments": self.assignments(pid, "user" if " - U - " in names[i % len(names)] else "device"),
        }

    def endpoint_security_intent(self, i: int) -> Obj:
        templates = [
            ("Windows Security Baseline (legacy)", "034ccd46-190c-4afc-adf1-ad7cc11262eb"),
            ("Microsoft Defender for Endpoint baseline", "2209e067-9c8c-462e-9981-5a8c79165dcc"),
            ("BitLocker (legacy intent)", "d1174162-1dd2-4976-affc-6667049ab0ae"),
            ("Account protection (legacy intent)", "0f2b5d70-d4e9-4156-8c16-1397eb6c54a5"),
        ]
        _name, template_id = templates[i % len(templates)]
        pid = self.id()
        created, modified = self.stamps()
        prefix = "deviceConfiguration--windows10EndpointProtectionConfiguration_"
        raw = [
            ("Boolean", "firewallBlockStatefulFTP", True),
            ("Boolean", "defenderSecurityCenterBlockExploitProtectionOverride", self.rng.random() < 0.8),
            ("Boolean", "bitLockerEncryptDevice", True),
            ("String", "localSecurityOptionsMinimumSessionSecurityForNtlmSspBasedClients", "ntlmV2And128BitEncryption"),
            ("Integer", "localSecurityOptionsMachineInactivityLimitInMinutes", self.rng.choice([5, 15])),
            ("Boolean", "smartScreenBlockOverrideForFiles", True),
            ("Boolean", "applicationGuardEnabled", self.rng.random() < 0.3),
        ]
        settings: list[Obj] = []
        for kind, prop, value in raw:
            settings.append(
                {
                    "@odata.type": G + f"deviceManagement{kind}SettingInstance",
                    "id": self.id(),
                    "definitionId": prefix + prop,
                    "valueJson": _json_scalar(value),
                    "value": value,
                }
            )
        categories = [
            {
                "id": _stable_id(f"intentcat:{template_id}:{cat}"),
                "displayName": cat,
                "hasRequiredSetting": False,
                "settings": [s for k, s in enumerate(settings) if k % 2 == n],
            }
            for n, cat in enumerate(["Firewall", "Device Guard"])
        ]
        assignments = self.assignments(pid, "device")
        return {
            "@odata.type": G + "deviceManagementIntent",
            "id": pid,
            "displayName": self.variant([t for t, _ in templates], i),
            "description": "Created before the move to settings catalog",
            "isAssigned": bool(assignments),
            "isMigratingToConfigurationPolicy": False,
            "lastModifiedDateTime": modified,
            "templateId": template_id,
            "roleScopeTagIds": self.scope_tags(),
            "settings": settings,
            "categories": categories,
            "assignments": assignments,
            "createdDateTime": created,
        }

    def app_protection_policy(self, i: int) -> Obj:
        platform = ["ios", "android", "windows"][i % 3]
        names = {
            "ios": "iOS - App Protection - U - BYOD Baseline",
            "android": "Android - App Protection - U - BYOD Baseline",
            "windows": "Windows - App Protection - U - Edge MAM",
        }
        created, modified = self.stamps()
        pid = "T_" + self.id()
        r = self.rng
        obj: Obj = {
            "@odata.type": G + f"{platform}ManagedAppProtection",
            "displayName": names[platform] if i < 3 else f"{names[platform]} ({i // 3 + 1})",
            "description": "",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": self.scope_tags(),
            "id": pid,
            "version": etag(r),
            "isAssigned": False,
            "deployedAppCount": 0,
        }
        if platform == "windows":
            obj.update(
                printBlocked=True,
                allowedInboundDataTransferSources="allSources",
                allowedOutboundClipboardSharingLevel="none",
                allowedOutboundDataTransferDestinations="none",
                appActionIfUnableToAuthenticateUser="block",
                maximumAllowedDeviceThreatLevel="notConfigured",
                minimumRequiredOsVersion=None,
                periodOfflineBeforeAccessCheck="PT12H",
                periodOfflineBeforeWipeIsEnforced="P90D",
            )
            bundle_apps = C.WINDOWS_APPS
            apps = [
                {
                    "id": f"{a}.windows",
                    "version": str(r.randint(-(2**31), 2**31)),
                    "mobileAppIdentifier": {"@odata.type": G + "windowsAppIdentifier", "windowsAppId": a},
                }
                for a in bundle_apps
            ]
        else:
            obj.update(
                periodOfflineBeforeAccessCheck="PT12H",
                periodOnlineBeforeAccessCheck="PT30M",
                allowedInboundDataTransferSources="allApps",
                allowedOutboundDataTransferDestinations="managedApps",
                organizationalCredentialsRequired=False,
                allowedOutboundClipboardSharingLevel="managedAppsWithPasteIn",
                dataBackupBlocked=True,
                deviceComplianceRequired=r.random() < 0.7,
                managedBrowserToOpenLinksRequired=True,
                saveAsBlocked=True,
                periodOfflineBeforeWipeIsEnforced="P90D",
                pinRequired=True,
                maximumPinRetries=r.choice([5, 10]),
                simplePinBlocked=True,
                minimumPinLength=r.choice([4, 6]),
                pinCharacterSet="numeric",
                periodBeforePinReset="PT0S",
                allowedDataStorageLocations=r.sample(["oneDriveForBusiness", "sharePoint", "photoLibrary"], 2),
                contactSyncBlocked=False,
                printBlocked=r.random() < 0.6,
                fingerprintBlocked=False,
                disableAppPinIfDevicePinIsSet=False,
                minimumRequiredOsVersion=None,
                minimumWarningOsVersion=None,
                appActionIfDeviceComplianceRequired="block",
                appActionIfMaximumPinRetriesExceeded="block",
                managedBrowser="microsoftEdge",
                targetedAppManagementLevels="unmanaged",
                appGroupType="allMicrosoftApps",
                screenCaptureBlocked=platform == "android",
                encryptAppData=True,
            )
            bundle_apps = C.IOS_APPS if platform == "ios" else C.ANDROID_APPS
            ident = "iosMobileAppIdentifier" if platform == "ios" else "androidMobileAppIdentifier"
            key = "bundleId" if platform == "ios" else "packageId"
            apps = [
                {
                    "id": f"{a}.{platform}",
                    "version": str(r.randint(-(2**31), 2**31)),
                    "mobileAppIdentifier": {"@odata.type": G + ident, key: a},
                }
                for a in r.sample(bundle_apps, r.randint(5, len(bundle_apps)))
            ]
        obj["apps"] = apps
        obj["deployedAppCount"] = len(apps)
        obj["assignments"] = self.assignments(pid, "app")
        obj["isAssigned"] = bool(obj["assignments"])
        return obj

    def mobile_app_configuration(self, i: int) -> Obj:
        kind = ["targeted", "ios", "android"][i % 3]
        created, modified = self.stamps()
        r = self.rng
        if kind == "targeted":
            pid = "A_" + self.id()
            apps = [
                {
                    "id": f"{a}.ios",
                    "version": str(r.randint(-(2**31), 2**31)),
                    "mobileAppIdentifier": {"@odata.type": G + "iosMobileAppIdentifier", "bundleId": a},
                }
                for a in ("com.microsoft.office.outlook", "com.microsoft.msedge")
            ]
            assignments = self.assignments(pid, "app")
            return {
                "@odata.type": G + "targetedManagedAppConfiguration",
                "displayName": self.variant(["Apps - MAM Config - U - Outlook and Edge"], i // 3),
                "description": "",
                "createdDateTime": created,
                "lastModifiedDateTime": modified,
                "roleScopeTagIds": self.scope_tags(),
                "id": pid,
                "version": etag(r),
                "deployedAppCount": len(apps),
                "isAssigned": bool(assignments),
                "targetedAppManagementLevels": "unspecified",
                "appGroupType": "selectedPublicApps",
                "customSettings": [
                    {"name": "com.microsoft.outlook.Mail.FocusedInbox", "value": "false"},
                    {"name": "com.microsoft.intune.mam.managedbrowser.homepage", "value": "https://intranet.example"},
                ],
                "apps": apps,
                "assignments": assignments,
            }
        pid = self.id()
        base: Obj = {
            "id": pid,
            "targetedMobileApps": [self.id()],
            "roleScopeTagIds": self.scope_tags(),
            "createdDateTime": created,
            "description": "",
            "lastModifiedDateTime": modified,
            "version": r.randint(1, 5),
        }
        if kind == "ios":
            base.update(
                {
                    "@odata.type": G + "iosMobileAppConfiguration",
                    "displayName": self.variant(["iOS - App Config - D - Outlook"], i // 3),
                    "encodedSettingXml": None,
                    "settings": [
                        {
                            "appConfigKey": "IntuneMAMAllowedAccountsOnly",
                            "appConfigKeyType": "stringType",
                            "appConfigKeyValue": "Enabled",
                        },
                        {
                            "appConfigKey": "IntuneMAMUPN",
                            "appConfigKeyType": "stringType",
                            "appConfigKeyValue": "{{userprincipalname}}",
                        },
                    ],
                }
            )
        else:
            payload = {
                "kind": "androidenterprise#managedConfiguration",
                "productId": "app:com.microsoft.office.outlook",
                "managedProperty": [{"key": "com.microsoft.outlook.Mail.BlockExternalImages", "valueBool": True}],
            }
            base.update(
                {
                    "@odata.type": G + "androidManagedStoreAppConfiguration",
                    "displayName": self.variant(["Android - App Config - D - Outlook"], i // 3),
                    "packageId": "app:com.microsoft.office.outlook",
                    "payloadJson": base64.b64encode(json.dumps(payload).encode()).decode(),
                    "permissionActions": [],
                    "appSupportsOemConfig": False,
                    "profileApplicability": "default",
                    "connectedAppsEnabled": False,
                }
            )
        base["assignments"] = self.assignments(pid, "device")
        return base

    def _script_body(self, header: str, body: str, shebang: str = "") -> tuple[str, str]:
        marker = self.t.new_script_marker()
        text = f"{shebang}# {header}\n# {marker}\n{body}\n"
        return base64.b64encode(text.encode()).decode(), marker

    def device_management_script(self, i: int) -> Obj:
        name, file_name, body = C.WIN_SCRIPTS[i % len(C.WIN_SCRIPTS)]
        created, modified = self.stamps()
        pid = self.id()
        content_b64, _ = self._script_body(name, body)
        return {
            "@odata.type": G + "deviceManagementScript",
            "id": pid,
            "displayName": self.variant([n for n, _, _ in C.WIN_SCRIPTS], i),
            "description": "",
            "scriptContent": content_b64,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "runAsAccount": self.rng.choice(["system", "system", "user"]),
            "enforceSignatureCheck": False,
            "fileName": file_name,
            "roleScopeTagIds": self.scope_tags(),
            "runAs32Bit": False,
            "assignments": self.assignments(pid, "device"),
        }

    def device_shell_script(self, i: int) -> Obj:
        name, file_name, body = C.MAC_SCRIPTS[i % len(C.MAC_SCRIPTS)]
        created, modified = self.stamps()
        pid = self.id()
        content_b64, _ = self._script_body(name, body, "#!/bin/zsh\n")
        return {
            "@odata.type": G + "deviceShellScript",
            "id": pid,
            "displayName": self.variant([n for n, _, _ in C.MAC_SCRIPTS], i),
            "description": "",
            "scriptContent": content_b64,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "runAsAccount": "system",
            "fileName": file_name,
            "roleScopeTagIds": self.scope_tags(),
            "executionFrequency": self.rng.choice(["PT0S", "PT1H", "P1D"]),
            "retryCount": self.rng.choice([0, 1, 3]),
            "blockExecutionNotifications": True,
            "assignments": self.assignments(pid, "device"),
        }

    def device_health_script(self, i: int) -> Obj:
        name, detect, remediate = C.HEALTH_SCRIPTS[i % len(C.HEALTH_SCRIPTS)]
        created, modified = self.stamps()
        pid = self.id()
        detect_b64, _ = self._script_body(f"{name} - detection", detect)
        remediate_b64, _ = self._script_body(f"{name} - remediation", remediate)
        return {
            "@odata.type": G + "deviceHealthScript",
            "id": pid,
            "publisher": self.t.name,
            "version": str(self.rng.randint(1, 4)),
            "displayName": self.variant([n for n, _, _ in C.HEALTH_SCRIPTS], i),
            "description": "",
            "detectionScriptContent": detect_b64,
            "remediationScriptContent": remediate_b64,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "runAsAccount": "system",
            "enforceSignatureCheck": False,
            "runAs32Bit": False,
            "roleScopeTagIds": self.scope_tags(),
            "isGlobalScript": False,
            "highestAvailableVersion": None,
            "deviceHealthScriptType": "deviceHealthScript",
            "detectionScriptParameters": [],
            "remediationScriptParameters": [],
            "assignments": self.assignments(pid, "device"),
        }

    def autopilot_profile(self, i: int) -> Obj:
        hybrid = i % 3 == 2
        created, modified = self.stamps()
        pid = self.id()
        names = ["AP - User Driven - Standard", "AP - Self Deploying - Kiosk", "AP - Hybrid Join - Legacy Sites"]
        return {
            "@odata.type": G
            + (
                "activeDirectoryWindowsAutopilotDeploymentProfile"
                if hybrid
                else "azureADWindowsAutopilotDeploymentProfile"
            ),
            "id": pid,
            "displayName": self.variant(names, i),
            "description": "",
            "language": "os-default",
            "locale": "os-default",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "outOfBoxExperienceSettings": {
                "hidePrivacySettings": True,
                "hideEULA": True,
                "userType": "standard",
                "deviceUsageType": "shared" if i % 3 == 1 else "singleUser",
                "skipKeyboardSelectionPage": True,
                "hideEscapeLink": True,
            },
            "enrollmentStatusScreenSettings": None,
            "extractHardwareHash": self.rng.random() < 0.5,
            "hardwareHashExtractionEnabled": False,
            "deviceNameTemplate": f"{self.short}-%SERIAL%" if not hybrid else "",
            "deviceType": "windowsPc",
            "enableWhiteGlove": self.rng.random() < 0.4,
            "preprovisioningAllowed": False,
            "roleScopeTagIds": self.scope_tags(),
            "managementServiceAppId": None,
            **({"hybridAzureADJoinSkipConnectivityCheck": True} if hybrid else {}),
            "assignments": self.assignments(pid, "device"),
        }

    def enrollment_configuration(self, i: int) -> Obj:
        created, modified = self.stamps()
        kinds = [
            "limit",
            "platformRestrictions",
            "windowsHelloForBusiness",
            "windows10EnrollmentCompletionPageConfiguration",
            "singlePlatformRestriction",
        ]
        kind = kinds[i % len(kinds)]
        default = i < 4
        tenant_prefix = self.t.tenant_id
        obj: Obj = {
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": ["0"],
            "version": self.rng.randint(1, 4),
            "deviceEnrollmentConfigurationType": kind,
        }
        if kind == "limit":
            obj.update({"@odata.type": G + "deviceEnrollmentLimitConfiguration", "limit": self.rng.choice([5, 10, 15])})
        elif kind in ("platformRestrictions", "singlePlatformRestriction"):

            def restriction() -> Obj:
                return {
                    "platformBlocked": False,
                    "personalDeviceEnrollmentBlocked": self.rng.random() < 0.5,
                    "osMinimumVersion": None,
                    "osMaximumVersion": None,
                    "blockedManufacturers": [],
                    "blockedSkus": [],
                }

            if kind == "platformRestrictions":
                obj.update(
                    {
                        "@odata.type": G + "deviceEnrollmentPlatformRestrictionsConfiguration",
                        **{
                            f"{p}Restriction": restriction()
                            for p in ("ios", "windows", "windowsMobile", "android", "androidForWork", "mac", "macOS")
                        },
                    }
                )
            else:
                obj.update(
                    {
                        "@odata.type": G + "deviceEnrollmentPlatformRestrictionConfiguration",
                        "platformType": "windows",
                        "platformRestriction": restriction(),
                    }
                )
        elif kind == "windowsHelloForBusiness":
            obj.update(
                {
                    "@odata.type": G + "deviceEnrollmentWindowsHelloForBusinessConfiguration",
                    "pinMinimumLength": 6,
                    "pinMaximumLength": 127,
                    "pinUppercaseCharactersUsage": "allowed",
                    "pinLowercaseCharactersUsage": "allowed",
                    "pinSpecialCharactersUsage": "allowed",
                    "state": self.rng.choice(["enabled", "notConfigured"]),
                    "securityDeviceRequired": True,
                    "unlockWithBiometricsEnabled": True,
                    "remotePassportEnabled": False,
                    "pinPreviousBlockCount": 0,
                    "pinExpirationInDays": 0,
                    "enhancedBiometricsState": "notConfigured",
                    "securityKeyForSignIn": "notConfigured",
                }
            )
        else:
            obj.update(
                {
                    "@odata.type": G + "windows10EnrollmentCompletionPageConfiguration",
                    "showInstallationProgress": True,
                    "blockDeviceSetupRetryByUser": False,
                    "allowDeviceResetOnInstallFailure": True,
                    "allowLogCollectionOnInstallFailure": True,
                    "customErrorMessage": "Setup could not be completed. Please contact IT.",
                    "installProgressTimeoutInMinutes": self.rng.choice([60, 90, 120]),
                    "allowDeviceUseOnInstallFailure": False,
                    "selectedMobileAppIds": [self.id() for _ in range(self.rng.randint(0, 3))],
                    "trackInstallProgressForAutopilotOnly": True,
                    "disableUserStatusTrackingAfterFirstUser": True,
                }
            )
        suffix = {
            "limit": "Limit",
            "platformRestrictions": "PlatformRestrictions",
            "windowsHelloForBusiness": "WindowsHelloForBusiness",
            "windows10EnrollmentCompletionPageConfiguration": "Windows10EnrollmentCompletionPageConfiguration",
            "singlePlatformRestriction": "SinglePlatformRestriction",
        }[kind]
        if default and kind != "singlePlatformRestriction":
            obj.update(
                id=f"{tenant_prefix}_Default{suffix}",
                displayName="All users and all devices",
                description="This is the default enrollment configuration applied with the lowest priority to all users and all devices regardless of group membership.",
                priority=0,
                assignments=[
                    make_assignment(
                        f"{tenant_prefix}_Default{suffix}_{self.id()}",
                        f"{tenant_prefix}_Default{suffix}",
                        "allLicensedUsers",
                    )
                ],
            )
        else:
            eid = f"{self.id()}_{suffix}"
            names = {
                "limit": "Enrollment limit - Field staff",
                "platformRestrictions": "Platform restrictions - Contractors",
                "windowsHelloForBusiness": "WHfB - Kiosk devices",
                "windows10EnrollmentCompletionPageConfiguration": "ESP - Autopilot devices",
                "singlePlatformRestriction": "Windows restriction - Block personal",
            }
            obj.update(
                id=eid,
                displayName=names[kind] if i < 10 else f"{names[kind]} ({i // 5 + 1})",
                description="",
                priority=i,
                assignments=self.assignments(eid, "user"),
            )
        return obj

    def feature_update_profile(self, i: int) -> Obj:
        created, modified = self.stamps()
        pid = self.id()
        version = self.rng.choice(["Windows 11, version 24H2", "Windows 11, version 23H2", "Windows 10, version 22H2"])
        return {
            "@odata.type": G + "windowsFeatureUpdateProfile",
            "id": pid,
            "displayName": self.variant(["Win - Feature Update - D - Pilot", "Win - Feature Update - D - Broad"], i),
            "description": "",
            "featureUpdateVersion": version,
            "deployableContentDisplayName": version,
            "rolloutSettings": {
                "offerStartDateTimeInUTC": None,
                "offerEndDateTimeInUTC": None,
                "offerIntervalInDays": None,
            },
            "endOfSupportDate": "2026-10-13T00:00:00Z",
            "installLatestWindows10OnWindows11IneligibleDevice": True,
            "installFeatureUpdatesOptional": False,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": self.scope_tags(),
            "assignments": self.assignments(pid, "device"),
        }

    def quality_update_profile(self, i: int) -> Obj:
        created, modified = self.stamps()
        pid = self.id()
        release = self.rng.choice(["2025-09-09", "2025-10-14", "2025-11-11"])
        return {
            "@odata.type": G + "windowsQualityUpdateProfile",
            "id": pid,
            "displayName": self.variant(["Win - Expedite - D - Latest Security Update"], i),
            "description": "",
            "expeditedUpdateSettings": {
                "qualityUpdateRelease": f"{release}T00:00:00Z",
                "daysUntilForcedReboot": self.rng.choice([0, 1, 2]),
            },
            "releaseDateDisplayName": f"{release} - B Security Updates",
            "deployableContentDisplayName": f"{release[:7].replace('-', '.')} B Security Updates for Windows 10 and later",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": self.scope_tags(),
            "assignments": self.assignments(pid, "device"),
        }

    def driver_update_profile(self, i: int) -> Obj:
        created, modified = self.stamps()
        pid = self.id()
        automatic = i % 2 == 0
        return {
            "@odata.type": G + "windowsDriverUpdateProfile",
            "id": pid,
            "displayName": self.variant(["Win - Drivers - Ring 1 - Pilot", "Win - Drivers - Ring 2 - Production"], i),
            "description": "",
            "approvalType": "automatic" if automatic else "manual",
            "deviceReporting": None,
            "newUpdates": 0,
            "deploymentDeferralInDays": 0 if not automatic else self.rng.choice([0, 7, 14]),
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": self.scope_tags(),
            "inventorySyncStatus": None,
            "assignments": self.assignments(pid, "device"),
        }

    # -- Entra ---------------------------------------------------------------------------------

    def conditional_access_policy(self, i: int) -> Obj:
        r = self.rng
        breakglass = self.group_ids["CA-BreakGlassAccounts - Exclude"]
        service = self.group_ids["CA-ServiceAccounts"]
        admins = [C.ROLES[n] for n in r.sample(list(C.ROLES), r.randint(5, len(C.ROLES)))]
        trusted = self.location_ids[: max(1, len(self.location_ids) // 2)]

        def users(
            include_users: list[str] | None = None,
            include_groups: list[str] | None = None,
            roles: list[str] | None = None,
            guests: bool = False,
        ) -> Obj:
            excludes = [breakglass] + ([service] if r.random() < 0.5 else [])
            if r.random() < 0.3:
                excludes.append(self.group_ids["CA-Exclude-Travel-Exception"])
            return {
                "includeUsers": include_users or [],
                "excludeUsers": [],
                "includeGroups": include_groups or [],
                "excludeGroups": excludes,
                "includeRoles": roles or [],
                "excludeRoles": [],
                "includeGuestsOrExternalUsers": (
                    {
                        "guestOrExternalUserTypes": "internalGuest,b2bCollaborationGuest,b2bCollaborationMember,b2bDirectConnectUser,otherExternalUser,serviceProvider",
                        "externalTenants": {
                            "@odata.type": G + "conditionalAccessAllExternalTenants",
                            "membershipKind": "all",
                        },
                    }
                    if guests
                    else None
                ),
                "excludeGuestsOrExternalUsers": None,
            }

        def apps(include: list[str], actions: list[str] | None = None) -> Obj:
            return {
                "includeApplications": include,
                "excludeApplications": [],
                "includeUserActions": actions or [],
                "includeAuthenticationContextClassReferences": [],
                "applicationFilter": None,
            }

        def grant(controls: list[str], operator: str = "OR", strength: Obj | None = None) -> Obj:
            return {
                "operator": operator,
                "builtInControls": controls,
                "customAuthenticationFactors": [],
                "termsOfUse": [],
                "authenticationStrength": strength,
            }

        designs: list[tuple[str, Callable[[], tuple[Obj, Obj | None, Obj | None]]]] = [
            (
                "CA001 - All users - All apps - Require MFA",
                lambda: (
                    {"users": users(["All"]), "applications": apps(["All"]), "clientAppTypes": ["all"]},
                    grant(["mfa"]),
                    None,
                ),
            ),
            (
                "CA002 - All users - Block legacy authentication",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps(["All"]),
                        "clientAppTypes": ["exchangeActiveSync", "other"],
                    },
                    grant(["block"]),
                    None,
                ),
            ),
            (
                "CA003 - Admins - All apps - Phishing-resistant MFA",
                lambda: (
                    {"users": users(roles=admins), "applications": apps(["All"]), "clientAppTypes": ["all"]},
                    grant(
                        [],
                        strength={
                            "id": "00000000-0000-0000-0000-000000000004",
                            "displayName": "Phishing-resistant MFA",
                            "description": "Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key",
                            "policyType": "builtIn",
                            "requirementsSatisfied": "mfa",
                            "allowedCombinations": ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"],
                        },
                    ),
                    None,
                ),
            ),
            (
                "CA004 - All users - Block countries not allowed",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps(["All"]),
                        "clientAppTypes": ["all"],
                        "locations": {
                            "includeLocations": ["All"],
                            "excludeLocations": list(self.location_ids[1:3] or self.location_ids),
                        },
                    },
                    grant(["block"]),
                    None,
                ),
            ),
            (
                "CA005 - Windows and macOS - Require compliant or hybrid joined",
                lambda: (
                    {
                        "users": users(include_groups=[self.group_ids["CA-Internals-All"]]),
                        "applications": apps(["Office365"]),
                        "clientAppTypes": ["browser", "mobileAppsAndDesktopClients"],
                        "platforms": {"includePlatforms": ["windows", "macOS"], "excludePlatforms": []},
                    },
                    grant(["compliantDevice", "domainJoinedDevice"]),
                    None,
                ),
            ),
            (
                "CA006 - iOS and Android - Require app protection",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps(["Office365"]),
                        "clientAppTypes": ["mobileAppsAndDesktopClients"],
                        "platforms": {"includePlatforms": ["iOS", "android"], "excludePlatforms": []},
                    },
                    grant(["approvedApplication", "compliantApplication"]),
                    None,
                ),
            ),
            (
                "CA007 - Admins - Sign-in frequency 4 hours",
                lambda: (
                    {"users": users(roles=admins), "applications": apps(["All"]), "clientAppTypes": ["all"]},
                    None,
                    {
                        "disableResilienceDefaults": None,
                        "applicationEnforcedRestrictions": None,
                        "cloudAppSecurity": None,
                        "persistentBrowser": None,
                        "continuousAccessEvaluation": None,
                        "secureSignInSession": None,
                        "signInFrequency": {
                            "value": 4,
                            "type": "hours",
                            "authenticationType": "primaryAndSecondaryAuthentication",
                            "frequencyInterval": "timeBased",
                            "isEnabled": True,
                        },
                    },
                ),
            ),
            (
                "CA008 - All users - Block high sign-in risk",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps(["All"]),
                        "clientAppTypes": ["all"],
                        "signInRiskLevels": ["high", "medium"],
                    },
                    grant(["block"]),
                    None,
                ),
            ),
            (
                "CA009 - All users - High user risk requires password change",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps(["All"]),
                        "clientAppTypes": ["all"],
                        "userRiskLevels": ["high"],
                    },
                    grant(["mfa", "passwordChange"], "AND"),
                    None,
                ),
            ),
            (
                "CA010 - Guests - All apps - Require MFA",
                lambda: (
                    {"users": users(guests=True), "applications": apps(["All"]), "clientAppTypes": ["all"]},
                    grant(["mfa"]),
                    None,
                ),
            ),
            (
                "CA011 - All users - Register security info from trusted locations",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps([], ["urn:user:registersecurityinfo"]),
                        "clientAppTypes": ["all"],
                        "locations": {"includeLocations": ["All"], "excludeLocations": ["AllTrusted", *trusted]},
                    },
                    grant(["block"]),
                    None,
                ),
            ),
            (
                "CA012 - Admins - Azure management - Require MFA",
                lambda: (
                    {
                        "users": users(roles=admins),
                        "applications": apps([C.APPS["Azure Management"], C.APPS["Microsoft Admin Portals"]]),
                        "clientAppTypes": ["all"],
                    },
                    grant(["mfa"]),
                    None,
                ),
            ),
            (
                "CA013 - Unmanaged devices - No persistent browser",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps(["All"]),
                        "clientAppTypes": ["browser"],
                        "devices": {
                            "deviceFilter": {
                                "mode": "exclude",
                                "rule": 'device.isCompliant -eq True -or device.trustType -eq "ServerAD"',
                            }
                        },
                    },
                    None,
                    {
                        "disableResilienceDefaults": None,
                        "applicationEnforcedRestrictions": None,
                        "cloudAppSecurity": None,
                        "continuousAccessEvaluation": None,
                        "secureSignInSession": None,
                        "signInFrequency": {
                            "value": 1,
                            "type": "days",
                            "authenticationType": "primaryAndSecondaryAuthentication",
                            "frequencyInterval": "timeBased",
                            "isEnabled": True,
                        },
                        "persistentBrowser": {"mode": "never", "isEnabled": True},
                    },
                ),
            ),
            (
                "CA014 - Service accounts - Block outside trusted locations",
                lambda: (
                    {
                        "users": {**users(include_groups=[service]), "excludeGroups": [breakglass]},
                        "applications": apps(["All"]),
                        "clientAppTypes": ["all"],
                        "locations": {"includeLocations": ["All"], "excludeLocations": list(trusted)},
                    },
                    grant(["block"]),
                    None,
                ),
            ),
            (
                "CA015 - Intune enrollment - Require MFA",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps([C.APPS["Microsoft Intune Enrollment"], C.APPS["Microsoft Intune"]]),
                        "clientAppTypes": ["all"],
                    },
                    grant(["mfa"]),
                    None,
                ),
            ),
            (
                "CA016 - All users - Block unknown platforms",
                lambda: (
                    {
                        "users": users(["All"]),
                        "applications": apps(["All"]),
                        "clientAppTypes": ["all"],
                        "platforms": {
                            "includePlatforms": ["all"],
                            "excludePlatforms": ["android", "iOS", "windows", "macOS", "linux"],
                        },
                    },
                    grant(["block"]),
                    None,
                ),
            ),
        ]
        name = self.variant([n for n, _ in designs], i)
        partial, grant_controls, session = designs[i % len(designs)][1]()
        conditions: Obj = {
            "userRiskLevels": [],
            "signInRiskLevels": [],
            "clientAppTypes": ["all"],
            "servicePrincipalRiskLevels": [],
            "platforms": None,
            "locations": None,
            "times": None,
            "deviceStates": None,
            "devices": None,
            "clientApplications": None,
            "applications": None,
            "users": None,
        }
        conditions.update(partial)
        created, modified = self.stamps()
        state = r.choices(["enabled", "enabledForReportingButNotEnforced", "disabled"], weights=[70, 22, 8])[0]
        obj: Obj = {
            "id": self.id(),
            "templateId": None,
            "displayName": name,
            "createdDateTime": created,
            "modifiedDateTime": modified if r.random() < 0.8 else None,
            "state": state,
            "partialEnablementStrategy": None,
            "sessionControls": session,
            "conditions": conditions,
            "grantControls": grant_controls,
        }
        if grant_controls and grant_controls.get("authenticationStrength"):
            obj["grantControls"]["authenticationStrength@odata.context"] = (
                "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies"
                f"('{obj['id']}')/grantControls/authenticationStrength/$entity"
            )
        return obj

    def authentication_methods_policy(self, i: int) -> Obj:
        r = self.rng

        def targets(all_users: bool = True) -> list[Obj]:
            if all_users:
                return [{"targetType": "group", "id": "all_users", "isRegistrationRequired": False}]
            return [{"targetType": "group", "id": self.group("CA-", "SG-"), "isRegistrationRequired": False}]

        configs: list[Obj] = [
            {
                "@odata.type": G + "fido2AuthenticationMethodConfiguration",
                "id": "Fido2",
                "state": "enabled",
                "excludeTargets": [],
                "isSelfServiceRegistrationAllowed": True,
                "isAttestationEnforced": r.random() < 0.5,
                "keyRestrictions": {"isEnforced": False, "enforcementType": "block", "aaGuids": []},
                "includeTargets": targets(),
            },
            {
                "@odata.type": G + "microsoftAuthenticatorAuthenticationMethodConfiguration",
                "id": "MicrosoftAuthenticator",
                "state": "enabled",
                "excludeTargets": [],
                "isSoftwareOathEnabled": False,
                "featureSettings": {
                    "displayAppInformationRequiredState": {
                        "state": "enabled",
                        "includeTarget": {"targetType": "group", "id": "all_users"},
                        "excludeTarget": {"targetType": "group", "id": "00000000-0000-0000-0000-000000000000"},
                    },
                    "displayLocationInformationRequiredState": {
                        "state": r.choice(["enabled", "default"]),
                        "includeTarget": {"targetType": "group", "id": "all_users"},
                        "excludeTarget": {"targetType": "group", "id": "00000000-0000-0000-0000-000000000000"},
                    },
                },
                "includeTargets": [
                    {
                        "targetType": "group",
                        "id": "all_users",
                        "isRegistrationRequired": False,
                        "authenticationMode": "any",
                    }
                ],
            },
            {
                "@odata.type": G + "smsAuthenticationMethodConfiguration",
                "id": "Sms",
                "state": r.choice(["disabled", "enabled"]),
                "excludeTargets": [],
                "includeTargets": [{"targetType": "group", "id": "all_users", "isUsableForSignIn": False}],
            },
            {
                "@odata.type": G + "temporaryAccessPassAuthenticationMethodConfiguration",
                "id": "TemporaryAccessPass",
                "state": "enabled",
                "defaultLifetimeInMinutes": r.choice([60, 480]),
                "defaultLength": 8,
                "minimumLifetimeInMinutes": 60,
                "maximumLifetimeInMinutes": 480,
                "isUsableOnce": r.random() < 0.5,
                "excludeTargets": [],
                "includeTargets": targets(all_users=False),
            },
            {
                "@odata.type": G + "emailAuthenticationMethodConfiguration",
                "id": "Email",
                "state": "disabled",
                "allowExternalIdToUseEmailOtp": "default",
                "excludeTargets": [],
                "includeTargets": targets(),
            },
            {
                "@odata.type": G + "softwareOathAuthenticationMethodConfiguration",
                "id": "SoftwareOath",
                "state": r.choice(["disabled", "enabled"]),
                "excludeTargets": [],
                "includeTargets": targets(),
            },
            {
                "@odata.type": G + "voiceAuthenticationMethodConfiguration",
                "id": "Voice",
                "state": "disabled",
                "isOfficePhoneAllowed": False,
                "excludeTargets": [],
                "includeTargets": targets(),
            },
            {
                "@odata.type": G + "x509CertificateAuthenticationMethodConfiguration",
                "id": "X509Certificate",
                "state": "disabled",
                "certificateUserBindings": [
                    {
                        "x509CertificateField": "PrincipalName",
                        "userProperty": "onPremisesUserPrincipalName",
                        "priority": 1,
                    }
                ],
                "authenticationModeConfiguration": {
                    "x509CertificateAuthenticationDefaultMode": "x509CertificateSingleFactor",
                    "rules": [],
                },
                "excludeTargets": [],
                "includeTargets": targets(),
            },
        ]
        return {
            "id": "authenticationMethodsPolicy",
            "displayName": "Authentication Methods Policy",
            "description": "The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings",
            "lastModifiedDateTime": random_timestamp(r),
            "policyVersion": "1.5",
            "policyMigrationState": r.choice(["migrationComplete", "migrationInProgress"]),
            "reconfirmationInDays": None,
            "registrationEnforcement": {
                "authenticationMethodsRegistrationCampaign": {
                    "snoozeDurationInDays": 1,
                    "enforceRegistrationAfterAllowedSnoozes": True,
                    "state": "default",
                    "excludeTargets": [],
                    "includeTargets": [
                        {
                            "id": "all_users",
                            "targetType": "group",
                            "targetedAuthenticationMethod": "microsoftAuthenticator",
                        }
                    ],
                }
            },
            "authenticationMethodConfigurations": configs,
        }

    # -- driver --------------------------------------------------------------------------------

    def run(self) -> None:
        self.build_groups()
        order: list[tuple[str, Callable[[int], Obj]]] = [
            ("roleScopeTag", self.role_scope_tag),
            ("assignmentFilter", self.assignment_filter),
            ("namedLocation", self.named_location),
            ("settingsCatalogPolicy", self.settings_catalog_policy),
            ("deviceConfiguration", self.device_configuration),
            ("deviceCompliancePolicy", self.compliance_policy),
            ("groupPolicyConfiguration", self.group_policy_configuration),
            ("endpointSecurityIntent", self.endpoint_security_intent),
            ("appProtectionPolicy", self.app_protection_policy),
            ("mobileAppConfiguration", self.mobile_app_configuration),
            ("deviceManagementScript", self.device_management_script),
            ("deviceShellScript", self.device_shell_script),
            ("deviceHealthScript", self.device_health_script),
            ("windowsAutopilotDeploymentProfile", self.autopilot_profile),
            ("deviceEnrollmentConfiguration", self.enrollment_configuration),
            ("windowsFeatureUpdateProfile", self.feature_update_profile),
            ("windowsQualityUpdateProfile", self.quality_update_profile),
            ("windowsDriverUpdateProfile", self.driver_update_profile),
            ("conditionalAccessPolicy", self.conditional_access_policy),
            ("authenticationMethodsPolicy", self.authentication_methods_policy),
        ]
        assert {k for k, _ in order} == set(TYPE_KEYS)
        for type_key, build in order:
            for i in range(self.counts[type_key]):
                self.t.add(type_key, build(i))
        if self.dangling_group in self.t.deleted_group_ids:
            # never used by an assignment: forget it
            self.t.deleted_group_ids.discard(self.dangling_group)


def _json_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace('"', '\\"') + '"'


def generate_tenant(
    seed: int,
    size: int = 120,
    mix: dict[str, float] | None = None,
    name: str = "Simulated Tenant",
    tenant_id: str | None = None,
) -> SimTenant:
    """A deterministic tenant of ``size`` top-level objects over all 20 type keys."""
    tenant = SimTenant(name=name, tenant_id=tenant_id, seed=seed)
    _Generator(tenant, seed, size, allocate(size, mix)).run()
    return tenant


WINDOWS_INTUNE_MIX: dict[str, float] = {
    "settingsCatalogPolicy": 0.34,
    "deviceConfiguration": 0.14,
    "deviceCompliancePolicy": 0.06,
    "groupPolicyConfiguration": 0.07,
    "deviceManagementScript": 0.08,
    "deviceHealthScript": 0.07,
    "windowsAutopilotDeploymentProfile": 0.04,
    "deviceEnrollmentConfiguration": 0.04,
    "windowsFeatureUpdateProfile": 0.04,
    "windowsQualityUpdateProfile": 0.02,
    "windowsDriverUpdateProfile": 0.04,
    "assignmentFilter": 0.04,
    "conditionalAccessPolicy": 0.02,
}
ENTRA_MIX: dict[str, float] = {
    "conditionalAccessPolicy": 0.7,
    "namedLocation": 0.2,
    "settingsCatalogPolicy": 0.05,
    "appProtectionPolicy": 0.05,
}

PORTFOLIOS: dict[str, tuple[tuple[str, str, int, int, dict[str, float] | None], ...]] = {
    "demo": (
        ("2f1d6c3a-5b7e-4e21-9a0c-1c2d3e4f5a61", "Contoso Dental", 101, 60, WINDOWS_INTUNE_MIX),
        ("7a9b3c2d-1e4f-4a6b-8c7d-2e3f4a5b6c72", "Fabrikam Logistics", 202, 150, None),
        ("c4d5e6f7-8a9b-4c0d-9e1f-3a4b5c6d7e83", "Northwind Schools", 303, 40, ENTRA_MIX),
    ),
    "small": (
        ("11111111-aaaa-4bbb-8ccc-000000000001", "Contoso Dental", 11, 24, WINDOWS_INTUNE_MIX),
        ("22222222-aaaa-4bbb-8ccc-000000000002", "Fabrikam Logistics", 22, 30, None),
        ("33333333-aaaa-4bbb-8ccc-000000000003", "Northwind Schools", 33, 22, ENTRA_MIX),
    ),
    "bench": tuple(
        (f"b0000000-0000-4000-8000-{n:012d}", f"Bench Tenant {n:02d}", 1000 + n, 150 + 25 * (n % 5), None)
        for n in range(1, 11)
    ),
}


def generate_portfolio(kind: str = "demo") -> dict[str, SimTenant]:
    """Fixed tenants of different sizes and mixes, keyed by tenant id.

    ``demo``: Contoso Dental (~60, mostly Intune Windows), Fabrikam Logistics (~150, mixed),
    Northwind Schools (~40, Entra / Conditional Access heavy). ``small``: the same three, tiny.
    ``bench``: ten mixed tenants of 150-250 objects.
    """
    if kind not in PORTFOLIOS:
        raise ValueError(f"unknown portfolio {kind!r}; known: {', '.join(PORTFOLIOS)}")
    return {
        tid: generate_tenant(seed, size, mix, name=name, tenant_id=tid)
        for tid, name, seed, size, mix in PORTFOLIOS[kind]
    }
