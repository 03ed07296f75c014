"""Group setting collections (attack surface reduction rules, firewall rules) and value sets: elements
without a key of their own are paired by best match, so one changed child reads as one change that
names it, and order never matters."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core.contracts import CONTRACTS
from shared.core.drift import compare_items
from shared.core.drift.compare import pair_elements
from shared.core.normalise import normalise_item
from tests.core.drift.fixtures import KEY, STRING, raw

SC = CONTRACTS["settingsCatalogPolicy"]
NS = "#microsoft.graph.deviceManagementConfiguration"
ASR = "device_vendor_msft_policy_config_defender_attacksurfacereductionrules"
FW = "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}"
RULES = [f"rule{i:02d}" for i in range(16)]


def _choice(definition: str, option: str) -> dict[str, Any]:
    return {
        "@odata.type": f"{NS}ChoiceSettingInstance",
        "settingDefinitionId": definition,
        "settingInstanceTemplateReference": None,
        "choiceSettingValue": {"value": f"{definition}_{option}", "children": []},
    }


def _string(definition: str, value: str) -> dict[str, Any]:
    return {
        "@odata.type": f"{NS}SimpleSettingInstance",
        "settingDefinitionId": definition,
        "simpleSettingValue": {"@odata.type": STRING, "value": value},
    }


def _strings(definition: str, values: list[str]) -> dict[str, Any]:
    return {
        "@odata.type": f"{NS}SimpleSettingCollectionInstance",
        "settingDefinitionId": definition,
        "simpleSettingCollectionValue": [{"@odata.type": STRING, "value": v} for v in values],
    }


def _group(definition: str, elements: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "@odata.type": f"{NS}GroupSettingCollectionInstance",
        "settingDefinitionId": definition,
        "groupSettingCollectionValue": [
            {"@odata.type": f"{NS}GroupSettingValue", "settingValueTemplateReference": None, "children": children}
            for children in elements
        ],
    }


def _policy(*instances: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "pol",
        "name": "Policy",
        "settings": [{"id": str(i), "settingInstance": inst} for i, inst in enumerate(instances)],
    }


def _asr(modes: dict[str, str]) -> dict[str, Any]:
    return _group(ASR, [[_choice(f"{ASR}_{rule}", mode) for rule, mode in modes.items()]])


def _rule(name: str, port: str, enabled: str = "1", direction: str = "out") -> list[dict[str, Any]]:
    return [
        _string(f"{FW}_name", name),
        _choice(f"{FW}_direction", direction),
        _choice(f"{FW}_enabled", enabled),
        _strings(f"{FW}_remoteportranges", [port]),
    ]


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    was, now = normalise_item(SC, before, KEY), normalise_item(SC, after, KEY)
    return raw(compare_items(SC, was, now))


def test_one_changed_asr_rule_is_one_change_naming_the_rule_with_its_own_values() -> None:
    modes = dict.fromkeys(RULES, "block")
    changed = dict(modes, rule07="audit")
    assert _changes(_policy(_asr(modes)), _policy(_asr(changed))) == [
        {
            "path": f"settings/{ASR}/groupSettingCollectionValue/children/{ASR}_rule07/choiceSettingValue/value",
            "category": "settings",
            "before": f"{ASR}_rule07_block",
            "after": f"{ASR}_rule07_audit",
        }
    ]


def test_three_changed_asr_rules_are_three_changes() -> None:
    modes = dict.fromkeys(RULES, "block")
    changed = dict(modes, rule01="audit", rule02="warn", rule15="off")
    paths = [c["path"].rsplit("/", 3)[1] for c in _changes(_policy(_asr(modes)), _policy(_asr(changed)))]
    assert paths == [f"{ASR}_rule01", f"{ASR}_rule02", f"{ASR}_rule15"]


def test_one_changed_firewall_rule_is_named_by_the_rule_name() -> None:
    rules = [_rule("Allow DNS", "53"), _rule("Allow HTTPS outbound", "443"), _rule("Block SMB", "445")]
    changed = copy.deepcopy(rules)
    changed[1] = _rule("Allow HTTPS outbound", "443", enabled="0")
    assert _changes(_policy(_group(FW, rules)), _policy(_group(FW, changed))) == [
        {
            "path": f"settings/{FW}/groupSettingCollectionValue/Allow HTTPS outbound/children/{FW}_enabled/choiceSettingValue/value",
            "category": "settings",
            "before": f"{FW}_enabled_1",
            "after": f"{FW}_enabled_0",
        }
    ]


def test_an_added_and_a_removed_firewall_rule_are_whole_elements_named_by_their_rule_names() -> None:
    rules = [_rule("Allow DNS", "53"), _rule("Allow HTTPS outbound", "443")]
    changed = [_rule("Allow DNS", "53"), _rule("Allow HTTPS outbound", "443"), _rule("Allow RDP", "3389", "1", "in")]
    [added] = _changes(_policy(_group(FW, rules)), _policy(_group(FW, changed)))
    assert added["path"] == f"settings/{FW}/groupSettingCollectionValue/Allow RDP"
    assert added["before"] is None and added["after"]["children"]
    [removed] = _changes(_policy(_group(FW, changed)), _policy(_group(FW, rules)))
    assert removed["path"] == added["path"] and removed["after"] is None


def test_a_renamed_rule_keeps_its_pairing_and_shows_the_name_change() -> None:
    rules = [_rule("Allow DNS", "53"), _rule("Allow HTTPS outbound", "443")]
    changed = [_rule("Allow DNS (UDP)", "53"), _rule("Allow HTTPS outbound", "443")]
    [change] = _changes(_policy(_group(FW, rules)), _policy(_group(FW, changed)))
    assert change["path"].endswith(f"/children/{FW}_name/simpleSettingValue/value")
    assert (change["before"], change["after"]) == ("Allow DNS", "Allow DNS (UDP)")


def test_a_port_added_to_a_rule_is_named_by_its_value() -> None:
    rules = [_rule("Allow DNS", "53"), _rule("Allow HTTPS outbound", "443")]
    changed = copy.deepcopy(rules)
    changed[1][3] = _strings(f"{FW}_remoteportranges", ["443", "8443"])
    [change] = _changes(_policy(_group(FW, rules)), _policy(_group(FW, changed)))
    assert change["path"] == (
        f"settings/{FW}/groupSettingCollectionValue/Allow HTTPS outbound/children/{FW}_remoteportranges"
        "/simpleSettingCollectionValue/8443"
    )
    assert change["before"] is None and change["after"]["value"] == "8443"


def test_a_value_added_to_a_top_level_collection_is_named_by_the_value() -> None:
    ext = "device_vendor_msft_policy_config_defender_excludedextensions"
    before = _policy(_strings(ext, [".log", ".pst"]))
    after = _policy(_strings(ext, [".log", ".pst", ".vhdx"]))
    [change] = _changes(before, after)
    assert change["path"] == f"settings/{ext}/simpleSettingCollectionValue/.vhdx"
    assert change["before"] is None and change["after"] == {"@odata.type": STRING, "value": ".vhdx"}


def test_reordered_elements_and_children_give_nothing() -> None:
    rules = [_rule(f"Rule {i}", str(1000 + i)) for i in range(6)]
    shuffled = [list(reversed(r)) for r in reversed(rules)]
    assert (
        _changes(
            _policy(_group(FW, rules), _asr(dict.fromkeys(RULES, "block"))),
            _policy(_asr(dict(reversed(list(dict.fromkeys(RULES, "block").items())))), _group(FW, shuffled)),
        )
        == []
    )


# -- properties ---------------------------------------------------------------------------------

MODES = st.sampled_from(["block", "audit", "warn", "off"])


@st.composite
def _rule_sets(draw: st.DrawFn) -> tuple[list[list[dict[str, Any]]], int, str]:
    count = draw(st.integers(min_value=1, max_value=7))
    names = draw(st.lists(st.text("abcdefgh ", min_size=1, max_size=6), min_size=count, max_size=count, unique=True))
    rules = [
        _rule(
            name,
            str(draw(st.integers(1, 65535))),
            draw(st.sampled_from(["0", "1"])),
            draw(st.sampled_from(["in", "out"])),
        )
        for name in names
    ]
    target = draw(st.integers(min_value=0, max_value=count - 1))
    return rules, target, draw(st.sampled_from(["enabled", "direction", "port"]))


def _modify(rules: list[list[dict[str, Any]]], index: int, what: str) -> list[list[dict[str, Any]]]:
    out = copy.deepcopy(rules)
    name = out[index][0]["simpleSettingValue"]["value"]
    enabled = out[index][2]["choiceSettingValue"]["value"].rsplit("_", 1)[1]
    direction = out[index][1]["choiceSettingValue"]["value"].rsplit("_", 1)[1]
    port = out[index][3]["simpleSettingCollectionValue"][0]["value"]
    if what == "enabled":
        enabled = "0" if enabled == "1" else "1"
    elif what == "direction":
        direction = "in" if direction == "out" else "out"
    else:
        port = str(int(port) % 65535 + 1)
    out[index] = _rule(name, port, enabled, direction)
    return out


@settings(max_examples=150, deadline=None)
@given(_rule_sets(), st.integers(0, 2**32))
def test_one_changed_child_is_one_change_in_any_order(case: tuple[Any, int, str], seed: int) -> None:
    rules, index, what = case
    changed = _modify(rules, index, what)
    rng = random.Random(seed)
    shuffled_before = rng.sample(rules, len(rules))
    shuffled_after = rng.sample(changed, len(changed))
    forward = _changes(_policy(_group(FW, rules)), _policy(_group(FW, changed)))
    assert _changes(_policy(_group(FW, shuffled_before)), _policy(_group(FW, shuffled_after))) == forward
    child_id = {"enabled": f"{FW}_enabled", "direction": f"{FW}_direction", "port": f"{FW}_remoteportranges"}[what]
    assert forward and all(f"/children/{child_id}/" in c["path"] for c in forward)
    # A changed port is the old value gone and the new one come (a set); anything else is one change.
    assert len(forward) == (2 if what == "port" else 1)
    if len(rules) > 1:
        name = rules[index][0]["simpleSettingValue"]["value"]
        assert all(f"/groupSettingCollectionValue/{name}/children/" in c["path"] for c in forward)
    backward = _changes(_policy(_group(FW, changed)), _policy(_group(FW, rules)))
    assert backward == [dict(c, before=c["after"], after=c["before"]) for c in forward]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 3), min_size=1), max_size=6),
    st.lists(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 3), min_size=1), max_size=6),
    st.integers(0, 2**32),
)
def test_pairing_is_deterministic_order_independent_and_mirrors(
    before: list[dict[str, int]], after: list[dict[str, int]], seed: int
) -> None:
    rng = random.Random(seed)
    pairs = pair_elements(SC, before, after)
    assert pair_elements(SC, rng.sample(before, len(before)), rng.sample(after, len(after))) == pairs
    assert sorted((repr(b) for b, _ in pairs if b is not None)) == sorted(repr(b) for b in before)
    assert sorted((repr(a) for _, a in pairs if a is not None)) == sorted(repr(a) for a in after)
    mirrored = pair_elements(SC, after, before)
    assert sorted(repr(pair) for pair in mirrored) == sorted(repr((now, was)) for was, now in pairs)
    # Identical elements always pair with each other.
    identical = [b for b, a in pairs if b is not None and b == a]
    common = sum(min(before.count(e), after.count(e)) for e in {repr(x): x for x in before}.values())
    assert len(identical) == common


def test_a_large_collection_with_every_rule_changed_still_pairs_each_rule_with_itself() -> None:
    # 60 x 60 candidate pairs: past the optimal assignment's bound, paired greedily.
    rules = [_rule(f"Rule {i:02d}", str(2000 + i)) for i in range(60)]
    changed = [_rule(f"Rule {i:02d}", str(2000 + i), enabled="0") for i in range(60)]
    changes = _changes(_policy(_group(FW, rules)), _policy(_group(FW, changed)))
    assert [c["path"] for c in changes] == [
        f"settings/{FW}/groupSettingCollectionValue/Rule {i:02d}/children/{FW}_enabled/choiceSettingValue/value"
        for i in range(60)
    ]
