"""Generated Intune tenant administration: RBAC roles and their assignments, device categories,
notification templates, terms and conditions, Company Portal branding, Apple and Android Enterprise
enrollment profiles, custom compliance and custom attribute scripts, compliance policies of the
settings catalog (Linux) with their reusable discovery scripts and firewall address groups, and
Windows 365 provisioning policies and user settings."""

from __future__ import annotations

import base64
import json

from devtools.graphsim.gen_base import G, GeneratorBase, Obj, stable_id
from devtools.graphsim.settings_catalog import NS, SettingsBuilder, linux_compliance, to_setting_rows
from devtools.graphsim.store import ASSIGNMENT_TARGET_TYPES

DEP_TOKENS = "deviceManagement/depOnboardingSettings"
LINUX_DISCOVERY = "linux_customcompliance_discoveryscript_reusablesetting"
FIREWALL_ADDRESSES = "vendor_msft_firewall_mdmstore_dynamickeywords_addresses_{id}"

# (name, description, built in, allowed resource actions)
ROLES: tuple[tuple[str, str, bool, tuple[str, ...]], ...] = (
    (
        "Help Desk Operator",
        "Help Desk Operators perform remote tasks on users and devices.",
        True,
        (
            "Microsoft.Intune_ManagedDevices_Read",
            "Microsoft.Intune_RemoteTasks_RebootNow",
            "Microsoft.Intune_RemoteTasks_SyncDevice",
            "Microsoft.Intune_RemoteTasks_ResetPasscode",
            "Microsoft.Intune_DeviceConfigurations_Read",
        ),
    ),
    (
        "MSP - Tier 1 Support",
        "Partner first-line support: read, sync and restart devices of this customer.",
        False,
        (
            "Microsoft.Intune_ManagedDevices_Read",
            "Microsoft.Intune_RemoteTasks_SyncDevice",
            "Microsoft.Intune_RemoteTasks_RebootNow",
            "Microsoft.Intune_Organization_Read",
        ),
    ),
    (
        "Read Only Operator",
        "Read Only Operators can view user, device, enrollment, configuration, and application information.",
        True,
        (
            "Microsoft.Intune_ManagedDevices_Read",
            "Microsoft.Intune_DeviceConfigurations_Read",
            "Microsoft.Intune_MobileApps_Read",
        ),
    ),
    (
        "MSP - Tier 2 Engineer",
        "Partner engineers: configuration and app deployment, no wipe.",
        False,
        (
            "Microsoft.Intune_DeviceConfigurations_Read",
            "Microsoft.Intune_DeviceConfigurations_Update",
            "Microsoft.Intune_DeviceConfigurations_Assign",
            "Microsoft.Intune_MobileApps_Read",
            "Microsoft.Intune_MobileApps_Assign",
            "Microsoft.Intune_EndpointProtection_Read",
        ),
    ),
    (
        "Policy and Profile manager",
        "Policy and Profile Manager manages compliance policy, configuration profiles, Apple enrollment.",
        True,
        (
            "Microsoft.Intune_DeviceConfigurations_Read",
            "Microsoft.Intune_DeviceConfigurations_Create",
            "Microsoft.Intune_DeviceConfigurations_Update",
            "Microsoft.Intune_DeviceConfigurations_Assign",
            "Microsoft.Intune_DeviceCompliancePolices_Read",
            "Microsoft.Intune_DeviceCompliancePolices_Update",
        ),
    ),
    (
        "Local IT - Site Admin",
        "On-site IT of one location: their scope tag only.",
        False,
        (
            "Microsoft.Intune_ManagedDevices_Read",
            "Microsoft.Intune_ManagedDevices_Update",
            "Microsoft.Intune_RemoteTasks_Retire",
        ),
    ),
)

DEVICE_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("Corporate laptop", "Company-owned laptops issued to one person"),
    ("Shared kiosk", "Reception and waiting-room kiosks"),
    ("Front desk PC", "Shared PCs at the front desk"),
    ("Field tablet", "Tablets used by field staff"),
    ("BYOD phone", "Personal phones with work apps"),
    ("Lab device", "Devices in the test lab"),
    ("Warehouse scanner", "Rugged Android scanners"),
)
NOTIFICATIONS: tuple[tuple[str, str, str], ...] = (
    (
        "Non-compliant device - first notice",
        "Your device does not meet company policy",
        "Your device {{DeviceName}} no longer meets the security requirements. Open Company Portal to see what to fix.",
    ),
    (
        "Non-compliant device - final warning",
        "Action needed: company email will be blocked",
        "Access to company email and files from {{DeviceName}} will be blocked in 24 hours unless the device is fixed.",
    ),
    (
        "BitLocker not enabled",
        "Turn on disk encryption",
        "BitLocker is off on {{DeviceName}}. Restart the device to let it encrypt.",
    ),
    (
        "Operating system out of date",
        "Update your device",
        "{{DeviceName}} runs an operating system version we no longer support.",
    ),
)
LOCALES: tuple[tuple[str, str], ...] = (("en-US", ""), ("de-DE", " (DE)"), ("nl-NL", " (NL)"), ("fr-FR", " (FR)"))
CUSTOM_ATTRIBUTES: tuple[tuple[str, str, str, str], ...] = (
    ("Serial number", "SerialNumber", "string", "ioreg -l | awk -F'\"' '/IOPlatformSerialNumber/{print $4}'"),
    ("FileVault status", "FileVaultStatus", "string", "fdesetup status | head -n1"),
    (
        "Days since last reboot",
        "UptimeDays",
        "integer",
        "echo $(( ( $(date +%s) - $(sysctl -n kern.boottime | awk '{print $4}' | tr -d ,) ) / 86400 ))",
    ),
    (
        "Last Company Portal check-in",
        "CompanyPortalCheckIn",
        "dateTime",
        "defaults read /Library/Preferences/com.microsoft.CompanyPortalMac LastCheckIn",
    ),
)
COMPLIANCE_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("Dental imaging service running", "$svc = Get-Service -Name 'ImagingBridge' -ErrorAction SilentlyContinue"),
    ("Approved VPN client installed", "$vpn = Get-Package -Name 'FortiClient*' -ErrorAction SilentlyContinue"),
    (
        "Local admin group is clean",
        "$admins = Get-LocalGroupMember -Group 'Administrators' | Where-Object ObjectClass -eq 'User'",
    ),
)
W365_REGIONS: tuple[str, ...] = ("westeurope", "northeurope", "uksouth", "eastus2")


class AdminBuilders(GeneratorBase):
    # -- RBAC -----------------------------------------------------------------------------------

    def role_definition(self, i: int) -> Obj:
        name, description, built_in, actions = ROLES[i % len(ROLES)]
        permissions = [
            {
                "actions": [],
                "resourceActions": [{"allowedResourceActions": list(actions), "notAllowedResourceActions": []}],
            }
        ]
        role = {
            "@odata.type": G + "deviceAndAppManagementRoleDefinition",
            "id": stable_id("role:" + name) if built_in and i < len(ROLES) else self.id(),
            "displayName": self.variant([r[0] for r in ROLES], i),
            "description": description,
            "isBuiltIn": built_in and i < len(ROLES),
            "isBuiltInRoleDefinition": built_in and i < len(ROLES),
            "roleScopeTagIds": ["0"],
            "permissions": permissions,
            "rolePermissions": permissions,
        }
        self.roles.append(role)
        return role

    def role_assignment(self, i: int) -> Obj:
        role = self.roles[i % len(self.roles)] if self.roles else None
        scope = self.rng.choice(["resourceScope", "resourceScope", "allDevices", "allLicensedUsers"])
        scope_groups = [self.group("SG-Intune-Devices", "SG-Intune-Users")] if scope == "resourceScope" else []
        definition = (
            {k: role[k] for k in ("@odata.type", "id", "displayName", "description", "isBuiltIn", "rolePermissions")}
            if role
            else None
        )
        return {
            "@odata.type": G + "deviceAndAppManagementRoleAssignment",
            "id": self.id(),
            "displayName": f"{role['displayName'] if role else 'Role'} - {self.short} {self.rng.choice(['HQ', 'Clinic', 'Partner'])}",
            "description": "Managed by the MSP onboarding runbook",
            "scopeType": scope,
            "resourceScopes": scope_groups,
            "scopeMembers": scope_groups,
            "members": [self.group("SG-Intune-Admins", "CA-Admins")],
            "roleScopeTagIds": self.scope_tags(),
            "roleDefinition": definition,
        }

    def device_category(self, i: int) -> Obj:
        _name, description = DEVICE_CATEGORIES[i % len(DEVICE_CATEGORIES)]
        return {
            "@odata.type": G + "deviceCategory",
            "id": self.id(),
            "displayName": self.variant([c[0] for c in DEVICE_CATEGORIES], i),
            "description": description,
            "roleScopeTagIds": ["0"],
        }

    # -- end-user communication -----------------------------------------------------------------

    def notification_message_template(self, i: int) -> Obj:
        _name, subject, body = NOTIFICATIONS[i % len(NOTIFICATIONS)]
        modified = self.stamps()[1]
        locales = LOCALES[: self.rng.randint(1, len(LOCALES))]
        return {
            "@odata.type": G + "notificationMessageTemplate",
            "id": self.id(),
            "lastModifiedDateTime": modified,
            "displayName": self.variant([n[0] for n in NOTIFICATIONS], i),
            "description": "Sent by the compliance policies' actions for noncompliance",
            "defaultLocale": "en-US",
            "brandingOptions": "includeCompanyLogo,includeCompanyName,includeContactInformation,includeCompanyPortalLink",
            "roleScopeTagIds": ["0"],
            "localizedNotificationMessages": [
                {
                    "id": self.id(),
                    "lastModifiedDateTime": modified,
                    "locale": locale,
                    "subject": subject + suffix,
                    "messageTemplate": body,
                    "isDefault": locale == "en-US",
                }
                for locale, suffix in locales
            ],
        }

    def terms_and_conditions(self, i: int) -> Obj:
        created, modified = self.stamps()
        tid = self.id()
        return {
            "@odata.type": G + "termsAndConditions",
            "id": tid,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "modifiedDateTime": modified,
            "displayName": self.variant(["Acceptable use of company devices"], i),
            "description": "Shown in Company Portal at enrollment",
            "title": f"{self.t.name} acceptable use policy",
            "bodyText": (
                f"By enrolling this device you agree that {self.t.name} may manage work apps and data on it, "
                "require a passcode, and remove company data when you leave. Personal photos, messages and "
                "browsing history are never visible to IT."
            ),
            "acceptanceStatement": "I have read and accept the acceptable use policy.",
            "version": self.rng.randint(1, 4),
            "roleScopeTagIds": ["0"],
            "assignments": [
                {
                    "@odata.type": G + "termsAndConditionsAssignment",
                    "id": f"{tid}_{self.id()}",
                    "target": {
                        "@odata.type": ASSIGNMENT_TARGET_TYPES["allLicensedUsers"],
                        "deviceAndAppManagementAssignmentFilterId": None,
                        "deviceAndAppManagementAssignmentFilterType": "none",
                    },
                }
            ],
        }

    def intune_branding_profile(self, i: int) -> Obj:
        created, modified = self.stamps()
        pid = self.id()
        default = i == 0
        logo = base64.b64encode(b"\x89PNG\r\n\x1a\n" + f"{self.t.name} logo {i}".encode() * 8).decode()
        return {
            "@odata.type": G + "intuneBrandingProfile",
            "id": pid,
            "profileName": "Default" if default else self.variant(["Clinic sites", "Field staff", "Partners"], i - 1),
            "profileDescription": "Tenant-wide Company Portal branding"
            if default
            else "Branding for one group of users",
            "isDefaultProfile": default,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "displayName": self.t.name,
            "contactITName": f"{self.short} Service Desk",
            "contactITPhoneNumber": "+44 20 7946 0" + str(100 + i),
            "contactITEmailAddress": f"servicedesk@{self.t.domain}",
            "contactITNotes": "Weekdays 08:00-18:00",
            "onlineSupportSiteUrl": f"https://support.{self.t.domain}",
            "onlineSupportSiteName": "IT self-service",
            "privacyUrl": f"https://{self.t.domain}/privacy",
            "customPrivacyMessage": None,
            "customCanSeePrivacyMessage": None,
            "customCantSeePrivacyMessage": None,
            "themeColor": {"r": 0, "g": 94 + i, "b": 184},
            "showLogo": True,
            "showDisplayNameNextToLogo": True,
            "themeColorLogo": {"@odata.type": G + "mimeContent", "type": "image/png", "value": logo},
            "lightBackgroundLogo": {"@odata.type": G + "mimeContent", "type": "image/png", "value": logo[::-1]}
            if i % 2
            else None,
            "landingPageCustomizedImage": None,
            "enrollmentAvailability": "availableWithPrompts",
            "disableClientTelemetry": False,
            "disableDeviceCategorySelection": False,
            "isRemoveDeviceDisabled": False,
            "isFactoryResetDisabled": True,
            "showAzureADEnterpriseApps": False,
            "showOfficeWebApps": True,
            "showConfigurationManagerApps": False,
            "companyPortalBlockedActions": [],
            "roleScopeTagIds": ["0"],
            "assignments": (
                []
                if default
                else [
                    {
                        "@odata.type": G + "intuneBrandingProfileAssignment",
                        "id": f"{pid}_{self.id()}",
                        "target": {
                            "@odata.type": ASSIGNMENT_TARGET_TYPES["group"],
                            "groupId": self.group("SG-Intune-Users"),
                            "deviceAndAppManagementAssignmentFilterId": None,
                            "deviceAndAppManagementAssignmentFilterType": "none",
                        },
                    }
                ]
            ),
        }

    # -- enrollment -----------------------------------------------------------------------------

    def _dep_token(self) -> str:
        """An Apple Business Manager token, one per four profiles (a catalogue object)."""
        if not self.dep_tokens or len(self.dep_tokens) * 4 <= self.dep_profiles:
            modified = self.stamps()[1]
            token = {
                "@odata.type": G + "depOnboardingSetting",
                "id": self.id(),
                "appleIdentifier": f"abm{len(self.dep_tokens) + 1}@{self.t.domain}",
                "tokenExpirationDateTime": modified,
                "lastModifiedDateTime": modified,
                "lastSuccessfulSyncDateTime": modified,
                "lastSyncTriggeredDateTime": modified,
                "shareTokenWithSchoolDataSyncService": False,
                "lastSyncErrorCode": 0,
                "tokenType": "dep",
                "tokenName": f"{self.short} Apple Business Manager {len(self.dep_tokens) + 1}",
                "syncedDeviceCount": self.rng.randint(5, 400),
                "dataSharingConsentGranted": True,
                "roleScopeTagIds": ["0"],
            }
            self.t.add_catalog_object(DEP_TOKENS, token)
            self.dep_tokens.append(token["id"])
        return self.dep_tokens[-1]

    def dep_enrollment_profile(self, i: int) -> Obj:
        token = self._dep_token()
        self.dep_profiles += 1
        mac = i % 3 == 2
        pid = self.id()
        self.parents[pid] = token
        base: Obj = {
            "id": pid,
            "displayName": self.variant(
                ["iOS - Corporate (supervised)", "iPadOS - Shared kiosk", "macOS - Corporate"], i
            ),
            "description": "Automated device enrollment through Apple Business Manager",
            "requiresUserAuthentication": i % 3 != 1,
            "configurationEndpointUrl": f"https://appleconfigurator2.manage.microsoft.com/MDMServiceConfig?id={self.t.tenant_id}&AADTenantId={self.t.tenant_id}",
            "enableAuthenticationViaCompanyPortal": False,
            "requireCompanyPortalOnSetupAssistantEnrolledDevices": False,
            "supervisedModeEnabled": True,
            "supportDepartment": f"{self.short} Service Desk",
            "isMandatory": True,
            "locationDisabled": False,
            "supportPhoneNumber": "+44 20 7946 0100",
            "profileRemovalDisabled": True,
            "restoreBlocked": True,
            "appleIdDisabled": True,
            "termsAndConditionsDisabled": True,
            "touchIdDisabled": False,
            "applePayDisabled": True,
            "siriDisabled": True,
            "diagnosticsDisabled": True,
            "displayToneSetupDisabled": True,
            "privacyPaneDisabled": True,
            "screenTimeScreenDisabled": True,
            "deviceNameTemplate": f"{self.short}-{{{{SERIAL}}}}",
            "configurationWebUrl": False,
            "enabledSkipKeys": ["Location", "Restore", "AppleID", "TOS", "Siri", "Diagnostics", "Payment"],
            "enrollmentTimeAzureAdGroupIds": [],
            "isDefault": i < 2,
            "waitForDeviceConfiguredConfirmation": False,
        }
        if mac:
            base.update(
                {
                    "@odata.type": G + "depMacOSEnrollmentProfile",
                    "registrationDisabled": False,
                    "fileVaultDisabled": True,
                    "iCloudDiagnosticsDisabled": True,
                    "passCodeDisabled": False,
                    "zoomDisabled": True,
                    "iCloudStorageDisabled": True,
                    "chooseYourLockScreenDisabled": True,
                    "accessibilityScreenDisabled": False,
                    "autoUnlockWithWatchDisabled": True,
                    "skipPrimarySetupAccountCreation": False,
                    "setPrimarySetupAccountAsRegularUser": True,
                    "dontAutoPopulatePrimaryAccountInfo": False,
                    "primaryAccountFullName": None,
                    "primaryAccountUserName": None,
                    "enableRestrictEditing": True,
                    "adminAccountUserName": f"{self.short.lower()}admin",
                    "adminAccountFullName": f"{self.short} Local Admin",
                    "adminAccountPassword": self.t.plant_secret(),
                    "hideAdminAccount": True,
                    "requestRequiresNetworkTether": False,
                    "autoAdvanceSetupEnabled": False,
                    "usePlatformSSODuringSetupAssistant": False,
                }
            )
        else:
            shared = i % 3 == 1
            base.update(
                {
                    "@odata.type": G + "depIOSEnrollmentProfile",
                    "iTunesPairingMode": "disallow",
                    "managementCertificates": [],
                    "restoreFromAndroidDisabled": True,
                    "awaitDeviceConfiguredConfirmation": True,
                    "sharedIPadMaximumUserCount": 8 if shared else None,
                    "enableSharedIPad": shared,
                    "companyPortalVppTokenId": None,
                    "enableSingleAppEnrollmentMode": False,
                    "homeButtonScreenDisabled": True,
                    "iMessageAndFaceTimeScreenDisabled": True,
                    "onBoardingScreenDisabled": True,
                    "simSetupScreenDisabled": shared,
                    "softwareUpdateScreenDisabled": True,
                    "watchMigrationScreenDisabled": True,
                    "appearanceScreenDisabled": True,
                    "expressLanguageScreenDisabled": False,
                    "preferredLanguageScreenDisabled": False,
                    "deviceToDeviceMigrationDisabled": True,
                    "welcomeScreenDisabled": False,
                    "passCodeDisabled": False,
                    "zoomDisabled": True,
                    "restoreCompletedScreenDisabled": True,
                    "updateCompleteScreenDisabled": True,
                    "forceTemporarySession": False,
                    "temporarySessionTimeoutInSeconds": 0,
                    "userSessionTimeoutInSeconds": 0,
                    "passcodeLockGracePeriodInSeconds": None,
                    "carrierActivationUrl": None,
                    "userlessSharedAadModeEnabled": False,
                }
            )
        return base

    def android_enrollment_profile(self, i: int) -> Obj:
        created, modified = self.stamps()
        kinds = (
            ("Android - Corporate fully managed", "corporateOwnedFullyManaged"),
            ("Android - Dedicated scanners", "corporateOwnedDedicatedDevice"),
            ("Android - Meeting room (AOSP)", "corporateOwnedAOSPUserlessDevice"),
        )
        name, mode = kinds[i % len(kinds)]
        token = self.t.plant_secret()
        wifi = mode == "corporateOwnedDedicatedDevice"
        qr = {
            "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.google.android.apps.work.clouddpc/.receivers.CloudDeviceAdminReceiver",
            "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
                "com.google.android.apps.work.clouddpc.EXTRA_ENROLLMENT_TOKEN": "{token}"
            },
        }
        qr_content = json.dumps(qr).replace("{token}", self.t.plant_secret())
        return {
            "@odata.type": G + "androidDeviceOwnerEnrollmentProfile",
            "id": self.id(),
            "accountId": stable_id("intune-account:" + self.t.tenant_id),
            "displayName": self.variant([k[0] for k in kinds], i),
            "description": "Enrollment token printed on the provisioning sheet",
            "enrollmentMode": mode,
            "enrollmentTokenType": "default",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "tokenValue": token,
            "tokenCreationDateTime": created,
            "tokenExpirationDateTime": modified,
            "enrolledDeviceCount": self.rng.randint(0, 120),
            "enrollmentTokenUsageCount": self.rng.randint(0, 140),
            "qrCodeContent": qr_content,
            "qrCodeImage": {
                "@odata.type": G + "mimeContent",
                "type": "image/png",
                "value": base64.b64encode(b"\x89PNG\r\n\x1a\nQR" + stable_id(name + str(i)).encode()).decode(),
            },
            "roleScopeTagIds": ["0"],
            "wifiSsid": f"{self.short}-Provisioning" if wifi else None,
            "wifiPassword": self.t.plant_secret() if wifi else None,
            "wifiSecurityType": "wpa" if wifi else "none",
            "wifiHidden": False,
            "configureWifi": wifi,
            "isTeamsDeviceProfile": False,
            "deviceNameTemplate": f"{self.short}-AND-{{{{SERIAL}}}}",
        }

    # -- scripts --------------------------------------------------------------------------------

    def device_compliance_script(self, i: int) -> Obj:
        _name, check = COMPLIANCE_SCRIPTS[i % len(COMPLIANCE_SCRIPTS)]
        created, modified = self.stamps()
        body = (
            f"# {self.t.new_script_marker()}\n{check}\n"
            "$result = @{ Compliant = [bool]$svc -or [bool]$vpn -or ($admins.Count -le 1) }\n"
            "return $result | ConvertTo-Json -Compress\n"
        )
        return {
            "@odata.type": G + "deviceComplianceScript",
            "id": self.id(),
            "publisher": f"{self.short} IT",
            "version": "1",
            "displayName": self.variant([c[0] for c in COMPLIANCE_SCRIPTS], i),
            "description": "Discovery script for custom compliance",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "runAsAccount": "system",
            "enforceSignatureCheck": False,
            "runAs32Bit": False,
            "roleScopeTagIds": ["0"],
            "detectionScriptContent": base64.b64encode(body.encode()).decode(),
        }

    def custom_attribute_script(self, i: int) -> Obj:
        _name, attribute, kind, command = CUSTOM_ATTRIBUTES[i % len(CUSTOM_ATTRIBUTES)]
        created, modified = self.stamps()
        sid = self.id()
        body = f"#!/bin/zsh\n# {self.t.new_script_marker()}\n{command}\n"
        return {
            "@odata.type": G + "deviceCustomAttributeShellScript",
            "id": sid,
            "customAttributeName": attribute if i < len(CUSTOM_ATTRIBUTES) else f"{attribute}{i}",
            "customAttributeType": kind,
            "displayName": self.variant([c[0] for c in CUSTOM_ATTRIBUTES], i),
            "description": "Custom attribute reported by the macOS Intune agent",
            "fileName": f"{attribute}.zsh",
            "runAsAccount": "system",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "roleScopeTagIds": ["0"],
            "scriptContent": base64.b64encode(body.encode()).decode(),
            "assignments": [
                {
                    "@odata.type": G + "deviceManagementScriptAssignment",
                    "id": f"{sid}_{self.id()}",
                    "target": {
                        "@odata.type": ASSIGNMENT_TARGET_TYPES["group"],
                        "groupId": self.group("SG-Intune-Devices-macOS"),
                        "deviceAndAppManagementAssignmentFilterId": None,
                        "deviceAndAppManagementAssignmentFilterType": "none",
                    },
                }
            ],
        }

    # -- settings-catalog compliance and reusable settings --------------------------------------

    def settings_compliance_policy(self, i: int) -> Obj:
        created, modified = self.stamps()
        pid = self.id()
        b = SettingsBuilder(self.rng, self.t.plant_secret)
        instances = linux_compliance(b, {"linux_scripts": self.linux_scripts})
        settings = to_setting_rows(instances, templated=False)
        return {
            "@odata.type": G + "deviceManagementCompliancePolicy",
            "id": pid,
            "name": self.variant(["Linux - Compliance - Developer workstations", "Linux - Compliance - Kiosk"], i),
            "description": "Minimum bar for Ubuntu devices to reach company resources",
            "platforms": "linux",
            "technologies": "linuxMdm",
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "creationSource": None,
            "settingCount": len(settings),
            "roleScopeTagIds": ["0"],
            "isAssigned": False,
            "settings": settings,
            "scheduledActionsForRule": [
                {
                    "id": self.id(),
                    "ruleName": "PasswordRequired",
                    "scheduledActionConfigurations": [
                        {
                            "id": self.id(),
                            "gracePeriodHours": self.rng.choice([0, 24, 72]),
                            "actionType": "block",
                            "notificationTemplateId": "",
                            "notificationMessageCCList": [],
                        }
                    ],
                }
            ],
            "assignments": self.assignments(pid, "device"),
        }

    def reusable_policy_setting(self, i: int) -> Obj:
        created, modified = self.stamps()
        b = SettingsBuilder(self.rng, self.t.plant_secret)
        sid = self.id()
        if i % 3 == 2:
            body = f'#!/bin/bash\n# {self.t.new_script_marker()}\nclamav=$(systemctl is-active clamav-daemon)\necho "{{\\"ClamAV\\": $([ "$clamav" = active ] && echo true || echo false)}}"\n'
            instance = b.string(LINUX_DISCOVERY, base64.b64encode(body.encode()).decode())
            self.linux_scripts.append(sid)
            name, definition = self.variant(["Linux - ClamAV discovery"], i // 3), LINUX_DISCOVERY
        else:
            ranges = {
                0: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
                1: [f"203.0.113.{self.rng.randint(1, 250)}", f"198.51.100.{self.rng.randint(0, 255)}/28"],
            }[i % 3]
            instance = {
                "@odata.type": f"{NS}GroupSettingCollectionInstance",
                "settingDefinitionId": FIREWALL_ADDRESSES,
                "settingInstanceTemplateReference": None,
                "groupSettingCollectionValue": [
                    {
                        "@odata.type": f"{NS}GroupSettingValue",
                        "settingValueTemplateReference": None,
                        "children": [
                            b.choice(
                                f"{FIREWALL_ADDRESSES}_autoresolve",
                                "false",
                                [b.strings(f"{FIREWALL_ADDRESSES}_addresses", ranges)],
                            ),
                            b.string(f"{FIREWALL_ADDRESSES}_keyword", "internal" if i % 3 == 0 else "partners"),
                        ],
                    }
                ],
            }
            name = self.variant(["Internal networks", "Partner VPN gateways"], i // 3 * 2 + i % 3)
            definition = FIREWALL_ADDRESSES
        return {
            "@odata.type": G + "deviceManagementReusablePolicySetting",
            "id": sid,
            "displayName": name,
            "description": "Reusable settings group",
            "settingDefinitionId": definition,
            "settingInstance": instance,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "version": self.rng.randint(1, 5),
            "referencingConfigurationPolicyCount": self.rng.randint(0, 4),
        }

    # -- Windows 365 ----------------------------------------------------------------------------

    def _cloud_pc_assignments(self, parent: str, kind: str, created: str) -> list[Obj]:
        rows = []
        for _ in range(self.rng.randint(1, 2)):
            row: Obj = {
                "@odata.type": G + kind,
                "id": f"{parent}_{self.id()}",
                "target": {
                    "@odata.type": G + "cloudPcManagementGroupAssignmentTarget",
                    "groupId": self.group("SG-Intune-Users", "APP_"),
                    "servicePlanId": None,
                    "allotmentDisplayName": None,
                    "allotmentLicensesCount": None,
                },
            }
            if kind == "cloudPcUserSettingAssignment":
                row["createdDateTime"] = created
            rows.append(row)
        return rows

    def cloud_pc_provisioning_policy(self, i: int) -> Obj:
        created, modified = self.stamps()
        pid = self.id()
        hybrid = i % 3 == 2
        return {
            "@odata.type": G + "cloudPcProvisioningPolicy",
            "id": pid,
            "displayName": self.variant(
                ["Cloud PC - Knowledge workers", "Cloud PC - Developers", "Cloud PC - Hybrid joined"], i
            ),
            "description": "Windows 365 Enterprise, Microsoft-hosted network",
            "createdBy": f"admin@{self.t.domain}",
            "createdDateTime": created,
            "lastModifiedBy": f"admin@{self.t.domain}",
            "lastModifiedDateTime": modified,
            "provisioningType": "dedicated",
            "managedBy": "windows365",
            "userExperienceType": "cloudPc",
            "imageType": "gallery",
            "imageId": "microsoftwindowsdesktop_windows-ent-cpc_win11-24H2-ent-cpc-m365",
            "imageDisplayName": "Windows 11 Enterprise + Microsoft 365 Apps 24H2",
            "cloudPcNamingTemplate": f"CPC-{self.short}-%RAND:5%",
            "cloudPcGroupDisplayName": None,
            "enableSingleSignOn": True,
            "localAdminEnabled": False,
            "gracePeriodInHours": None,
            "alternateResourceUrl": None,
            "scopeIds": ["0"],
            "snapshotResetMode": None,
            "domainJoinConfigurations": [
                {
                    "onPremisesConnectionId": stable_id("anc:" + self.t.tenant_id) if hybrid else None,
                    "regionName": "automatic" if hybrid else self.rng.choice(W365_REGIONS),
                    "regionGroup": "europeUnion",
                    "domainJoinType": "hybridAzureADJoin" if hybrid else "azureADJoin",
                    "type": "hybridAzureADJoin" if hybrid else "azureADJoin",
                    "geographicLocationType": None,
                }
            ],
            "windowsSetting": {"locale": "en-GB"},
            "windowsSettings": {"language": "en-GB"},
            "microsoftManagedDesktop": {"managedType": "notManaged", "profile": None, "type": "notManaged"},
            "autopatch": None,
            "autopilotConfiguration": None,
            "userSettingsPersistenceConfiguration": None,
            "assignments": self._cloud_pc_assignments(pid, "cloudPcProvisioningPolicyAssignment", created),
        }

    def cloud_pc_user_setting(self, i: int) -> Obj:
        created, modified = self.stamps()
        sid = self.id()
        return {
            "@odata.type": G + "cloudPcUserSetting",
            "id": sid,
            "displayName": self.variant(["Cloud PC users - standard", "Cloud PC users - restore allowed"], i),
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "localAdminEnabled": False,
            "resetEnabled": i % 2 == 1,
            "selfServiceEnabled": False,
            "provisioningSourceType": None,
            "restorePointSetting": {
                "frequencyType": "twelveHours",
                "frequencyInHours": 12,
                "userRestoreEnabled": i % 2 == 1,
            },
            "crossRegionDisasterRecoverySetting": None,
            "notificationSetting": {"restartPromptsDisabled": False},
            "assignments": self._cloud_pc_assignments(sid, "cloudPcUserSettingAssignment", created),
        }
