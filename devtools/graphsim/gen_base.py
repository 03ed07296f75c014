"""Shared state and helpers of the tenant generator: one seeded RNG, groups, filters, scope tags,
assignments. The builders for each type live in gen_devices, gen_apps and gen_entra."""

from __future__ import annotations

import random
import uuid
from typing import Any

from devtools.graphsim import content as C
from devtools.graphsim.store import SimTenant, make_assignment
from devtools.graphsim.util import guid, later_timestamp, random_timestamp

Obj = dict[str, Any]
G = "#microsoft.graph."
_STABLE_NS = uuid.UUID("8d5a4b3c-2e1f-4a0b-9c8d-7e6f5a4b3c2d")


def stable_id(text: str) -> str:
    """A GUID derived from text: for catalogue objects (definitions, presentations) that never change."""
    return str(uuid.uuid5(_STABLE_NS, text))


class GeneratorBase:
    """Builds one tenant; every random choice comes from one seeded RNG, in a fixed order."""

    def __init__(self, tenant: SimTenant, seed: int, size: int, counts: dict[str, int]) -> None:
        self.t = tenant
        self.seed = seed
        self.size = size
        self.counts = counts
        self.rng = random.Random(f"generate:{seed}:{tenant.name}")
        self.short = "".join(w[0] for w in tenant.name.split()[:3]).upper() or "SIM"
        self.group_ids: dict[str, str] = {}
        self.filters: list[tuple[str, str]] = []
        self.scope_tag_ids: list[str] = ["0"]
        self.location_ids: list[str] = []
        self.dangling_group: str | None = None
        # DESIGN §10 builders: what later builders refer to, and the owners of nested objects.
        self.app_ids: list[str] = []
        self.roles: list[Obj] = []
        self.dep_tokens: list[str] = []
        self.dep_profiles = 0
        self.linux_scripts: list[str] = []
        self.parents: dict[str, str] = {}
        """Object id -> the id of the element that owns it (an enrollment profile's DEP token)."""

    # -- small helpers -------------------------------------------------------------------------

    def id(self) -> str:
        return guid(self.rng)

    def stamps(self) -> tuple[str, str]:
        created = random_timestamp(self.rng)
        return created, later_timestamp(self.rng, created)

    def scope_tags(self) -> list[str]:
        tags = ["0"]
        if len(self.scope_tag_ids) > 1 and self.rng.random() < 0.25:
            tags.append(self.rng.choice(self.scope_tag_ids[1:]))
        return tags

    def group(self, *prefixes: str) -> str:
        names = [n for n in self.group_ids if not prefixes or n.startswith(prefixes)]
        return self.group_ids[self.rng.choice(names or list(self.group_ids))]

    def assignments(self, parent: str, kind: str = "device") -> list[Obj]:
        """0-4 realistic assignments: groups (some filtered), exclusions, all devices / users."""
        n = self.rng.choices([0, 1, 2, 3, 4], weights=[12, 35, 28, 15, 10])[0]
        rows: list[Obj] = []
        used: set[str] = set()
        for _ in range(n):
            roll = self.rng.random()
            if roll < 0.55:
                target = "group"
            elif roll < 0.8:
                target = "exclusion"
            elif kind in ("device", "any") and roll < 0.9:
                target = "allDevices"
            elif kind == "app":
                target = "group"
            else:
                target = "allLicensedUsers"
            group_id: str | None = None
            if target in ("group", "exclusion"):
                prefixes = ("SG-Intune-Exclude", "CA-BreakGlass") if target == "exclusion" else ("SG-", "APP_")
                group_id = self.group(*prefixes)
                if target == "group" and self.dangling_group and self.rng.random() < 0.5:
                    group_id, self.dangling_group = self.dangling_group, None
                if group_id in used:
                    continue
                used.add(group_id)
            elif target in used:
                continue
            else:
                used.add(target)
            filter_id: str | None = None
            filter_type = "none"
            if target != "exclusion" and self.filters and kind != "app" and self.rng.random() < 0.35:
                filter_id = self.rng.choice(self.filters)[0]
                filter_type = self.rng.choice(["include", "exclude"])
            rows.append(make_assignment(f"{parent}_{self.id()}", parent, target, group_id, filter_id, filter_type))
        return rows

    def variant(self, names: list[str] | tuple[str, ...], i: int) -> str:
        base = names[i % len(names)]
        rnd = i // len(names)
        return base if rnd == 0 else f"{base} ({rnd + 1})"

    # -- foundations ---------------------------------------------------------------------------

    def build_groups(self) -> None:
        for name, rule in C.GROUPS:
            created = random_timestamp(self.rng)
            props: Obj = {
                "description": f"{name} (managed by the Intune team)" if name.startswith("SG-") else None,
                "createdDateTime": created[:19] + "Z",
                "mailNickname": name.replace(" ", "")[:20],
            }
            if rule:
                props.update(groupTypes=["DynamicMembership"], membershipRule=rule, membershipRuleProcessingState="On")
            self.group_ids[name] = self.t.add_group(name, group_id=self.id(), **props)
        if self.size >= 100:
            self.dangling_group = self.id()
            self.t.deleted_group_ids.add(self.dangling_group)

    def assignment_filter(self, i: int) -> Obj:
        name, platform, rule = C.FILTERS[i % len(C.FILTERS)]
        created, modified = self.stamps()
        fid = self.id()
        self.filters.append((fid, platform))
        return {
            "@odata.type": G + "deviceAndAppManagementAssignmentFilter",
            "id": fid,
            "createdDateTime": created,
            "lastModifiedDateTime": modified,
            "displayName": self.variant([n for n, _, _ in C.FILTERS], i),
            "description": f"Targets {platform} devices: {name[4:]}",
            "platform": platform,
            "rule": rule,
            "roleScopeTags": ["0"],
            "payloads": [],
            "assignmentFilterManagementType": "devices",
        }

    def role_scope_tag(self, i: int) -> Obj:
        if i == 0:
            return {
                "@odata.type": G + "roleScopeTag",
                "id": "0",
                "displayName": "Default",
                "description": "Default scope tag for all objects",
                "isBuiltIn": True,
                "assignments": [],
            }
        _name, description = C.SCOPE_TAGS[(i - 1) % len(C.SCOPE_TAGS)]
        tag_id = str(i)
        self.scope_tag_ids.append(tag_id)
        rows = [
            make_assignment(f"{tag_id}_{self.id()}", tag_id, "group", self.group("SG-"))
            for _ in range(self.rng.randint(0, 2))
        ]
        for row in rows:
            row.pop("source")
            row.pop("sourceId")
        return {
            "@odata.type": G + "roleScopeTag",
            "id": tag_id,
            "displayName": self.variant([n for n, _ in C.SCOPE_TAGS], i - 1),
            "description": description,
            "isBuiltIn": False,
            "assignments": rows,
        }
