"""The outbound sender against a real receiver on loopback: the URL rules where the host resolves, the
pinned address, TLS by name, no redirects, one 10 s deadline (shortened here), errors as results."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from devtools.receiver import Answer, WebhookReceiver
from shared.core.events import IPAddress
from shared.errors import ValidationError
from shared.webhooks import TIMEOUT_SECONDS, loopback_allowed, parse_webhook_url, post, resolve_target, send

LOOPBACK = ipaddress.ip_address("127.0.0.1")
EMULATOR = "UseDevelopmentStorage=true"
REAL_STORAGE = "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=eA==;EndpointSuffix=core.windows.net"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as instance:
        yield instance


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", EMULATOR)


def resolver_for(table: dict[str, list[str]]) -> tuple[list[str], object]:
    """A resolver answering from a table, and the list of names it was asked for."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        asked.append(host)
        return [ipaddress.ip_address(a) for a in table.get(host, [])]

    return asked, resolve


def test_the_deadline_is_ten_seconds() -> None:
    assert TIMEOUT_SECONDS == 10.0


# ---- the URL rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://hooks.example/", "must use https"),
        ("https://user:pw@hooks.example/", "credentials"),
        ("https://hooks.example/#frag", "fragment"),
        ("https:///path-only", "must name a host"),
        ("https://hooks.example:99999/", "not a valid URL"),
        ("https://hooks.example:0/", "port 0"),
    ],
)
def test_urls_that_cannot_be_webhooks_are_refused_before_any_lookup(url: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem) as caught:
        parse_webhook_url(url)
    assert caught.value.code == "invalid_url"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://10.0.0.5/hook", "private"),
        ("https://192.168.0.1/hook", "private"),
        ("https://169.254.169.254/metadata/instance", "metadata"),
        ("https://[fd00:ec2::254]/latest/meta-data", "metadata"),
        ("https://168.63.129.16/machine", "metadata"),
        ("https://169.254.1.1/", "link-local"),
        ("https://[fe80::1]/", "link-local"),
        ("https://127.0.0.1:8443/", "loopback"),
        ("https://[::1]/", "loopback"),
        ("http://20.50.60.70/hook", "must use https"),
    ],
)
def test_internal_targets_are_refused(url: str, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        resolve_target(url, allow_loopback=False)


def test_a_name_is_judged_by_every_address_it_resolves_to() -> None:
    asked, resolve = resolver_for(
        {
            "hooks.example": ["20.50.60.70", "2603:1020::1"],
            "rebind.example": ["20.50.60.70", "10.0.0.9"],
            "metadata.example": ["169.254.169.254"],
        }
    )
    target = resolve_target("https://hooks.example/drift", resolve, allow_loopback=False)  # type: ignore[arg-type]
    assert target.address == ipaddress.ip_address("20.50.60.70") and target.url.host == "hooks.example"
    with pytest.raises(ValidationError, match=r"10\.0\.0\.9 is a private"):
        resolve_target("https://rebind.example/", resolve, allow_loopback=False)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="metadata"):
        resolve_target("https://metadata.example/", resolve, allow_loopback=False)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="does not resolve"):
        resolve_target("https://nowhere.example/", resolve, allow_loopback=False)  # type: ignore[arg-type]
    assert asked == ["hooks.example", "rebind.example", "metadata.example", "nowhere.example"]


def test_localhost_resolves_to_loopback_and_is_refused_outside_the_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AzureWebJobsStorage", REAL_STORAGE)
    assert not loopback_allowed()
    with pytest.raises(ValidationError, match="loopback"):
        resolve_target("https://localhost:8443/hook")
    with pytest.raises(ValidationError, match="must use https"):
        resolve_target("http://localhost:8080/hook")
    monkeypatch.setenv("AzureWebJobsStorage", EMULATOR)
    assert loopback_allowed()
    assert resolve_target("http://localhost:8080/hook").address.is_loopback


# ---- sending ------------------------------------------------------------------------------------------


def test_a_post_carries_the_body_and_headers_and_a_2xx_is_delivered(receiver: WebhookReceiver, emulator: None) -> None:
    result = send(receiver.url("/ok"), b'{"hello":"world"}', {"Content-Type": "application/json", "webhook-id": "abc"})
    assert result.ok and result.status == 204 and result.error is None
    [request] = receiver.received("/ok")
    assert request.method == "POST" and request.body == b'{"hello":"world"}'
    assert request.headers["webhook-id"] == "abc" and request.headers["content-type"] == "application/json"
    assert request.headers["host"] == f"127.0.0.1:{receiver.port}"
    assert request.headers["user-agent"].startswith("TenantAtlas-Drift")


def test_a_redirect_is_not_followed(receiver: WebhookReceiver, emulator: None) -> None:
    receiver.answer("/moved", [Answer(302, {"Location": receiver.url("/elsewhere")})])
    result = send(receiver.url("/moved"), b"{}", {})
    assert not result.ok and result.status == 302 and "redirect_not_followed" in str(result.error)
    assert [r.path for r in receiver.received()] == ["/moved"]


def test_errors_are_results_never_exceptions(receiver: WebhookReceiver, emulator: None) -> None:
    receiver.answer("/broken", [500])
    broken = send(receiver.url("/broken"), b"{}", {})
    assert (broken.ok, broken.status, broken.error) == (False, 500, "http_error: HTTP 500")
    closed_port = WebhookReceiver()
    port = closed_port.port
    closed_port.stop()  # nothing listens there any more
    refused = send(f"http://127.0.0.1:{port}/", b"{}", {})
    assert not refused.ok and refused.status is None and str(refused.error).startswith("connection_error")
    invalid = send("https://10.1.1.1/", b"{}", {})
    assert not invalid.ok and str(invalid.error).startswith("invalid_url") and "private" in str(invalid.error)


def test_a_slow_subscriber_is_cut_off_at_the_deadline(receiver: WebhookReceiver) -> None:
    receiver.answer("/slow", [Answer(200, delay=5)])
    target = resolve_target(receiver.url("/slow"), allow_loopback=True)
    started = time.monotonic()
    result = post(target, b"{}", {}, timeout=1.0)
    assert not result.ok and str(result.error).startswith("timeout")
    assert time.monotonic() - started < 2.5


def test_the_deadline_covers_the_whole_answer_not_each_read(receiver: WebhookReceiver) -> None:
    # Every header byte arrives within the per-read timeout, but the answer as a whole takes ~6 s.
    receiver.answer("/drip", [Answer(200, headers={"X-Padding": "x" * 40}, drip=0.1)])
    target = resolve_target(receiver.url("/drip"), allow_loopback=True)
    started = time.monotonic()
    result = post(target, b"{}", {}, timeout=1.5)
    assert not result.ok and str(result.error).startswith("timeout")
    assert time.monotonic() - started < 3.0


def test_only_the_first_64_kib_of_an_answer_are_read(receiver: WebhookReceiver, emulator: None) -> None:
    receiver.answer("/big", [Answer(200, body=b"x" * (20 * 1024 * 1024))])
    started = time.monotonic()
    assert send(receiver.url("/big"), b"{}", {}).ok
    assert time.monotonic() - started < 5


# ---- TLS on the pinned address --------------------------------------------------------------------------


def _certificate(tmp: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for `name`: (server context, client context trusting it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client


def test_tls_goes_to_the_judged_address_and_verifies_the_name(tmp_path: Path) -> None:
    server, client = _certificate(tmp_path, "hooks.drift-test.example")
    with WebhookReceiver(tls=server) as receiver:
        # The system resolver has never heard of this name: the request can only arrive because the
        # sender dials the address that was judged, while TLS checks the certificate for the name.
        asked, resolve = resolver_for({"hooks.drift-test.example": ["127.0.0.1"]})
        url = receiver.url("/tls", host="hooks.drift-test.example")
        target = resolve_target(url, resolve, allow_loopback=True)  # type: ignore[arg-type]
        result = post(target, b"{}", {}, ssl_context=client)
        assert result.ok, result.error
        assert asked == ["hooks.drift-test.example"]
        [request] = receiver.received("/tls")
        assert request.headers["host"] == f"hooks.drift-test.example:{receiver.port}"
        # A certificate for another name is refused, even on the same address.
        _, other_resolve = resolver_for({"other.drift-test.example": ["127.0.0.1"]})
        other = resolve_target(
            receiver.url("/tls", host="other.drift-test.example"), other_resolve, allow_loopback=True
        )  # type: ignore[arg-type]
        refused = post(other, b"{}", {}, ssl_context=client)
        assert not refused.ok and "certificate" in str(refused.error).lower()
        assert len(receiver.received("/tls")) == 1
