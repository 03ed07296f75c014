"""Generated Intune app, script, enrollment and update policies."""

from __future__ import annotations

import base64
import json

from devtools.graphsim import content as C
from devtools.graphsim.gen_base import G, GeneratorBase, Obj
from devtools.graphsim.store import make_assignment
from devtools.graphsim.util import etag


class AppBuilders(GeneratorBase):
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
        return {"@odata.type": obj.pop("@odata.type"), "id": obj.pop("id"), **obj}

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
