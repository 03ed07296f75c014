"""Generated Intune device policies: settings catalog, device configurations, compliance,
administrative templates, legacy endpoint security intents."""

from __future__ import annotations

import base64
from collections.abc import Callable

from devtools.graphsim import content as C
from devtools.graphsim.gen_base import G, GeneratorBase, Obj, stable_id
from devtools.graphsim.settings_catalog import FAMILIES, SettingsBuilder, to_setting_rows
from devtools.graphsim.util import random_timestamp


class DeviceBuilders(GeneratorBase):
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
            ("Android - Dedicated - D - Warehouse Kiosk", self._dc_android_kiosk),
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
        if r.random() < 0.5:
            # Applicability rules: an admin's choice of the editions and versions a profile applies to.
            obj["deviceManagementApplicabilityRuleOsEdition"] = {
                "osEditionTypes": ["windows10Enterprise", "windows10Education"],
                "name": "Enterprise and Education",
                "ruleType": "include",
            }
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
            userName="stores-vpn",
            password=self.t.plant_secret(),
            rememberUserCredentials=False,
            enableSplitTunneling=True,
            profileTarget="device",
            dnsSuffixes=["corp.example"],
            trustedNetworkDomains=["corp.example"],
        )

    def _dc_android_kiosk(self, obj: Obj) -> None:
        # Android Enterprise dedicated device: kioskModeExitCode is the PIN that leaves kiosk mode.
        obj["@odata.type"] = G + "androidDeviceOwnerGeneralDeviceConfiguration"
        obj.update(
            kioskModeUseManagedHomeScreenApp="multiAppMode",
            kioskModeExitCode=self.t.plant_secret(),
            kioskModeVirtualHomeButtonEnabled=True,
            kioskModeVirtualHomeButtonType="floating",
            kioskModeBluetoothConfigurationEnabled=False,
            kioskModeWiFiConfigurationEnabled=self.rng.random() < 0.5,
            kioskModeScreenSaverConfigurationEnabled=False,
            kioskModeApps=[
                {"name": "Scanner", "publisher": "Contoso", "appId": "com.contoso.scanner", "appStoreUrl": None},
                {
                    "name": "Microsoft Teams",
                    "publisher": "Microsoft",
                    "appId": "com.microsoft.teams",
                    "appStoreUrl": None,
                },
            ],
            passwordRequiredType="numeric",
            passwordMinimumLength=6,
            screenCaptureBlocked=True,
            statusBarBlocked=True,
            factoryResetBlocked=True,
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
            v_created = random_timestamp(self.rng)
            pvalues: list[Obj] = []
            for kind, label, value in presentations:
                if isinstance(value, str):
                    value = value.replace("{tenant}", self.t.tenant_id)
                pres = admx_presentation(display, kind, label)
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
                    "definition": admx_definition(display, category, class_type),
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
                "id": stable_id(f"intentcat:{template_id}:{cat}"),
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


def admx_definition(display: str, category: str, class_type: str) -> Obj:
    """A built-in ADMX definition (catalogue object: the same in every tenant)."""
    return {
        "id": stable_id("admx:" + display),
        "classType": class_type,
        "displayName": display,
        "explainText": f"This policy setting controls: {display.lower()}.",
        "categoryPath": category,
        "supportedOn": "At least Windows 10 / Microsoft Edge version 77",
        "policyType": "admxBacked",
        "hasRelatedDefinitions": False,
        "groupPolicyCategoryId": stable_id("cat:" + category),
        "minDeviceCspVersion": "5.0",
        "minUserCspVersion": "5.0",
        "version": "1.0",
        "lastModifiedDateTime": "2024-09-12T08:31:00.0000000Z",
    }


def admx_presentation(display: str, kind: str, label: str) -> Obj:
    """One presentation (an input of the definition's dialog) for a presentation value of `kind`."""
    return {
        "@odata.type": G + C.PRESENTATION_TYPES[kind],
        "id": stable_id(f"pres:{display}:{label}"),
        "label": label,
        "lastModifiedDateTime": "2024-09-12T08:31:00.0000000Z",
    }


def admx_catalog() -> list[Obj]:
    """`deviceManagement/groupPolicyDefinitions`: every definition the generator uses, with its presentations."""
    out: list[Obj] = []
    for display, category, class_type, presentations in C.ADMX:
        definition = admx_definition(display, category, class_type)
        definition["presentations"] = [admx_presentation(display, kind, label) for kind, label, _ in presentations]
        out.append(definition)
    return out


def _json_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace('"', '\\"') + '"'
