"""Display names of the settings catalog definitions the simulator's policy families use.

Written for the simulator in the words the Intune portal shows (setting names, option names); the
definition ids are the real ones the families use. `setting_definitions.py` turns these into Graph's
definition objects. A definition missing here gets a name made from its id (tests catch that).
"""

from __future__ import annotations

Options = dict[str, str]

DISABLED_ENABLED: Options = {"0": "Disabled", "1": "Enabled"}
NOT_ALLOWED_ALLOWED: Options = {"0": "Not allowed", "1": "Allowed"}
BLOCK_ALLOW: Options = {"0": "Block", "1": "Allow"}
FALSE_TRUE: Options = {"false": "False", "true": "True"}
NUMBERED_FALSE_TRUE: Options = {"0": "False", "1": "True"}
ASR_MODES: Options = {"off": "Off", "block": "Block", "audit": "Audit", "warn": "Warn"}
THREAT_ACTIONS: Options = {
    "clean": "Clean",
    "quarantine": "Quarantine",
    "remove": "Remove",
    "allow": "Allow",
    "userdefined": "User defined",
    "block": "Block",
}
BITLOCKER_CIPHERS: Options = {
    "3": "AES-CBC 128-bit",
    "4": "AES-CBC 256-bit",
    "6": "XTS-AES 128-bit",
    "7": "XTS-AES 256-bit",
}

# (definition id, display name, options or None for settings without options)
_DEFINITIONS: list[tuple[str, str, Options | None]] = []


def _add(prefix: str, entries: dict[str, tuple[str, Options | None]]) -> None:
    for suffix, (name, options) in entries.items():
        _DEFINITIONS.append((prefix + suffix, name, options))


_add(
    "device_vendor_msft_policy_config_defender_",
    {
        "allowarchivescanning": ("Allow Archive Scanning", NOT_ALLOWED_ALLOWED),
        "allowbehaviormonitoring": ("Allow Behavior Monitoring", NOT_ALLOWED_ALLOWED),
        "allowcloudprotection": ("Allow Cloud Protection", NOT_ALLOWED_ALLOWED),
        "allowemailscanning": ("Allow Email Scanning", NOT_ALLOWED_ALLOWED),
        "allowfullscanremovabledrivescanning": ("Allow Full Scan Removable Drive Scanning", NOT_ALLOWED_ALLOWED),
        "allowioavprotection": ("Allow scanning of all downloaded files and attachments", NOT_ALLOWED_ALLOWED),
        "allowrealtimemonitoring": ("Allow Realtime Monitoring", NOT_ALLOWED_ALLOWED),
        "allowscanningnetworkfiles": ("Allow Scanning Network Files", NOT_ALLOWED_ALLOWED),
        "allowscriptscanning": ("Allow Script Scanning", NOT_ALLOWED_ALLOWED),
        "allowuseruiaccess": ("Allow User UI Access", NOT_ALLOWED_ALLOWED),
        "allowonaccessprotection": ("Allow On Access Protection", NOT_ALLOWED_ALLOWED),
        "checkforsignaturesbeforerunningscan": ("Check For Signatures Before Running Scan", DISABLED_ENABLED),
        "cloudblocklevel": (
            "Cloud Block Level",
            {"0": "Default State", "2": "High", "4": "High Plus", "6": "Zero Tolerance"},
        ),
        "disablecatchupfullscan": ("Disable Catchup Full Scan", DISABLED_ENABLED),
        "disablecatchupquickscan": ("Disable Catchup Quick Scan", DISABLED_ENABLED),
        "enablelowcpupriority": ("Enable Low CPU Priority", DISABLED_ENABLED),
        "enablenetworkprotection": (
            "Enable Network Protection",
            {"0": "Disabled", "1": "Enabled (block mode)", "2": "Enabled (audit mode)"},
        ),
        "puaprotection": ("PUA Protection", {"0": "PUA Protection off", "1": "PUA Protection on", "2": "Audit mode"}),
        "realtimescandirection": (
            "Real Time Scan Direction",
            {"0": "Monitor all files (bi-directional)", "1": "Monitor incoming files", "2": "Monitor outgoing files"},
        ),
        "submitsamplesconsent": (
            "Submit Samples Consent",
            {
                "0": "Always prompt",
                "1": "Send safe samples automatically",
                "2": "Never send",
                "3": "Send all samples automatically",
            },
        ),
        "avgcpuloadfactor": ("Avg CPU Load Factor", None),
        "cloudextendedtimeout": ("Cloud Extended Timeout", None),
        "schedulequickscantime": ("Schedule Quick Scan Time", None),
        "signatureupdateinterval": ("Signature Update Interval", None),
        "excludedextensions": ("Excluded Extensions", None),
        "excludedpaths": ("Excluded Paths", None),
        "excludedprocesses": ("Excluded Processes", None),
        "threatseveritydefaultaction": ("Threat Severity Default Action", None),
        "threatseveritydefaultaction_severethreats": ("Remediation action for Severe threats", THREAT_ACTIONS),
        "threatseveritydefaultaction_highseveritythreats": (
            "Remediation action for High severity threats",
            THREAT_ACTIONS,
        ),
        "threatseveritydefaultaction_moderateseveritythreats": (
            "Remediation action for Moderate severity threats",
            THREAT_ACTIONS,
        ),
        "threatseveritydefaultaction_lowseveritythreats": (
            "Remediation action for Low severity threats",
            THREAT_ACTIONS,
        ),
        "attacksurfacereductionrules": ("Attack Surface Reduction Rules", None),
        "attacksurfacereductiononlyexclusions": ("Attack Surface Reduction Only Exclusions", None),
    },
)
_add(
    "device_vendor_msft_defender_configuration_",
    {
        "disablelocaladminmerge": (
            "Disable Local Admin Merge",
            {"0": "Enable Local Admin Merge", "1": "Disable Local Admin Merge"},
        ),
        "passiveremediation": (
            "Passive Remediation",
            {
                "1": "Passive remediation for EDR in block mode",
                "2": "Passive remediation for real-time protection",
                "4": "Passive remediation for scheduled scans",
            },
        ),
    },
)
_add(
    "device_vendor_msft_policy_config_defender_attacksurfacereductionrules_",
    {
        rule: (name, ASR_MODES)
        for rule, name in {
            "blockexecutionofpotentiallyobfuscatedscripts": "Block execution of potentially obfuscated scripts",
            "blockwin32apicallsfromofficemacros": "Block Win32 API calls from Office macros",
            "blockexecutablefilesrunningunlesstheymeetprevalenceagetrustedlistcriterion": (
                "Block executable files from running unless they meet a prevalence, age, or trusted list criterion"
            ),
            "useadvancedprotectionagainstransomware": "Use advanced protection against ransomware",
            "blockcredentialstealingfromwindowslocalsecurityauthoritysubsystem": (
                "Block credential stealing from the Windows local security authority subsystem"
            ),
            "blockprocesscreationsfrompsexecandwmicommands": "Block process creations originating from PSExec and WMI commands",
            "blockuntrustedunsignedprocessesthatrunfromusb": "Block untrusted and unsigned processes that run from USB",
            "blockofficeapplicationsfromcreatingexecutablecontent": "Block Office applications from creating executable content",
            "blockadobereaderfromcreatingchildprocesses": "Block Adobe Reader from creating child processes",
            "blockpersistencethroughwmieventsubscription": "Block persistence through WMI event subscription",
            "blockexecutablecontentfromemailclientandwebmail": "Block executable content from email client and webmail",
            "blockallofficeapplicationsfromcreatingchildprocesses": "Block all Office applications from creating child processes",
            "blockjavascriptorvbscriptfromlaunchingdownloadedexecutablecontent": (
                "Block JavaScript or VBScript from launching downloaded executable content"
            ),
            "blockofficeapplicationsfrominjectingcodeintootherprocesses": (
                "Block Office applications from injecting code into other processes"
            ),
            "blockofficecommunicationappfromcreatingchildprocesses": (
                "Block Office communication application from creating child processes"
            ),
            "blockabuseofexploitedvulnerablesigneddrivers": "Block abuse of exploited vulnerable signed drivers",
        }.items()
    },
)

_PROFILES = {"domainprofile": "Domain", "privateprofile": "Private", "publicprofile": "Public"}
for _profile, _word in _PROFILES.items():
    _add(
        f"vendor_msft_firewall_mdmstore_{_profile}_",
        {
            "enablefirewall": (f"Enable {_word} Network Firewall", FALSE_TRUE),
            "defaultinboundaction": (f"Default Inbound Action for {_word} Profile", {"0": "Allow", "1": "Block"}),
            "defaultoutboundaction": (f"Default Outbound Action for {_word} Profile", {"0": "Allow", "1": "Block"}),
            "disableinboundnotifications": (f"Disable Inbound Notifications ({_word})", FALSE_TRUE),
            "enablelogdroppedpackets": (f"Enable Log Dropped Packets ({_word})", FALSE_TRUE),
            "logmaxfilesize": (f"Log Max File Size ({_word})", None),
            "logfilepath": (f"Log File Path ({_word})", None),
        },
    )
_add(
    "vendor_msft_firewall_mdmstore_global_",
    {
        "disablestatefulftp": ("Disable Stateful Ftp", FALSE_TRUE),
        "crlcheck": ("Certificate revocation list verification", {"0": "None", "1": "Attempt", "2": "Require"}),
    },
)
_add(
    "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}",
    {
        "": ("Firewall Rules", None),
        "_name": ("Name", None),
        "_direction": ("Direction", {"in": "Inbound", "out": "Outbound"}),
        "_action_type": ("Action", {"0": "Block", "1": "Allow"}),
        "_enabled": ("Enabled", {"0": "Disabled", "1": "Enabled"}),
        "_protocol": ("Protocol", None),
        "_remoteportranges": ("Remote Port Ranges", None),
        "_profiles": ("Network Types", {"1": "Domain", "2": "Private", "4": "Public"}),
    },
)
_add(
    "device_vendor_msft_bitlocker_",
    {
        "requiredeviceencryption": ("Require Device Encryption", DISABLED_ENABLED),
        "encryptionmethodbydrivetype": (
            "Choose drive encryption method and cipher strength (Windows 10 [Version 1511] and later)",
            DISABLED_ENABLED,
        ),
        "encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name": (
            "Select the encryption method for operating system drives",
            BITLOCKER_CIPHERS,
        ),
        "encryptionmethodbydrivetype_encryptionmethodwithxtsfdvdropdown_name": (
            "Select the encryption method for fixed data-drives",
            BITLOCKER_CIPHERS,
        ),
        "encryptionmethodbydrivetype_encryptionmethodwithxtsrdvdropdown_name": (
            "Select the encryption method for removable data drives",
            BITLOCKER_CIPHERS,
        ),
        "systemdrivesrequirestartupauthentication": ("Require additional authentication at startup", DISABLED_ENABLED),
        "systemdrivesrequirestartupauthentication_configuretpmstartupkeyusagedropdown_name": (
            "Configure TPM startup key",
            {
                "0": "Do not allow startup key with TPM",
                "1": "Require startup key with TPM",
                "2": "Allow startup key with TPM",
            },
        ),
        "systemdrivesrequirestartupauthentication_configurenontpmstartupkeyusage_name": (
            "Allow BitLocker without a compatible TPM (requires a password or a startup key on a USB flash drive)",
            NUMBERED_FALSE_TRUE,
        ),
        "systemdrivesrequirestartupauthentication_configuretpmusagedropdown_name": (
            "Configure TPM startup",
            {"0": "Do not allow TPM", "1": "Require TPM", "2": "Allow TPM"},
        ),
        "systemdrivesrequirestartupauthentication_configuretpmpinkeyusagedropdown_name": (
            "Configure TPM startup key and PIN",
            {
                "0": "Do not allow startup key and PIN with TPM",
                "1": "Require startup key and PIN with TPM",
                "2": "Allow startup key and PIN with TPM",
            },
        ),
        "systemdrivesrecoveryoptions": (
            "Choose how BitLocker-protected operating system drives can be recovered",
            DISABLED_ENABLED,
        ),
        "systemdrivesrecoveryoptions_osrequireactivedirectorybackup_name": (
            "Do not enable BitLocker until recovery information is stored to AD DS for operating system drives",
            NUMBERED_FALSE_TRUE,
        ),
        "systemdrivesrecoveryoptions_osrecoverypasswordusagedropdown_name": (
            "Configure user storage of BitLocker recovery information",
            {
                "0": "Do not allow 48-digit recovery password",
                "1": "Require 48-digit recovery password",
                "2": "Allow 48-digit recovery password",
            },
        ),
        "systemdrivesrecoveryoptions_oshiderecoverypage_name": (
            "Omit recovery options from the BitLocker setup wizard",
            NUMBERED_FALSE_TRUE,
        ),
        "allowwarningforotherdiskencryption": ("Allow Warning For Other Disk Encryption", DISABLED_ENABLED),
        "allowstandarduserencryption": ("Allow Standard User Encryption", DISABLED_ENABLED),
        "configurerecoverypasswordrotation": (
            "Configure Recovery Password Rotation",
            {
                "0": "Refresh off (default)",
                "1": "Refresh on for Azure AD-joined devices",
                "2": "Refresh on for both Azure AD-joined and hybrid-joined devices",
            },
        ),
    },
)
_add(
    "device_vendor_msft_laps_policies_",
    {
        "backupdirectory": (
            "Backup Directory",
            {
                "0": "Disabled (password will not be backed up)",
                "1": "Backup the password to Azure AD only",
                "2": "Backup the password to Active Directory only",
            },
        ),
        "passwordagedays_aad": ("Password Age Days", None),
        "administratoraccountname": ("Administrator Account Name", None),
        "passwordcomplexity": (
            "Password Complexity",
            {
                "1": "Large letters",
                "2": "Large letters + small letters",
                "3": "Large letters + small letters + numbers",
                "4": "Large letters + small letters + numbers + special characters",
                "5": "Large letters + small letters + numbers + special characters (improved readability)",
            },
        ),
        "passwordlength": ("Password Length", None),
        "postauthenticationactions": (
            "Post Authentication Actions",
            {
                "1": "Reset password",
                "3": "Reset the password and logoff the managed account",
                "5": "Reset the password and reboot the device",
            },
        ),
        "postauthenticationresetdelay": ("Post Authentication Reset Delay", None),
    },
)
_add(
    "device_vendor_msft_policy_config_",
    {
        "localpoliciessecurityoptions_accounts_limitlocalaccountuseofblankpasswordstoconsolelogononly": (
            "Accounts Limit Local Account Use Of Blank Passwords To Console Logon Only",
            DISABLED_ENABLED,
        ),
        "localpoliciessecurityoptions_interactivelogon_donotrequirectrlaltdel": (
            "Interactive Logon Do Not Require CTRL ALT DEL",
            DISABLED_ENABLED,
        ),
        "localpoliciessecurityoptions_interactivelogon_machineinactivitylimit_v2": (
            "Interactive Logon Machine Inactivity Limit",
            None,
        ),
        "localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel": (
            "Network Security LAN Manager Authentication Level",
            {
                "0": "Send LM and NTLM responses",
                "1": "Send LM and NTLM-use NTLMv2 session security if negotiated",
                "2": "Send LM and NTLM responses only",
                "3": "Send NTLMv2 responses only",
                "4": "Send NTLMv2 responses only. Refuse LM",
                "5": "Send NTLMv2 responses only. Refuse LM and NTLM",
            },
        ),
        "localpoliciessecurityoptions_networksecurity_donotstorelanmanagerhashvalueonnextpasswordchange": (
            "Network Security Do Not Store LAN Manager Hash Value On Next Password Change",
            DISABLED_ENABLED,
        ),
        "localpoliciessecurityoptions_useraccountcontrol_behavioroftheelevationpromptforadministrators": (
            "User Account Control Behavior Of The Elevation Prompt For Administrators",
            {
                "0": "Elevate without prompting",
                "1": "Prompt for credentials on the secure desktop",
                "2": "Prompt for consent on the secure desktop",
                "3": "Prompt for credentials",
                "4": "Prompt for consent",
                "5": "Prompt for consent for non-Windows binaries",
            },
        ),
        "localpoliciessecurityoptions_useraccountcontrol_behavioroftheelevationpromptforstandardusers": (
            "User Account Control Behavior Of The Elevation Prompt For Standard Users",
            {
                "0": "Automatically deny elevation requests",
                "1": "Prompt for credentials on the secure desktop",
                "3": "Prompt for credentials",
            },
        ),
        "localpoliciessecurityoptions_useraccountcontrol_runalladministratorsinadminapprovalmode": (
            "User Account Control Run All Administrators In Admin Approval Mode",
            DISABLED_ENABLED,
        ),
        "admx_credssp_allowencryptionoracle": ("Encryption Oracle Remediation", DISABLED_ENABLED),
        "admx_dnsclient_turn_off_multicast": ("Turn off multicast name resolution", DISABLED_ENABLED),
        "admx_mss-legacy_pol_mss_disableipsourceroutingipv6": (
            "MSS: (DisableIPSourceRoutingIPv6) IP source routing protection level",
            DISABLED_ENABLED,
        ),
        "admx_mss-legacy_pol_mss_enableicmpredirect": (
            "MSS: (EnableICMPRedirect) Allow ICMP redirects to override OSPF generated routes",
            DISABLED_ENABLED,
        ),
        "autoplay_disallowautoplayfornonvolumedevices": ("Disallow Autoplay for non-volume devices", DISABLED_ENABLED),
        "autoplay_setdefaultautorunbehavior": ("Set the default behavior for AutoRun", DISABLED_ENABLED),
        "autoplay_turnoffautoplay": ("Turn off Autoplay", DISABLED_ENABLED),
        "credentialsui_disablepasswordreveal": ("Do not display the password reveal button", DISABLED_ENABLED),
        "credentialsui_enumerateadministrators": ("Enumerate administrator accounts on elevation", DISABLED_ENABLED),
        "deviceguard_enablevirtualizationbasedsecurity": (
            "Enable Virtualization Based Security",
            {"0": "Disable virtualization based security", "1": "Enable virtualization based security"},
        ),
        "deviceguard_lsacfgflags": (
            "Credential Guard",
            {"0": "Disabled", "1": "Enabled with UEFI lock", "2": "Enabled without lock"},
        ),
        "lanmanworkstation_enableinsecureguestlogons": ("Enable Insecure Guest Logons", DISABLED_ENABLED),
        "remotedesktopservices_donotallowpasswordsaving": ("Do not allow passwords to be saved", DISABLED_ENABLED),
        "remotedesktopservices_promptforpassworduponconnection": (
            "Always prompt for password upon connection",
            DISABLED_ENABLED,
        ),
        "remotemanagement_allowbasicauthentication_client": (
            "Allow Basic authentication (WinRM client)",
            DISABLED_ENABLED,
        ),
        "remotemanagement_allowbasicauthentication_service": (
            "Allow Basic authentication (WinRM service)",
            DISABLED_ENABLED,
        ),
        "remotemanagement_disallowstoringofrunascredentials": (
            "Disallow WinRM from storing RunAs credentials",
            DISABLED_ENABLED,
        ),
        "smartscreen_enablesmartscreeninshell": ("Enable Smart Screen In Shell", DISABLED_ENABLED),
        "smartscreen_preventoverrideforfilesinshell": ("Prevent Override For Files In Shell", DISABLED_ENABLED),
        "windowsinkworkspace_allowwindowsinkworkspace": (
            "Allow Windows Ink Workspace",
            {
                "0": "Access to ink workspace is disabled",
                "1": "Ink workspace is enabled, but not above the lock screen",
                "2": "Ink workspace is enabled, also above the lock screen",
            },
        ),
        "windowslogon_allowautomaticrestartsignon": (
            "Sign-in and lock last interactive user automatically after a restart",
            DISABLED_ENABLED,
        ),
        "wirelessdisplay_requirepinforpairing": (
            "Require Pin For Pairing",
            {"0": "Disabled", "1": "First Time", "2": "Always"},
        ),
        "devicelock_maxinactivitytimedevicelock": ("Max Inactivity Time Device Lock", None),
        "eventlogservice_specifymaximumfilesizeapplicationlog": (
            "Specify the maximum log file size (KB) for the Application log",
            DISABLED_ENABLED,
        ),
        "eventlogservice_specifymaximumfilesizeapplicationlog_channel_logmaxsize": ("Maximum Log Size (KB)", None),
        "eventlogservice_specifymaximumfilesizesecuritylog": (
            "Specify the maximum log file size (KB) for the Security log",
            DISABLED_ENABLED,
        ),
        "eventlogservice_specifymaximumfilesizesecuritylog_channel_logmaxsize": ("Maximum Log Size (KB)", None),
        "printers_restrictdriverinstallationtoadministrators": (
            "Limits print driver installation to Administrators",
            DISABLED_ENABLED,
        ),
        "system_allowtelemetry": ("Allow Telemetry", {"0": "Security", "1": "Basic", "3": "Full"}),
        "deliveryoptimization_dodownloadmode": (
            "DO Download Mode",
            {
                "0": "HTTP only, no peering",
                "1": "HTTP blended with peering behind the same NAT",
                "2": "HTTP blended with peering across a private group",
                "3": "HTTP blended with Internet peering",
                "99": "Simple download mode with no peering",
                "100": "Bypass mode",
            },
        ),
        "deliveryoptimization_domaxforegrounddownloadbandwidth": ("DO Max Foreground Download Bandwidth", None),
        "deliveryoptimization_domaxbackgrounddownloadbandwidth": ("DO Max Background Download Bandwidth", None),
        "deliveryoptimization_dominrambytesallowedtopeer": ("DO Min RAM Allowed To Peer", None),
        "deliveryoptimization_dominfilesizetocache": ("DO Min File Size To Cache", None),
        "deliveryoptimization_dorestrictpeerselectionby": (
            "DO Restrict Peer Selection By",
            {"0": "None", "1": "Subnet mask", "2": "Local peer discovery (DNS-SD)"},
        ),
        "experience_allowcortana": ("Allow Cortana", BLOCK_ALLOW),
        "experience_allowwindowsconsumerfeatures": ("Allow Windows Consumer Features", BLOCK_ALLOW),
        "experience_allowwindowsspotlight": ("Allow Windows Spotlight", BLOCK_ALLOW),
        "privacy_letappsaccesslocation": (
            "Let Apps Access Location",
            {"0": "User in control", "1": "Force allow", "2": "Force deny"},
        ),
        "privacy_letappsaccesslocation_forceallowtheseapps": ("Let Apps Access Location Force Allow These Apps", None),
        "search_allowcloudsearch": ("Allow Cloud Search", NOT_ALLOWED_ALLOWED),
        "settings_pagevisibilitylist": ("Page Visibility List", DISABLED_ENABLED),
        "settings_pagevisibilitylist_value": ("Settings pages to show or hide", None),
        "start_hiderecentlyaddedapps": ("Hide Recently Added Apps", DISABLED_ENABLED),
    },
)
_EDGE = "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_"
_add(
    _EDGE,
    {
        "smartscreenenabled": ("Configure Microsoft Defender SmartScreen", DISABLED_ENABLED),
        "smartscreenpuaenabled": (
            "Configure Microsoft Defender SmartScreen to block potentially unwanted apps",
            DISABLED_ENABLED,
        ),
        "preventsmartscreenpromptoverride": (
            "Prevent bypassing Microsoft Defender SmartScreen prompts for sites",
            DISABLED_ENABLED,
        ),
        "preventsmartscreenpromptoverrideforfiles": (
            "Prevent bypassing of Microsoft Defender SmartScreen warnings about downloads",
            DISABLED_ENABLED,
        ),
        "passwordmanagerenabled": ("Enable saving passwords to the password manager", DISABLED_ENABLED),
        "passwordmanagerenabled_part": ("Save passwords", DISABLED_ENABLED),
        "extensioninstallblocklist": ("Control which extensions cannot be installed", DISABLED_ENABLED),
        "extensioninstallblocklist_extensioninstallblocklistdesc": (
            "Extension IDs the user should be prevented from installing (or * for all)",
            None,
        ),
        "authschemes": ("Supported authentication schemes", DISABLED_ENABLED),
        "authschemes_authschemes": ("Supported authentication schemes (Device)", None),
        "sitepernprocess": ("Enable site isolation for every site", DISABLED_ENABLED),
        "typosquattingcheckerenabled": ("Configure Edge TyposquattingChecker", DISABLED_ENABLED),
        "basicauthoverhttpenabled": ("Allow Basic authentication for HTTP", DISABLED_ENABLED),
        "dnsoverhttpsmode": ("Control the mode of DNS-over-HTTPS", DISABLED_ENABLED),
        "dnsoverhttpsmode_dnsoverhttpsmode": (
            "Control the mode of DNS-over-HTTPS (Device)",
            {
                "off": "Disable DNS-over-HTTPS",
                "automatic": "Enable DNS-over-HTTPS with insecure fallback",
                "secure": "Enable DNS-over-HTTPS without insecure fallback",
            },
        ),
    },
)
_add(
    "device_vendor_msft_policy_config_microsoft_edgev80diff~policy~microsoft_edge_",
    {
        "sslversionmin": ("Minimum TLS version enabled", DISABLED_ENABLED),
        "sslversionmin_sslversionmin": (
            "Minimum TLS version enabled (Device)",
            {"tls1": "TLS 1.0", "tls1.1": "TLS 1.1", "tls1.2": "TLS 1.2"},
        ),
    },
)
_add(
    "device_vendor_msft_policy_config_onedrivengscv2~policy~onedrivengsc_",
    {
        "kfmsilentoptin": ("Silently move Windows known folders to OneDrive", DISABLED_ENABLED),
        "kfmsilentoptin_kfmsilentoptinbox": ("Tenant ID", None),
        "kfmsilentoptin_kfmsilentoptindesktop": ("Desktop (Device)", NUMBERED_FALSE_TRUE),
        "kfmsilentoptin_kfmsilentoptindocuments": ("Documents (Device)", NUMBERED_FALSE_TRUE),
        "kfmsilentoptin_kfmsilentoptinpictures": ("Pictures (Device)", NUMBERED_FALSE_TRUE),
        "kfmsilentoptin_kfmsilentoptinwithnotification": (
            "Show notification to users after folders have been redirected (Device)",
            {"0": "No", "1": "Yes"},
        ),
        "silentaccountconfig": (
            "Silently sign in users to the OneDrive sync app with their Windows credentials",
            DISABLED_ENABLED,
        ),
        "filesondemandenabled": ("Use OneDrive Files On-Demand", DISABLED_ENABLED),
        "kfmblockoptout": ("Prevent users from redirecting their Windows known folders to their PC", DISABLED_ENABLED),
        "allowtenantlist": ("Allow syncing OneDrive accounts for only specific organizations", DISABLED_ENABLED),
        "allowtenantlist_allowtenantlistbox": ("Tenant ID (Device)", None),
    },
)
_add(
    "device_vendor_msft_windowsadvancedthreatprotection_",
    {
        "configurationtype": (
            "Microsoft Defender for Endpoint client configuration package type",
            {"autofromconnector": "Auto from connector", "onboard": "Onboard", "offboard": "Offboard"},
        ),
        "onboarding_fromconnector": ("Onboarding (Device)", None),
        "configuration_samplesharing": ("Sample Sharing", {"0": "None", "1": "All"}),
    },
)
_add(
    "com.apple.mcx.filevault2_",
    {
        "enable": ("Enable", {"0": "On", "1": "Off"}),
        "defer": ("Defer", FALSE_TRUE),
        "deferforceatuserloginmaxbypassattempts": ("Defer Force At User Login Max Bypass Attempts", None),
        "deferdontaskatuserlogout": ("Defer Dont Ask At User Logout", FALSE_TRUE),
        "showrecoverykey": ("Show Recovery Key", FALSE_TRUE),
        "userecoverykey": ("Use Recovery Key", FALSE_TRUE),
    },
)
_add(
    "com.apple.wifi.managed_",
    {
        "com.apple.wifi.managed": ("Wi-Fi", None),
        "autojoin": ("Auto Join", FALSE_TRUE),
        "encryptiontype": (
            "Encryption Type",
            {"0": "None", "1": "WEP", "2": "WPA/WPA2", "3": "WPA3", "4": "Any (Personal)"},
        ),
        "hidden_network": ("Hidden Network", FALSE_TRUE),
        "password": ("Password", None),
        "ssid_str": ("SSID", None),
    },
)
_add(
    "com.apple.security.firewall_",
    {
        "com.apple.security.firewall": ("Firewall", None),
        "enablefirewall": ("Enable Firewall", FALSE_TRUE),
    },
)
# Compliance policies of the settings catalog (Linux), from `deviceManagement/complianceSettings`.
_add(
    "linux_",
    {
        "distribution_alloweddistros": ("Allowed Distributions", None),
        "distribution_alloweddistros_item_$type": ("Type", {"ubuntu": "Ubuntu", "rhel": "Red Hat Enterprise Linux"}),
        "distribution_alloweddistros_item_minimumversion": ("Minimum OS version", None),
        "distribution_alloweddistros_item_maximumversion": ("Maximum OS version", None),
        "deviceencryption_required": ("Require Device Encryption", FALSE_TRUE),
        "passwordpolicy_minimumlength": ("Minimum Length", None),
        "passwordpolicy_minimumdigits": ("Minimum Digits", None),
        "passwordpolicy_minimumlowercase": ("Minimum Lowercase", None),
        "passwordpolicy_minimumuppercase": ("Minimum Uppercase", None),
        "passwordpolicy_minimumsymbols": ("Minimum Symbols", None),
        "customcompliance_required": ("Require Custom Compliance", FALSE_TRUE),
        "customcompliance_discoveryscript": ("Select your discovery script", None),
        "customcompliance_rules": ("Custom compliance rules (JSON)", None),
    },
)

_OFFICE_APPS = {
    "word16v2": "Word",
    "excel16v2": "Excel",
    "ppt16v2": "PowerPoint",
    "outlk16v2": "Outlook",
    "access16v2": "Access",
    "pub16v2": "Publisher",
    "visio16v2": "Visio",
    "proj16v2": "Project",
}
_OFFICE_FEATURES = {
    "blockmacroexecutionfrominternet": "Block macros from running in Office files from the Internet",
    "vbawarningspolicy": "VBA Macro Notification Settings",
    "requireapplicationextensionstobesigned": "Require that application add-ins are signed by Trusted Publisher",
    "disablealltrustbarnotificationsfor": "Disable all Trust Bar notifications for security issues",
    "allowtrustedlocationsonthenetwork": "Allow Trusted Locations on the network",
    "disablealltrustedlocations": "Disable all trusted locations",
    "turnofftrustedaccesstovisualbasicproject": "Trust access to Visual Basic Project",
    "donotopenfilesfromtheinternetzoneinprotectedview": "Do not open files from the Internet zone in Protected View",
    "donotopenfilesinunsafelocationsinprotectedview": "Do not open files in unsafe locations in Protected View",
    "setdocumentbehaviorifvalidationfails": "Set document behavior if file validation fails",
    "turnofffilevalidation": "Turn off file validation",
    "turnoffprotectedviewforattachmentsopenedfromoutlook": "Turn off Protected View for attachments opened from Outlook",
    "blockalladdinsoutsideofficestore": "Block all unmanaged add-ins",
    "disableinternetfilesinprotectedview": "Disable Internet files in Protected View",
}
_OFFICE_ENUMS = {
    "vbawarningspolicy": (
        "Macro notification",
        {
            "1": "Enable all macros",
            "2": "Disable all with notification",
            "3": "Disable all except digitally signed macros",
            "4": "Disable all without notification",
        },
    ),
    "setdocumentbehaviorifvalidationfails": (
        "Behavior when file validation fails",
        {"1": "Block files", "2": "Open in Protected View", "3": "Open in Protected View and allow edit", "4": "Open"},
    ),
}


def _office(definition_id: str) -> tuple[str, Options | None] | None:
    """Office trust center settings: `user_vendor_msft_policy_config_<app>~policy~…_l_<feature>[enum]`."""
    if not definition_id.startswith("user_vendor_msft_policy_config_"):
        return None
    app = definition_id[len("user_vendor_msft_policy_config_") :].split("~", 1)[0]
    feature = definition_id.rsplit("_l_", 1)[-1]
    word = _OFFICE_APPS.get(app, app)
    if feature.endswith("enum") and feature[:-4] in _OFFICE_ENUMS:
        name, options = _OFFICE_ENUMS[feature[:-4]]
        return f"{name} ({word})", options
    if feature in _OFFICE_FEATURES:
        return f"{_OFFICE_FEATURES[feature]} ({word})", DISABLED_ENABLED
    return None


NAMES: dict[str, tuple[str, Options | None]] = {i: (n, o) for i, n, o in _DEFINITIONS}


def lookup(definition_id: str) -> tuple[str, Options | None] | None:
    """(display name, options by option suffix) of a definition the families use, or None."""
    return NAMES.get(definition_id) or _office(definition_id)
