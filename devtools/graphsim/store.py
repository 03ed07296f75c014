"""SimTenant: one simulated tenant's objects, with a thread-safe mutation API for tests and demos.

Stored objects are *full* objects: navigation properties (``assignments``, ``settings`` ...) are
plain keys; the router strips them unless expanded. Stored objects are never mutated in place (every
change replaces the object), so the server thread can serve a snapshot without holding the lock.
"""

from __future__ import annotations

import copy
import random
import threading
from collections.abc import Callable, Iterator
from typing import Any, Literal

from devtools.graphsim.audit import AuditLog
from devtools.graphsim.catalog import (
    BUCKETS,
    COLLECTIONS,
    TYPE_BUCKETS,
    TYPE_KEYS,
    UNORDERED_ARRAY_KEYS,
    bucket_for,
    nav_names,
)
from devtools.graphsim.util import etag, guid, now_timestamp, random_timestamp

Obj = dict[str, Any]

SECRET_PROPERTY_NAMES: frozenset[str] = frozenset(
    {
        "preSharedKey",
        "password",
        "sharedSecret",
        "kioskModeExitCode",
        # DESIGN §10: enrollment tokens and the passwords enrollment profiles carry
        "tokenValue",
        "qrCodeContent",
        "wifiPassword",
        "adminAccountPassword",
    }
)
SECRET_SETTING_VALUE_TYPE = "#microsoft.graph.deviceManagementConfigurationSecretSettingValue"
SETTINGS_CATALOG_BUCKET = "deviceManagement/configurationPolicies"
GROUPS_BUCKET = "groups"
GROUP_POLICY_DEFINITIONS = "deviceManagement/groupPolicyDefinitions"

ASSIGNMENT_TARGET_TYPES: dict[str, str] = {
    "group": "#microsoft.graph.groupAssignmentTarget",
    "exclusion": "#microsoft.graph.exclusionGroupAssignmentTarget",
    "allDevices": "#microsoft.graph.allDevicesAssignmentTarget",
    "allLicensedUsers": "#microsoft.graph.allLicensedUsersAssignmentTarget",
}


def make_assignment(
    assignment_id: str,
    source_id: str,
    target: str = "group",
    group_id: str | None = None,
    filter_id: str | None = None,
    filter_type: str = "none",
) -> Obj:
    """An Intune assignment row (``target`` is group, exclusion, allDevices or allLicensedUsers)."""
    odata_type = ASSIGNMENT_TARGET_TYPES[target]
    tgt: Obj = {
        "@odata.type": odata_type,
        "deviceAndAppManagementAssignmentFilterId": filter_id,
        "deviceAndAppManagementAssignmentFilterType": filter_type if filter_id else "none",
    }
    if target in ("group", "exclusion"):
        if not group_id:
            raise ValueError(f"a {target} assignment needs a group id")
        tgt["groupId"] = group_id
    return {"id": assignment_id, "source": "direct", "sourceId": source_id, "target": tgt}


def iter_setting_instances(node: Any) -> Iterator[Obj]:
    """Every settings catalog setting instance under ``node``, however deeply nested."""
    if isinstance(node, dict):
        if "settingDefinitionId" in node:
            yield node
        for value in node.values():
            yield from iter_setting_instances(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_setting_instances(item)


def iter_secret_slots(node: Any) -> Iterator[tuple[Obj, str]]:
    """(container, key) of every secret-bearing value: encrypted OMA values, secret setting values,
    and properties named in SECRET_PROPERTY_NAMES (pre-shared keys, passwords, enrollment tokens)."""
    if isinstance(node, dict):
        if node.get("isEncrypted") is True and "value" in node and "omaUri" in node:
            yield node, "value"
        if node.get("@odata.type") == SECRET_SETTING_VALUE_TYPE:
            yield node, "value"
        for key, value in node.items():
            if key in SECRET_PROPERTY_NAMES and isinstance(value, str):
                yield node, key
            elif isinstance(value, (dict, list)):
                yield from iter_secret_slots(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_secret_slots(item)


class SimTenant:
    """The policies, groups and planted secrets of one simulated tenant."""

    def __init__(self, name: str = "Simulated Tenant", tenant_id: str | None = None, *, seed: int = 0) -> None:
        self.name = name
        self.seed = seed
        self.tenant_id = tenant_id or guid(random.Random(f"tenant:{seed}:{name}"))
        slug = "".join(ch for ch in name.lower() if ch.isalnum()) or "simtenant"
        self.domain = f"{slug[:24]}.onmicrosoft.com"
        self.deleted_group_ids: set[str] = set()
        """Group ids that assignments reference but that no longer exist (getByIds omits them)."""
        self.granted: frozenset[str] | None = None
        """The application permissions this tenant's admin consented to (None: all of them); a
        collection none of whose permissions is granted answers 403."""
        self._lock = threading.RLock()
        self._buckets: dict[str, dict[str, Obj]] = {b: {} for b in BUCKETS}
        self._parents: dict[str, dict[str, str]] = {b: {} for b in BUCKETS if COLLECTIONS[b].parent}
        self._builtin: set[tuple[str, str]] = set()
        self._planted: set[str] = set()
        self._markers: set[str] = set()
        self._rng = random.Random(f"mutations:{seed}:{name}")
        self._secret_seq = 0
        self._marker_seq = 0
        self.catalog_version = 0
        """Bumped whenever a catalogue object (ADMX or settings catalog definition) changes."""
        self.audit = AuditLog(self.tenant_id, self.domain)
        """The tenant's audit logs: every add, update and delete is logged as Graph logs it."""

    def __repr__(self) -> str:
        return f"SimTenant(name={self.name!r}, tenant_id={self.tenant_id!r}, objects={self.size})"

    # -- planted markers ----------------------------------------------------------------------

    def plant_secret(self) -> str:
        """A new unique secret value (contains ``PLANTED-SECRET-``), registered as planted."""
        with self._lock:
            self._secret_seq += 1
            value = f"PLANTED-SECRET-{self.seed:x}-{self._secret_seq:04d}-{self._rng.getrandbits(40):010x}"
            self._planted.add(value)
            return value

    def new_script_marker(self) -> str:
        """A new unique script body marker (``PLANTED-SCRIPT-BODY-<n>``), registered."""
        with self._lock:
            self._marker_seq += 1
            value = f"PLANTED-SCRIPT-BODY-{self.seed:x}x{self._marker_seq:04d}"
            self._markers.add(value)
            return value

    def planted_secrets(self) -> set[str]:
        """Every secret value ever planted in this tenant (rotated-away values included)."""
        with self._lock:
            return set(self._planted)

    def script_markers(self) -> set[str]:
        with self._lock:
            return set(self._markers)

    # -- reading ------------------------------------------------------------------------------

    @staticmethod
    def _check_type(type_key: str) -> tuple[str, ...]:
        if type_key not in TYPE_BUCKETS:
            raise KeyError(f"unknown type key {type_key!r}; known: {', '.join(TYPE_KEYS)}")
        return TYPE_BUCKETS[type_key]

    def objects(self, type_key: str) -> list[Obj]:
        """Deep copies of every full object of a type (navigation properties included)."""
        buckets = self._check_type(type_key)
        with self._lock:
            return [copy.deepcopy(o) for b in buckets for o in self._buckets[b].values()]

    def ids(self, type_key: str) -> list[str]:
        buckets = self._check_type(type_key)
        with self._lock:
            return [i for b in buckets for i in self._buckets[b]]

    def get(self, type_key: str, object_id: str) -> Obj:
        """A deep copy of one full object; KeyError when absent."""
        bucket = self._locate(type_key, object_id)
        with self._lock:
            return copy.deepcopy(self._buckets[bucket][object_id])

    def counts(self) -> dict[str, int]:
        """Objects per type key, Microsoft's built-in ones (``is_builtin``) not counted."""
        with self._lock:
            return {
                k: sum(1 for b in TYPE_BUCKETS[k] for i in self._buckets[b] if (b, i) not in self._builtin)
                for k in TYPE_KEYS
            }

    def is_builtin(self, type_key: str, object_id: str) -> bool:
        """Whether an object is Microsoft's (a store app offered for app protection), not the tenant's."""
        return (self._locate(type_key, object_id), object_id) in self._builtin

    def parent_of(self, bucket: str, object_id: str) -> str | None:
        """The owning element's id of an object in a nested collection (an enrollment profile's token)."""
        with self._lock:
            return self._parents.get(bucket, {}).get(object_id)

    @property
    def size(self) -> int:
        """Top-level policy objects across all type keys (groups not counted)."""
        return sum(self.counts().values())

    def groups(self) -> list[Obj]:
        with self._lock:
            return [copy.deepcopy(g) for g in self._buckets[GROUPS_BUCKET].values()]

    def group_name(self, group_id: str) -> str | None:
        with self._lock:
            group = self._buckets[GROUPS_BUCKET].get(group_id)
            return None if group is None else str(group.get("displayName"))

    # -- for the router (snapshots of immutable objects, no copies) ---------------------------

    def snapshot(self, bucket: str) -> list[Obj]:
        with self._lock:
            return list(self._buckets[bucket].values())

    def lookup(self, bucket: str, object_id: str) -> Obj | None:
        with self._lock:
            return self._buckets[bucket].get(object_id)

    # -- generic mutation ---------------------------------------------------------------------

    def _locate(self, type_key: str, object_id: str) -> str:
        buckets = self._check_type(type_key)
        with self._lock:
            for b in buckets:
                if object_id in self._buckets[b]:
                    return b
        raise KeyError(f"{type_key} {object_id!r} not found in tenant {self.name!r}")

    def _store(self, bucket: str, obj: Obj) -> None:
        self._normalise(bucket, obj)
        with self._lock:
            self._buckets[bucket][str(obj[COLLECTIONS[bucket].key_field])] = obj

    @staticmethod
    def _normalise(bucket: str, obj: Obj) -> None:
        """Keep derived properties consistent with content (settingCount, deployedAppCount ...)."""
        if bucket == SETTINGS_CATALOG_BUCKET and "settings" in obj:
            obj["settingCount"] = len(obj["settings"] or [])
        if "apps" in obj and "deployedAppCount" in obj:
            obj["deployedAppCount"] = len(obj["apps"] or [])
        if "isAssigned" in obj and "assignments" in obj:
            obj["isAssigned"] = bool(obj["assignments"])

    def _bump(self, obj: Obj, versioned: bool = True) -> None:
        stamp = now_timestamp()
        # Only the timestamp the entity has (role definitions and device categories have none).
        if "modifiedDateTime" in obj and "lastModifiedDateTime" not in obj:
            obj["modifiedDateTime"] = stamp
        elif "lastModifiedDateTime" in obj:
            obj["lastModifiedDateTime"] = stamp
        version = obj.get("version")
        if isinstance(version, bool) or not versioned:
            return
        if isinstance(version, int):
            obj["version"] = version + 1
        elif isinstance(version, str) and version.startswith('"'):
            with self._lock:
                obj["version"] = etag(self._rng)

    def update(self, type_key: str, object_id: str, fn: Callable[[Obj], None], *, bump: bool = True) -> Obj:
        """Apply ``fn`` to a deep copy of the object and store it back (bumping lastModifiedDateTime
        and version). Returns a copy of the stored object."""
        with self._lock:
            bucket = self._locate(type_key, object_id)
            obj = copy.deepcopy(self._buckets[bucket][object_id])
            before = self._buckets[bucket][object_id]
            fn(obj)
            obj[COLLECTIONS[bucket].key_field] = object_id
            if bump:
                self._bump(obj, COLLECTIONS[bucket].versioned)
            self._store(bucket, obj)
            self._audit(bucket, "Patch", object_id, before, obj)
            return copy.deepcopy(obj)

    def add(self, type_key: str, obj: Obj, *, parent: str | None = None, builtin: bool = False) -> str:
        """Add a full object (an id is generated when missing); returns its key.

        ``parent``: the owning element of a nested collection (a DEP token for an enrollment
        profile). ``builtin``: Microsoft's object, served but not counted (``is_builtin``).
        """
        bucket = bucket_for(type_key, obj)
        spec = COLLECTIONS[bucket]
        new = copy.deepcopy(obj)
        with self._lock:
            if spec.key_field == "id" and not new.get("id"):
                new["id"] = guid(self._rng)
            key = str(new[spec.key_field])
            if key in self._buckets[bucket]:
                raise ValueError(f"{type_key} {key!r} already exists")
            if spec.parent:
                if parent is None or parent not in self._buckets[spec.parent]:
                    raise ValueError(f"{type_key} needs the id of an existing {spec.parent} element")
                self._parents[bucket][key] = parent
            stamp = now_timestamp()
            if spec.intune and spec.stamped:
                new.setdefault("createdDateTime", stamp)
                new.setdefault("lastModifiedDateTime", stamp)
            for nav in spec.navs:
                if nav.name == "assignments":
                    new.setdefault("assignments", [])
            if builtin:
                self._builtin.add((bucket, key))
            self._store(bucket, new)
            self._audit(bucket, "Create", key, None, new)
            return key

    def delete(self, type_key: str, object_id: str) -> None:
        with self._lock:
            bucket = self._locate(type_key, object_id)
            before = self._buckets[bucket].pop(object_id)
            self._parents.get(bucket, {}).pop(object_id, None)
            self._builtin.discard((bucket, object_id))
            self._audit(bucket, "Delete", object_id, before, None)

    def _audit(
        self,
        bucket: str,
        operation: Literal["Create", "Patch", "Delete"],
        object_id: str,
        before: Obj | None,
        after: Obj | None,
    ) -> None:
        """Log a change in the audit log of its service (Intune or Entra), when logging is on."""
        if not self.audit.recording:
            return
        spec = COLLECTIONS[bucket]
        shown = after or before or {}
        self.audit.record(
            intune=spec.intune,
            bucket=bucket,
            entity_type=spec.entity_type,
            operation=operation,
            object_id=object_id,
            display_name=shown.get("displayName") or shown.get("name"),
            before=before,
            after=after,
        )

    def add_group(self, display_name: str, group_id: str | None = None, **props: Any) -> str:
        """Add an Entra group (for assignments and ``directoryObjects/getByIds``)."""
        with self._lock:
            gid = group_id or guid(self._rng)
            group: Obj = {
                "@odata.type": "#microsoft.graph.group",
                "id": gid,
                "displayName": display_name,
                "description": None,
                "mailEnabled": False,
                "mailNickname": display_name.replace(" ", "")[:20] or gid[:8],
                "securityEnabled": True,
                "groupTypes": [],
                "membershipRule": None,
                "membershipRuleProcessingState": None,
                "createdDateTime": now_timestamp()[:19] + "Z",
                "deletedDateTime": None,
                "visibility": None,
            }
            group.update(props)
            self._buckets[GROUPS_BUCKET][gid] = group
            self.deleted_group_ids.discard(gid)
            return gid

    def add_catalog_object(self, bucket: str, obj: Obj) -> None:
        """Add an object of a collection that is no policy type (the ADMX definition catalogue)."""
        if COLLECTIONS[bucket].type_key is not None:
            raise ValueError(f"{bucket} holds policies: use add()")
        with self._lock:
            self._buckets[bucket][str(obj["id"])] = copy.deepcopy(obj)
            self.catalog_version += 1

    def delete_group(self, group_id: str) -> None:
        """Delete a group; assignments that reference it keep the now dangling id."""
        with self._lock:
            del self._buckets[GROUPS_BUCKET][group_id]
            self.deleted_group_ids.add(group_id)

    # -- helpers for drift scenarios ----------------------------------------------------------

    def rename(self, type_key: str, object_id: str, new_name: str) -> None:
        """Change the display name (``name`` for settings catalog policies)."""

        def apply(obj: Obj) -> None:
            obj["name" if "name" in obj and "displayName" not in obj else "displayName"] = new_name

        self.update(type_key, object_id, apply)

    def set_setting_value(self, policy_id: str, setting_definition_id: str, new_value: Any) -> int:
        """Set a settings catalog value wherever that definition id occurs (nested children too).

        Choice instances take the choice value id, simple instances the raw value, collection
        instances a list. Returns how many instances changed; KeyError when none exists.
        """
        changed = 0

        def apply(obj: Obj) -> None:
            nonlocal changed
            for inst in list(iter_setting_instances(obj.get("settings", []))):
                if inst["settingDefinitionId"] != setting_definition_id:
                    continue
                changed += 1
                if "choiceSettingValue" in inst:
                    inst["choiceSettingValue"]["value"] = new_value
                elif "simpleSettingValue" in inst:
                    inst["simpleSettingValue"]["value"] = new_value
                    if inst["simpleSettingValue"].get("@odata.type") == SECRET_SETTING_VALUE_TYPE:
                        with self._lock:
                            self._planted.add(str(new_value))
                elif "simpleSettingCollectionValue" in inst:
                    values = new_value if isinstance(new_value, list) else [new_value]
                    old = inst["simpleSettingCollectionValue"]
                    odata_type = (
                        old[0]["@odata.type"]
                        if old
                        else "#microsoft.graph.deviceManagementConfigurationStringSettingValue"
                    )
                    inst["simpleSettingCollectionValue"] = [
                        {"@odata.type": odata_type, "settingValueTemplateReference": None, "value": v} for v in values
                    ]
                elif "choiceSettingCollectionValue" in inst:
                    values = new_value if isinstance(new_value, list) else [new_value]
                    inst["choiceSettingCollectionValue"] = [
                        {
                            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingValue",
                            "settingValueTemplateReference": None,
                            "value": v,
                            "children": [],
                        }
                        for v in values
                    ]
                else:
                    raise ValueError(f"{setting_definition_id} is a group collection: set its children instead")

        with self._lock:
            self.update("settingsCatalogPolicy", policy_id, apply)
            if not changed:
                raise KeyError(f"setting {setting_definition_id!r} not found in policy {policy_id!r}")
        return changed

    def add_assignment(
        self,
        type_key: str,
        object_id: str,
        target: str = "group",
        group_id: str | None = None,
        filter_id: str | None = None,
        filter_type: str = "none",
    ) -> str:
        """Append an assignment; returns the new assignment's id."""
        with self._lock:
            assignment_id = f"{object_id}_{guid(self._rng)}"
        row = make_assignment(assignment_id, object_id, target, group_id, filter_id, filter_type)

        def apply(obj: Obj) -> None:
            if "assignments" not in obj:
                raise ValueError(f"{type_key} has no assignments")
            obj["assignments"] = [*obj["assignments"], row]

        self.update(type_key, object_id, apply)
        return assignment_id

    def add_exclusion_assignment(self, type_key: str, object_id: str, group_id: str) -> str:
        """Exclude a group from a policy; returns the new assignment's id."""
        return self.add_assignment(type_key, object_id, "exclusion", group_id)

    def remove_assignment(self, type_key: str, object_id: str, assignment_or_group_id: str) -> int:
        """Remove assignments by assignment id or target group id; returns how many went."""
        removed = 0

        def apply(obj: Obj) -> None:
            nonlocal removed
            keep = [
                a
                for a in obj.get("assignments", [])
                if a.get("id") != assignment_or_group_id
                and a.get("target", {}).get("groupId") != assignment_or_group_id
            ]
            removed = len(obj.get("assignments", [])) - len(keep)
            obj["assignments"] = keep

        self.update(type_key, object_id, apply)
        return removed

    def rotate_secret(self, type_key: str, object_id: str) -> list[str]:
        """Give every secret in the object a new planted value (and OMA settings a new
        ``secretReferenceValueId``). Returns the new values; ValueError if the object has none."""
        new_values: list[str] = []

        def apply(obj: Obj) -> None:
            slots = list(iter_secret_slots(obj))
            if not slots:
                raise ValueError(f"{type_key} {object_id!r} carries no secret")
            for container, key in slots:
                value = self.plant_secret()
                container[key] = value
                new_values.append(value)
                if "secretReferenceValueId" in container:
                    with self._lock:
                        container["secretReferenceValueId"] = guid(self._rng)
                if container.get("@odata.type") == SECRET_SETTING_VALUE_TYPE:
                    container.setdefault("valueState", "notEncrypted")
                if key == "preSharedKey" and "preSharedKeyIsSet" in container:
                    container["preSharedKeyIsSet"] = True

        self.update(type_key, object_id, apply)
        return new_values

    def shuffle_order(self, seed: int) -> None:
        """Reorder every collection and every unordered array, and regenerate volatile child ids
        and child timestamps, without changing what any policy means."""
        rng = random.Random(f"shuffle:{seed}")
        with self._lock:
            for bucket in BUCKETS:
                items = list(self._buckets[bucket].values())
                rng.shuffle(items)
                navs = nav_names(COLLECTIONS[bucket])
                rebuilt: dict[str, Obj] = {}
                key_field = COLLECTIONS[bucket].key_field
                for obj in items:
                    new = copy.deepcopy(obj)
                    _shuffle_arrays(new, rng)
                    _regenerate_volatile(new, navs, rng)
                    rebuilt[str(new[key_field])] = new
                self._buckets[bucket] = rebuilt


def _shuffle_arrays(node: Any, rng: random.Random) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, list) and key in UNORDERED_ARRAY_KEYS and len(value) > 1:
                rng.shuffle(value)
            _shuffle_arrays(value, rng)
    elif isinstance(node, list):
        for item in node:
            _shuffle_arrays(item, rng)


def _regenerate_volatile(obj: Obj, navs: frozenset[str], rng: random.Random) -> None:
    parent = str(obj.get("id") or "")
    for row in obj.get("assignments") or []:
        row["id"] = f"{parent}_{guid(rng)}"
    # Child rows the service numbers itself: policy set items, localized messages.
    for name in ("items", "localizedNotificationMessages"):
        if name in navs:
            for row in obj.get(name) or []:
                row["id"] = guid(rng)
    if "settings" in navs and "settingCount" in obj:  # settings catalog: positional ids
        for index, setting in enumerate(obj.get("settings") or []):
            setting["id"] = str(index)
    elif "settings" in navs:  # intents: categories list the same setting instances
        renamed: dict[str, str] = {}
        for setting in obj.get("settings") or []:
            new_id = guid(rng)
            renamed[setting["id"]] = new_id
            setting["id"] = new_id
        for category in obj.get("categories") or []:
            for setting in category.get("settings") or []:
                setting["id"] = renamed.get(setting["id"], setting["id"])
    for rule in obj.get("scheduledActionsForRule") or []:
        rule["id"] = guid(rng)
        for action in rule.get("scheduledActionConfigurations") or []:
            action["id"] = guid(rng)
    for value in obj.get("definitionValues") or []:
        value["id"] = guid(rng)
        value["createdDateTime"] = random_timestamp(rng)
        value["lastModifiedDateTime"] = value["createdDateTime"]
        for pres in value.get("presentationValues") or []:
            pres["id"] = guid(rng)
            pres["createdDateTime"] = value["createdDateTime"]
            pres["lastModifiedDateTime"] = value["createdDateTime"]
