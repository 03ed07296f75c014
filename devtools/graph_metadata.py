"""Microsoft's Graph metadata, reduced to what the contracts read, and the walk that checks them.

The extract (`devtools/graph_metadata.json`, checked in) holds per API version the root singletons
and entity sets, and for every entity or complex type the contracts can reach: its base type, its
declared properties (with their types) and navigation properties (with their targets). It is made
from Microsoft's own descriptions, never from ours:

- v1.0: the CSDL (`v1.0-cleanMetadata.xml` in `../shared/graph-metadata/`);
- beta: property and navigation names from `beta-entity-types.json` / `beta-complex-types.json`
  (same folder), types, base types and roots from the request builders and models of the
  `msgraph-beta-sdk` package (generated from the beta CSDL, which is too large to copy).

    python -m devtools.graph_metadata --beta-sdk <site-packages>/msgraph_beta   # regenerate
    python -m devtools.graph_metadata --check                                   # re-check against ../shared

Run the first after adding or changing a contract (a throw-away venv with `pip install
msgraph-beta-sdk` is enough; the app never depends on it). Nothing here runs in the app.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared.core.contracts import CONTRACTS, PolicyContract
from shared.core.contracts.model import template_fields
from shared.core.references import NAME_SELECT, SETTING_ROWS_QUERY

ROOT = Path(__file__).resolve().parent.parent
EXTRACT = Path(__file__).resolve().parent / "graph_metadata.json"
METADATA_DIR = ROOT.parent / "shared" / "graph-metadata"
NAMESPACE = "microsoft.graph"
_EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
KEY = "{id}"


@dataclass
class TypeInfo:
    """One entity or complex type: declared members only (inherited ones live on `base`)."""

    kind: str  # entity | complex
    base: str | None
    properties: dict[str, str] = field(default_factory=dict)
    navigations: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "base": self.base,
            "properties": dict(sorted(self.properties.items())),
            "navigations": dict(sorted(self.navigations.items())),
        }


@dataclass
class Version:
    """The roots and types of one API version."""

    roots: dict[str, str] = field(default_factory=dict)
    types: dict[str, TypeInfo] = field(default_factory=dict)

    # -- queries -------------------------------------------------------------------------------

    def lineage(self, name: str) -> list[str]:
        """The type and its bases, nearest first (only those known)."""
        out: list[str] = []
        current: str | None = name
        while current and current in self.types and current not in out:
            out.append(current)
            current = self.types[current].base
        return out

    def derived(self, name: str) -> set[str]:
        """Every known type deriving from `name`, at any depth."""
        children: dict[str, list[str]] = {}
        for type_name, info in self.types.items():
            if info.base:
                children.setdefault(info.base, []).append(type_name)
        out: set[str] = set()
        stack = [name]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in out:
                    out.add(child)
                    stack.append(child)
        return out

    def navigation(self, type_name: str, name: str) -> str | None:
        """The target type reference of a navigation declared on the type or a base, else None."""
        for owner in self.lineage(type_name):
            target = self.types[owner].navigations.get(name)
            if target is not None:
                return target
        return None

    def member(self, type_name: str, name: str) -> str | None:
        """A property or navigation of the type or a base: its type reference, else None."""
        for owner in self.lineage(type_name):
            info = self.types[owner]
            if name in info.properties:
                return info.properties[name]
            if name in info.navigations:
                return info.navigations[name]
        return None

    def resolve(self, path: str) -> str:
        """The type a path answers with (`{id}` for keys): raises KeyError naming the bad segment.

        The last segment may also be a structural property (an OData property path, such as a
        branding profile's logo read at its own path).
        """
        segments = [s for s in path.split("/") if s]
        if not segments or segments[0] not in self.roots:
            raise KeyError(f"no root singleton or entity set '{segments[0] if segments else ''}'")
        current = self.roots[segments[0]]
        is_collection = current.startswith("Collection(")
        current = element_type(current)
        for index, segment in enumerate(segments[1:], start=1):
            if segment == KEY:
                if not is_collection:
                    raise KeyError(f"'{path}': a key after a single-valued segment")
                is_collection = False
                continue
            target = self.navigation(current, segment)
            if target is None and index == len(segments) - 1 and not is_collection:
                target = self.member(current, segment)
            if target is None:
                raise KeyError(f"'{path}': no navigation '{segment}' on {current}")
            is_collection = target.startswith("Collection(")
            current = element_type(target)
        return current

    def closure(self, names: Iterable[str]) -> set[str]:
        """The types, their bases, the types deriving from them, and the complex types of their
        properties, transitively (navigation targets are not followed: they are read only when asked)."""
        out: set[str] = set()
        # A type read (or a property's type) brings its subtypes: Graph answers with any of them.
        # Its bases come along for their inherited properties, not for their other subtypes.
        stack = [n for n in names if n in self.types]
        expanded: set[str] = set()
        while stack:
            name = stack.pop()
            if name in expanded:
                continue
            expanded.add(name)
            members = {name, *self.derived(name)}
            for member in list(members):
                members.update(self.lineage(member))
            for member in members:
                out.add(member)
                for ref in self.types[member].properties.values():
                    inner = element_type(ref)
                    if inner in self.types and inner not in expanded:
                        stack.append(inner)
        return out

    def names_in(self, types: Iterable[str]) -> dict[str, set[str]]:
        """Member name → the type references it has across the given types."""
        out: dict[str, set[str]] = {}
        for name in types:
            info = self.types[name]
            for member, ref in [*info.properties.items(), *info.navigations.items()]:
                out.setdefault(member, set()).add(ref)
        return out

    def to_json(self, keep: set[str] | None = None) -> dict[str, Any]:
        kept = sorted(self.types) if keep is None else sorted(keep)
        return {
            "roots": dict(sorted(self.roots.items())),
            "types": {name: self.types[name].to_json() for name in kept},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Version:
        types = {
            name: TypeInfo(info["kind"], info["base"], dict(info["properties"]), dict(info["navigations"]))
            for name, info in data["types"].items()
        }
        return cls(dict(data["roots"]), types)


def element_type(ref: str) -> str:
    """`Collection(x)` → `x`."""
    return ref[len("Collection(") : -1] if ref.startswith("Collection(") else ref


# -- what the contracts ask for -----------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One kind of request a contract makes: a path (`{id}` for keys) and its query options."""

    contract: str
    path: str
    query: str
    what: str


def owner_paths(contract: PolicyContract) -> list[str]:
    """The paths of the objects a contract reads (their follow-ups hang off these)."""
    if contract.singleton:
        return [contract.sources[0].path]
    return [f"{source.path}/{KEY}" for source in contract.sources]


def contract_requests(contract: PolicyContract) -> Iterator[Request]:
    """Every request shape the reader sends for a contract (shared/graph/policies.py)."""
    key = contract.key
    for source in contract.sources:
        yield Request(key, source.path, source.query, "source")
    for owner in owner_paths(contract):
        if contract.detail_query is not None:
            yield Request(key, owner, contract.detail_query, "detail")
        if contract.count_check:
            yield Request(key, owner, "", "count by id")
            yield Request(key, f"{owner}/{contract.count_check.refetch_path}", "", "count refetch")

        def follow(base: str, items: Iterable[Any]) -> Iterator[Request]:
            for item in items:
                yield Request(key, f"{base}/{item.path}", item.query, "follow-up")
                if item.only_if_nonempty:
                    gate = item.only_if_nonempty
                    for dotted in template_fields(gate):
                        gate = gate.replace("{" + dotted + "}", KEY)
                    yield Request(key, gate, "", "follow-up gate")
                yield from follow(f"{base}/{item.path}/{KEY}", item.children)

        yield from follow(owner, contract.follow_ups)
    for _, target in contract.detail_collection_by_type:
        yield Request(key, f"{target}/{KEY}", contract.detail_expand_for_subtype, "subtype detail")
    # Names for findings in words (shared/graph/names.py).
    layout = contract.settings_layout
    if layout is not None:
        for owner in owner_paths(contract):
            yield Request(key, f"{owner}/{layout.collection}", SETTING_ROWS_QUERY, "setting definitions")
        yield Request(key, f"{layout.catalog}/{KEY}", "", "setting definition by id")
    if contract.names_kind is not None:
        for source in contract.sources:
            yield Request(key, source.path, NAME_SELECT, "names listed alone")


def parse_options(query: str) -> dict[str, str]:
    """`$expand=a,b($expand=c)&$select=x` → {"$expand": "a,b($expand=c)", "$select": "x"}."""
    out: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        name, _, value = pair.partition("=")
        out[name] = value
    return out


def split_top(text: str, sep: str = ",") -> list[str]:
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    if current:
        parts.append(current)
    return parts


def expand_items(value: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(navigation, nested options) for each item of a `$expand` value."""
    for item in split_top(value):
        name, paren, rest = item.partition("(")
        nested: dict[str, str] = {}
        if paren:
            for option in split_top(rest[:-1], ";"):
                opt, _, inner = option.partition("=")
                nested[opt] = inner
        yield name.strip(), nested


# -- the extract ----------------------------------------------------------------------------------


def contract_types(version: Version, contract: PolicyContract) -> tuple[set[str], list[str]]:
    """(types a contract reads, problems): endpoint types of its requests plus expanded targets."""
    reached: set[str] = set()
    problems: list[str] = []

    def expansions(type_name: str, options: dict[str, str], where: str) -> None:
        for name in filter(None, options.get("$select", "").split(",")):
            if version.member(type_name, name) is None:
                problems.append(f"{where}: $select '{name}' is not a member of {type_name}")
        for name, nested in expand_items(options.get("$expand", "")):
            target = version.navigation(type_name, name)
            if target is None:
                problems.append(f"{where}: $expand '{name}' is not a navigation of {type_name}")
                continue
            reached.add(element_type(target))
            expansions(element_type(target), nested, f"{where} → {name}")

    for request in contract_requests(contract):
        where = f"{contract.key} {request.what} {request.path}"
        try:
            type_name = version.resolve(request.path)
        except KeyError as exc:
            problems.append(f"{where}: {exc.args[0]}")
            continue
        reached.add(type_name)
        expansions(type_name, parse_options(request.query), where)
    return reached, problems


def used_versions() -> dict[str, list[PolicyContract]]:
    out: dict[str, list[PolicyContract]] = {}
    for contract in CONTRACTS.values():
        out.setdefault(contract.api_version, []).append(contract)
    return out


def select_types(version: Version, contracts: list[PolicyContract], name: str) -> set[str]:
    """What the extract keeps of a version: roots, every type on a contract's paths, their closure."""
    keep: set[str] = set()
    for root in version.roots.values():
        keep.add(element_type(root))
    for contract in contracts:
        reached, _ = contract_types(version, contract)
        keep |= version.closure(reached)
        for request in contract_requests(contract):
            keep |= set(path_types(version, request.path))
    keep |= simulator_types(version, name)
    return {name for name in keep if name in version.types}


def simulator_types(version: Version, name: str) -> set[str]:
    """Types (with their bases) the simulator serves in a version beyond what the contracts read,
    such as a navigation no contract asks for any more: its conformance test checks them."""
    from devtools.graphsim.catalog import COLLECTIONS, Nav

    keep: set[str] = set()

    def walk(type_name: str, navs: tuple[Nav, ...]) -> None:
        keep.update(version.lineage(type_name))
        for nav in navs:
            target = version.navigation(type_name, nav.name)
            if target is not None:
                walk(element_type(target), nav.children)

    for spec in COLLECTIONS.values():
        if spec.virtual or name not in spec.versions:
            continue
        path = spec.path if spec.singleton else f"{spec.path}/{KEY}"
        try:
            type_name = version.resolve(path)
        except KeyError:
            continue
        keep.update(path_types(version, path))
        walk(type_name, spec.navs)
    return keep


def path_types(version: Version, path: str) -> list[str]:
    """Every type a path passes through (roots and intermediate navigations)."""
    segments = [s for s in path.split("/") if s]
    if not segments or segments[0] not in version.roots:
        return []
    current = element_type(version.roots[segments[0]])
    out = [current]
    for segment in segments[1:]:
        if segment == KEY:
            continue
        target = version.navigation(current, segment)
        if target is None:
            break
        current = element_type(target)
        out.append(current)
    return out


# -- v1.0 from the CSDL ---------------------------------------------------------------------------


def _local(ref: str) -> str:
    collection = ref.startswith("Collection(")
    inner = element_type(ref)
    for prefix in ("graph.", f"{NAMESPACE}."):
        if inner.startswith(prefix) and "." not in inner[len(prefix) :]:
            inner = inner[len(prefix) :]
            break
    return f"Collection({inner})" if collection else inner


def load_v1(csdl: Path) -> Version:
    """Roots and microsoft.graph types of the v1.0 CSDL."""
    root = ET.parse(csdl).getroot()
    version = Version()
    for schema in root.iter(f"{_EDM}Schema"):
        if schema.get("Namespace") != NAMESPACE:
            continue
        for tag, kind in (("EntityType", "entity"), ("ComplexType", "complex")):
            for node in schema.findall(f"{_EDM}{tag}"):
                base = node.get("BaseType")
                info = TypeInfo(kind, _local(base) if base else None)
                for prop in node.findall(f"{_EDM}Property"):
                    info.properties[prop.get("Name", "")] = _local(prop.get("Type", ""))
                for nav in node.findall(f"{_EDM}NavigationProperty"):
                    info.navigations[nav.get("Name", "")] = _local(nav.get("Type", ""))
                version.types[node.get("Name", "")] = info
        for container in schema.findall(f"{_EDM}EntityContainer"):
            for node in container.findall(f"{_EDM}Singleton"):
                version.roots[node.get("Name", "")] = _local(node.get("Type", ""))
            for node in container.findall(f"{_EDM}EntitySet"):
                version.roots[node.get("Name", "")] = f"Collection({_local(node.get('EntityType', ''))})"
    return version


# -- beta from the JSON names and the SDK's models ------------------------------------------------

_CLASS = re.compile(r"^class (\w+)\(([^)]*)\):", re.M)
_FIELD = re.compile(r'"([^"@][^"]*)": lambda n : setattr\(self, \'\w+\', n\.(\w+)\(([\w.]*)\)\)')
_ODATA_DEFAULT = re.compile(r'odata_type: Optional\[str\] = "#microsoft\.graph\.(\w+)"')
_DISCRIMINATOR = re.compile(r'"#microsoft\.graph\.(\w+)"\.casefold\(\):\s*from \.[\w.]+ import (\w+)', re.M)
_RETURNS = re.compile(r"async def get\(self[^)]*\) -> Optional\[(\w+)\]")
_PRIMITIVES = {
    "get_str_value": "Edm.String",
    "get_int_value": "Edm.Int32",
    "get_bool_value": "Edm.Boolean",
    "get_float_value": "Edm.Double",
    "get_datetime_value": "Edm.DateTimeOffset",
    "get_date_value": "Edm.Date",
    "get_time_value": "Edm.TimeOfDay",
    "get_timedelta_value": "Edm.Duration",
    "get_uuid_value": "Edm.Guid",
    "get_bytes_value": "Edm.Binary",
}
_PRIMITIVE_ARGS = {"str": "Edm.String", "int": "Edm.Int32", "bool": "Edm.Boolean", "float": "Edm.Double"}


def _beta_json(metadata: Path, name: str) -> dict[str, Any]:
    data = json.loads((metadata / name).read_text(encoding="utf-8"))
    return dict(data.get(NAMESPACE, {}))


def load_beta(metadata: Path, sdk: Path) -> Version:
    """Beta roots and microsoft.graph types: names from Microsoft's JSON, types from the SDK."""
    entities = _beta_json(metadata, "beta-entity-types.json")
    complexes = _beta_json(metadata, "beta-complex-types.json")
    models = sdk / "generated" / "models"
    files = list(models.glob("*.py"))
    # A microsoft.graph type whose name is also a namespace lives in that namespace's folder
    # (models/device_management/device_management.py); the folder's other files are other namespaces.
    files += [p for p in models.glob("*/*.py") if p.stem == p.parent.name]
    sources = {p: p.read_text(encoding="utf-8") for p in files}
    odata_names: dict[str, str] = {}
    for text in sources.values():
        for odata, cls in _DISCRIMINATOR.findall(text):
            odata_names.setdefault(cls, odata)
    version = Version()
    for text in sources.values():
        found = _CLASS.search(text)
        if not found:
            continue
        cls, bases = found.group(1), [b.strip() for b in found.group(2).split(",")]
        default = _ODATA_DEFAULT.search(text)
        name = default.group(1) if default else odata_names.get(cls, cls[:1].lower() + cls[1:])
        declared = entities.get(name) or complexes.get(name)
        if declared is None:
            continue
        base_cls = bases[0] if bases and bases[0] not in ("AdditionalDataHolder", "BackedModel", "Parsable") else None
        base = None
        if base_cls:
            base = odata_names.get(base_cls, base_cls[:1].lower() + base_cls[1:])
        info = TypeInfo("entity" if name in entities else "complex", base)
        navigation_names = set(declared.get("navigationProperties", []))
        refs: dict[str, str] = {}
        for member, getter, arg in _FIELD.findall(text):
            refs[member] = _sdk_ref(getter, arg, odata_names)
        for member in declared.get("properties", []):
            info.properties[member] = refs.get(member, "")
        for member in navigation_names:
            info.navigations[member] = refs.get(member, "")
        version.types[name] = info
    generated = sdk / "generated"
    for directory in sorted(p for p in generated.iterdir() if p.is_dir() and p.name != "models"):
        builder = directory / f"{directory.name}_request_builder.py"
        if not builder.exists():
            continue
        returned = _RETURNS.search(builder.read_text(encoding="utf-8"))
        if not returned:
            continue
        cls = returned.group(1)
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), directory.name)
        if cls.endswith("CollectionResponse"):
            element = cls[: -len("CollectionResponse")]
            version.roots[camel] = f"Collection({odata_names.get(element, element[:1].lower() + element[1:])})"
        else:
            version.roots[camel] = odata_names.get(cls, cls[:1].lower() + cls[1:])
    return version


def _sdk_ref(getter: str, arg: str, odata_names: dict[str, str]) -> str:
    if getter in _PRIMITIVES:
        return _PRIMITIVES[getter]
    if getter == "get_collection_of_primitive_values":
        return f"Collection({_PRIMITIVE_ARGS.get(arg, 'Edm.String')})"
    if getter in ("get_enum_value", "get_collection_of_enum_values"):
        return "Collection(Edm.Enum)" if "collection" in getter else "Edm.Enum"
    name = odata_names.get(arg, arg[:1].lower() + arg[1:])
    return f"Collection({name})" if getter == "get_collection_of_object_values" else name


# -- building and checking ------------------------------------------------------------------------


def build(metadata: Path, sdk: Path) -> dict[str, Any]:
    """The extract: per version used by a contract, its roots and the types the contracts reach."""
    loaded = {"v1.0": load_v1(metadata / "v1.0-cleanMetadata.xml"), "beta": load_beta(metadata, sdk)}
    out: dict[str, Any] = {
        "source": "microsoftgraph/msgraph-metadata (../shared/graph-metadata) and msgraph-beta-sdk models",
        "versions": {},
    }
    for name, contracts in sorted(used_versions().items()):
        version = loaded[name]
        out["versions"][name] = version.to_json(select_types(version, contracts, name))
    return out


def load_extract(path: Path = EXTRACT) -> dict[str, Version]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: Version.from_json(body) for name, body in data["versions"].items()}


def recheck(extract: dict[str, Version], metadata: Path) -> list[str]:
    """Where the checked-in extract disagrees with Microsoft's files (empty when it agrees).

    v1.0 is compared in full with the CSDL; beta member names with the beta JSON (its types and
    roots come from the SDK, which the project does not install).
    """
    problems: list[str] = []
    v1 = load_v1(metadata / "v1.0-cleanMetadata.xml")
    ours = extract.get("v1.0")
    if ours is not None:
        for root, ref in ours.roots.items():
            if v1.roots.get(root) != ref:
                problems.append(f"v1.0 root {root}: extract {ref}, CSDL {v1.roots.get(root)}")
        for name, info in ours.types.items():
            theirs = v1.types.get(name)
            if theirs is None or theirs.to_json() != info.to_json():
                problems.append(f"v1.0 type {name} differs from the CSDL")
    beta = extract.get("beta")
    if beta is not None:
        entities = _beta_json(metadata, "beta-entity-types.json")
        complexes = _beta_json(metadata, "beta-complex-types.json")
        for name, info in beta.types.items():
            declared = (entities if info.kind == "entity" else complexes).get(name)
            if declared is None:
                problems.append(f"beta type {name} is not in Microsoft's beta {info.kind} types")
                continue
            if set(declared.get("properties", [])) != set(info.properties):
                problems.append(f"beta type {name}: properties differ from Microsoft's list")
            if set(declared.get("navigationProperties", [])) != set(info.navigations):
                problems.append(f"beta type {name}: navigation properties differ from Microsoft's list")
    return problems


def _write(extract: dict[str, Any], path: Path) -> None:
    # One type per line: small diffs when a contract changes.
    versions = extract["versions"]
    lines = ["{", f'  "source": {json.dumps(extract["source"])},', '  "versions": {']
    for v_index, (name, body) in enumerate(sorted(versions.items())):
        lines.append(f"    {json.dumps(name)}: {{")
        lines.append(f'      "roots": {json.dumps(body["roots"], sort_keys=True)},')
        lines.append('      "types": {')
        items = sorted(body["types"].items())
        for t_index, (type_name, info) in enumerate(items):
            comma = "," if t_index < len(items) - 1 else ""
            lines.append(f"        {json.dumps(type_name)}: {json.dumps(info, sort_keys=True)}{comma}")
        lines.append("      }")
        lines.append("    }" + ("," if v_index < len(versions) - 1 else ""))
    lines += ["  }", "}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.graph_metadata", description=__doc__)
    parser.add_argument("--metadata", type=Path, default=METADATA_DIR, help="Microsoft's metadata folder")
    parser.add_argument("--beta-sdk", type=Path, help="the msgraph_beta package folder of msgraph-beta-sdk")
    parser.add_argument("--out", type=Path, default=EXTRACT)
    parser.add_argument("--check", action="store_true", help="re-check the extract against --metadata only")
    args = parser.parse_args(argv)
    if args.check:
        problems = recheck(load_extract(args.out), args.metadata)
        for problem in problems:
            print(problem)
        print("extract agrees with the metadata" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    if args.beta_sdk is None:
        parser.error("--beta-sdk is needed to regenerate (the beta types come from msgraph-beta-sdk)")
    _write(build(args.metadata, args.beta_sdk), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
