"""Alignment is deterministic (DESIGN §14): the order of objects, settings and arrays never changes the result."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core.alignment import align, freeze_template
from shared.core.canonical import canonical_bytes
from tests.core.drift.fixtures import random_pair, shuffled, snapshot

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
OTHER_TENANT = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"


def _template(items: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return freeze_template(
        template_id="t",
        version=1,
        display_name="T",
        snapshot=snapshot(1, items),
        objects=None,
        variables={},
        compare_assignments=True,
        created_at="2026-01-01T00:00:00Z",
    )


def _renamed(items: dict[str, list[dict[str, Any]]], rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for policy_type, raws in items.items():
        out[policy_type] = []
        for raw in raws:
            other = copy.deepcopy(raw)
            other["id"] = f"x-{rng.getrandbits(32):08x}-{raw['id']}"
            other["name" if "name" in raw else "displayName"] = f"Renamed {rng.getrandbits(16)}"
            out[policy_type].append(other)
    return out


@settings(max_examples=150, deadline=None)
@given(SEEDS, SEEDS)
def test_reordering_the_tenant_and_the_template_never_changes_the_alignment(seed: int, order: int) -> None:
    reference, tenant = random_pair(seed)
    expected = align(_template(reference), snapshot(2, tenant, tenant=OTHER_TENANT), {})
    rng = random.Random(order)
    actual = align(_template(shuffled(reference, rng)), snapshot(2, shuffled(tenant, rng), tenant=OTHER_TENANT), {})
    assert canonical_bytes(actual) == canonical_bytes(expected)


@settings(max_examples=150, deadline=None)
@given(SEEDS, SEEDS)
def test_the_same_content_under_other_ids_and_names_scores_100_without_deviation(seed: int, names: int) -> None:
    reference, _ = random_pair(seed)
    twin = snapshot(2, _renamed(reference, random.Random(names)), tenant=OTHER_TENANT)
    result = align(_template(reference), twin, {})
    assert result["deviations"] == [] and result["score"] == 100.0


@settings(max_examples=100, deadline=None)
@given(SEEDS)
def test_counts_add_up_to_the_template_and_every_deviation_is_accounted_for(seed: int) -> None:
    reference, tenant = random_pair(seed)
    result = align(_template(reference), snapshot(2, tenant, tenant=OTHER_TENANT), {})
    counts = result["counts"]
    by_kind = {
        k: sum(1 for d in result["deviations"] if d["kind"] == k)
        for k in ("missing_setting", "different_value", "conflicting")
    }
    assert counts["different"] == by_kind["different_value"]
    assert counts["conflicting"] == by_kind["conflicting"]
    assert counts["missing"] >= by_kind["missing_setting"]
    total = sum(counts.values())
    assert result["score"] == (100.0 if total == 0 else (counts["matched"] * 1000 // total) / 10)
