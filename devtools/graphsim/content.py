"""Vocabulary for generated tenants: group names, filters, ADMX definitions, OMA-URIs, CA designs,
apps, script bodies. Written for the simulator; shapes follow Graph, values are invented."""

from __future__ import annotations

GROUPS: tuple[tuple[str, str | None], ...] = (
    ("SG-Intune-Devices-Windows-All", '(device.deviceOSType -eq "Windows")'),
    ("SG-Intune-Devices-Windows-Pilot", None),
    ("SG-Intune-Devices-Windows-Ring2", None),
    ("SG-Intune-Devices-Windows-Kiosk", '(device.devicePhysicalIds -any (_ -eq "[OrderID]:KIOSK"))'),
    ("SG-Intune-Devices-macOS-All", '(device.deviceOSType -eq "MacMDM")'),
    ("SG-Intune-Devices-iOS-Corporate", None),
    ("SG-Intune-Devices-Android-Enterprise", None),
    (
        "SG-Intune-Users-All-Licensed",
        '(user.assignedPlans -any (assignedPlan.servicePlanId -eq "c1ec4a95-1f05-45b3-a911-aa3fa01094f5"))',
    ),
    ("SG-Intune-Users-Finance", '(user.department -eq "Finance")'),
    ("SG-Intune-Users-Field-Staff", None),
    ("SG-Intune-Users-BYOD", None),
    ("SG-Intune-Admins-Workstations", None),
    ("SG-Autopilot-Devices-Standard", '(device.devicePhysicalIDs -any _ -startsWith "[ZTDid]")'),
    ("SG-Autopilot-Devices-SharedPC", None),
    ("SG-Intune-Exclude-Policy-Testing", None),
    ("SG-Intune-Exclude-Legacy-Apps", None),
    ("CA-BreakGlassAccounts - Exclude", None),
    ("CA-ServiceAccounts", None),
    ("CA-Admins-PrivilegedRoles", None),
    ("CA-Guests-Partners", None),
    ("CA-Exclude-Travel-Exception", None),
    ("CA-Internals-All", '(user.userType -eq "Member")'),
    ("APP_Microsoft365_E5", None),
    ("SG-Teachers", None),
    ("SG-Students", '(user.extensionAttribute1 -eq "student")'),
    ("SG-Dispatch-Tablets", None),
    ("SG-Warehouse-Scanners", None),
    ("SG-Clinic-Reception-PCs", None),
)

FILTERS: tuple[tuple[str, str, str], ...] = (
    ("FLT-Windows-Corporate", "windows10AndLater", '(device.deviceOwnership -eq "Corporate")'),
    (
        "FLT-Windows-Virtual-Machines",
        "windows10AndLater",
        '(device.model -startsWith "Virtual Machine") or (device.manufacturer -eq "VMware, Inc.")',
    ),
    (
        "FLT-Windows-Surface",
        "windows10AndLater",
        '(device.manufacturer -eq "Microsoft Corporation") and (device.model -contains "Surface")',
    ),
    ("FLT-iOS-Corporate", "iOS", '(device.deviceOwnership -eq "Corporate")'),
    ("FLT-Android-Personal", "androidForWork", '(device.deviceOwnership -eq "Personal")'),
    (
        "FLT-macOS-AppleSilicon",
        "macOS",
        '(device.model -contains "Mac") and (device.operatingSystemVersion -startsWith "14")',
    ),
    ("FLT-Windows-Autopilot", "windows10AndLater", '(device.enrollmentProfileName -startsWith "AP-")'),
    ("FLT-Windows-Kiosk", "windows10AndLater", '(device.deviceName -startsWith "KSK-")'),
)

SCOPE_TAGS: tuple[tuple[str, str], ...] = (
    ("Region-EMEA", "Helpdesk scope for EMEA sites"),
    ("Region-AMER", "Helpdesk scope for the Americas"),
    ("Tier1-Helpdesk", "Front-line support"),
    ("Site-Warehouse", "Warehouse devices"),
    ("Dept-Clinics", "Clinic devices and users"),
)

IP_LOCATIONS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("HQ Egress IPs", ("203.0.113.0/26", "203.0.113.128/27", "2001:db8:10::/48"), True),
    ("Branch Offices", ("198.51.100.16/28", "198.51.100.48/28", "192.0.2.200/29"), True),
    ("Azure VPN Gateway", ("20.61.5.10/32",), True),
    ("Known Bad Proxies", ("192.0.2.66/32", "192.0.2.77/32"), False),
)
COUNTRY_LOCATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ALLOWED COUNTRIES", ("NL", "BE", "LU", "DE", "GB", "US", "IE")),
    ("ALLOWED COUNTRIES - SERVICE ACCOUNTS", ("NL",)),
    ("Blocked Countries", ("KP", "IR", "SY", "CU")),
)

ROLES: dict[str, str] = {
    "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
    "Security Administrator": "194ae4cb-b126-40b2-bd5b-6091b380977d",
    "Exchange Administrator": "29232cdf-9323-42fd-ade2-1d097af3e4de",
    "SharePoint Administrator": "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
    "Conditional Access Administrator": "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
    "Intune Administrator": "3a2c62db-5318-420d-8d74-23affee5d9d5",
    "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
    "Helpdesk Administrator": "729827e3-9c14-49f7-bb1b-9608f156bbb8",
    "Billing Administrator": "b0f54661-2d74-4c50-afa3-1ec803f12efe",
    "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
    "Authentication Administrator": "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
}

APPS: dict[str, str] = {
    "Azure Management": "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    "Microsoft Intune Enrollment": "d4ebce55-015a-49b5-a083-c84d1797ae8c",
    "Microsoft Intune": "0000000a-0000-0000-c000-000000000000",
    "Exchange Online": "00000002-0000-0ff1-ce00-000000000000",
    "SharePoint Online": "00000003-0000-0ff1-ce00-000000000000",
    "Microsoft Admin Portals": "MicrosoftAdminPortals",
}

IOS_APPS: tuple[str, ...] = (
    "com.microsoft.office.outlook",
    "com.microsoft.skype.teams",
    "com.microsoft.msedge",
    "com.microsoft.onenote",
    "com.microsoft.sharepoint",
    "com.microsoft.skydrive",
    "com.microsoft.office.word",
    "com.microsoft.office.excel",
    "com.microsoft.office.powerpoint",
    "com.microsoft.officemobile",
    "com.microsoft.to-do",
    "com.microsoft.lists",
)
ANDROID_APPS: tuple[str, ...] = (
    "com.microsoft.office.outlook",
    "com.microsoft.teams",
    "com.microsoft.emmx",
    "com.microsoft.office.onenote",
    "com.microsoft.sharepoint",
    "com.microsoft.skydrive",
    "com.microsoft.office.word",
    "com.microsoft.office.excel",
    "com.microsoft.office.powerpoint",
    "com.microsoft.office.officehubrow",
    "com.microsoft.todos",
    "com.microsoft.crm.crmphone",
)
WINDOWS_APPS: tuple[str, ...] = ("com.microsoft.edge",)

# (type, displayName, omaUri suffix, value) — plain OMA settings
OMA_PLAIN: tuple[tuple[str, str, str, object], ...] = (
    ("omaSettingInteger", "MDMWinsOverGP", "./Device/Vendor/MSFT/Policy/Config/ControlPolicyConflict/MDMWinsOverGP", 1),
    (
        "omaSettingInteger",
        "EnableInsecureGuestLogons",
        "./Device/Vendor/MSFT/Policy/Config/LanmanWorkstation/EnableInsecureGuestLogons",
        0,
    ),
    (
        "omaSettingInteger",
        "AllowIndexingEncryptedStoresOrItems",
        "./Device/Vendor/MSFT/Policy/Config/Search/AllowIndexingEncryptedStoresOrItems",
        0,
    ),
    (
        "omaSettingInteger",
        "ConfigureXboxAccessoryManagementServiceStartupMode",
        "./Device/Vendor/MSFT/Policy/Config/SystemServices/ConfigureXboxAccessoryManagementServiceStartupMode",
        4,
    ),
    (
        "omaSettingString",
        "EnterpriseProxyServers",
        "./Device/Vendor/MSFT/Policy/Config/NetworkIsolation/EnterpriseProxyServers",
        "proxy.corp.example:8080",
    ),
    (
        "omaSettingBoolean",
        "AllowGameDVR",
        "./Device/Vendor/MSFT/Policy/Config/ApplicationManagement/AllowGameDVR",
        False,
    ),
    (
        "omaSettingString",
        "TimeZone",
        "./Device/Vendor/MSFT/Policy/Config/TimeLanguageSettings/ConfigureTimeZone",
        "W. Europe Standard Time",
    ),
    (
        "omaSettingInteger",
        "DisableOneSettingsDownloads",
        "./Device/Vendor/MSFT/Policy/Config/System/DisableOneSettingsDownloads",
        1,
    ),
)
# encrypted ones: the value is a planted secret
OMA_ENCRYPTED: tuple[tuple[str, str], ...] = (
    ("VPN pre-shared key", "./Device/Vendor/MSFT/VPNv2/CorpVPN/NativeProfile/Authentication/PreSharedKey"),
    ("Kiosk autologon password", "./Device/Vendor/MSFT/AssignedAccess/KioskAutoLogonPassword"),
    ("Proxy credential", "./Device/Vendor/MSFT/Policy/Config/NetworkProxy/ProxyPassword"),
)

# (displayName, categoryPath, classType, [(presentation type, label, value)])
ADMX: tuple[tuple[str, str, str, tuple[tuple[str, str, object], ...]], ...] = (
    (
        "Configure the list of enterprise sites for Internet Explorer mode",
        "\\Microsoft Edge",
        "machine",
        (("groupPolicyPresentationValueText", "Enterprise Mode Site List", "https://intranet.example/sites.xml"),),
    ),
    ("Allow Basic authentication for HTTP", "\\Microsoft Edge\\HTTP authentication", "machine", ()),
    (
        "Supported authentication schemes",
        "\\Microsoft Edge\\HTTP authentication",
        "machine",
        (("groupPolicyPresentationValueText", "Supported authentication schemes", "ntlm,negotiate"),),
    ),
    (
        "Minimum TLS version enabled",
        "\\Microsoft Edge",
        "machine",
        (("groupPolicyPresentationValueText", "Minimum SSL version enabled", "tls1.2"),),
    ),
    (
        "Control which extensions cannot be installed",
        "\\Microsoft Edge\\Extensions",
        "machine",
        (
            (
                "groupPolicyPresentationValueList",
                "Extension IDs the user should be prevented from installing (or * for all)",
                ["*"],
            ),
        ),
    ),
    ("Enable site isolation for every site", "\\Microsoft Edge", "machine", ()),
    ("Configure Microsoft Defender SmartScreen", "\\Microsoft Edge\\SmartScreen settings", "machine", ()),
    ("Turn off multicast name resolution", "\\Network\\DNS Client", "machine", ()),
    (
        "Prevent installation of devices that match any of these device IDs",
        "\\System\\Device Installation\\Device Installation Restrictions",
        "machine",
        (
            (
                "groupPolicyPresentationValueList",
                "Prevent installation of devices that match any of these device IDs",
                ["USBSTOR\\Disk"],
            ),
            ("groupPolicyPresentationValueBoolean", "Also apply to matching devices that are already installed.", True),
        ),
    ),
    (
        "Specify the maximum log file size (KB)",
        "\\Windows Components\\Event Log Service\\Application",
        "machine",
        (("groupPolicyPresentationValueDecimal", "Maximum Log Size (KB)", 32768),),
    ),
    (
        "Configure Automatic Updates",
        "\\Windows Components\\Windows Update\\Manage end user experience",
        "machine",
        (
            ("groupPolicyPresentationValueText", "Configure automatic updating:", "4"),
            ("groupPolicyPresentationValueDecimal", "Scheduled install day: ", 0),
            ("groupPolicyPresentationValueText", "Scheduled install time:", "03:00"),
        ),
    ),
    (
        "Block all consumer Microsoft account user authentication",
        "\\Windows Components\\Microsoft account",
        "machine",
        (),
    ),
    (
        "Set the default behavior for AutoRun",
        "\\Windows Components\\AutoPlay Policies",
        "machine",
        (("groupPolicyPresentationValueText", "Default AutoRun Behavior", "1"),),
    ),
    ("Prevent users from sharing files within their profile.", "\\Windows Components\\Network Sharing", "user", ()),
    ("Disable VBA for Office applications", "\\Microsoft Office 2016\\Security Settings", "user", ()),
    (
        "Set default file location",
        "\\Microsoft Word 2016\\Word Options\\Advanced\\File Locations",
        "user",
        (("groupPolicyPresentationValueText", "Documents", "%USERPROFILE%\\OneDrive - Company\\Documents"),),
    ),
    (
        "Silently move Windows known folders to OneDrive",
        "\\OneDrive",
        "machine",
        (
            ("groupPolicyPresentationValueText", "Tenant ID:", "{tenant}"),
            (
                "groupPolicyPresentationValueBoolean",
                "Show notification to users after folders have been redirected:",
                False,
            ),
        ),
    ),
    ("Use OneDrive Files On-Demand", "\\OneDrive", "machine", ()),
    ("Turn off Windows Defender Antivirus", "\\Windows Components\\Microsoft Defender Antivirus", "machine", ()),
    (
        "Require a password when a computer wakes (plugged in)",
        "\\System\\Power Management\\Sleep Settings",
        "machine",
        (),
    ),
)

PRESENTATION_TYPES: dict[str, str] = {
    "groupPolicyPresentationValueText": "groupPolicyPresentationTextBox",
    "groupPolicyPresentationValueDecimal": "groupPolicyPresentationDecimalTextBox",
    "groupPolicyPresentationValueBoolean": "groupPolicyPresentationCheckBox",
    "groupPolicyPresentationValueList": "groupPolicyPresentationListBox",
}

WIN_SCRIPTS: tuple[tuple[str, str, str], ...] = (
    ("Set-TimeZoneFromIP", "Set-TimeZoneFromIP.ps1", "Set-TimeZone -Id 'W. Europe Standard Time'"),
    ("Remove-BuiltInApps", "Remove-BuiltInApps.ps1", "Get-AppxPackage -AllUsers *xbox* | Remove-AppxPackage -AllUsers"),
    (
        "Configure-OneDriveSync",
        "Configure-OneDriveSync.ps1",
        "New-ItemProperty -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\OneDrive' -Name FilesOnDemandEnabled -Value 1 -Force",
    ),
    ("Install-Printers-Site1", "Install-Printers.ps1", "Add-Printer -ConnectionName '\\\\print01\\Floor1-Color'"),
    (
        "Enable-BitLockerEscrow",
        "Enable-BitLockerEscrow.ps1",
        "BackupToAAD-BitLockerKeyProtector -MountPoint $env:SystemDrive -KeyProtectorId $kp",
    ),
    (
        "Set-DesktopShortcuts",
        "Set-DesktopShortcuts.ps1",
        'Copy-Item "$PSScriptRoot\\Intranet.url" "$env:PUBLIC\\Desktop" -Force',
    ),
)
MAC_SCRIPTS: tuple[tuple[str, str, str], ...] = (
    ("Install Rosetta", "install-rosetta.sh", "/usr/sbin/softwareupdate --install-rosetta --agree-to-license"),
    ("Set Dock Items", "set-dock.sh", "/usr/local/bin/dockutil --add /Applications/Microsoft\\ Outlook.app"),
    (
        "Configure Login Window",
        "loginwindow.sh",
        "defaults write /Library/Preferences/com.apple.loginwindow SHOWFULLNAME -bool true",
    ),
    (
        "Rename Mac",
        "rename-mac.sh",
        "scutil --set ComputerName \"MAC-$(ioreg -l | grep IOPlatformSerialNumber | awk '{print $4}' | tr -d '\"')\"",
    ),
)
HEALTH_SCRIPTS: tuple[tuple[str, str, str], ...] = (
    (
        "Restart stopped Windows Update service",
        "if ((Get-Service wuauserv).Status -ne 'Running') { exit 1 }",
        "Start-Service wuauserv",
    ),
    (
        "Clear stale Teams cache",
        'if (Test-Path "$env:APPDATA\\Microsoft\\Teams\\Cache") { exit 1 }',
        'Remove-Item "$env:APPDATA\\Microsoft\\Teams\\Cache" -Recurse -Force',
    ),
    ("Detect low disk space", "if ((Get-PSDrive C).Free -lt 10GB) { exit 1 }", "cleanmgr.exe /sagerun:1"),
    (
        "Fix Defender signature age",
        "if ((Get-MpComputerStatus).AntivirusSignatureAge -gt 3) { exit 1 }",
        "Update-MpSignature",
    ),
    (
        "Reset WinRM listener",
        "if (-not (Test-WSMan -ErrorAction SilentlyContinue)) { exit 1 }",
        "winrm quickconfig -quiet",
    ),
)
