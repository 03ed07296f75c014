"""Generated Entra ID tenant policies: security defaults, the authorization policy, authentication
strengths, cross-tenant access (default and partners), directory settings and the device
registration policy."""

from __future__ import annotations

from devtools.graphsim.gen_base import G, GeneratorBase, Obj

# Microsoft's built-in authentication strengths: fixed ids in every tenant.
BUILTIN_STRENGTHS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "00000000-0000-0000-0000-000000000002",
        "Multifactor authentication",
        "Combinations of methods that satisfy strong authentication, such as a password + SMS",
        (
            "windowsHelloForBusiness",
            "fido2",
            "x509CertificateMultiFactor",
            "deviceBasedPush",
            "temporaryAccessPassOneTime",
            "temporaryAccessPassMultiUse",
            "password,microsoftAuthenticatorPush",
            "password,softwareOath",
            "password,hardwareOath",
            "password,sms",
            "password,voice",
        ),
    ),
    (
        "00000000-0000-0000-0000-000000000003",
        "Passwordless MFA",
        "Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator",
        ("windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush"),
    ),
    (
        "00000000-0000-0000-0000-000000000004",
        "Phishing-resistant MFA",
        "Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key",
        ("windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"),
    ),
)
# Well-known FIDO2 authenticator model ids (AAGUIDs) an admin may allow.
YUBIKEY_AAGUIDS: tuple[str, ...] = (
    "cb69481e-8ff7-4039-93ec-0a2729a154a8",
    "ee882879-721c-4913-9775-3dfcce97072a",
    "fa2b99dc-9e39-4257-8f92-4a30d23c4118",
)
PARTNERS: tuple[tuple[str, bool], ...] = (
    ("Managed service provider", True),
    ("Parent company", False),
    ("Outsourced payroll", False),
    ("Dental laboratory", False),
)
# (template id, display name, values): Entra's directory setting templates.
DIRECTORY_SETTINGS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "62375ab9-6b52-47ed-826b-58e47e0e304b",
        "Group.Unified",
        (
            ("NewUnifiedGroupWritebackDefault", "true"),
            ("EnableMIPLabels", "false"),
            ("CustomBlockedWordsList", ""),
            ("EnableMSStandardBlockedWords", "false"),
            ("ClassificationDescriptions", ""),
            ("DefaultClassification", ""),
            ("PrefixSuffixNamingRequirement", "GRP-[Department]-[GroupName]"),
            ("AllowGuestsToBeGroupOwner", "false"),
            ("AllowGuestsToAccessGroups", "true"),
            ("GuestUsageGuidelinesUrl", ""),
            ("GroupCreationAllowedGroupId", ""),
            ("AllowToAddGuests", "true"),
            ("UsageGuidelinesUrl", ""),
            ("ClassificationList", ""),
            ("EnableGroupCreation", "false"),
        ),
    ),
    (
        "5cf42378-d67d-4f36-ba46-e8b86229381d",
        "Password Rule Settings",
        (
            ("BannedPasswordCheckOnPremisesMode", "Audit"),
            ("EnableBannedPasswordCheckOnPremises", "true"),
            ("EnableBannedPasswordCheck", "true"),
            ("LockoutDurationInSeconds", "60"),
            ("LockoutThreshold", "10"),
            ("BannedPasswordList", "contoso\tdental\tsummer2024\twelcome1"),
        ),
    ),
    (
        "dffd5d46-495d-40a9-8e21-954ff55e198a",
        "Consent Policy Settings",
        (
            ("EnableGroupSpecificConsent", "false"),
            ("BlockUserConsentForRiskyApps", "true"),
            ("EnableAdminConsentRequests", "true"),
            ("ConstrainGroupSpecificConsentToMembersOfGroupId", ""),
        ),
    ),
    (
        "898f1161-d651-43d1-805c-3b0b388a9fc2",
        "Custom Policy Settings",
        (("CustomConditionalAccessPolicyUrl", "https://intranet.example/it/conditional-access"),),
    ),
)


def _targets(access: str, kind: str) -> Obj:
    return {
        "accessType": access,
        "targets": [
            {
                "target": "AllUsers" if kind == "users" else "AllApplications",
                "targetType": kind[:-1] if kind == "users" else "application",
            }
        ],
    }


def _b2b(access: str) -> Obj:
    return {"usersAndGroups": _targets(access, "users"), "applications": _targets(access, "applications")}


class IdentityBuilders(GeneratorBase):
    def security_defaults(self, i: int) -> Obj:
        # MSP tenants run Conditional Access, which needs security defaults off.
        # Entra answers its singletons without @odata.type (nested derived types carry theirs).
        return {
            "id": "00000000-0000-0000-0000-000000000005",
            "displayName": "Security Defaults",
            "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft.",
            "isEnabled": not self.counts.get("conditionalAccessPolicy"),
        }

    def authorization_policy(self, i: int) -> Obj:
        return {
            "@odata.type": G + "authorizationPolicy",
            "id": "authorizationPolicy",
            "displayName": "Authorization Policy",
            "description": "Used to manage authorization related settings across the company.",
            "allowInvitesFrom": "adminsAndGuestInviters",
            "allowedToSignUpEmailBasedSubscriptions": False,
            "allowedToUseSSPR": True,
            "allowEmailVerifiedUsersToJoinOrganization": False,
            "allowUserConsentForRiskyApps": False,
            "blockMsolPowerShell": True,
            "guestUserRoleId": "2af84b1e-32c8-42b7-82bc-daa82404023b",
            "defaultUserRolePermissions": {
                "allowedToCreateApps": False,
                "allowedToCreateSecurityGroups": False,
                "allowedToCreateTenants": False,
                "allowedToReadBitlockerKeysForOwnedDevice": True,
                "allowedToReadOtherUsers": True,
                "permissionGrantPoliciesAssigned": ["ManagePermissionGrantsForSelf.microsoft-user-default-low"],
            },
        }

    def authentication_strength(self, i: int) -> Obj:
        created, modified = self.stamps()
        # Microsoft's three built-in strengths at positions 0, 2 and 3; custom ones from position 1 on.
        built_in = {0: 0, 2: 1, 3: 2}.get(i)
        if built_in is not None:
            sid, name, description, combos = BUILTIN_STRENGTHS[built_in]
            return {
                "@odata.type": G + "authenticationStrengthPolicy",
                "id": sid,
                "createdDateTime": "2021-12-01T00:00:00Z",
                "modifiedDateTime": "2021-12-01T00:00:00Z",
                "displayName": name,
                "description": description,
                "policyType": "builtIn",
                "requirementsSatisfied": "mfa",
                "allowedCombinations": list(combos),
                "combinationConfigurations": [],
            }
        admins = i % 2 == 1
        return {
            "@odata.type": G + "authenticationStrengthPolicy",
            "id": self.id(),
            "createdDateTime": created,
            "modifiedDateTime": modified,
            "displayName": self.variant(
                ["Admins - approved security keys", "Frontline - Authenticator or key"], max(0, i - 3)
            ),
            "description": "Custom strength used by Conditional Access",
            "policyType": "custom",
            "requirementsSatisfied": "mfa",
            "allowedCombinations": ["fido2"]
            if admins
            else ["fido2", "deviceBasedPush", "password,microsoftAuthenticatorPush"],
            "combinationConfigurations": [
                {
                    "@odata.type": G + "fido2CombinationConfiguration",
                    "id": self.id(),
                    "appliesToCombinations": ["fido2"],
                    "allowedAAGUIDs": list(YUBIKEY_AAGUIDS[: 2 if admins else 3]),
                }
            ],
        }

    def cross_tenant_access_policy(self, i: int) -> Obj:
        return {
            "id": "crossTenantAccessPolicy",
            "displayName": "CrossTenantAccessPolicy",
            "description": None,
            "allowedCloudEndpoints": [],
            "default": {
                "id": "crossTenantAccessPolicyConfigurationDefault",
                "isServiceDefault": False,
                "inboundTrust": {
                    "isMfaAccepted": False,
                    "isCompliantDeviceAccepted": False,
                    "isHybridAzureADJoinedDeviceAccepted": False,
                },
                "b2bCollaborationOutbound": _b2b("allowed"),
                "b2bCollaborationInbound": _b2b("allowed"),
                "b2bDirectConnectOutbound": _b2b("blocked"),
                "b2bDirectConnectInbound": _b2b("blocked"),
                "automaticUserConsentSettings": {"inboundAllowed": None, "outboundAllowed": None},
                "invitationRedemptionIdentityProviderConfiguration": {
                    "primaryIdentityProviderPrecedenceOrder": [
                        "azureActiveDirectory",
                        "externalFederation",
                        "socialIdentityProviders",
                    ],
                    "fallbackIdentityProvider": "defaultConfiguredIdp",
                },
                "tenantRestrictions": {
                    "usersAndGroups": _targets("blocked", "users"),
                    "applications": _targets("blocked", "applications"),
                    "devices": None,
                },
            },
        }

    def cross_tenant_access_partner(self, i: int) -> Obj:
        _name, provider = PARTNERS[i % len(PARTNERS)]
        return {
            "tenantId": self.id(),
            "isServiceProvider": provider,
            "isInMultiTenantOrganization": False,
            "inboundTrust": {
                "isMfaAccepted": True,
                "isCompliantDeviceAccepted": provider,
                "isHybridAzureADJoinedDeviceAccepted": False,
            },
            "b2bCollaborationOutbound": None,
            "b2bCollaborationInbound": _b2b("allowed") if provider else None,
            "b2bDirectConnectOutbound": _b2b("allowed") if not provider else None,
            "b2bDirectConnectInbound": _b2b("allowed") if not provider else None,
            "automaticUserConsentSettings": {"inboundAllowed": provider, "outboundAllowed": provider},
            "tenantRestrictions": None,
        }

    def group_setting(self, i: int) -> Obj:
        template, name, values = DIRECTORY_SETTINGS[i % len(DIRECTORY_SETTINGS)]
        return {
            "id": self.id(),
            "displayName": name,
            "templateId": template,
            "values": [{"name": key, "value": value} for key, value in values],
        }

    def device_registration_policy(self, i: int) -> Obj:
        return {
            "id": "deviceRegistrationPolicy",
            "displayName": "Device Registration Policy",
            "description": "Tenant-wide policy that manages initial provisioning controls using quota restrictions, additional authentication and authorization checks",
            "userDeviceQuota": 20,
            "multiFactorAuthConfiguration": "notRequired",
            "azureADRegistration": {
                "isAdminConfigurable": True,
                "allowedToRegister": {"@odata.type": G + "allDeviceRegistrationMembership"},
            },
            "azureADJoin": {
                "isAdminConfigurable": True,
                "allowedToJoin": {
                    "@odata.type": G + "enumeratedDeviceRegistrationMembership",
                    "users": [],
                    "groups": [self.group("SG-Autopilot", "SG-Intune-Admins")],
                },
                "localAdmins": {
                    "enableGlobalAdmins": True,
                    "registeringUsers": {"@odata.type": G + "noDeviceRegistrationMembership"},
                },
            },
            "localAdminPassword": {"isEnabled": True},
        }
