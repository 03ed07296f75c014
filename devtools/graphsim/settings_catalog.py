"""Settings catalog content: setting instances (choice with children, simple, collections, group
collections, secret values) and a set of realistic policy families, Windows and macOS.

Definition ids follow the real naming scheme (``device_vendor_msft_policy_config_defender_...``);
the values are generated, not copied from any export.
"""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
NS = "#microsoft.graph.deviceManagementConfiguration"
_TEMPLATE_NS = uuid.UUID("2b0c7e4a-8f1d-4c3b-9a5e-6d7f8e9a0b1c")


def _template_id(text: str) -> str:
    return str(uuid.uuid5(_TEMPLATE_NS, text))


class SettingsBuilder:
    """Builds setting instances; ``secret`` asks the tenant for a planted value."""

    def __init__(self, rng: random.Random, plant_secret: Callable[[], str]) -> None:
        self.rng = rng
        self.plant_secret = plant_secret

    def pick(self, options: list[str], preferred: float = 0.8) -> str:
        """The first option most of the time, otherwise another one."""
        if len(options) == 1 or self.rng.random() < preferred:
            return options[0]
        return self.rng.choice(options[1:])

    @staticmethod
    def choice_value(value: str, children: list[Obj] | None = None) -> Obj:
        return {
            "@odata.type": f"{NS}ChoiceSettingValue",
            "settingValueTemplateReference": None,
            "value": value,
            "children": children or [],
        }

    def choice(self, def_id: str, option: str, children: list[Obj] | None = None) -> Obj:
        return {
            "@odata.type": f"{NS}ChoiceSettingInstance",
            "settingDefinitionId": def_id,
            "settingInstanceTemplateReference": None,
            "choiceSettingValue": self.choice_value(f"{def_id}_{option}", children),
        }

    def choices(self, def_id: str, options: list[str]) -> Obj:
        return {
            "@odata.type": f"{NS}ChoiceSettingCollectionInstance",
            "settingDefinitionId": def_id,
            "settingInstanceTemplateReference": None,
            "choiceSettingCollectionValue": [self.choice_value(f"{def_id}_{o}") for o in options],
        }

    def integer(self, def_id: str, value: int) -> Obj:
        return {
            "@odata.type": f"{NS}SimpleSettingInstance",
            "settingDefinitionId": def_id,
            "settingInstanceTemplateReference": None,
            "simpleSettingValue": {
                "@odata.type": f"{NS}IntegerSettingValue",
                "settingValueTemplateReference": None,
                "value": value,
            },
        }

    def string(self, def_id: str, value: str) -> Obj:
        return {
            "@odata.type": f"{NS}SimpleSettingInstance",
            "settingDefinitionId": def_id,
            "settingInstanceTemplateReference": None,
            "simpleSettingValue": {
                "@odata.type": f"{NS}StringSettingValue",
                "settingValueTemplateReference": None,
                "value": value,
            },
        }

    def strings(self, def_id: str, values: list[str]) -> Obj:
        return {
            "@odata.type": f"{NS}SimpleSettingCollectionInstance",
            "settingDefinitionId": def_id,
            "settingInstanceTemplateReference": None,
            "simpleSettingCollectionValue": [
                {"@odata.type": f"{NS}StringSettingValue", "settingValueTemplateReference": None, "value": v}
                for v in values
            ],
        }

    def group(self, def_id: str, groups: list[list[Obj]]) -> Obj:
        return {
            "@odata.type": f"{NS}GroupSettingCollectionInstance",
            "settingDefinitionId": def_id,
            "settingInstanceTemplateReference": None,
            "groupSettingCollectionValue": [
                {"@odata.type": f"{NS}GroupSettingValue", "settingValueTemplateReference": None, "children": children}
                for children in groups
            ],
        }

    def secret(self, def_id: str) -> Obj:
        return {
            "@odata.type": f"{NS}SimpleSettingInstance",
            "settingDefinitionId": def_id,
            "settingInstanceTemplateReference": None,
            "simpleSettingValue": {
                "@odata.type": f"{NS}SecretSettingValue",
                "settingValueTemplateReference": None,
                "value": self.plant_secret(),
                "valueState": "notEncrypted",
            },
        }


def to_setting_rows(instances: list[Obj], templated: bool) -> list[Obj]:
    """Wrap top-level instances as ``settings`` rows (positional ids); templated policies carry
    setting instance template references on their top-level instances."""
    rows: list[Obj] = []
    for index, inst in enumerate(instances):
        if templated:
            inst["settingInstanceTemplateReference"] = {
                "settingInstanceTemplateId": _template_id("inst:" + inst["settingDefinitionId"])
            }
            value = inst.get("choiceSettingValue") or inst.get("simpleSettingValue")
            if isinstance(value, dict):
                value["settingValueTemplateReference"] = {
                    "settingValueTemplateId": _template_id("val:" + inst["settingDefinitionId"]),
                    "useTemplateDefault": False,
                }
        rows.append({"id": str(index), "settingInstance": inst})
    return rows


# -- families ----------------------------------------------------------------------------------

_OFFICE_APPS: tuple[tuple[str, str, str], ...] = (
    ("word16v2", "l_microsoftofficeword", "l_wordoptions"),
    ("excel16v2", "l_microsoftofficeexcel", "l_excelexceloptions"),
    ("ppt16v2", "l_microsoftofficepowerpoint", "l_powerpointoptions"),
    ("outlk16v2", "l_microsoftofficeoutlook", "l_outlookoptions"),
    ("access16v2", "l_microsoftofficeaccess", "l_applicationsettings"),
    ("pub16v2", "l_microsoftofficepublisher", "l_publisheroptions"),
    ("visio16v2", "l_microsoftvisio", "l_visiooptions"),
    ("proj16v2", "l_microsoftofficeproject", "l_projectoptions"),
)
_OFFICE_FEATURES: tuple[str, ...] = (
    "blockmacroexecutionfrominternet",
    "vbawarningspolicy",
    "requireapplicationextensionstobesigned",
    "disablealltrustbarnotificationsfor",
    "allowtrustedlocationsonthenetwork",
    "disablealltrustedlocations",
    "turnofftrustedaccesstovisualbasicproject",
    "donotopenfilesfromtheinternetzoneinprotectedview",
    "donotopenfilesinunsafelocationsinprotectedview",
    "setdocumentbehaviorifvalidationfails",
    "turnofffilevalidation",
    "turnoffprotectedviewforattachmentsopenedfromoutlook",
    "blockalladdinsoutsideofficestore",
    "disableinternetfilesinprotectedview",
)


def office_security(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    """Over 100 top-level settings: 8 apps x 14 trust center settings, some with child choices."""
    out: list[Obj] = []
    for app, cat, opts in _OFFICE_APPS:
        for feature in _OFFICE_FEATURES:
            def_id = f"user_vendor_msft_policy_config_{app}~policy~{cat}~{opts}~l_security~l_trustcenter_l_{feature}"
            children: list[Obj] = []
            if feature in ("vbawarningspolicy", "setdocumentbehaviorifvalidationfails"):
                children.append(b.choice(f"{def_id}enum", b.pick(["3", "2", "4"])))
            out.append(b.choice(def_id, b.pick(["1", "0"], 0.9), children))
    return out


def macos_wifi(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    base = "com.apple.wifi.managed"
    return [
        b.group(
            f"{base}_{base}",
            [
                [
                    b.choice(f"{base}_autojoin", "true"),
                    b.choice(f"{base}_encryptiontype", b.pick(["2", "1"])),
                    b.choice(f"{base}_hidden_network", "false"),
                    b.secret(f"{base}_password"),
                    b.string(f"{base}_ssid_str", f"{ctx['short']}-Corp"),
                ]
            ],
        ),
        b.group(
            "com.apple.security.firewall_com.apple.security.firewall",
            [[b.choice("com.apple.security.firewall_enablefirewall", "true")]],
        ),
    ]


_AV_CHOICES: tuple[tuple[str, list[str]], ...] = (
    ("allowarchivescanning", ["1", "0"]),
    ("allowbehaviormonitoring", ["1", "0"]),
    ("allowcloudprotection", ["1", "0"]),
    ("allowemailscanning", ["1", "0"]),
    ("allowfullscanremovabledrivescanning", ["1", "0"]),
    ("allowioavprotection", ["1", "0"]),
    ("allowrealtimemonitoring", ["1", "0"]),
    ("allowscanningnetworkfiles", ["1", "0"]),
    ("allowscriptscanning", ["1", "0"]),
    ("allowuseruiaccess", ["1", "0"]),
    ("checkforsignaturesbeforerunningscan", ["1", "0"]),
    ("cloudblocklevel", ["2", "4", "6", "0"]),
    ("disablecatchupfullscan", ["0", "1"]),
    ("disablecatchupquickscan", ["0", "1"]),
    ("enablelowcpupriority", ["1", "0"]),
    ("enablenetworkprotection", ["1", "2", "0"]),
    ("puaprotection", ["1", "2", "0"]),
    ("realtimescandirection", ["0", "1", "2"]),
    ("submitsamplesconsent", ["1", "3", "0"]),
    ("allowonaccessprotection", ["1", "0"]),
)


def defender_av(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_policy_config_defender_"
    out = [b.choice(p + name, b.pick(opts)) for name, opts in _AV_CHOICES]
    out += [
        b.integer(p + "avgcpuloadfactor", b.rng.choice([20, 30, 50])),
        b.integer(p + "cloudextendedtimeout", b.rng.choice([30, 50])),
        b.integer(p + "schedulequickscantime", b.rng.choice([660, 720, 120])),
        b.integer(p + "signatureupdateinterval", b.rng.choice([1, 4, 8])),
        b.strings(p + "excludedextensions", b.rng.sample([".log", ".ldf", ".mdf", ".pst", ".vhdx", ".edb"], 3)),
        b.strings(p + "excludedpaths", [r"C:\ProgramData\Contoso\Cache", r"D:\SQLData"]),
        b.strings(p + "excludedprocesses", ["sqlservr.exe"]),
        b.group(
            p + "threatseveritydefaultaction",
            [
                [
                    b.choice(p + "threatseveritydefaultaction_severethreats", "remove"),
                    b.choice(p + "threatseveritydefaultaction_highseveritythreats", b.pick(["remove", "quarantine"])),
                    b.choice(p + "threatseveritydefaultaction_moderateseveritythreats", "quarantine"),
                    b.choice(p + "threatseveritydefaultaction_lowseveritythreats", b.pick(["quarantine", "clean"])),
                ]
            ],
        ),
        b.choice("device_vendor_msft_defender_configuration_disablelocaladminmerge", b.pick(["1", "0"])),
        b.choices("device_vendor_msft_defender_configuration_passiveremediation", ["1"]),
    ]
    return out


def _firewall_profile(b: SettingsBuilder, profile: str) -> Obj:
    p = f"vendor_msft_firewall_mdmstore_{profile}_"
    return b.choice(
        p + "enablefirewall",
        "true",
        [
            b.choice(p + "defaultinboundaction", b.pick(["1", "0"], 0.95)),
            b.choice(p + "defaultoutboundaction", "0"),
            b.choice(p + "disableinboundnotifications", b.pick(["true", "false"])),
            b.choice(p + "enablelogdroppedpackets", b.pick(["true", "false"])),
            b.integer(p + "logmaxfilesize", b.rng.choice([16384, 32767])),
            b.string(p + "logfilepath", rf"%systemroot%\system32\LogFiles\Firewall\{profile}fw.log"),
        ],
    )


def firewall(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    return [
        _firewall_profile(b, "domainprofile"),
        _firewall_profile(b, "privateprofile"),
        _firewall_profile(b, "publicprofile"),
        b.choice("vendor_msft_firewall_mdmstore_global_disablestatefulftp", "true"),
        b.choice("vendor_msft_firewall_mdmstore_global_crlcheck", b.pick(["1", "0", "2"])),
    ]


def firewall_rules(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}"
    rules = [
        ("Allow HTTPS outbound", "out", "6", ["443"]),
        ("Allow RDP from jump hosts", "in", "6", ["3389"]),
        ("Block SMB outbound to internet", "out", "6", ["445", "139"]),
        ("Allow DNS", "out", "17", ["53"]),
    ]
    groups = []
    for name, direction, proto, ports in b.rng.sample(rules, b.rng.randint(2, 4)):
        groups.append(
            [
                b.string(p + "_name", name),
                b.choice(p + "_direction", direction),
                b.choice(p + "_action_type", "1" if not name.startswith("Block") else "0"),
                b.choice(p + "_enabled", "1"),
                b.integer(p + "_protocol", int(proto)),
                b.strings(p + "_remoteportranges", ports),
                b.choices(p + "_profiles", b.rng.sample(["1", "2", "4"], 2)),
            ]
        )
    return [b.group(p, groups)]


def bitlocker(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_bitlocker_"
    return [
        b.choice(p + "requiredeviceencryption", "1"),
        b.choice(
            p + "encryptionmethodbydrivetype",
            "1",
            [
                b.choice(p + "encryptionmethodbydrivetype_encryptionmethodwithxtsosdropdown_name", b.pick(["7", "6"])),
                b.choice(p + "encryptionmethodbydrivetype_encryptionmethodwithxtsfdvdropdown_name", b.pick(["7", "6"])),
                b.choice(p + "encryptionmethodbydrivetype_encryptionmethodwithxtsrdvdropdown_name", b.pick(["4", "3"])),
            ],
        ),
        b.choice(
            p + "systemdrivesrequirestartupauthentication",
            "1",
            [
                b.choice(p + "systemdrivesrequirestartupauthentication_configuretpmstartupkeyusagedropdown_name", "2"),
                b.choice(p + "systemdrivesrequirestartupauthentication_configurenontpmstartupkeyusage_name", "0"),
                b.choice(p + "systemdrivesrequirestartupauthentication_configuretpmusagedropdown_name", "2"),
                b.choice(p + "systemdrivesrequirestartupauthentication_configuretpmpinkeyusagedropdown_name", "2"),
            ],
        ),
        b.choice(
            p + "systemdrivesrecoveryoptions",
            "1",
            [
                b.choice(p + "systemdrivesrecoveryoptions_osrequireactivedirectorybackup_name", "1"),
                b.choice(p + "systemdrivesrecoveryoptions_osrecoverypasswordusagedropdown_name", "2"),
                b.choice(p + "systemdrivesrecoveryoptions_oshiderecoverypage_name", b.pick(["1", "0"])),
            ],
        ),
        b.choice(
            p + "allowwarningforotherdiskencryption",
            "0",
            [b.choice(p + "allowstandarduserencryption", "1")],
        ),
        b.choice(p + "configurerecoverypasswordrotation", b.pick(["1", "2"])),
    ]


_ASR_RULES: tuple[str, ...] = (
    "blockexecutionofpotentiallyobfuscatedscripts",
    "blockwin32apicallsfromofficemacros",
    "blockexecutablefilesrunningunlesstheymeetprevalenceagetrustedlistcriterion",
    "useadvancedprotectionagainstransomware",
    "blockcredentialstealingfromwindowslocalsecurityauthoritysubsystem",
    "blockprocesscreationsfrompsexecandwmicommands",
    "blockuntrustedunsignedprocessesthatrunfromusb",
    "blockofficeapplicationsfromcreatingexecutablecontent",
    "blockadobereaderfromcreatingchildprocesses",
    "blockpersistencethroughwmieventsubscription",
    "blockexecutablecontentfromemailclientandwebmail",
    "blockallofficeapplicationsfromcreatingchildprocesses",
    "blockjavascriptorvbscriptfromlaunchingdownloadedexecutablecontent",
    "blockofficeapplicationsfrominjectingcodeintootherprocesses",
    "blockofficecommunicationappfromcreatingchildprocesses",
    "blockabuseofexploitedvulnerablesigneddrivers",
)


def asr_rules(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_policy_config_defender_attacksurfacereductionrules"
    children = [b.choice(f"{p}_{rule}", b.pick(["block", "audit", "warn", "off"], 0.75)) for rule in _ASR_RULES]
    return [
        b.group(p, [children]),
        b.strings(
            "device_vendor_msft_policy_config_defender_attacksurfacereductiononlyexclusions",
            [r"C:\Program Files\Contoso\Agent\agent.exe"],
        ),
    ]


def laps(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_laps_policies_"
    return [
        b.choice(p + "backupdirectory", "1", [b.integer(p + "passwordagedays_aad", b.rng.choice([7, 14, 30]))]),
        b.string(p + "administratoraccountname", b.pick(["lapsadmin", "cloudadmin"])),
        b.choice(p + "passwordcomplexity", b.pick(["4", "3", "5"])),
        b.integer(p + "passwordlength", b.rng.choice([16, 20, 24])),
        b.choice(p + "postauthenticationactions", b.pick(["3", "1", "5"])),
        b.integer(p + "postauthenticationresetdelay", b.rng.choice([1, 8, 24])),
    ]


_BASELINE: tuple[tuple[str, str, list[str]], ...] = (
    (
        "choice",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_accounts_limitlocalaccountuseofblankpasswordstoconsolelogononly",
        ["1", "0"],
    ),
    (
        "choice",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_donotrequirectrlaltdel",
        ["0", "1"],
    ),
    (
        "int",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_interactivelogon_machineinactivitylimit_v2",
        ["900", "600"],
    ),
    (
        "choice",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_lanmanagerauthenticationlevel",
        ["5", "3"],
    ),
    (
        "choice",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_networksecurity_donotstorelanmanagerhashvalueonnextpasswordchange",
        ["1"],
    ),
    (
        "choice",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_behavioroftheelevationpromptforadministrators",
        ["2", "5"],
    ),
    (
        "choice",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_behavioroftheelevationpromptforstandardusers",
        ["0", "3"],
    ),
    (
        "choice",
        "device_vendor_msft_policy_config_localpoliciessecurityoptions_useraccountcontrol_runalladministratorsinadminapprovalmode",
        ["1"],
    ),
    ("choice", "device_vendor_msft_policy_config_admx_credssp_allowencryptionoracle", ["1"]),
    ("choice", "device_vendor_msft_policy_config_admx_dnsclient_turn_off_multicast", ["1"]),
    ("choice", "device_vendor_msft_policy_config_admx_mss-legacy_pol_mss_disableipsourceroutingipv6", ["1"]),
    ("choice", "device_vendor_msft_policy_config_admx_mss-legacy_pol_mss_enableicmpredirect", ["0"]),
    ("choice", "device_vendor_msft_policy_config_autoplay_disallowautoplayfornonvolumedevices", ["1"]),
    ("choice", "device_vendor_msft_policy_config_autoplay_setdefaultautorunbehavior", ["1"]),
    ("choice", "device_vendor_msft_policy_config_autoplay_turnoffautoplay", ["1"]),
    ("choice", "device_vendor_msft_policy_config_credentialsui_disablepasswordreveal", ["1"]),
    ("choice", "device_vendor_msft_policy_config_credentialsui_enumerateadministrators", ["0"]),
    ("choice", "device_vendor_msft_policy_config_deviceguard_enablevirtualizationbasedsecurity", ["1"]),
    ("choice", "device_vendor_msft_policy_config_deviceguard_lsacfgflags", ["1", "2"]),
    ("choice", "device_vendor_msft_policy_config_lanmanworkstation_enableinsecureguestlogons", ["0"]),
    ("choice", "device_vendor_msft_policy_config_remotedesktopservices_donotallowpasswordsaving", ["1"]),
    ("choice", "device_vendor_msft_policy_config_remotedesktopservices_promptforpassworduponconnection", ["1"]),
    ("choice", "device_vendor_msft_policy_config_remotemanagement_allowbasicauthentication_client", ["0"]),
    ("choice", "device_vendor_msft_policy_config_remotemanagement_allowbasicauthentication_service", ["0"]),
    ("choice", "device_vendor_msft_policy_config_remotemanagement_disallowstoringofrunascredentials", ["1"]),
    ("choice", "device_vendor_msft_policy_config_smartscreen_enablesmartscreeninshell", ["1"]),
    ("choice", "device_vendor_msft_policy_config_smartscreen_preventoverrideforfilesinshell", ["1"]),
    ("choice", "device_vendor_msft_policy_config_windowsinkworkspace_allowwindowsinkworkspace", ["1", "0"]),
    ("choice", "device_vendor_msft_policy_config_windowslogon_allowautomaticrestartsignon", ["0"]),
    ("choice", "device_vendor_msft_policy_config_wirelessdisplay_requirepinforpairing", ["2", "1"]),
    ("int", "device_vendor_msft_policy_config_devicelock_maxinactivitytimedevicelock", ["15", "5"]),
    ("choice", "device_vendor_msft_policy_config_eventlogservice_specifymaximumfilesizeapplicationlog", ["1"]),
    ("choice", "device_vendor_msft_policy_config_eventlogservice_specifymaximumfilesizesecuritylog", ["1"]),
    ("choice", "device_vendor_msft_policy_config_printers_restrictdriverinstallationtoadministrators", ["1"]),
    ("choice", "device_vendor_msft_policy_config_system_allowtelemetry", ["1", "3"]),
)


def security_baseline(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    out: list[Obj] = []
    for kind, def_id, opts in _BASELINE:
        if kind == "int":
            out.append(b.integer(def_id, int(b.pick(opts))))
        else:
            children: list[Obj] = []
            if def_id.endswith("specifymaximumfilesizeapplicationlog"):
                children.append(b.integer(def_id + "_channel_logmaxsize", b.rng.choice([32768, 65536])))
            if def_id.endswith("specifymaximumfilesizesecuritylog"):
                children.append(b.integer(def_id + "_channel_logmaxsize", b.rng.choice([196608, 262144])))
            out.append(b.choice(def_id, b.pick(opts), children))
    return out


def edge_security(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_policy_config_microsoft_edge~policy~microsoft_edge_"
    q = "device_vendor_msft_policy_config_microsoft_edgev80diff~policy~microsoft_edge_"
    return [
        b.choice(p + "smartscreenenabled", "1"),
        b.choice(p + "smartscreenpuaenabled", "1"),
        b.choice(p + "preventsmartscreenpromptoverride", b.pick(["1", "0"])),
        b.choice(p + "preventsmartscreenpromptoverrideforfiles", b.pick(["1", "0"])),
        b.choice(p + "passwordmanagerenabled", b.pick(["0", "1"]), [b.choice(p + "passwordmanagerenabled_part", "0")]),
        b.choice(q + "sslversionmin", "1", [b.choice(q + "sslversionmin_sslversionmin", b.pick(["tls1.2", "tls1.1"]))]),
        b.choice(
            p + "extensioninstallblocklist",
            "1",
            [b.strings(p + "extensioninstallblocklist_extensioninstallblocklistdesc", ["*"])],
        ),
        b.choice(
            p + "authschemes",
            "1",
            [b.string(p + "authschemes_authschemes", b.pick(["ntlm,negotiate", "negotiate"]))],
        ),
        b.choice(p + "sitepernprocess", "1"),
        b.choice(p + "typosquattingcheckerenabled", "1"),
        b.choice(p + "basicauthoverhttpenabled", "0"),
        b.choice(p + "dnsoverhttpsmode", "1", [b.choice(p + "dnsoverhttpsmode_dnsoverhttpsmode", "automatic")]),
    ]


def onedrive(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_policy_config_onedrivengscv2~policy~onedrivengsc_"
    return [
        b.choice(
            p + "kfmsilentoptin",
            "1",
            [
                b.string(p + "kfmsilentoptin_kfmsilentoptinbox", ctx["tenant_id"]),
                b.choice(p + "kfmsilentoptin_kfmsilentoptindesktop", "1"),
                b.choice(p + "kfmsilentoptin_kfmsilentoptindocuments", "1"),
                b.choice(p + "kfmsilentoptin_kfmsilentoptinpictures", b.pick(["1", "0"])),
                b.choice(p + "kfmsilentoptin_kfmsilentoptinwithnotification", "0"),
            ],
        ),
        b.choice(p + "silentaccountconfig", "1"),
        b.choice(p + "filesondemandenabled", "1"),
        b.choice(p + "kfmblockoptout", b.pick(["1", "0"])),
        b.choice(
            p + "allowtenantlist",
            "1",
            [b.strings(p + "allowtenantlist_allowtenantlistbox", [ctx["tenant_id"]])],
        ),
    ]


def delivery_optimisation(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_policy_config_deliveryoptimization_"
    return [
        b.choice(p + "dodownloadmode", b.pick(["1", "2", "0"])),
        b.integer(p + "domaxforegrounddownloadbandwidth", b.rng.choice([0, 50, 70])),
        b.integer(p + "domaxbackgrounddownloadbandwidth", b.rng.choice([0, 45])),
        b.integer(p + "dominrambytesallowedtopeer", 4),
        b.integer(p + "dominfilesizetocache", b.rng.choice([10, 50])),
        b.choice(p + "dorestrictpeerselectionby", b.pick(["1", "2"])),
    ]


def privacy_restrictions(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_policy_config_"
    return [
        b.choice(p + "experience_allowcortana", "0"),
        b.choice(p + "experience_allowwindowsconsumerfeatures", "0"),
        b.choice(p + "experience_allowwindowsspotlight", b.pick(["0", "1"])),
        b.choice(p + "privacy_letappsaccesslocation", b.pick(["0", "2"])),
        b.strings(
            p + "privacy_letappsaccesslocation_forceallowtheseapps",
            ["windows.immersivecontrolpanel_cw5n1h2txyewy", "Microsoft.WindowsMaps_8wekyb3d8bbwe"],
        ),
        b.choice(p + "search_allowcloudsearch", b.pick(["0", "1"])),
        b.choice(
            p + "settings_pagevisibilitylist",
            "1",
            [b.string(p + "settings_pagevisibilitylist_value", "hide:gaming-gamebar;gaming-gamedvr")],
        ),
        b.choice(p + "start_hiderecentlyaddedapps", "1"),
    ]


def edr(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "device_vendor_msft_windowsadvancedthreatprotection_"
    return [
        b.choice(
            p + "configurationtype",
            "autofromconnector",
            [b.string(p + "onboarding_fromconnector", "[managed by connector]")],
        ),
        b.choice(p + "configuration_samplesharing", b.pick(["1", "0"])),
    ]


def macos_filevault(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    p = "com.apple.mcx.filevault2_"
    return [
        b.choice(p + "enable", "0"),
        b.choice(p + "defer", "true"),
        b.integer(p + "deferforceatuserloginmaxbypassattempts", b.rng.choice([0, 1, 3])),
        b.choice(p + "deferdontaskatuserlogout", "true"),
        b.choice(p + "showrecoverykey", "false"),
        b.choice(p + "userecoverykey", "true"),
    ]


@dataclass(frozen=True)
class Family:
    """One kind of settings catalog policy."""

    name: str
    platforms: str
    technologies: str
    template_family: str
    template_id: str
    template_name: str | None
    template_version: str | None
    build: Callable[[SettingsBuilder, Obj], list[Obj]]
    description: str = ""

    @property
    def templated(self) -> bool:
        return bool(self.template_id)


FAMILIES: tuple[Family, ...] = (
    Family(
        "Win - SC - Microsoft Office - U - Security",
        "windows10",
        "mdm",
        "none",
        "",
        None,
        None,
        office_security,
        "Trust center hardening for all Office apps (macro, protected view, add-ins).",
    ),
    Family(
        "macOS - SC - Wi-Fi - Corporate",
        "macOS",
        "mdm,appleRemoteManagement",
        "none",
        "",
        None,
        None,
        macos_wifi,
        "Corporate WPA2 network for managed Macs.",
    ),
    Family(
        "Win - ES - Defender Antivirus - D - AV Configuration",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityAntivirus",
        "804339ad-1553-4478-a742-138fb5807418_1",
        "Microsoft Defender Antivirus",
        "Version 1",
        defender_av,
    ),
    Family(
        "Win - ES - Windows Firewall - D - Firewall Configuration",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityFirewall",
        "6078910e-d808-4a9f-a51d-1b8a7bacb7c0_1",
        "Windows Firewall",
        "Version 1",
        firewall,
    ),
    Family(
        "Win - ES - Windows Firewall - D - Firewall Rules",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityFirewall",
        "19c8aa67-f286-4861-9aa0-f23541d31680_1",
        "Windows Firewall Rules",
        "Version 1",
        firewall_rules,
    ),
    Family(
        "Win - ES - Encryption - D - BitLocker (OS Disk)",
        "windows10",
        "mdm",
        "endpointSecurityDiskEncryption",
        "46ddfc50-d10f-4867-b852-9434254b3bff_1",
        "BitLocker",
        "Version 1",
        bitlocker,
    ),
    Family(
        "Win - ES - Attack Surface Reduction - D - ASR Rules",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityAttackSurfaceReduction",
        "e8c053d6-9f95-42b1-a7f1-ebfd71c67a4b_1",
        "Attack Surface Reduction Rules",
        "Version 1",
        asr_rules,
    ),
    Family(
        "Win - ES - Windows LAPS - D - LAPS Configuration",
        "windows10",
        "mdm",
        "endpointSecurityAccountProtection",
        "adc46e5a-f4aa-4ff6-aeff-4f27bc525796_1",
        "Local admin password solution (Windows LAPS)",
        "Version 1",
        laps,
    ),
    Family(
        "Win - Security Baseline - D - Windows 11 24H2",
        "windows10",
        "mdm",
        "baseline",
        "66df8dce-0166-4b82-92f7-1f74e3ca17a3_5",
        "Security Baseline for Windows 10 and later",
        "Version 24H2",
        security_baseline,
    ),
    Family("Win - SC - Microsoft Edge - D - Security", "windows10", "mdm", "none", "", None, None, edge_security),
    Family("Win - SC - Microsoft OneDrive - D - Configuration", "windows10", "mdm", "none", "", None, None, onedrive),
    Family(
        "Win - SC - Windows Update for Business - D - Delivery Optimisation",
        "windows10",
        "mdm",
        "none",
        "",
        None,
        None,
        delivery_optimisation,
    ),
    Family(
        "Win - SC - Device Security - D - Privacy and Experience",
        "windows10",
        "mdm",
        "none",
        "",
        None,
        None,
        privacy_restrictions,
    ),
    Family(
        "Win - ES - EDR - D - Defender for Endpoint Onboarding",
        "windows10",
        "mdm,microsoftSense",
        "endpointSecurityEndpointDetectionAndResponse",
        "0385b795-0f2f-44ac-8602-9f65bf6adede_1",
        "Endpoint detection and response",
        "Version 1",
        edr,
    ),
    Family(
        "macOS - SC - Encryption - D - FileVault",
        "macOS",
        "mdm,appleRemoteManagement",
        "none",
        "",
        None,
        None,
        macos_filevault,
    ),
)
"""In priority order: the first policy of a tenant is the 112-setting Office one, the second
carries a secret setting value."""


# -- settings-catalog compliance (`deviceManagement/compliancePolicies`) ---------------------------

LINUX_DISTROS = "linux_distribution_alloweddistros"
LINUX_RULES = base64.b64encode(
    b'{"Rules":[{"SettingName":"ClamAV","Operator":"IsEquals","DataType":"Boolean","Operand":true}]}'
).decode()


def linux_compliance(b: SettingsBuilder, ctx: Obj) -> list[Obj]:
    """A Linux compliance policy: allowed distributions, encryption, password rules and, where the
    tenant has discovery scripts (``ctx["linux_scripts"]``, reusable setting ids), custom compliance."""
    instances = [
        b.group(
            LINUX_DISTROS,
            [
                [
                    b.choice(f"{LINUX_DISTROS}_item_$type", "ubuntu"),
                    b.string(f"{LINUX_DISTROS}_item_minimumversion", b.rng.choice(["22.04", "24.04"])),
                    b.string(f"{LINUX_DISTROS}_item_maximumversion", ""),
                ]
            ],
        ),
        b.choice("linux_deviceencryption_required", "true"),
        b.integer("linux_passwordpolicy_minimumlength", b.rng.choice([8, 12, 14])),
        b.integer("linux_passwordpolicy_minimumdigits", 1),
        b.integer("linux_passwordpolicy_minimumlowercase", 1),
        b.integer("linux_passwordpolicy_minimumuppercase", 1),
        b.integer("linux_passwordpolicy_minimumsymbols", b.rng.choice([0, 1])),
    ]
    scripts = ctx.get("linux_scripts") or []
    if scripts:
        instances += [
            b.choice("linux_customcompliance_required", "true"),
            b.string("linux_customcompliance_discoveryscript", b.rng.choice(scripts)),
            b.string("linux_customcompliance_rules", LINUX_RULES),
        ]
    return instances


COMPLIANCE_FAMILIES: tuple[Family, ...] = (
    Family("Linux - Compliance", "linux", "linuxMdm", "none", "", None, None, linux_compliance),
)
"""Compliance policies of the settings catalog: their definitions are a catalogue of their own
(`deviceManagement/complianceSettings`)."""
