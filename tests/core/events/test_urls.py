"""Which addresses a webhook may go to (DESIGN §13), judged after resolution (pure)."""

from __future__ import annotations

import ipaddress

import pytest

from shared.core.events import WebhookUrl, address_problem, check_addresses, require_https_unless_loopback
from shared.errors import ValidationError

REFUSED = {
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.10": "private",
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "::1": "loopback",
    "169.254.10.20": "link-local",
    "fe80::1": "link-local",
    "169.254.169.254": "metadata",  # Azure / AWS / GCP instance metadata
    "168.63.129.16": "metadata",  # Azure WireServer: a public address, refused by name
    "fd00:ec2::254": "metadata",  # AWS IMDS over IPv6
    "100.100.100.200": "metadata",  # Alibaba
    "192.0.0.192": "metadata",  # Oracle
    "100.64.1.1": "shared",
    "224.0.0.251": "multicast",
    "ff02::1": "multicast",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
    "fc00::1": "private",
    "::ffff:10.0.0.1": "private",  # IPv4-mapped
    "::ffff:127.0.0.1": "loopback",
    "::ffff:169.254.169.254": "metadata",
    "64:ff9b::a9fe:a9fe": "metadata",  # NAT64 of 169.254.169.254
    "2002:a00:1::1": "private",  # 6to4 of 10.0.0.1
    "198.18.0.1": "special-purpose",  # benchmarking range
    "192.0.2.1": "special-purpose",  # documentation range
}
ALLOWED = ["20.50.60.70", "8.8.8.8", "2001:4860:4860::8888", "::ffff:20.50.60.70", "1.1.1.1"]


@pytest.mark.parametrize(("address", "kind"), REFUSED.items())
def test_internal_addresses_are_refused(address: str, kind: str) -> None:
    problem = address_problem(ipaddress.ip_address(address), allow_loopback=False)
    assert problem is not None and kind in problem, (address, problem)


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address), allow_loopback=False) is None


def test_loopback_is_allowed_only_when_the_caller_says_so() -> None:
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert address_problem(ipaddress.ip_address(address), allow_loopback=True) is None
    # ...and nothing else internal comes with it.
    for address in ("10.0.0.1", "169.254.169.254", "fd00:ec2::254"):
        assert address_problem(ipaddress.ip_address(address), allow_loopback=True) is not None


def url(text: str, host: str, scheme: str = "https") -> WebhookUrl:
    return WebhookUrl(text, scheme, host, 443)


def test_one_bad_address_among_good_ones_refuses_the_host() -> None:
    good, bad = ipaddress.ip_address("20.50.60.70"), ipaddress.ip_address("10.0.0.7")
    target = url("https://hooks.example/x", "hooks.example")
    assert check_addresses(target, [good], allow_loopback=False) == good
    with pytest.raises(ValidationError, match=r"10\.0\.0\.7 is a private") as caught:
        check_addresses(target, [good, bad], allow_loopback=False)
    assert caught.value.code == "invalid_url"
    with pytest.raises(ValidationError, match="does not resolve"):
        check_addresses(target, [], allow_loopback=False)


def test_http_only_on_loopback_and_only_when_allowed() -> None:
    loopback, public = ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("20.50.60.70")
    local = url("http://127.0.0.1:9000/hook", "127.0.0.1", "http")
    assert check_addresses(local, [loopback], allow_loopback=True) == loopback
    with pytest.raises(ValidationError, match="loopback"):
        check_addresses(local, [loopback], allow_loopback=False)
    with pytest.raises(ValidationError, match="must use https"):
        check_addresses(url("http://hooks.example/", "hooks.example", "http"), [public], allow_loopback=True)
    with pytest.raises(ValidationError, match="must use https"):
        require_https_unless_loopback(url("http://hooks.example/", "hooks.example", "http"), allow_loopback=False)
    require_https_unless_loopback(url("https://hooks.example/", "hooks.example"), allow_loopback=False)
