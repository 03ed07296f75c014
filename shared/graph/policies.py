"""Reading one tenant's policies from Graph, type by type, as their contracts say (I/O)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from shared.core.contracts import PolicyContract, SubResource, contract_for
from shared.core.normalise import normalise_item
from shared.core.snapshot.document import TypeResult
from shared.errors import GraphError
from shared.graph.client import GraphClient, GraphResponse, error_code_for, graph_error_detail

log = logging.getLogger(__name__)


def _fail(reply: GraphResponse, what: str) -> GraphError:
    return GraphError(
        error_code_for(reply.status),
        f"{what} failed with {reply.status} {graph_error_detail(reply.body)}".strip(),
        reply.status,
    )


class TypeReader:
    """Fetches every object of one policy type, whole: pages, expansions, follow-ups, counts."""

    def __init__(self, client: GraphClient, contract: PolicyContract) -> None:
        self.client = client
        self.contract = contract
        self.version = contract.api_version

    async def read(self) -> list[dict[str, Any]]:
        c = self.contract
        if c.singleton:
            body = await self.client.get(self.client.url(self.version, c.collections[0], c.list_query))
            body.setdefault("id", c.key)
            return [body]
        listed: list[tuple[str, dict[str, Any]]] = []
        for collection in c.collections:
            values = await self.client.get_collection(self.client.url(self.version, collection, c.list_query))
            for raw in values:
                if not isinstance(raw, dict) or not raw.get("id"):
                    raise GraphError("invalid_response", f"{collection} returned an object without an id")
                if raw.get("@odata.type") in c.skip_odata_types:
                    continue
                listed.append((collection, raw))
        if c.detail_query is not None:
            listed = await self._details(listed, lambda coll, raw: f"{coll}/{raw['id']}?{c.detail_query}")
        if c.detail_collection_by_type:
            by_type = dict(c.detail_collection_by_type)

            def subtype_url(coll: str, raw: dict[str, Any]) -> str | None:
                target = by_type.get(str(raw.get("@odata.type")))
                return f"{target}/{raw['id']}?{c.detail_expand_for_subtype}" if target else None

            listed = await self._details(listed, subtype_url)
        if c.count_check:
            await self._check_counts(listed)
        for sub in c.subresources:
            await self._subresource(sub, [(f"{coll}/{raw['id']}", raw) for coll, raw in listed])
        return [raw for _, raw in listed]

    async def _details(
        self, listed: list[tuple[str, dict[str, Any]]], url_for: Any
    ) -> list[tuple[str, dict[str, Any]]]:
        urls: list[str] = []
        positions: list[int] = []
        for index, (coll, raw) in enumerate(listed):
            url = url_for(coll, raw)
            if url:
                urls.append(url)
                positions.append(index)
        replies = await self.client.batch(self.version, urls)
        out = list(listed)
        for index, reply in zip(positions, replies, strict=True):
            if reply.status >= 400 or not isinstance(reply.body, dict):
                raise _fail(reply, "item detail")
            coll, raw = out[index]
            merged = dict(raw)
            merged.update(reply.body)
            out[index] = (coll, merged)
        return out

    async def _check_counts(self, listed: list[tuple[str, dict[str, Any]]]) -> None:
        count_field, values_field = self.contract.count_check or ("", "")
        for coll, raw in listed:
            expected = raw.get(count_field)
            if expected is None or len(raw.get(values_field) or []) == expected:
                continue
            # The expansion came back short: fetch the collection alone and follow its pages.
            path = f"{coll}/{raw['id']}/{self.contract.count_refetch_path}"
            raw[values_field] = await self.client.get_collection(self.client.url(self.version, path))
            if len(raw[values_field]) != expected:
                raise GraphError(
                    "invalid_response",
                    f"{self.contract.key} {raw['id']}: {count_field} is {expected} but "
                    f"{len(raw[values_field])} were returned",
                )

    async def _subresource(self, sub: SubResource, owners: list[tuple[str, dict[str, Any]]]) -> None:
        if not owners:
            return
        urls = [f"{path}/{sub.path}" + (f"?{sub.query}" if sub.query else "") for path, _ in owners]
        replies = await self.client.batch(self.version, urls)

        async def collect(reply: GraphResponse) -> list[dict[str, Any]]:
            if reply.status >= 400 or not isinstance(reply.body, dict):
                raise _fail(reply, sub.name)
            return await self.client.get_collection("", first_page=reply.body)

        collections = await asyncio.gather(*(collect(r) for r in replies))
        children: list[tuple[str, dict[str, Any]]] = []
        for (path, owner), values in zip(owners, collections, strict=True):
            owner[sub.name] = values
            for value in values:
                if sub.children and value.get("id"):
                    children.append((f"{path}/{sub.path}/{value['id']}", value))
        for child in sub.children:
            await self._subresource(child, children)


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
