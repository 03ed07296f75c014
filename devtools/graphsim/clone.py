"""A tenant configured exactly like another, under its own ids and names (for alignment tests and demos).

Two customers of one MSP often run the same configuration, created separately: every object, group,
filter and named location has another id, policies carry the customer's own names, yet the settings
are the same. ``clone_tenant`` builds such a tenant from a simulated one.
"""

from __future__ import annotations

import random
import re
from typing import Any

from devtools.graphsim.catalog import COLLECTIONS, NESTED, SINGLETONS, TYPE_BUCKETS, TYPE_KEYS
from devtools.graphsim.store import SimTenant
from devtools.graphsim.util import guid

# Ids that mean the same in every tenant: built-in scope tags ("0", "1", ...), the singleton policies,
# and cross-tenant access partners (keyed by the partner's own tenant id, which a twin shares).
KEPT_TYPES = frozenset({"roleScopeTag", "crossTenantAccessPartner"}) | SINGLETONS
_PER_TENANT_FIELDS = frozenset({"secretReferenceValueId"})


_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _renamed(value: Any, ids: dict[str, str], rng: random.Random) -> Any:
    if isinstance(value, str):
        if value in ids:
            return ids[value]
        # Ids inside longer strings too (an annotation's URL names its object).
        return _GUID.sub(lambda m: ids.get(m.group(0), m.group(0)), value)
    if isinstance(value, list):
        return [_renamed(v, ids, rng) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out[key] = guid(rng) if key in _PER_TENANT_FIELDS and isinstance(inner, str) else _renamed(inner, ids, rng)
        return out
    return value


def clone_tenant(
    source: SimTenant, name: str, tenant_id: str, *, name_prefix: str = "", seed: int = 0
) -> tuple[SimTenant, dict[str, str]]:
    """A tenant with the same configuration as ``source`` but new ids for every object, group,
    filter, named location and secret reference (and its own tenant id wherever the source's
    appears), and ``name_prefix`` before every policy name.
    Returns the tenant and the id map (old id → new id) for variables. Secret values stay the same
    (the same configuration), so their keyed hashes agree."""
    rng = random.Random(f"clone:{seed}:{name}")
    clone = SimTenant(name=name, tenant_id=tenant_id, seed=seed)
    clone.audit.recording = False  # a tenant as found, like a generated one
    # The tenant's own id appears in settings too (OneDrive known folder move, tenant allow lists).
    ids: dict[str, str] = {source.tenant_id: tenant_id}
    for group in source.groups():
        ids[group["id"]] = guid(rng)
    for deleted in source.deleted_group_ids:
        ids.setdefault(deleted, guid(rng))
    for type_key in TYPE_KEYS:
        if type_key in KEPT_TYPES:
            continue
        for object_id in source.ids(type_key):
            prefix = object_id[:2] if object_id[:2] in ("T_", "A_") else ""
            ids[object_id] = prefix + guid(rng)
    for group in source.groups():
        props = {k: v for k, v in group.items() if k not in ("id", "displayName")}
        clone.add_group(str(group["displayName"]), group_id=ids[group["id"]], **props)
    clone.deleted_group_ids = {ids[g] for g in source.deleted_group_ids}
    # The owners of nested collections (Apple enrollment program tokens) come first.
    for owner_bucket in sorted({spec.parent for spec in NESTED if spec.parent}):
        for owner in source.snapshot(owner_bucket):
            ids[str(owner["id"])] = guid(rng)
            clone.add_catalog_object(owner_bucket, _renamed(owner, ids, rng))
    for type_key in TYPE_KEYS:
        nested = COLLECTIONS[TYPE_BUCKETS[type_key][0]].parent is not None
        for key, obj in zip(source.ids(type_key), source.objects(type_key), strict=True):
            new = _renamed(obj, ids, rng)
            for row in new.get("assignments") or []:
                row["id"] = f"{new['id']}_{guid(rng)}"
                if "sourceId" in row:
                    row["sourceId"] = new["id"]
            field = "name" if "name" in new and "displayName" not in new else "displayName"
            if name_prefix and type_key not in KEPT_TYPES and field in new:
                new[field] = f"{name_prefix}{new[field]}"
            owner = source.parent_of(TYPE_BUCKETS[type_key][0], key) if nested else None
            clone.add(type_key, new, parent=ids[owner] if owner else None, builtin=source.is_builtin(type_key, key))
    clone.audit.recording = True
    return clone, ids
