"""Generated Entra objects: named locations, Conditional Access policies, the authentication
methods policy."""

from __future__ import annotations

from collections.abc import Callable

from devtools.graphsim import content as C
from devtools.graphsim.gen_base import G, GeneratorBase, Obj
from devtools.graphsim.util import random_timestamp


class EntraBuilders(GeneratorBase):
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
