"""Caps and failures: timeouts, sizes, redirect loops, retries, bad schemes, and the SSRF guard."""

from __future__ import annotations

import httpcore
import pytest

from lockstep.collect import collect
from lockstep.collect.guard import GuardedBackend, check_url, is_public

from .conftest import with_


def reason_of(report, url):
    return next(s.reason for s in report.skipped if s.url == url)


def test_misbehaving_pages_are_skipped_with_their_reason(site, options):
    report = collect([site.url("/trouble.rss")], with_(options, timeout_s=0.3))

    got = {s.url.removeprefix(site.base): s.reason for s in report.skipped}
    assert got == {
        "/slow": "timeout", "/loop": "redirect loop", "/huge": "too large", "/huge-stream": "too large",
        "/broken": "http 5xx after retries", "/image.png": "not a page", "/missing": "http error",
    }
    assert [f.url for f in report.fetched] == [site.url("/flaky")]


def test_5xx_is_retried_with_a_bounded_number_of_attempts(site, options):
    collect([site.url("/trouble.rss")], with_(options, retries=2, timeout_s=0.2))

    assert site.hits["/flaky"] == 2          # 503, then 200
    assert site.hits["/broken"] == 3         # 1 + 2 retries, then given up
    assert site.hits["/loop"] + site.hits["/loop2"] <= 3


def test_size_cap_applies_to_undeclared_length(site, options):
    report = collect([site.url("/huge-stream")], options)
    assert report.skipped[0].reason == "too large" and "50000" in report.skipped[0].detail


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/feed.rss", "file:///etc/passwd", "gopher://x/1", "127.0.0.1/x"])
def test_non_http_targets_are_refused(options, target):
    report = collect([target], options)
    assert [(s.url, s.reason) for s in report.skipped] == [(target, "bad scheme")]
    assert not report.fetched


def test_loopback_is_refused_without_allow_private(site, options):
    report = collect([site.url("/feed.rss"), f"http://localhost:{site.server.server_address[1]}/atom.xml"],
                     with_(options, allow_private=False))

    assert {s.reason for s in report.skipped} == {"private address"}
    assert "127.0.0.1" in report.skipped[0].detail and "--allow-private" in report.skipped[0].detail
    assert not report.fetched
    assert sum(site.hits.values()) == 0          # not even robots.txt was asked for


@pytest.mark.parametrize("address,public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("172.16.5.4", False),
    ("169.254.169.254", False), ("0.0.0.0", False), ("::1", False), ("fe80::1", False), ("fc00::1", False),
    ("::ffff:127.0.0.1", False), ("100.64.0.1", False), ("224.0.0.1", False),
    ("8.8.8.8", True), ("2001:4860:4860::8888", True),
    # IPv6 forms that carry an IPv4 address are judged by it; site-local and local NAT64 are never public
    ("64:ff9b::7f00:1", False), ("64:ff9b::a9fe:a9fe", False), ("64:ff9b::808:808", True),  # NAT64
    ("64:ff9b:1::808:808", False),  # local-use NAT64 (RFC 8215)
    ("2002:7f00:1::", False), ("2002:a00:1::1", False), ("2002:808:808::1", True),  # 6to4
    ("::7f00:1", False), ("::a00:1", False), ("::808:808", True),  # IPv4-compatible
    ("::ffff:10.0.0.1", False), ("::ffff:8.8.8.8", True),  # IPv4-mapped
    ("fec0::1", False), ("fec0::808:808", False),  # site-local
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
])
def test_which_addresses_count_as_public(address, public):
    assert is_public(address) is public


def test_guard_refuses_private_literals_without_resolving_the_network():
    assert check_url("http://10.0.0.1/feed", allow_private=False).reason == "private address"
    assert check_url("http://[::1]:8080/", allow_private=False).reason == "private address"
    assert check_url("http://10.0.0.1/feed", allow_private=True) is None
    assert check_url("javascript:alert(1)", allow_private=True).reason == "bad scheme"


def test_connect_time_guard_refuses_loopback_before_connecting(site):
    port = site.server.server_address[1]
    with pytest.raises(httpcore.ConnectError, match="refused private address"):
        GuardedBackend().connect_tcp("127.0.0.1", port, timeout=1.0)
    assert sum(site.hits.values()) == 0


def test_client_connects_through_the_guard_even_when_the_precheck_is_bypassed(site, options):
    import httpx

    from lockstep.collect.fetch import Fetcher

    fetcher = Fetcher(with_(options, allow_private=False))
    try:
        with pytest.raises(httpx.ConnectError, match="refused private address"):
            fetcher.fetch_once(site.url("/feed.rss"))
    finally:
        fetcher.close()
    assert sum(site.hits.values()) == 0
