"""Resolve one Graph request against a tenant: collections, items, navigation paths, paging,
``$expand`` / ``$select`` / ``$top``, and Graph-shaped errors. No HTTP here: the server and the
``$batch`` handler both call ``Router.handle``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, NoReturn
from urllib.parse import unquote

from devtools.graphsim.audit import ENTRA_PATH, INTUNE_PATH, FilterError, Source, apply_filter
from devtools.graphsim.catalog import (
    APP_PROTECTION_BUCKET_BY_ODATA_TYPE,
    COLLECTIONS,
    DEFAULT_PAGE_SIZE,
    EXPAND_LIMIT,
    MANAGED_APP_POLICY_BASE_FIELDS,
    MAX_TOP,
    NESTED,
    VERSIONS,
    CollectionSpec,
    Nav,
)
from devtools.graphsim.odata import (
    ExpandTree,
    QueryError,
    QueryOptions,
    SkipTokenCodec,
    build_expand,
    build_query,
    expand_depth,
    parse_query,
)
from devtools.graphsim.setting_definitions import instance_definition_ids
from devtools.graphsim.store import GROUPS_BUCKET, Obj, SimTenant

JSON_CONTENT_TYPE = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
ERROR_CODES: dict[int, str] = {
    400: "BadRequest",
    401: "InvalidAuthenticationToken",
    403: "Forbidden",
    404: "ResourceNotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    424: "FailedDependency",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}
MAX_GET_BY_IDS = 1000
_AUGMENTED_KEPT = 512
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass
class RequestContext:
    """Per-request facts needed to build absolute links and error bodies."""

    request_id: str
    client_request_id: str
    origin: str
    """``http://host:port`` as the client addressed the simulator."""


@dataclass
class SimResponse:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    malformed: bool = False


class GraphError(Exception):
    """An error Graph would return; ``intune`` selects Intune's escaped-JSON message style."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        *,
        intune: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or ERROR_CODES.get(status, "UnknownError")
        self.message = message
        self.intune = intune
        self.headers = headers or {}


def error_body(
    status: int, code: str, message: str, ctx: RequestContext, *, intune: bool = False, url: str = ""
) -> Obj:
    """Graph's error envelope (Intune wraps its message as an escaped JSON document)."""
    date = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if intune:
        inner = {
            "_version": 3,
            "Message": (
                f"An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000"
                f" - Activity ID: {ctx.request_id} - Url: https://fef.msua06.manage.microsoft.com/"
                f"StatelessDeviceConfigurationFEService/{url}?api-version=5025-10-01 - {message}"
            ),
            "CustomApiErrorPhrase": "",
            "RetryAfter": None,
            "ErrorSourceService": "",
            "HttpHeaders": "{}",
        }
        message = json.dumps(inner, indent=2).replace("\n", "\r\n")
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"date": date, "request-id": ctx.request_id, "client-request-id": ctx.client_request_id},
        }
    }


def split_path(path: str) -> list[str]:
    """Path segments, percent-decoded, with OData key syntax ``coll('id')`` split into two."""
    out: list[str] = []
    for raw in path.split("/"):
        if not raw:
            continue
        seg = unquote(raw)
        if seg.endswith(")") and "(" in seg and not seg.startswith("$"):
            name, _, key = seg[:-1].partition("(")
            key = key.strip()
            if len(key) >= 2 and key[0] == key[-1] == "'":
                key = key[1:-1].replace("''", "'")
            out.extend([name, key] if name else [key])
        else:
            out.append(seg)
    return out


def is_intune_path(segments: list[str]) -> bool:
    return bool(segments) and segments[0] in ("deviceManagement", "deviceAppManagement")


_KEY_SEGMENT = re.compile(r"\('((?:[^']|'')*)'\)")


def plain_path(self_path: str) -> str:
    """``a/b('x')/c`` as ``a/b/x/c`` (the form paging tokens are bound to)."""
    return _KEY_SEGMENT.sub(lambda m: "/" + m.group(1).replace("''", "'"), self_path)


class Router:
    """Answers GETs (and ``directoryObjects/getByIds``) for one tenant.

    ``strict`` (the default of GraphSimulator) adds what the service does beyond its metadata: see
    the ``expands_empty``, ``max_expansion_depth``, ``takes_query_options``, ``inline_navs`` and
    ``uncounted_when_cut`` notes in catalog.py and ``EXPAND_LIMIT``.
    """

    def __init__(self, codec: SkipTokenCodec, strict: bool = True) -> None:
        self.codec = codec
        self.strict = strict
        self._augmented: dict[tuple[int, int], tuple[Obj, Obj]] = {}

    # -- entry point ----------------------------------------------------------------------------

    def handle(
        self, tenant: SimTenant, method: str, path: str, query: str, body: Any, ctx: RequestContext
    ) -> SimResponse:
        segments = split_path(path)
        if not segments or segments[0] not in VERSIONS:
            version = segments[0] if segments else ""
            raise GraphError(404, f"Invalid version: {version}" if version else "Invalid version.")
        version, rest = segments[0], segments[1:]
        try:
            opts = parse_query(query)
        except QueryError as exc:
            raise GraphError(400, str(exc), intune=is_intune_path(rest)) from exc
        if "/".join(rest) in (INTUNE_PATH, ENTRA_PATH):
            return self._audit_events(tenant, method, version, "/".join(rest), opts, ctx)
        if rest == ["directoryObjects", "getByIds"]:
            if method != "POST":
                raise GraphError(405, "The requested resource does not support http method 'GET'.")
            return self._get_by_ids(tenant, version, body, ctx)
        spec, tail, owner = self._resolve_collection(rest)
        if version not in spec.versions:
            raise GraphError(400, f"Resource not found for the segment '{spec.path.rsplit('/', 1)[-1]}'.")
        if method != "GET":
            raise GraphError(405, f"The simulator is read-only: {method} is not supported here.", intune=spec.intune)
        self._check_consent(tenant, spec)
        self._check_strict(spec, opts, tail)
        if len(tail) <= (0 if spec.singleton else 1):
            self._check_expand(opts.expand, spec.navs, spec.entity_type, spec.intune)
        path_no_query = "/" + "/".join([version, *rest])
        if owner is not None:
            return self._nested(tenant, spec, owner, tail, opts, ctx, version, rest, path_no_query)
        if spec.singleton:
            obj = next(iter(tenant.snapshot(spec.path)), None)
            if obj is None:
                raise GraphError(404, f"Resource '{spec.path}' does not exist.")
            if not tail:
                if self.strict and spec.inline_navs:
                    unasked = {name: {} for name in spec.inline_navs if name not in opts.expand}
                    opts = replace(opts, expand={**unasked, **opts.expand})
                return self._entity(obj, spec.navs, opts, ctx, version, spec.path, spec.path, spec, detail=True)
            if len(tail) == 1 and tail[0] in spec.own_path_properties:
                return self._property(obj, tail[0], ctx, version, spec.path)
            return self._walk(obj, spec.navs, tail, opts, ctx, version, spec.path, path_no_query, spec)
        if spec.virtual:
            return self._managed_app_policies(tenant, tail, opts, ctx, version, spec, path_no_query)
        expands_definitions = spec.setting_definitions is not None and _mentions(opts.expand, "settingDefinitions")
        if not tail:
            items = tenant.snapshot(spec.path)
            if expands_definitions:
                items = [self._with_setting_definitions(tenant, spec, item) for item in items]
            return self._collection(
                items, spec.navs, opts, ctx, version, spec.path, path_no_query, spec.page_size, spec.max_top, spec
            )
        object_id = tail[0]
        obj = tenant.lookup(spec.path, object_id)
        if obj is None:
            self._not_found(spec, object_id, rest)
        if expands_definitions:
            obj = self._with_setting_definitions(tenant, spec, obj)
        self_path = f"{spec.path}('{object_id}')"
        if len(tail) == 1:
            return self._entity(obj, spec.navs, opts, ctx, version, spec.path, self_path, spec, detail=True)
        if len(tail) == 2 and tail[1] in spec.own_path_properties:
            return self._property(obj, tail[1], ctx, version, self_path)
        return self._walk(obj, spec.navs, tail[1:], opts, ctx, version, self_path, path_no_query, spec)

    def _with_setting_definitions(self, tenant: SimTenant, spec: CollectionSpec, obj: Obj) -> Obj:
        """A copy whose setting rows carry `settingDefinitions`: the catalogue's definition of every
        instance in the row, nested children included (computed, never stored).

        Kept per stored object (they are replaced, never changed in place) and catalogue version, so
        paging through a policy of thousands of settings does not recompute them for every page.
        """
        rows = obj.get("settings")
        catalog = spec.setting_definitions
        if catalog is None or not isinstance(rows, list):
            return obj
        key = (id(obj), tenant.catalog_version)
        cached = self._augmented.get(key)
        if cached is not None and cached[0] is obj:
            return cached[1]
        out = dict(obj)
        out["settings"] = []
        for row in rows:
            found = [tenant.lookup(catalog, i) for i in instance_definition_ids(row.get("settingInstance"))]
            out["settings"].append({**row, "settingDefinitions": [d for d in found if d is not None]})
        if len(self._augmented) >= _AUGMENTED_KEPT:
            self._augmented.pop(next(iter(self._augmented)), None)
        self._augmented[key] = (obj, out)
        return out

    def _nested(
        self,
        tenant: SimTenant,
        spec: CollectionSpec,
        owner: str,
        tail: list[str],
        opts: QueryOptions,
        ctx: RequestContext,
        version: str,
        rest: list[str],
        path_no_query: str,
    ) -> SimResponse:
        """A collection owned by one element of another (``depOnboardingSettings/{id}/enrollmentProfiles``)."""
        parent, _, below = spec.path.partition("/{id}/")
        if tenant.lookup(parent, owner) is None:
            self._not_found(COLLECTIONS[parent], owner, rest)
        context = f"{parent}('{owner}')/{below}"
        items = [o for o in tenant.snapshot(spec.path) if tenant.parent_of(spec.path, str(o[spec.key_field])) == owner]
        if not tail:
            return self._collection(
                items, spec.navs, opts, ctx, version, context, path_no_query, spec.page_size, spec.max_top, spec
            )
        obj = next((o for o in items if str(o[spec.key_field]) == tail[0]), None)
        if obj is None:
            self._not_found(spec, tail[0], rest)
        if len(tail) > 1:
            return self._walk(
                obj, spec.navs, tail[1:], opts, ctx, version, f"{context}('{tail[0]}')", path_no_query, spec
            )
        return self._entity(obj, spec.navs, opts, ctx, version, context, f"{context}('{tail[0]}')", spec, detail=True)

    def _property(self, obj: Obj, name: str, ctx: RequestContext, version: str, self_path: str) -> SimResponse:
        """A structural property read at its own path: its value, or 204 when it has none."""
        value = obj.get(name)
        if value is None:
            return SimResponse(204)
        body: Obj = {"@odata.context": f"{ctx.origin}/{version}/$metadata#{self_path}/{name}"}
        body.update(value if isinstance(value, dict) else {"value": value})
        return SimResponse(200, body)

    # -- resolution -----------------------------------------------------------------------------

    @staticmethod
    def _resolve_collection(rest: list[str]) -> tuple[CollectionSpec, list[str], str | None]:
        """(spec, the segments after its path, the owning element's id for a nested collection)."""
        for spec in NESTED:
            pattern = spec.path.split("/")
            if len(rest) >= len(pattern) and all(p == "{id}" or p == r for p, r in zip(pattern, rest, strict=False)):
                return spec, rest[len(pattern) :], rest[pattern.index("{id}")]
        for n in (3, 2, 1):
            if len(rest) >= n:
                candidate = "/".join(rest[:n])
                if candidate in COLLECTIONS:
                    return COLLECTIONS[candidate], rest[n:], None
        for i in range(len(rest)):
            prefix = "/".join(rest[: i + 1])
            if not any(p == prefix or p.startswith(prefix + "/") for p in COLLECTIONS):
                raise GraphError(400, f"Resource not found for the segment '{rest[i]}'.")
        last = rest[-1] if rest else ""
        raise GraphError(400, f"Resource not found for the segment '{last}'.")

    @staticmethod
    def _not_found(spec: CollectionSpec, object_id: str, rest: list[str]) -> NoReturn:
        if spec.path == GROUPS_BUCKET:
            raise GraphError(
                404,
                f"Resource '{object_id}' does not exist or one of its queried reference-property objects are not present.",
                "Request_ResourceNotFound",
            )
        raise GraphError(
            404,
            f"Resource '{object_id}' of type '{spec.entity_type}' was not found.",
            intune=spec.intune,
        )

    @staticmethod
    def _check_consent(tenant: SimTenant, spec: CollectionSpec) -> None:
        """403 where the tenant's admin consented to none of the permissions that read here."""
        if tenant.granted is None or not spec.permissions or spec.permissions & tenant.granted:
            return
        scopes = ", ".join(sorted(spec.permissions))
        raise GraphError(
            403,
            f"Application is not authorized to perform this operation. Application must have one of the "
            f"following scopes: {scopes}",
            "Forbidden" if spec.intune else "Authorization_RequestDenied",
            intune=spec.intune,
        )

    def _check_strict(self, spec: CollectionSpec, opts: QueryOptions, tail: list[str]) -> None:
        """Refusals of the service that its metadata does not show."""
        if not self.strict:
            return
        on_object = len(tail) <= (0 if spec.singleton else 1)
        if spec.list_expand_refused and not tail and opts.expand:
            raise GraphError(
                400,
                "The query specified in the URI is not valid. Query option 'Expand' is not allowed. To allow it, "
                "set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
                intune=spec.intune,
            )
        refused = sorted(set(spec.expand_refused) & set(opts.expand)) if on_object else []
        if refused:
            raise GraphError(
                400,
                f"The navigation property '{refused[0]}' cannot be expanded on "
                f"'{spec.entity_type.rsplit('.', 1)[-1]}': read it at its own path.",
                intune=spec.intune,
            )
        if not spec.takes_query_options and opts.raw:
            name = opts.raw[0][0]
            raise GraphError(
                400,
                f"Query option '{name}' is not allowed. This resource does not support query options.",
                "BadRequest",
            )
        depth = expand_depth(opts.expand)
        if spec.max_expansion_depth is not None and depth > spec.max_expansion_depth:
            raise GraphError(
                400,
                f"MaxExpansionDepth: the request includes a $expand path which is too deep. The maximum depth "
                f"allowed is {spec.max_expansion_depth}.",
                "BadRequest",
                intune=spec.intune,
            )

    def _check_expand(self, expand: ExpandTree, navs: tuple[Nav, ...], entity: str, intune: bool) -> None:
        for name, sub in expand.items():
            if name == "*":
                continue
            nav = next((n for n in navs if n.name == name), None)
            if nav is None:
                raise GraphError(400, f"Could not find a property named '{name}' on type '{entity}'.", intune=intune)
            self._check_expand(sub, nav.children, nav.entity_type or name, intune)

    # -- rendering ------------------------------------------------------------------------------

    def render(
        self,
        obj: Obj,
        navs: tuple[Nav, ...],
        expand: ExpandTree,
        select: list[str] | None,
        *,
        detail_only: tuple[str, ...] = (),
        detail: bool = True,
        ctx: RequestContext | None = None,
        version: str = "",
        self_path: str = "",
        hidden: tuple[str, ...] = (),
        select_only: tuple[str, ...] = (),
    ) -> Obj:
        """An object as Graph answers it: navigations only where expanded, ``hidden`` properties left
        out, ``select_only`` ones only when selected (both strict-mode quirks of the spec)."""
        nav_map = {n.name: n for n in navs}
        wanted = dict(expand)
        if "*" in wanted:
            wanted.pop("*")
            for n in navs:
                wanted.setdefault(n.name, {})
        selected = None if select is None else {name.lower() for name in select}
        out: Obj = {}
        for key, value in obj.items():
            if key in nav_map or key in hidden:
                continue
            if selected is not None and key.lower() not in selected and key != "@odata.type":
                continue
            if key in select_only and (selected is None or key.lower() not in selected):
                continue
            out[key] = None if (not detail and key in detail_only) else value
        for name, sub in wanted.items():
            nav = nav_map[name]
            value = obj.get(name)
            child_path = f"{self_path}/{name}"
            if nav.single:
                out[name] = (
                    None
                    if value is None
                    else self.render(value, nav.children, sub, None, ctx=ctx, version=version, self_path=child_path)
                )
                continue
            items: list[Obj] = list(value or [])
            if self.strict and nav.expands_empty:
                items = []
            if ctx is not None:
                out[f"{name}@odata.context"] = f"{ctx.origin}/{version}/$metadata#{child_path}"
            if self.strict and len(items) > EXPAND_LIMIT and ctx is not None:
                # Cut short like the service does, with only this annotation to say so.
                request_path = f"/{version}/{plain_path(child_path)}"
                pairs = [("$expand", build_expand(sub))] if sub else []
                pairs.append(("$skiptoken", self.codec.encode(request_path, EXPAND_LIMIT, 1)))
                out[f"{name}@odata.nextLink"] = f"{ctx.origin}{request_path}?{build_query(pairs)}"
                items = items[:EXPAND_LIMIT]
            out[name] = [
                self.render(
                    item,
                    nav.children,
                    sub,
                    None,
                    ctx=ctx,
                    version=version,
                    self_path=f"{child_path}('{item.get('id', '')}')",
                )
                for item in items
            ]
        return out

    def _entity(
        self,
        obj: Obj,
        navs: tuple[Nav, ...],
        opts: QueryOptions,
        ctx: RequestContext,
        version: str,
        context_path: str,
        self_path: str,
        spec: CollectionSpec,
        *,
        detail: bool,
    ) -> SimResponse:
        body: Obj = {"@odata.context": f"{ctx.origin}/{version}/$metadata#{context_path}/$entity"}
        body.update(
            self.render(
                obj,
                navs,
                opts.expand,
                opts.select,
                detail_only=spec.detail_only,
                detail=detail,
                ctx=ctx,
                version=version,
                self_path=self_path,
                **self._quirks(spec),
            )
        )
        return SimResponse(200, body)

    def _quirks(self, spec: CollectionSpec, listing: bool = False) -> dict[str, tuple[str, ...]]:
        """What strict mode leaves out of an answer about an object of this spec (see catalog.py)."""
        if not self.strict:
            return {}
        hidden = spec.own_path_properties + (spec.list_omits if listing else ())
        return {"hidden": hidden, "select_only": spec.select_only}

    def _collection(
        self,
        items: list[Obj],
        navs: tuple[Nav, ...],
        opts: QueryOptions,
        ctx: RequestContext,
        version: str,
        context_path: str,
        request_path: str,
        page_size: int,
        max_top: int,
        spec: CollectionSpec,
        *,
        detail_only: tuple[str, ...] | None = None,
        project: tuple[str, ...] | None = None,
    ) -> SimResponse:
        size = min(opts.top or page_size, max_top)
        offset, page = 0, 0
        if opts.skiptoken:
            try:
                offset, page = self.codec.decode(request_path, opts.skiptoken)
            except QueryError as exc:
                raise GraphError(400, str(exc), intune=spec.intune) from exc
        chunk = items[offset : offset + size]
        rendered = []
        for item in chunk:
            source = {k: item[k] for k in project if k in item} if project else item
            rendered.append(
                self.render(
                    source,
                    navs,
                    opts.expand,
                    opts.select,
                    detail_only=spec.detail_only if detail_only is None else detail_only,
                    detail=False,
                    ctx=ctx,
                    version=version,
                    self_path=f"{context_path}('{item.get(spec.key_field, '')}')",
                    **(self._quirks(spec, listing=True) if detail_only is None else {}),
                )
            )
        if self.strict and spec.uncounted_when_cut and context_path == spec.path:
            count_field, navigation = spec.uncounted_when_cut
            for item in rendered:
                if f"{navigation}@odata.nextLink" in item:
                    item.pop(count_field, None)
        body: Obj = {"@odata.context": f"{ctx.origin}/{version}/$metadata#{context_path}"}
        if (spec.count_and_tips and context_path == spec.path) or opts.count:
            body["@odata.count"] = len(items)
        if spec.count_and_tips and context_path == spec.path and page == 0 and opts.select is None:
            body["@microsoft.graph.tips"] = (
                "Use $select to choose only the properties your app needs, as this can lead to performance "
                f"improvements. For example: GET {spec.path}?$select=assignments,createdDateTime"
            )
        body["value"] = rendered
        if offset + size < len(items):
            token = self.codec.encode(request_path, offset + size, page + 1)
            pairs = [*opts.passthrough(), ("$skiptoken", token)]
            body["@odata.nextLink"] = f"{ctx.origin}{request_path}?{build_query(pairs)}"
        return SimResponse(200, body)

    def _walk(
        self,
        node: Obj,
        navs: tuple[Nav, ...],
        segs: list[str],
        opts: QueryOptions,
        ctx: RequestContext,
        version: str,
        self_path: str,
        request_path: str,
        spec: CollectionSpec,
    ) -> SimResponse:
        """Follow navigation segments (``settings``, ``definitionValues/{id}/presentationValues`` ...)."""
        name = segs[0]
        nav = next((n for n in navs if n.name == name), None)
        if nav is None:
            raise GraphError(400, f"Resource not found for the segment '{name}'.", intune=spec.intune)
        if self.strict and nav.refused_when is not None and node.get(nav.refused_when[0]) == nav.refused_when[1]:
            raise GraphError(
                400,
                f"'{name}' is supported only where {nav.refused_when[0]} is not '{nav.refused_when[1]}'.",
                intune=spec.intune,
            )
        value = node.get(name)
        here = f"{self_path}/{name}"
        if nav.single:
            if value is None:
                raise GraphError(404, f"Resource '{name}' does not exist.", intune=spec.intune)
            if len(segs) == 1:
                self._check_expand(opts.expand, nav.children, nav.entity_type or name, spec.intune)
                return self._entity(value, nav.children, opts, ctx, version, here, here, _NO_DETAIL, detail=True)
            return self._walk(value, nav.children, segs[1:], opts, ctx, version, here, request_path, spec)
        items: list[Obj] = value or []
        if len(segs) == 1:
            self._check_expand(opts.expand, nav.children, nav.entity_type or name, spec.intune)
            return self._collection(
                items,
                nav.children,
                opts,
                ctx,
                version,
                here,
                request_path,
                nav.page_size,
                nav.max_top,
                spec,
                detail_only=(),
            )
        child_id = segs[1]
        child = next((i for i in items if str(i.get("id")) == child_id), None)
        if child is None:
            raise GraphError(404, f"Resource '{child_id}' was not found in '{name}'.", intune=spec.intune)
        child_path = f"{here}('{child_id}')"
        if len(segs) == 2:
            self._check_expand(opts.expand, nav.children, nav.entity_type or name, spec.intune)
            return self._entity(child, nav.children, opts, ctx, version, here, child_path, _NO_DETAIL, detail=True)
        return self._walk(child, nav.children, segs[2:], opts, ctx, version, child_path, request_path, spec)

    # -- special collections --------------------------------------------------------------------

    def _managed_app_policies(
        self,
        tenant: SimTenant,
        tail: list[str],
        opts: QueryOptions,
        ctx: RequestContext,
        version: str,
        spec: CollectionSpec,
        request_path: str,
    ) -> SimResponse:
        """The base-type view over app protections and targeted app configurations."""
        buckets = [
            *APP_PROTECTION_BUCKET_BY_ODATA_TYPE.values(),
            "deviceAppManagement/targetedManagedAppConfigurations",
        ]
        items = [o for b in buckets if version in COLLECTIONS[b].versions for o in tenant.snapshot(b)]
        if not tail:
            return self._collection(
                items,
                (),
                opts,
                ctx,
                version,
                spec.path,
                request_path,
                spec.page_size,
                spec.max_top,
                spec,
                project=MANAGED_APP_POLICY_BASE_FIELDS,
            )
        obj = next((o for o in items if o.get("id") == tail[0]), None)
        if obj is None:
            self._not_found(spec, tail[0], [])
        if len(tail) > 1:
            raise GraphError(400, f"Resource not found for the segment '{tail[1]}'.", intune=True)
        base = {k: obj[k] for k in MANAGED_APP_POLICY_BASE_FIELDS if k in obj}
        return self._entity(base, (), opts, ctx, version, spec.path, f"{spec.path}('{tail[0]}')", spec, detail=True)

    def _audit_events(
        self, tenant: SimTenant, method: str, version: str, path: str, opts: QueryOptions, ctx: RequestContext
    ) -> SimResponse:
        """`deviceManagement/auditEvents` and `auditLogs/directoryAudits`: the tenant's audit log,
        newest first, filtered as the service filters, paged (`$top` up to the log's `max_page`)."""
        source: Source = "intune" if path == INTUNE_PATH else "entra"
        intune = source == "intune"
        if method != "GET":
            raise GraphError(405, f"The simulator is read-only: {method} is not supported here.", intune=intune)
        if self.strict and source == "entra" and version == "beta":
            # The beta directoryAudits answers 500 for application callers (GRAPH.md): v1.0 only.
            raise GraphError(500, "An internal server error occurred.", "UnknownError")
        try:
            events = apply_filter(source, tenant.audit.visible(source), opts.filter)
        except FilterError as exc:
            raise GraphError(
                400, str(exc), "BadRequest" if intune else "Request_UnsupportedQuery", intune=intune
            ) from exc
        request_path = f"/{version}/{path}"
        offset = 0
        page = 0
        if opts.skiptoken:
            try:
                offset, page = self.codec.decode(request_path, opts.skiptoken)
            except QueryError as exc:
                raise GraphError(400, str(exc), intune=intune) from exc
        size = min(opts.top or DEFAULT_PAGE_SIZE, tenant.audit.max_page)
        chunk = events[offset : offset + size]
        if opts.select:
            chunk = [{k: e[k] for k in opts.select if k in e} for e in chunk]
        entity = "auditEvents" if intune else "auditLogs/directoryAudits"
        body: Obj = {"@odata.context": f"{ctx.origin}/{version}/$metadata#{entity}", "value": chunk}
        if offset + size < len(events):
            token = self.codec.encode(request_path, offset + size, page + 1)
            pairs = [*opts.passthrough(), ("$skiptoken", token)]
            body["@odata.nextLink"] = f"{ctx.origin}{request_path}?{build_query(pairs)}"
        return SimResponse(200, body)

    def _get_by_ids(self, tenant: SimTenant, version: str, body: Any, ctx: RequestContext) -> SimResponse:
        if not isinstance(body, dict) or not isinstance(body.get("ids"), list):
            raise GraphError(400, "Invalid request: 'ids' is required.", "Request_BadRequest")
        ids = body["ids"]
        if not all(isinstance(i, str) for i in ids):
            raise GraphError(400, "Invalid request: 'ids' must be strings.", "Request_BadRequest")
        if len(ids) > MAX_GET_BY_IDS:
            raise GraphError(
                400, f"Too many identifiers in the request: maximum is {MAX_GET_BY_IDS}.", "Request_BadRequest"
            )
        if self.strict:
            # The directory refuses anything that is not an object id (Conditional Access's "All",
            # an authentication method target's "all_users") instead of skipping it.
            bad = next((i for i in ids if not _GUID.fullmatch(i)), None)
            if bad is not None:
                raise GraphError(400, f"Invalid object identifier '{bad}'.", "Request_BadRequest")
        types = body.get("types")
        if types is not None and not (isinstance(types, list) and all(isinstance(t, str) for t in types)):
            raise GraphError(400, "Invalid request: 'types' must be a list of strings.", "Request_BadRequest")
        wanted = {t.lower().rsplit(".", 1)[-1] for t in types} if types else None
        found: list[Obj] = []
        if wanted is None or "group" in wanted:
            for object_id in dict.fromkeys(ids):
                group = tenant.lookup(GROUPS_BUCKET, object_id)
                if group is not None:
                    found.append(dict(group))
        return SimResponse(
            200, {"@odata.context": f"{ctx.origin}/{version}/$metadata#directoryObjects", "value": found}
        )


def _mentions(expand: ExpandTree, name: str) -> bool:
    """True when `$expand` names `name` at any depth."""
    return any(key == name or _mentions(sub, name) for key, sub in expand.items())


_NO_DETAIL = CollectionSpec("", None, "", frozenset(), page_size=DEFAULT_PAGE_SIZE, max_top=MAX_TOP)
