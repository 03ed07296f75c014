"""The item-by-item snapshot reader agrees with the whole-document reader and refuses bad input alike."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from shared.core.snapshot import decode_snapshot, encode_snapshot
from shared.core.snapshot.reader import differs_from, scan_snapshot
from shared.errors import SnapshotError


def _doc(values: dict[str, int], failed: bool = False) -> dict[str, Any]:
    items = [
        {
            "id": key,
            "displayName": f"Policy {key}",
            "hash": f"h{value}",
            "content": {"v": value, "é": "ü"},
            "assignments": [],
        }
        for key, value in sorted(values.items())
    ]
    return {
        "schemaVersion": 1, "tenantId": "t", "runId": "r", "scopeKey": "s", "selection": ["namedLocation", "roleScopeTag"],
        "status": "partial" if failed else "completed", "startedAt": "a", "finishedAt": "b",
        "types": {
            "namedLocation": {"status": "complete", "errorCode": None, "error": None, "itemCount": len(items), "items": items},
            "roleScopeTag": {"status": "failed" if failed else "complete", "errorCode": "forbidden" if failed else None,
                             "error": None, "itemCount": 0, "items": []},
        },
    }  # fmt: skip


def test_keeping_everything_gives_exactly_the_whole_document() -> None:
    data = encode_snapshot(_doc({"a": 1, "b": 2}, failed=True))
    document, index = scan_snapshot(data)
    assert document == decode_snapshot(data)
    assert index == {("namedLocation", "a"): "h1", ("namedLocation", "b"): "h2"}


def test_only_differing_items_are_kept_whole() -> None:
    baseline = encode_snapshot(_doc({"a": 1, "b": 2, "c": 3}))
    current = encode_snapshot(_doc({"a": 1, "b": 5, "d": 4}))
    _, base_index = scan_snapshot(baseline, keep=lambda _t, _i: False)
    doc, _ = scan_snapshot(current, differs_from(base_index))
    items = {i["id"]: i for i in doc["types"]["namedLocation"]["items"]}
    assert items["a"] == {"id": "a", "hash": "h1", "displayName": "Policy a"}
    assert "content" in items["b"] and "content" in items["d"]


def test_whitespace_and_key_order_do_not_matter() -> None:
    doc = _doc({"a": 1})
    pretty = gzip.compress(json.dumps(doc, indent=2).encode())
    assert scan_snapshot(pretty)[0] == doc


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"plain", "snapshot_corrupt"),
        (gzip.compress(b'{"schemaVersion": 1, "types": {'), "snapshot_corrupt"),
        (gzip.compress(b"[1, 2]"), "snapshot_invalid"),
        (gzip.compress(b'{"schemaVersion": 2, "types": {}}'), "snapshot_unsupported_version"),
        (gzip.compress(b'{"schemaVersion": 1}'), "snapshot_invalid"),
        (
            gzip.compress(b'{"schemaVersion": 1, "types": {"x": {"status": "complete", "items": [{"id": 1}]}}}'),
            "snapshot_invalid",
        ),
        (gzip.compress(b"\xff\xfe"), "snapshot_corrupt"),
    ],
)
def test_bad_snapshots_raise_the_same_stable_codes(data: bytes, code: str) -> None:
    with pytest.raises(SnapshotError) as scanned:
        scan_snapshot(data)
    assert scanned.value.code == code
    with pytest.raises(SnapshotError) as decoded:
        decode_snapshot(data)
    assert decoded.value.code == code


def test_a_truncated_snapshot_is_corrupt() -> None:
    data = encode_snapshot(_doc({str(i): i for i in range(200)}))
    with pytest.raises(SnapshotError) as error:
        scan_snapshot(data[: len(data) // 2])
    assert error.value.code == "snapshot_corrupt"


def test_references_are_read_beside_stubbed_items_and_older_snapshots_without_them_still_read() -> None:
    references = {
        "names": {"group": {"g1": "Pilot devices"}},
        "settingDefinitions": {"d": {"displayName": "D", "options": {}, "parentId": None}},
        "unresolved": {},
        "errors": {},
    }
    data = encode_snapshot({**_doc({"a": 1, "b": 2}), "references": references})
    document, _ = scan_snapshot(data, keep=lambda _t, _i: False)
    assert document["references"] == references
    assert all(set(i) == {"id", "hash", "displayName"} for i in document["types"]["namedLocation"]["items"])
    older, _ = scan_snapshot(encode_snapshot(_doc({"a": 1})))
    assert "references" not in older and older["schemaVersion"] == 1


def test_references_that_are_not_an_object_make_the_snapshot_invalid() -> None:
    data = encode_snapshot({**_doc({"a": 1}), "references": ["not", "an", "object"]})
    with pytest.raises(SnapshotError) as error:
        scan_snapshot(data)
    assert error.value.code == "snapshot_invalid"


def test_the_audit_section_is_read_beside_stubbed_items_and_older_snapshots_without_it_still_read() -> None:
    from shared.core.attribution import audit_section, source_read, trim_events

    events = trim_events(
        "entra",
        [{"id": "d1", "activityDateTime": "2026-11-29T12:00:00Z", "targetResources": [{"id": "a", "type": "Policy"}]}],
    )
    audit = audit_section(
        since="2026-11-29T06:00:00.000Z", read_at="2026-11-29T12:00:01.000Z", pending_since=None,
        sources={"entra": source_read("complete")}, events=events,
    )  # fmt: skip
    document, _ = scan_snapshot(encode_snapshot({**_doc({"a": 1}), "audit": audit}), keep=lambda _t, _i: False)
    assert document["audit"] == audit
    assert document["audit"]["sources"]["intune"] == {"status": "notRead", "errorCode": None}
    older, _ = scan_snapshot(encode_snapshot(_doc({"a": 1})))
    assert "audit" not in older


@pytest.mark.parametrize("audit", [["not", "an", "object"], {"events": "not a list"}])
def test_an_audit_section_of_the_wrong_shape_makes_the_snapshot_invalid(audit: Any) -> None:
    with pytest.raises(SnapshotError) as error:
        scan_snapshot(encode_snapshot({**_doc({"a": 1}), "audit": audit}))
    assert error.value.code == "snapshot_invalid"
