"""OData query options: ``$expand`` trees, ``$select``, ``$top``, and opaque ``$skiptoken`` values."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote

ExpandTree = dict[str, "ExpandTree"]
"""``settings,scheduledActionsForRule($expand=scheduledActionConfigurations)`` becomes
``{"settings": {}, "scheduledActionsForRule": {"scheduledActionConfigurations": {}}}``."""


class QueryError(ValueError):
    """A query option Graph would reject with 400 BadRequest."""


def _split_top_level(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("Syntax error: unbalanced parentheses in $expand.")
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise QueryError("Syntax error: unbalanced parentheses in $expand.")
    parts.append("".join(current))
    return parts


def parse_expand(text: str) -> ExpandTree:
    """Parse a ``$expand`` value, with nested ``a($expand=b;$select=c)`` options."""
    tree: ExpandTree = {}
    if not text.strip():
        return tree
    for item in _split_top_level(text, ","):
        item = item.strip()
        if not item:
            raise QueryError("Syntax error: empty item in $expand.")
        name, paren, rest = item.partition("(")
        name = name.strip()
        sub: ExpandTree = {}
        if paren:
            if not rest.endswith(")"):
                raise QueryError(f"Syntax error in $expand at '{item}'.")
            inner = rest[:-1]
            for option in _split_top_level(inner, ";"):
                key, _, value = option.strip().partition("=")
                if key.lstrip("$").lower() == "expand":
                    sub = merge_expand(sub, parse_expand(value))
        if "/" in name:  # path form: a/b means expand b inside a
            head, _, tail = name.partition("/")
            tree[head] = merge_expand(tree.get(head, {}), parse_expand(tail if not paren else f"{tail}{paren}{rest}"))
            continue
        tree[name] = merge_expand(tree.get(name, {}), sub)
    return tree


def expand_depth(tree: ExpandTree) -> int:
    """How many levels a ``$expand`` reaches: ``a`` is 1, ``a($expand=b)`` is 2."""
    return max((1 + expand_depth(sub) for sub in tree.values()), default=0)


def build_expand(tree: ExpandTree) -> str:
    """An expand tree written back as a ``$expand`` value (``a,b($expand=c)``)."""
    return ",".join(f"{name}($expand={build_expand(sub)})" if sub else name for name, sub in sorted(tree.items()))


def merge_expand(a: ExpandTree, b: ExpandTree) -> ExpandTree:
    out: ExpandTree = dict(a)
    for key, value in b.items():
        out[key] = merge_expand(out.get(key, {}), value)
    return out


@dataclass
class QueryOptions:
    """The query string of one request, parsed (Graph accepts options with and without ``$``)."""

    raw: list[tuple[str, str]] = field(default_factory=list)
    expand: ExpandTree = field(default_factory=dict)
    select: list[str] | None = None
    top: int | None = None
    skiptoken: str | None = None
    count: bool = False
    filter: str | None = None

    def passthrough(self) -> list[tuple[str, str]]:
        """Options to carry into a nextLink (everything except the page position)."""
        return [(k, v) for k, v in self.raw if k.lstrip("$").lower() not in ("skiptoken", "skip")]


def parse_query(query: str) -> QueryOptions:
    opts = QueryOptions()
    if not query:
        return opts
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=False)
    except ValueError as exc:
        raise QueryError(f"Invalid query string: {exc}") from exc
    opts.raw = pairs
    for key, value in pairs:
        name = key.lstrip("$").lower()
        if name == "expand":
            opts.expand = merge_expand(opts.expand, parse_expand(value))
        elif name == "select":
            opts.select = [s.strip() for s in value.split(",") if s.strip()]
        elif name == "top":
            try:
                top = int(value)
            except ValueError as exc:
                raise QueryError(f"Invalid value for $top: '{value}'.") from exc
            if top < 1:
                raise QueryError(f"Invalid page size specified: '{value}'. Must be between 1 and 999 inclusive.")
            if top > 999:
                raise QueryError(f"Invalid page size specified: '{value}'. Must be between 1 and 999 inclusive.")
            opts.top = top
        elif name == "skiptoken":
            opts.skiptoken = value
        elif name == "count":
            opts.count = value.lower() == "true"
        elif name == "filter":
            opts.filter = value
    return opts


def build_query(pairs: list[tuple[str, str]]) -> str:
    """Encode query pairs the way Graph writes nextLinks (``$`` and ``,`` left readable)."""
    return "&".join(f"{quote(k, safe='$')}={quote(v, safe='$,()=;/')}" for k, v in pairs)


class SkipTokenCodec:
    """Opaque page tokens: base64url of (offset, page, salt, scope-bound MAC). Forgery -> 400."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or os.urandom(32)

    def _mac(self, scope: str, offset: int, page: int, salt: str) -> str:
        msg = f"{scope}|{offset}|{page}|{salt}".encode()
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()[:20]

    def encode(self, scope: str, offset: int, page: int) -> str:
        salt = secrets.token_hex(6)
        body = {"v": 1, "k": offset, "p": page, "s": salt, "m": self._mac(scope, offset, page, salt)}
        raw = json.dumps(body, separators=(",", ":")).encode()
        return "RFNwdAI" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    @staticmethod
    def _unpack(token: str) -> dict[str, object]:
        if not token.startswith("RFNwdAI"):
            raise QueryError("The $skiptoken is invalid.")
        data = token[len("RFNwdAI") :]
        try:
            raw = base64.urlsafe_b64decode((data + "=" * (-len(data) % 4)).encode("ascii"))
            body = json.loads(raw)
        except (ValueError, binascii.Error, UnicodeError) as exc:
            raise QueryError("The $skiptoken is invalid.") from exc
        if not isinstance(body, dict):
            raise QueryError("The $skiptoken is invalid.")
        return body

    def decode(self, scope: str, token: str) -> tuple[int, int]:
        """(offset, page index) of a token minted for ``scope``; QueryError otherwise."""
        body = self._unpack(token)
        offset, page, salt, mac = body.get("k"), body.get("p"), body.get("s"), body.get("m")
        if not (isinstance(offset, int) and isinstance(page, int) and isinstance(salt, str) and isinstance(mac, str)):
            raise QueryError("The $skiptoken is invalid.")
        if offset < 0 or page < 0 or not hmac.compare_digest(mac, self._mac(scope, offset, page, salt)):
            raise QueryError("The $skiptoken is invalid.")
        return offset, page

    def peek_page(self, token: str | None) -> int:
        """The page index a token claims, without validation (0 for no or unreadable token)."""
        if not token:
            return 0
        try:
            page = self._unpack(token).get("p")
        except QueryError:
            return 0
        return page if isinstance(page, int) else 0
