"""Reading the names a run's findings need, after its types are read (I/O; DESIGN §11).

What to read is decided in `shared.core.references`; this module asks Graph, within the tenant's
operation budget (every request goes through the one client):

- group names: `POST v1.0/directoryObjects/getByIds` with `{"ids", "types": ["group"]}`, 1,000 ids
  a call. A deleted group is simply not in the answer: its id stays unresolved.
- assignment filter, scope tag and named location names: from the run's own items; a kind whose
  type was not read whole in this run is listed alone (`$select=id,displayName`).
- setting definitions not in the cache (or stale): the setting rows of the fewest items that hold
  them, `{item}/settings?$expand=settingDefinitions` through `$batch`, pages followed; what those
  rows do not name is read by id from the contract's catalogue (`configurationSettings/{id}`).

Nothing here fails a scan: a lookup Graph refuses leaves its ids unresolved and records the
stable error code under `references.errors`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote

from shared.core.contracts import CONTRACTS
from shared.core.references import (
    GROUP,
    MAX_DEFINITIONS_BY_ID,
    NAME_SELECT,
    NOT_FOUND,
    SETTING_DEFINITION,
    SETTING_ROWS_QUERY,
    CachedDefinition,
    DefinitionKey,
    Holder,
    Wanted,
    build_references,
    collect,
    definition_records,
    definitions_to_read,
    expanded_definitions,
    group_batches,
    listed_kinds_to_read,
    names_contract,
    rows_to_read,
)
from shared.core.snapshot.document import TypeResult
from shared.errors import GraphError
from shared.graph.client import GraphClient, error_code_for
from shared.graph.policies import TypeReader

log = logging.getLogger(__name__)

GET_BY_IDS: Final = "directoryObjects/getByIds"
GET_BY_IDS_LIMIT: Final = 1000


@dataclass
class NameReads:
    """What resolving names cost, for bench.scan: Graph operations by purpose and what they read."""

    name_operations: int = 0  # group names (getByIds) and names listed alone
    definition_operations: int = 0  # setting rows with their definitions, and definitions by id
    items_with_rows_read: int = 0
    definitions_by_id: int = 0
    definitions_fetched: int = 0


@dataclass
class ResolvedReferences:
    """The snapshot's `references` section and the definitions Graph was asked for (to cache)."""

    references: dict[str, Any]
    fetched: dict[DefinitionKey, dict[str, Any]] = field(default_factory=dict)
    reads: NameReads = field(default_factory=NameReads)


async def resolve_references(
    client: GraphClient,
    results: Sequence[TypeResult],
    cache: Mapping[DefinitionKey, CachedDefinition],
    now: datetime,
) -> ResolvedReferences:
    """Every name the run's items refer to, read as cheaply as the cache allows."""
    wanted = collect(results)
    reads = NameReads()
    errors: dict[str, str] = {}
    names: dict[str, dict[str, str]] = {}
    start = client.operations
    await asyncio.gather(_groups(client, wanted, names, errors), _listed(client, wanted, names, errors))
    reads.name_operations = client.operations - start
    start = client.operations
    fetched = await _definitions(client, wanted, cache, now, errors, reads)
    reads.definition_operations = client.operations - start
    reads.definitions_fetched = sum(1 for record in fetched.values() if not record.get("notFound"))
    known: dict[DefinitionKey, Mapping[str, Any]] = {key: entry.record for key, entry in cache.items()}
    known.update(fetched)
    return ResolvedReferences(build_references(wanted, names, known, errors), fetched, reads)


def _keep_names(found: dict[str, str], entries: Any) -> None:
    for entry in entries or []:
        if isinstance(entry, dict) and isinstance(entry.get("id"), str) and entry.get("displayName"):
            found[entry["id"]] = str(entry["displayName"])


async def _groups(
    client: GraphClient, wanted: Wanted, names: dict[str, dict[str, str]], errors: dict[str, str]
) -> None:
    found = names.setdefault(GROUP, {})
    for batch in group_batches(wanted.ids.get(GROUP, ()), GET_BY_IDS_LIMIT):
        try:
            body = await client.post(client.url("v1.0", GET_BY_IDS), {"ids": batch, "types": ["group"]})
        except GraphError as exc:
            log.warning("group names: getByIds failed: %s (%s)", exc.code, exc.status)
            errors[GROUP] = exc.code
            return
        _keep_names(found, body.get("value"))


async def _listed(
    client: GraphClient, wanted: Wanted, names: dict[str, dict[str, str]], errors: dict[str, str]
) -> None:
    for kind in listed_kinds_to_read(wanted):
        contract = names_contract(kind)
        if contract is None:
            continue
        found = names.setdefault(kind, {})
        try:
            for source in contract.sources:
                _keep_names(
                    found, await client.get_collection(client.url(contract.api_version, source.path, NAME_SELECT))
                )
        except GraphError as exc:
            log.warning("%s names: listing failed: %s (%s)", kind, exc.code, exc.status)
            errors[kind] = exc.code


async def _definitions(
    client: GraphClient,
    wanted: Wanted,
    cache: Mapping[DefinitionKey, CachedDefinition],
    now: datetime,
    errors: dict[str, str],
    reads: NameReads,
) -> dict[DefinitionKey, dict[str, Any]]:
    missing = definitions_to_read(wanted, cache, now)
    fetched: dict[DefinitionKey, dict[str, Any]] = {}
    if not missing:
        return fetched
    holders = rows_to_read(wanted, missing)
    reads.items_with_rows_read = len(holders)
    try:
        rows = await _setting_rows(client, holders)
    except GraphError as exc:
        log.warning("setting definitions: reading setting rows failed: %s (%s)", exc.code, exc.status)
        errors[SETTING_DEFINITION] = exc.code
        rows = {}
    for holder in holders:
        for definition_id, record in definition_records(expanded_definitions(rows.get(holder.owner, []))).items():
            fetched[(holder.catalog, definition_id)] = record
    versions = {h.catalog: CONTRACTS[h.policy_type].api_version for h in wanted.holders}
    budget = MAX_DEFINITIONS_BY_ID
    for catalog, ids in sorted(missing.items()):
        still = sorted(i for i in ids if (catalog, i) not in fetched)[:budget]
        if not still:
            continue
        budget -= len(still)
        reads.definitions_by_id += len(still)
        try:
            replies = await client.batch(versions[catalog], [f"{catalog}/{quote(i, safe='')}" for i in still])
        except GraphError as exc:
            errors[SETTING_DEFINITION] = exc.code
            continue
        bodies: list[dict[str, Any]] = []
        for definition_id, reply in zip(still, replies, strict=True):
            if reply.status == 200 and isinstance(reply.body, dict):
                bodies.append(reply.body)
            elif reply.status == 404:  # not in the catalogue: unresolved, and not asked again for a day
                fetched[(catalog, definition_id)] = dict(NOT_FOUND)
            else:
                errors[SETTING_DEFINITION] = error_code_for(reply.status)
        for definition_id, record in definition_records(bodies).items():
            fetched[(catalog, definition_id)] = record
    return fetched


async def _setting_rows(client: GraphClient, holders: Sequence[Holder]) -> dict[str, list[dict[str, Any]]]:
    """owner path → every setting row of the item, with its definitions expanded (all pages)."""
    out: dict[str, list[dict[str, Any]]] = {}
    by_type: dict[str, list[Holder]] = {}
    for holder in holders:
        by_type.setdefault(holder.policy_type, []).append(holder)
    for policy_type, group in sorted(by_type.items()):
        contract = CONTRACTS[policy_type]
        layout = contract.settings_layout
        settings = layout.collection if layout is not None else "settings"
        replies = await client.batch(
            contract.api_version, [f"{h.owner}/{settings}?{SETTING_ROWS_QUERY}" for h in group]
        )
        reader = TypeReader(client, contract)

        async def pages(reader: TypeReader, holder: Holder, first: dict[str, Any]) -> None:
            out[holder.owner] = await reader.collect(first_page=first)

        # An item deleted since it was listed answers 404: its definitions are read by id instead.
        await asyncio.gather(
            *(
                pages(reader, h, reply.body)
                for h, reply in zip(group, replies, strict=True)
                if reply.status == 200 and isinstance(reply.body, dict)
            )
        )
    return out
