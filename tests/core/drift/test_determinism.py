"""Determinism (DESIGN §5): the same tenant state gives byte-identical findings in any order, any process."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core.canonical import canonical_bytes
from shared.core.contracts import CONTRACTS
from shared.core.drift import SEVERITIES, modification_severity
from tests.core.drift.fixtures import TYPES, compare, random_pair, shuffled, snapshot

ROOT = Path(__file__).resolve().parents[3]
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=150, deadline=None)
@given(SEEDS, SEEDS)
def test_reordering_items_keys_and_arrays_of_the_raw_graph_data_never_changes_the_findings(
    seed: int, order: int
) -> None:
    before, after = random_pair(seed)
    expected = compare(snapshot(1, before), snapshot(2, after))
    rng = random.Random(order)
    actual = compare(snapshot(1, shuffled(before, rng)), snapshot(2, shuffled(after, rng)))
    assert actual.findings == expected.findings
    assert canonical_bytes(actual.findings) == canonical_bytes(expected.findings)


@settings(max_examples=150, deadline=None)
@given(SEEDS)
def test_findings_are_exactly_the_objects_that_differ(seed: int) -> None:
    before, after = random_pair(seed)
    baseline, current = snapshot(1, before), snapshot(2, after)
    comparison = compare(baseline, current)
    found = {(f["policyType"], f["subjectId"]): f["changeType"] for f in comparison.findings}
    assert len(found) == len(comparison.findings)
    expected: dict[tuple[str, str], str] = {}
    for policy_type in TYPES:
        old = {i["id"]: i["hash"] for i in baseline["types"][policy_type]["items"]}
        new = {i["id"]: i["hash"] for i in current["types"][policy_type]["items"]}
        expected.update({(policy_type, i): "removed" for i in old.keys() - new.keys()})
        expected.update({(policy_type, i): "added" for i in new.keys() - old.keys()})
        expected.update({(policy_type, i): "modified" for i in old.keys() & new.keys() if old[i] != new[i]})
    assert found == expected
    for finding in comparison.findings:
        paths = [c["path"] for c in finding["changes"]]
        assert paths == sorted(paths)
        assert finding["categories"] == sorted({c["category"] for c in finding["changes"]})
        if finding["changeType"] != "modified":
            assert finding["changes"] == []
            continue
        assert finding["changes"]
        assert finding["severity"] == modification_severity(CONTRACTS[finding["policyType"]], finding["changes"])
        # One change per added or removed element: never a change inside another change.
        for path in paths:
            assert not any(other.startswith(path + "/") for other in paths), (path, paths)


@settings(max_examples=100, deadline=None)
@given(SEEDS)
def test_swapping_baseline_and_current_mirrors_every_finding(seed: int) -> None:
    before, after = random_pair(seed)
    forward = compare(snapshot(1, before), snapshot(2, after)).findings
    backward = compare(snapshot(1, after), snapshot(2, before)).findings
    mirror = {"added": "removed", "removed": "added", "modified": "modified"}
    assert [(f["policyType"], f["subjectId"], mirror[f["changeType"]]) for f in forward] == sorted(
        (f["policyType"], f["subjectId"], f["changeType"]) for f in backward
    )
    back = {(f["policyType"], f["subjectId"]): f for f in backward}
    for finding in forward:
        other = back[(finding["policyType"], finding["subjectId"])]
        swapped = [(c["path"], c["category"], c["after"], c["before"]) for c in other["changes"]]
        assert [(c["path"], c["category"], c["before"], c["after"]) for c in finding["changes"]] == swapped
    assert compare(snapshot(1, before), snapshot(2, before)).findings == []


def test_the_generated_tenants_exercise_every_kind_of_drift() -> None:
    # The properties above prove nothing on empty results: the corpus must hold every kind of finding.
    kinds: Counter[str] = Counter()
    for seed in range(60):
        before, after = random_pair(seed)
        for finding in compare(snapshot(1, before), snapshot(2, after)).findings:
            kinds[finding["changeType"]] += 1
            kinds[f"severity:{finding['severity']}"] += 1
            kinds[f"type:{finding['policyType']}"] += 1
            kinds.update(f"category:{c}" for c in finding["categories"])
    expected = {"added", "removed", "modified", "category:settings", "category:assignments", "category:metadata"}
    expected |= {f"severity:{s}" for s in SEVERITIES} | {f"type:{t}" for t in TYPES}
    assert expected <= set(kinds), kinds


_CHILD = """
import hashlib, random, sys
from shared.core.canonical import canonical_bytes
from tests.core.drift.fixtures import compare, random_pair, shuffled, snapshot
digest = hashlib.sha256()
for seed in range(int(sys.argv[1])):
    before, after = random_pair(seed)
    rng = random.Random(int(sys.argv[2]) * 1000 + seed)
    digest.update(canonical_bytes(compare(snapshot(1, shuffled(before, rng)), snapshot(2, shuffled(after, rng))).findings))
print(digest.hexdigest())
"""


def _digest_here(count: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    total = 0
    for seed in range(count):
        before, after = random_pair(seed)
        findings: list[Any] = compare(snapshot(1, before), snapshot(2, after)).findings
        total += len(findings)
        digest.update(canonical_bytes(findings))
    return digest.hexdigest(), total


def test_other_processes_with_other_hash_seeds_give_byte_identical_findings() -> None:
    count = 40
    expected, total = _digest_here(count)
    assert total > 50
    for hash_seed, order in (("0", 1), ("1", 2), ("4242", 3)):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, str(count), str(order)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        assert result.stdout.strip() == expected, result.stderr


def test_the_drift_core_imports_no_azure_sdk_and_does_no_io() -> None:
    probe = (
        "import sys, shared.core.drift\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(roots & {'azure', 'msgraph', 'kiota_abstractions', 'httpx', 'aiohttp', 'requests', 'urllib3', 'socket'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
