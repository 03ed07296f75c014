"""Reading one tenant's policies from Graph, type by type, as their contracts say (I/O).

A type is read whole or not at all: every page of every source, every `<navigation>@odata.nextLink`
an expansion carries, every per-item detail and follow-up (through `$batch`), and every count check
(an item listed without its count is read by id for it). Anything short raises GraphError, which
makes the type `failed` with a stable code instead of a silently smaller snapshot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from shared.core.contracts import FollowUp, PolicyContract, Source, contract_for
from shared.core.contracts.model import fill_template
from shared.core.normalise import normalise_item
from shared.core.snapshot.document import TypeResult
from shared.errors import GraphError
from shared.graph.client import GraphClient, GraphResponse, error_code_for, graph_error_detail

log = logging.getLogger(__name__)

NEXT_LINK = "@odata.nextLink"

# (owner path relative to the API version, the owner's JSON object)
Owner = tuple[str, dict[str, Any]]


def _fail(reply: GraphResponse, what: str) -> GraphError:
    return GraphError(
        error_code_for(reply.status),
        f"{what} failed with {reply.status} {graph_error_detail(reply.body)}".strip(),
        reply.status,
    )


def _expansion_links(node: Any, out: list[tuple[dict[str, Any], str, str]]) -> None:
    """Every (object, navigation, next link) where an expanded collection was cut short, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith(NEXT_LINK) and key != NEXT_LINK and value:
                out.append((node, key[: -len(NEXT_LINK)], str(value)))
            elif isinstance(value, (dict, list)):
                _expansion_links(value, out)
    elif isinstance(node, list):
        for element in node:
            _expansion_links(element, out)


class TypeReader:
    """Fetches every object of one policy type, whole: pages, expansions, follow-ups, counts."""

    def __init__(self, client: GraphClient, contract: PolicyContract) -> None:
        self.client = client
        self.contract = contract
        self.version = contract.api_version

    async def read(self) -> list[dict[str, Any]]:
        c = self.contract
        listed: list[Owner] = []
        if c.singleton:
            source = c.sources[0]
            body = await self.client.get(self.client.url(self.version, source.path, source.query))
            await self.complete_expansions([body])
            body.setdefault("id", c.key)
            listed.append((source.path, body))
        else:
            for source in c.sources:
                for collection, values in await self._list(source):
                    for raw in values:
                        key = raw.get(c.id_field) if isinstance(raw, dict) else None
                        if not key:
                            raise GraphError(
                                "invalid_response", f"{collection} returned an object without {c.id_field}"
                            )
                        if raw.get("@odata.type") in c.skip_odata_types or c.skips(raw):
                            continue
                        listed.append((f"{collection}/{key}", raw))
        if c.detail_query is not None:
            query = f"?{c.detail_query}" if c.detail_query else ""
            listed = await self._details(listed, lambda path, raw: f"{path}{query}")
        if c.detail_collection_by_type:
            by_type = dict(c.detail_collection_by_type)

            def subtype_url(path: str, raw: dict[str, Any]) -> str | None:
                target = by_type.get(str(raw.get("@odata.type")))
                return f"{target}/{raw['id']}?{c.detail_expand_for_subtype}" if target else None

            listed = await self._details(listed, subtype_url)
        if c.count_check:
            await self._check_counts(listed)
        for follow_up in c.follow_ups:
            await self._follow(follow_up, listed)
        return [raw for _, raw in listed]

    async def _list(self, source: Source) -> list[tuple[str, list[dict[str, Any]]]]:
        """(collection path, its elements) of a source: one collection, or one per parent element."""
        nested = source.split()
        if nested is None:
            return [(source.path, await self.collect(self.client.url(self.version, source.path, source.query)))]
        parent_path, below = nested
        parents = await self.collect(self.client.url(self.version, parent_path))
        paths: list[str] = []
        for parent in parents:
            if not isinstance(parent, dict) or not parent.get("id"):
                raise GraphError("invalid_response", f"{parent_path} returned an object without an id")
            paths.append(f"{parent_path}/{parent['id']}/{below}")
        query = f"?{source.query}" if source.query else ""
        pages = await self._batch_json([path + query for path in paths], below)
        collections = await asyncio.gather(*(self.collect(first_page=page) for page in pages))
        return list(zip(paths, collections, strict=True))

    # -- collections and expansions -------------------------------------------------------------

    async def collect(self, url: str = "", first_page: Any | None = None) -> list[dict[str, Any]]:
        """Every element of a collection (all pages), with every expansion on them completed."""
        values = await self.client.get_collection(url, first_page=first_page)
        await self.complete_expansions(values)
        return values

    async def complete_expansions(self, nodes: Sequence[Any]) -> None:
        """Follow each `<navigation>@odata.nextLink` to the end and append what it holds.

        Expanded collections can be cut short by the service with only that annotation to say so
        (GRAPH.md); what the link returns can carry cut expansions of its own, which are followed too.
        """
        cut: list[tuple[dict[str, Any], str, str]] = []
        _expansion_links(list(nodes), cut)
        if not cut:
            return

        async def follow(owner: dict[str, Any], navigation: str, link: str) -> None:
            head = owner.get(navigation)
            if not isinstance(head, list):
                raise GraphError("invalid_response", f"{navigation} has a next link but no collection")
            rest = await self.collect(link)
            owner[navigation] = [*head, *rest]
            owner.pop(navigation + NEXT_LINK, None)

        await asyncio.gather(*(follow(owner, navigation, link) for owner, navigation, link in cut))

    async def _batch_json(self, urls: list[str], what: str) -> list[dict[str, Any]]:
        """GET each URL through $batch; any failed item fails the whole read."""
        replies = await self.client.batch(self.version, urls)
        out: list[dict[str, Any]] = []
        for reply in replies:
            if reply.status >= 400 or not isinstance(reply.body, dict):
                raise _fail(reply, what)
            out.append(reply.body)
        return out

    # -- per-item details -----------------------------------------------------------------------

    async def _details(self, listed: list[Owner], url_for: Callable[[str, dict[str, Any]], str | None]) -> list[Owner]:
        urls: list[str] = []
        positions: list[int] = []
        for index, (path, raw) in enumerate(listed):
            url = url_for(path, raw)
            if url:
                urls.append(url)
                positions.append(index)
        bodies = await self._batch_json(urls, "item detail")
        await self.complete_expansions(bodies)
        out = list(listed)
        for index, body in zip(positions, bodies, strict=True):
            path, raw = out[index]
            merged = dict(raw)
            merged.update(body)
            out[index] = (path, merged)
        return out

    # -- count checks ---------------------------------------------------------------------------

    async def _check_counts(self, listed: list[Owner]) -> None:
        check = self.contract.count_check
        if check is None:
            return
        key = self.contract.key
        # A list answer without the count: the item read by id carries it.
        uncounted = [(path, raw) for path, raw in listed if raw.get(check.count_field) is None]
        if uncounted:
            bodies = await self._batch_json([path for path, _ in uncounted], f"{check.count_field} by id")
            for (_, raw), body in zip(uncounted, bodies, strict=True):
                count = body.get(check.count_field)
                if not isinstance(count, int) or isinstance(count, bool):
                    raise GraphError("invalid_response", f"{key} {raw['id']}: no {check.count_field}, even by id")
                raw[check.count_field] = count
        short = [
            (path, raw) for path, raw in listed if len(raw.get(check.values_field) or []) != raw[check.count_field]
        ]
        if not short:
            return
        # The expansion came back short: read the collection alone and follow its pages.
        pages = await self._batch_json([f"{path}/{check.refetch_path}" for path, _ in short], check.values_field)
        refetched = await asyncio.gather(*(self.collect(first_page=page) for page in pages))
        for (_, raw), values in zip(short, refetched, strict=True):
            raw[check.values_field] = values
            if len(values) != raw[check.count_field]:
                raise GraphError(
                    "invalid_response",
                    f"{key} {raw['id']}: {check.count_field} is {raw[check.count_field]} but {len(values)} were returned",
                )

    # -- follow-ups -----------------------------------------------------------------------------

    async def _follow(self, follow_up: FollowUp, owners: list[Owner]) -> None:
        wanted = [(path, owner) for path, owner in owners if not (follow_up.when_absent and follow_up.name in owner)]
        if follow_up.only_when is not None:
            field, expected = follow_up.only_when
            for _, owner in wanted:
                if owner.get(field) != expected:
                    owner[follow_up.name] = []
            wanted = [(path, owner) for path, owner in wanted if owner.get(field) == expected]
        if follow_up.only_if_nonempty:
            wanted = await self._gate(follow_up, follow_up.only_if_nonempty, wanted)
        if not wanted:
            return
        if follow_up.single:
            await self._follow_single(follow_up, wanted)
            return
        pages = await self._batch_json([follow_up.url(path) for path, _ in wanted], follow_up.name)
        collections = await asyncio.gather(*(self.collect(first_page=page) for page in pages))
        children: list[Owner] = []
        for (path, owner), values in zip(wanted, collections, strict=True):
            owner[follow_up.name] = values
            for value in values:
                if follow_up.children and isinstance(value, dict) and value.get("id"):
                    children.append((f"{path}/{follow_up.path}/{value['id']}", value))
        for child in follow_up.children:
            await self._follow(child, children)

    async def _follow_single(self, follow_up: FollowUp, owners: list[Owner]) -> None:
        """A single-valued navigation per owner: the object as answered, None for an empty answer (204)."""
        replies = await self.client.batch(self.version, [follow_up.url(path) for path, _ in owners])
        bodies: list[dict[str, Any]] = []
        for (_, owner), reply in zip(owners, replies, strict=True):
            if reply.status == 204 or (reply.status == 200 and reply.body is None):
                owner[follow_up.name] = None
            elif reply.status >= 400 or not isinstance(reply.body, dict):
                raise _fail(reply, follow_up.name)
            else:
                owner[follow_up.name] = reply.body
                bodies.append(reply.body)
        await self.complete_expansions(bodies)

    async def _gate(self, follow_up: FollowUp, template: str, owners: list[Owner]) -> list[Owner]:
        """The owners whose gating collection is not provably empty; the others get `[]`.

        Each distinct gating path is read once (first page only: one element decides). A path that
        cannot be built or read leaves its owners in: the follow-up is made rather than guessed.
        """
        paths = [fill_template(template, owner) for _, owner in owners]
        distinct = sorted({p for p in paths if p is not None})
        empty: set[str] = set()
        if distinct:
            replies = await self.client.batch(self.version, distinct)
            for path, reply in zip(distinct, replies, strict=True):
                body = reply.body
                if (
                    reply.status == 200
                    and isinstance(body, dict)
                    and body.get("value") == []
                    and not body.get(NEXT_LINK)
                ):
                    empty.add(path)
        kept: list[Owner] = []
        for (path, owner), gate in zip(owners, paths, strict=True):
            if gate is not None and gate in empty:
                owner[follow_up.name] = []
            else:
                kept.append((path, owner))
        return kept


async def read_type(client: GraphClient, policy_type: str, secret_key: bytes | None) -> TypeResult:
    """One type's result: every item normalised, or a failure with a stable code."""
    contract = contract_for(policy_type)
    try:
        raws = await TypeReader(client, contract).read()
    except GraphError as exc:
        log.warning("scan of %s failed: %s (%s)", policy_type, exc.code, exc.status)
        return TypeResult(
            policy_type, "failed", error_code=exc.code, error={"httpStatus": exc.status, "message": exc.message}
        )
    items = sorted((normalise_item(contract, raw, secret_key) for raw in raws), key=lambda i: i["id"])
    return TypeResult(policy_type, "complete", items=items)


async def read_tenant(client: GraphClient, selection: Sequence[str], secret_key: bytes | None) -> list[TypeResult]:
    """Every selected type, read concurrently (the client caps requests in flight)."""
    return list(await asyncio.gather(*(read_type(client, t, secret_key) for t in selection)))
