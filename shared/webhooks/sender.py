"""The one outbound HTTP sender of the app: POSTs a signed event to a subscriber (DESIGN §13).

Every send resolves the host once, judges every address with `shared.core.events.urls` (public
unicast only; loopback only against the local storage emulator), then connects to the address it
judged: httpcore's network backend is replaced by one that dials that address whatever name the
URL carries, while TLS still verifies the certificate and sends SNI for the name. A later DNS
answer therefore cannot move the request elsewhere (no rebinding gap). Redirects are never
followed (httpcore has no redirect logic; a 3xx is a failed attempt). One deadline of 10 s covers
connecting, the TLS handshake, sending and reading the status; at most 64 KiB of the answer is read.
No proxy settings from the environment are honoured.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpcore

from shared.core.events import IPAddress, WebhookUrl, check_addresses, require_https_unless_loopback
from shared.errors import ValidationError
from shared.storage.clients import is_local_emulator
from shared.webhooks.urls import parse_webhook_url

TIMEOUT_SECONDS: Final = 10.0
MAX_RESPONSE_BYTES: Final = 64 * 1024
USER_AGENT: Final = "TenantAtlas-Drift-Webhooks/1"

Resolver = Callable[[str, int], list[IPAddress]]


def system_resolver(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for the host (TCP), in its order, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    out: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in out:
            out.append(address)
    return out


def loopback_allowed() -> bool:
    """Loopback (and http on it) only when storage is the local emulator: development and tests."""
    return is_local_emulator()


@dataclass(frozen=True)
class Target:
    """A URL that passed every rule, and the address a request to it will connect to."""

    url: WebhookUrl
    address: IPAddress


def resolve_target(url: str, resolver: Resolver = system_resolver, allow_loopback: bool | None = None) -> Target:
    """Check a subscription URL against the rules and pick the address to connect to; raises
    ValidationError(`invalid_url`) naming the problem. `allow_loopback` defaults to `loopback_allowed()`."""
    allowed = loopback_allowed() if allow_loopback is None else allow_loopback
    parsed = parse_webhook_url(url)
    require_https_unless_loopback(parsed, allowed)
    literal = parsed.literal_address
    addresses = [literal] if literal is not None else resolver(parsed.host, parsed.port)
    return Target(parsed, check_addresses(parsed, addresses, allowed))


@dataclass(frozen=True)
class SendResult:
    """What one attempt came to: a 2xx answer, or the HTTP status and / or a short error."""

    ok: bool
    status: int | None
    error: str | None
    seconds: float


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every operation ends by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float) -> None:
        self._inner = inner
        self._deadline = deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the 10 s deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Dials the judged address instead of resolving the URL's host again."""

    def __init__(self, address: IPAddress, deadline: float) -> None:
        self._address = address
        self._deadline = deadline
        self._system = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the 10 s deadline passed")
        stream = self._system.connect_tcp(
            str(self._address), port, min(timeout or left, left), local_address, socket_options
        )
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not webhook targets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _error_for(exc: Exception) -> str:
    if isinstance(exc, httpcore.TimeoutException):
        return "timeout: no complete answer within 10 s"
    if isinstance(exc, httpcore.ConnectError):
        cause = str(exc) or type(exc).__name__
        return f"connection_error: {cause}"
    return f"{type(exc).__name__}: {exc}"


def post(
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float = TIMEOUT_SECONDS,
    ssl_context: ssl.SSLContext | None = None,
) -> SendResult:
    """POST `body` to the target's address, with `headers`; never follows a redirect. Errors do not
    raise: they come back as a failed SendResult (`timeout`, `connection_error`, or the HTTP status)."""
    started = time.monotonic()
    deadline = started + timeout
    request_headers = [
        ("User-Agent", USER_AGENT),
        ("Content-Length", str(len(body))),
        *((name, value) for name, value in headers.items()),
    ]
    pool = httpcore.ConnectionPool(
        ssl_context=ssl_context,
        max_connections=1,
        retries=0,
        network_backend=_PinnedBackend(target.address, deadline),
    )
    try:
        with pool.stream(
            "POST",
            target.url.url,
            headers=request_headers,
            content=body,
            extensions={"timeout": {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}},
        ) as response:
            read = 0
            for chunk in response.iter_stream():
                read += len(chunk)
                if read >= MAX_RESPONSE_BYTES:
                    break
            status = response.status
    except Exception as exc:  # every transport failure is one failed attempt, recorded, then retried
        return SendResult(False, None, _error_for(exc), time.monotonic() - started)
    finally:
        pool.close()
    elapsed = time.monotonic() - started
    if 200 <= status < 300:
        return SendResult(True, status, None, elapsed)
    if 300 <= status < 400:
        return SendResult(False, status, f"redirect_not_followed: HTTP {status}", elapsed)
    return SendResult(False, status, f"http_error: HTTP {status}", elapsed)


def send(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    resolver: Resolver = system_resolver,
    timeout: float = TIMEOUT_SECONDS,
) -> SendResult:
    """Check the URL now (DNS may have changed since the subscription was saved), then POST to the
    judged address. A URL that no longer passes is a failed attempt (`invalid_url: …`), never sent."""
    started = time.monotonic()
    try:
        target = resolve_target(url, resolver)
    except ValidationError as exc:
        return SendResult(False, None, f"invalid_url: {exc.message}", time.monotonic() - started)
    return post(target, body, headers, timeout)
