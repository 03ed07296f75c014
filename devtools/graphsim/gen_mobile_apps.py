"""Generated Intune apps (``deviceAppManagement/mobileApps``: metadata, assignments, categories; Microsoft's
built-in store apps beside them) and policy sets that bundle apps and policies."""

from __future__ import annotations

import base64
from typing import Any

from devtools.graphsim.gen_base import G, GeneratorBase, Obj, stable_id
from devtools.graphsim.store import ASSIGNMENT_TARGET_TYPES

# Intune's default app categories (every tenant has them; ids are the same everywhere).
APP_CATEGORIES: tuple[str, ...] = (
    "Books & Reference",
    "Business",
    "Collaboration & Social",
    "Computer management",
    "Data management",
    "Development & Design",
    "Other apps",
    "Photos & Media",
    "Productivity",
)

# (display name, publisher, setup file, install command, detection kind, detection value)
WIN32_APPS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "7-Zip 24.08",
        "Igor Pavlov",
        "7z2408-x64.msi",
        'msiexec /i "7z2408-x64.msi" /qn',
        "msi",
        "23170F69-40C1-2702-2408-000001000000",
    ),
    (
        "Adobe Acrobat Reader (64-bit)",
        "Adobe",
        "AcroRdrDCx64.exe",
        "AcroRdrDCx64.exe /sAll /rs /msi EULA_ACCEPT=YES",
        "file",
        r"C:\Program Files\Adobe\Acrobat DC\Acrobat|Acrobat.exe",
    ),
    (
        "Google Chrome Enterprise",
        "Google LLC",
        "googlechromestandaloneenterprise64.msi",
        'msiexec /i "googlechromestandaloneenterprise64.msi" /qn',
        "msi",
        "9A4C4C5F-2B3B-3E5C-9A12-6F3B9C8E1D21",
    ),
    (
        "Zoom Workplace (64-bit)",
        "Zoom Video Communications",
        "ZoomInstallerFull.msi",
        'msiexec /i "ZoomInstallerFull.msi" /qn ZoomAutoUpdate=1',
        "msi",
        "7E8F1C2B-8D41-4B9A-A7C1-3B2E6D4F0A17",
    ),
    (
        "Notepad++ 8.7",
        "Notepad++ Team",
        "npp.8.7.Installer.x64.exe",
        "npp.8.7.Installer.x64.exe /S",
        "file",
        r"C:\Program Files\Notepad++|notepad++.exe",
    ),
    (
        "FortiClient VPN 7.4",
        "Fortinet",
        "FortiClientVPN.msi",
        'msiexec /i "FortiClientVPN.msi" /qn REBOOT=ReallySuppress',
        "msi",
        "0F4A2C1B-6E7D-4F3A-9B2C-5D8E1A7F3C64",
    ),
    (
        "Dentrix Ascend Imaging Bridge",
        "Henry Schein One",
        "ImagingBridgeSetup.exe",
        "ImagingBridgeSetup.exe /quiet",
        "script",
        "Get-ItemProperty 'HKLM:\\SOFTWARE\\HSOne\\ImagingBridge'",
    ),
    (
        "Company Printer Drivers (Ricoh PCL6)",
        "Contoso IT",
        "Install-PrinterDrivers.ps1",
        "powershell.exe -ExecutionPolicy Bypass -File Install-PrinterDrivers.ps1",
        "registry",
        r"HKEY_LOCAL_MACHINE\SOFTWARE\ContosoIT\PrinterDrivers",
    ),
    (
        "Citrix Workspace 2409",
        "Citrix Systems",
        "CitrixWorkspaceApp.exe",
        "CitrixWorkspaceApp.exe /silent /noreboot",
        "file",
        r"C:\Program Files (x86)\Citrix\ICA Client|wfcrun32.exe",
    ),
    (
        "Microsoft Visual C++ 2015-2022 Redistributable (x64)",
        "Microsoft Corporation",
        "VC_redist.x64.exe",
        "VC_redist.x64.exe /install /quiet /norestart",
        "registry",
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\VisualStudio\14.0\VC\Runtimes\X64",
    ),
)
# (display name, package identifier, publisher)
WINGET_APPS: tuple[tuple[str, str, str], ...] = (
    ("Company Portal", "9WZDNCRFJ3PZ", "Microsoft Corporation"),
    ("Windows Terminal", "9N0DX20HK701", "Microsoft Corporation"),
    ("Microsoft To Do", "9NBLGGH5R558", "Microsoft Corporation"),
    ("WhatsApp", "9NKSQGP7F2NH", "WhatsApp Inc."),
    ("Microsoft Whiteboard", "9MSPC6MP8FM4", "Microsoft Corporation"),
)
# (display name, bundle id, App Store URL)
IOS_APPS: tuple[tuple[str, str, str], ...] = (
    ("Microsoft Authenticator", "com.microsoft.azureauthenticator", "https://apps.apple.com/app/id983156458"),
    ("Microsoft Outlook", "com.microsoft.Office.Outlook", "https://apps.apple.com/app/id951937596"),
    ("Microsoft Teams", "com.microsoft.skype.teams", "https://apps.apple.com/app/id1113153706"),
    ("Microsoft Edge", "com.microsoft.msedge", "https://apps.apple.com/app/id1288723196"),
    ("Intune Company Portal", "com.microsoft.CompanyPortal", "https://apps.apple.com/app/id719171358"),
    ("Cisco Webex Meetings", "com.webex.meeting", "https://apps.apple.com/app/id298844386"),
)
# (display name, package id)
ANDROID_APPS: tuple[tuple[str, str], ...] = (
    ("Microsoft Authenticator", "com.azure.authenticator"),
    ("Microsoft Outlook", "com.microsoft.office.outlook"),
    ("Microsoft Teams", "com.microsoft.teams"),
    ("Microsoft Launcher", "com.microsoft.launcher.enterprise"),
    ("Zebra Device Tracker", "com.zebra.devicetracker"),
    ("Managed Home Screen", "com.microsoft.launcher.enterprise.mhs"),
)
WEB_APPS: tuple[tuple[str, str], ...] = (
    ("Intranet (SharePoint)", "https://{domain}.sharepoint.com/sites/intranet"),
    ("IT self-service portal", "https://support.{domain}.example/portal"),
    ("Timesheets", "https://timesheets.{domain}.example"),
)
# Microsoft's own store apps every tenant lists for app protection (appAvailability "global").
BUILTIN_APPS: tuple[tuple[str, str, str], ...] = (
    ("ios", "Microsoft Word", "com.microsoft.Office.Word"),
    ("ios", "Microsoft Excel", "com.microsoft.Office.Excel"),
    ("ios", "Microsoft PowerPoint", "com.microsoft.Office.Powerpoint"),
    ("ios", "Microsoft OneDrive", "com.microsoft.skydrive"),
    ("ios", "Microsoft SharePoint", "com.microsoft.sharepoint"),
    ("ios", "Microsoft OneNote", "com.microsoft.onenote"),
    ("android", "Microsoft Word", "com.microsoft.office.word"),
    ("android", "Microsoft Excel", "com.microsoft.office.excel"),
    ("android", "Microsoft OneDrive", "com.microsoft.skydrive"),
    ("android", "Microsoft Edge", "com.microsoft.emmx"),
    ("android", "Microsoft To Do", "com.microsoft.todos"),
)
APP_KINDS = ("win32", "win32", "winget", "ios", "android", "win32", "office", "web", "iosStore", "macos")


def _icon(seed: str) -> Obj:
    """A small PNG-looking icon (header and a seed-derived body)."""
    body = b"\x89PNG\r\n\x1a\n" + seed.encode() * 4
    return {"@odata.type": G + "mimeContent", "type": "image/png", "value": base64.b64encode(body).decode()}


class MobileAppBuilders(GeneratorBase):
    def app_categories(self) -> list[Obj]:
        return [
            {"id": stable_id("app-category:" + name), "displayName": name, "lastModifiedDateTime": None}
            for name in APP_CATEGORIES
        ]

    def build_builtin_apps(self) -> None:
        """Microsoft's store apps: listed by Graph, not the tenant's configuration (not counted)."""
        if not self.counts.get("mobileApp"):
            return
        for platform, name, key in BUILTIN_APPS:
            obj = self._app_base(
                f"managed{'IOS' if platform == 'ios' else 'Android'}StoreApp", name, "Microsoft Corporation"
            )
            obj.update(appAvailability="global", version="1.0", isAssigned=False, assignments=[])
            if platform == "ios":
                obj.update(
                    bundleId=key,
                    appStoreUrl=f"https://apps.apple.com/app/{key}",
                    applicableDeviceType={"iPad": True, "iPhoneAndIPod": True},
                    minimumSupportedOperatingSystem={"v15_0": True},
                )
            else:
                obj.update(
                    packageId=key,
                    appStoreUrl=f"https://play.google.com/store/apps/details?id={key}",
                    minimumSupportedOperatingSystem={"v8_0": True},
                )
            self.t.add("mobileApp", obj, builtin=True)

    def _app_base(self, odata_type: str, name: str, publisher: str) -> Obj:
        created, modified = self.stamps()
        return {
            "@odata.type": G + odata_type,
            "id": self.id(),
            "displayName": name,
            "description": f"{name}, deployed and kept current by the {self.short} IT team.",
            "publisher": publisher,
            "largeIcon": _icon(name),
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "isFeatured": False,
            "privacyInformationUrl": "",
            "informationUrl": "",
            "owner": f"{self.short} IT",
            "developer": "",
            "notes": "",
            "uploadState": 1,
            "publishingState": "published",
            "isAssigned": False,
            "roleScopeTagIds": self.scope_tags(),
            "dependentAppCount": 0,
            "supersedingAppCount": 0,
            "supersededAppCount": 0,
        }

    def _app_assignments(self, app_id: str, settings: Obj | None, device_apps: bool = True) -> list[Obj]:
        rows: list[Obj] = []
        used: set[str] = set()
        for _ in range(self.rng.choices([0, 1, 2, 3], weights=[15, 40, 30, 15])[0]):
            roll = self.rng.random()
            intent = self.rng.choice(["required", "required", "available", "uninstall"])
            if roll < 0.6:
                kind, group = "group", self.group("SG-", "APP_")
            elif roll < 0.75:
                kind, group, intent = "exclusion", self.group("SG-Intune-Exclude"), "required"
            elif device_apps and roll < 0.85:
                kind, group = "allDevices", None
            else:
                kind, group = "allLicensedUsers", None
            key = group or kind
            if key in used:
                continue
            used.add(key)
            target: Obj = {
                "@odata.type": ASSIGNMENT_TARGET_TYPES[kind],
                "deviceAndAppManagementAssignmentFilterId": None,
                "deviceAndAppManagementAssignmentFilterType": "none",
            }
            if group:
                target["groupId"] = group
            if kind != "exclusion" and self.filters and self.rng.random() < 0.25:
                target["deviceAndAppManagementAssignmentFilterId"] = self.rng.choice(self.filters)[0]
                target["deviceAndAppManagementAssignmentFilterType"] = self.rng.choice(["include", "exclude"])
            rows.append(
                {
                    "@odata.type": G + "mobileAppAssignment",
                    "id": f"{app_id}_{self.id()}",
                    "intent": intent,
                    "target": target,
                    "settings": None if kind == "exclusion" else settings,
                    "source": "direct",
                    "sourceId": None,
                }
            )
        return rows

    def mobile_app(self, i: int) -> Obj:
        kind = APP_KINDS[i % len(APP_KINDS)]
        r = self.rng
        settings: Obj | None = None
        if kind == "win32":
            name, publisher, setup, install, detection, value = WIN32_APPS[(i // 2) % len(WIN32_APPS)]
            obj = self._app_base("win32LobApp", self.variant([w[0] for w in WIN32_APPS], i // 2), publisher)
            obj.update(
                fileName=setup.rsplit(".", 1)[0] + ".intunewin",
                size=r.randint(2, 400) * 1_048_576,
                committedContentVersion=str(r.randint(1, 9)),
                installCommandLine=install,
                uninstallCommandLine=install.replace("/i ", "/x ") if setup.endswith(".msi") else f"{setup} /uninstall",
                setupFilePath=setup,
                displayVersion=name.rsplit(" ", 1)[-1] if name[-1].isdigit() else "",
                applicableArchitectures="x64",
                allowedArchitectures=None,
                minimumSupportedWindowsRelease="1607",
                minimumFreeDiskSpaceInMB=None,
                minimumMemoryInMB=None,
                minimumNumberOfProcessors=None,
                minimumCpuSpeedInMHz=None,
                allowAvailableUninstall=r.random() < 0.4,
                installExperience={
                    "runAsAccount": "system",
                    "deviceRestartBehavior": r.choice(["basedOnReturnCode", "suppress"]),
                    "maxRunTimeInMinutes": 60,
                },
                returnCodes=[
                    {"returnCode": 0, "type": "success"},
                    {"returnCode": 1707, "type": "success"},
                    {"returnCode": 3010, "type": "softReboot"},
                    {"returnCode": 1641, "type": "hardReboot"},
                    {"returnCode": 1618, "type": "retry"},
                ],
                rules=[self._detection_rule(detection, value)],
                msiInformation=(
                    {
                        "productCode": "{" + value + "}",
                        "productVersion": "1.0.0",
                        "upgradeCode": "{" + stable_id("upgrade:" + value).upper() + "}",
                        "requiresReboot": False,
                        "packageType": "perMachine",
                        "productName": name,
                        "publisher": publisher,
                    }
                    if detection == "msi"
                    else None
                ),
            )
            settings = {
                "@odata.type": G + "win32LobAppAssignmentSettings",
                "notifications": r.choice(["showAll", "showReboot", "hideAll"]),
                "deliveryOptimizationPriority": "notConfigured",
                "installTimeSettings": None,
                "restartSettings": None,
                "autoUpdateSettings": None,
            }
        elif kind == "winget":
            name, package, publisher = WINGET_APPS[(i // len(APP_KINDS)) % len(WINGET_APPS)]
            obj = self._app_base("winGetApp", self.variant([w[0] for w in WINGET_APPS], i // len(APP_KINDS)), publisher)
            obj.update(
                packageIdentifier=package,
                manifestHash=stable_id("manifest:" + package).replace("-", "").upper(),
                installExperience={"runAsAccount": r.choice(["system", "user"])},
            )
            settings = {
                "@odata.type": G + "winGetAppAssignmentSettings",
                "notifications": "showAll",
                "installTimeSettings": None,
                "restartSettings": None,
            }
        elif kind == "ios":
            name, bundle, url = IOS_APPS[(i // len(APP_KINDS)) % len(IOS_APPS)]
            obj = self._app_base(
                "iosVppApp", self.variant([a[0] for a in IOS_APPS], i // len(APP_KINDS)), "Microsoft Corporation"
            )
            total = r.choice([25, 50, 100, 250])
            obj.update(
                bundleId=bundle,
                appStoreUrl=url,
                applicableDeviceType={"iPad": True, "iPhoneAndIPod": True},
                licensingType={
                    "supportUserLicensing": False,
                    "supportDeviceLicensing": True,
                    "supportsUserLicensing": False,
                    "supportsDeviceLicensing": True,
                },
                releaseDateTime=self.stamps()[0],
                totalLicenseCount=total,
                usedLicenseCount=r.randint(0, total),
                vppTokenOrganizationName=self.t.name,
                vppTokenAccountType="business",
                vppTokenAppleId=f"abm-vpp@{self.t.domain}",
                vppTokenId=stable_id("vpp:" + self.t.tenant_id),
                vppTokenDisplayName=f"{self.short} Apple Business Manager",
                revokeLicenseActionResults=[],
            )
            settings = {
                "@odata.type": G + "iosVppAppAssignmentSettings",
                "useDeviceLicensing": True,
                "vpnConfigurationId": None,
                "uninstallOnDeviceRemoval": r.random() < 0.5,
                "isRemovable": r.random() < 0.3,
                "preventManagedAppBackup": True,
                "preventAutoAppUpdate": False,
            }
        elif kind == "iosStore":
            name, bundle, url = IOS_APPS[(i // len(APP_KINDS)) % len(IOS_APPS)]
            obj = self._app_base("iosStoreApp", name + " (iPad)", "Microsoft Corporation")
            obj.update(
                bundleId=bundle,
                appStoreUrl=url,
                applicableDeviceType={"iPad": True, "iPhoneAndIPod": False},
                minimumSupportedOperatingSystem={"v16_0": True},
            )
        elif kind == "android":
            name, package = ANDROID_APPS[(i // len(APP_KINDS)) % len(ANDROID_APPS)]
            obj = self._app_base(
                "androidManagedStoreApp",
                self.variant([a[0] for a in ANDROID_APPS], i // len(APP_KINDS)),
                "Microsoft Corporation",
            )
            obj.update(
                packageId=package,
                appIdentifier=package,
                appStoreUrl=f"https://play.google.com/store/apps/details?id={package}",
                isPrivate=False,
                isSystemApp=False,
                supportsOemConfig=False,
                appTracks=[{"trackId": "production", "trackAlias": "Production"}],
                totalLicenseCount=0,
                usedLicenseCount=0,
            )
            settings = {
                "@odata.type": G + "androidManagedStoreAppAssignmentSettings",
                "androidManagedStoreAppTrackIds": [],
                "autoUpdateMode": r.choice(["default", "postponed", "priority"]),
            }
        elif kind == "office":
            obj = self._app_base(
                "officeSuiteApp", self.variant(["Microsoft 365 Apps for Windows"], i // len(APP_KINDS)), "Microsoft"
            )
            obj.update(
                autoAcceptEula=True,
                productIds=["o365ProPlusRetail"],
                excludedApps={
                    "access": True,
                    "bing": True,
                    "excel": False,
                    "groove": True,
                    "infoPath": True,
                    "lync": True,
                    "oneDrive": False,
                    "oneNote": False,
                    "outlook": False,
                    "powerPoint": False,
                    "publisher": True,
                    "sharePointDesigner": True,
                    "teams": False,
                    "visio": True,
                    "word": False,
                },
                useSharedComputerActivation=r.random() < 0.2,
                updateChannel=r.choice(["monthlyEnterprise", "current"]),
                officeSuiteAppDefaultFileFormat="officeOpenXMLFormat",
                officePlatformArchitecture="x64",
                localesToInstall=["en-us", r.choice(["de-de", "nl-nl", "fr-fr"])],
                installProgressDisplayLevel="none",
                shouldUninstallOlderVersionsOfOffice=True,
                targetVersion="",
                updateVersion="",
                officeConfigurationXml=None,
            )
        elif kind == "web":
            name, url = WEB_APPS[(i // len(APP_KINDS)) % len(WEB_APPS)]
            obj = self._app_base(
                "webApp", self.variant([w[0] for w in WEB_APPS], i // len(APP_KINDS)), f"{self.short} IT"
            )
            obj.update(appUrl=url.format(domain=self.t.domain.split(".")[0]), useManagedBrowser=True)
        else:
            obj = self._app_base(
                "macOSLobApp", self.variant(["Company VPN for macOS"], i // len(APP_KINDS)), f"{self.short} IT"
            )
            obj.update(
                bundleId=f"com.{self.short.lower()}.vpn",
                buildNumber="4.2.1",
                versionNumber="4.2.1",
                fileName="CompanyVPN-4.2.1.pkg",
                size=r.randint(10, 90) * 1_048_576,
                committedContentVersion="1",
                md5HashChunkSize=10_485_760,
                md5Hash=[stable_id(f"md5:{i}:{n}").replace("-", "") for n in range(2)],
                ignoreVersionDetection=True,
                installAsManaged=False,
                childApps=[
                    {"bundleId": f"com.{self.short.lower()}.vpn", "buildNumber": "4.2.1", "versionNumber": "4.2.1"}
                ],
                minimumSupportedOperatingSystem={"v13_0": True},
            )
        obj["categories"] = [c for c in self.app_categories() if r.random() < 0.2][:2]
        obj["assignments"] = self._app_assignments(obj["id"], settings, kind not in ("ios", "iosStore"))
        obj["isAssigned"] = bool(obj["assignments"])
        self.app_ids.append(obj["id"])
        return obj

    def _detection_rule(self, kind: str, value: str) -> Obj:
        if kind == "msi":
            return {
                "@odata.type": G + "win32LobAppProductCodeRule",
                "ruleType": "detection",
                "productCode": "{" + value + "}",
                "productVersionOperator": "notConfigured",
                "productVersion": None,
            }
        if kind == "file":
            folder, file_name = value.split("|")
            return {
                "@odata.type": G + "win32LobAppFileSystemRule",
                "ruleType": "detection",
                "path": folder,
                "fileOrFolderName": file_name,
                "check32BitOn64System": False,
                "operationType": "exists",
                "operator": "notConfigured",
                "comparisonValue": None,
            }
        if kind == "registry":
            return {
                "@odata.type": G + "win32LobAppRegistryRule",
                "ruleType": "detection",
                "check32BitOn64System": False,
                "keyPath": value,
                "valueName": "Version",
                "operationType": "exists",
                "operator": "notConfigured",
                "comparisonValue": None,
            }
        body = f"# {self.t.new_script_marker()}\nif ({value}) {{ Write-Output 'Installed'; exit 0 }}\nexit 1\n"
        return {
            "@odata.type": G + "win32LobAppPowerShellScriptRule",
            "ruleType": "detection",
            "displayName": None,
            "enforceSignatureCheck": False,
            "runAs32Bit": False,
            "runAsAccount": None,
            "scriptContent": base64.b64encode(body.encode()).decode(),
            "operationType": "notConfigured",
            "operator": "notConfigured",
            "comparisonValue": None,
        }

    # -- policy sets ----------------------------------------------------------------------------

    def policy_set(self, i: int) -> Obj:
        names = ("Baseline - New hire laptop", "Baseline - Kiosk", "Baseline - Field tablet", "Baseline - Executives")
        created, modified = self.stamps()
        sid = self.id()
        items: list[Obj] = []
        pools: list[tuple[str, str, list[str]]] = [
            ("mobileAppPolicySetItem", "#microsoft.graph.mobileApp", self.app_ids),
            (
                "deviceConfigurationPolicySetItem",
                "#microsoft.graph.deviceConfiguration",
                self.t.ids("deviceConfiguration"),
            ),
            (
                "deviceCompliancePolicyPolicySetItem",
                "#microsoft.graph.deviceCompliancePolicy",
                self.t.ids("deviceCompliancePolicy"),
            ),
            (
                "deviceManagementConfigurationPolicyPolicySetItem",
                "#microsoft.graph.deviceManagementConfigurationPolicy",
                self.t.ids("settingsCatalogPolicy"),
            ),
        ]
        for odata, item_type, pool in pools:
            for payload in self.rng.sample(pool, min(len(pool), self.rng.randint(0, 2))):
                row: Obj = {
                    "@odata.type": G + odata,
                    "id": self.id(),
                    "createdDateTime": created,
                    "lastModifiedDateTime": modified,
                    "payloadId": payload,
                    "itemType": item_type,
                    "displayName": self._payload_name(item_type, payload),
                    "status": "validated",
                    "errorCode": "noError",
                    "guidedDeploymentTags": [],
                }
                if odata == "mobileAppPolicySetItem":
                    row.update(intent="required", settings=None)
                items.append(row)
        assignments = [
            {
                "@odata.type": G + "policySetAssignment",
                "id": f"{sid}_{self.id()}",
                "lastModifiedDateTime": modified,
                "target": {
                    "@odata.type": ASSIGNMENT_TARGET_TYPES["group"],
                    "groupId": self.group("SG-"),
                    "deviceAndAppManagementAssignmentFilterId": None,
                    "deviceAndAppManagementAssignmentFilterType": "none",
                },
            }
            for _ in range(self.rng.randint(0, 2))
        ]
        return {
            "@odata.type": G + "policySet",
            "id": sid,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "displayName": self.variant(list(names), i),
            "description": "Everything a device of this kind gets, assigned together.",
            "status": "validated",
            "errorCode": "noError",
            "roleScopeTags": ["0"],
            "guidedDeploymentTags": [],
            "items": items,
            "assignments": assignments,
        }

    def _payload_name(self, item_type: str, payload: str) -> Any:
        key = {
            "#microsoft.graph.mobileApp": "mobileApp",
            "#microsoft.graph.deviceConfiguration": "deviceConfiguration",
            "#microsoft.graph.deviceCompliancePolicy": "deviceCompliancePolicy",
            "#microsoft.graph.deviceManagementConfigurationPolicy": "settingsCatalogPolicy",
        }[item_type]
        obj = self.t.get(key, payload)
        return obj.get("displayName") or obj.get("name")
