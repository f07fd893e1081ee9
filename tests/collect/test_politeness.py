"""Per-host spacing, concurrency and Crawl-delay, checked on a fake clock (no timing assertions)."""

from __future__ import annotations

from lockstep.collect import fetch
from lockstep.collect.fetch import Fetcher, HostGate, retry_after_s
from lockstep.collect.robots import Robots

from .conftest import with_


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_requests_to_one_host_start_one_interval_apart(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(fetch.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(fetch.time, "sleep", clock.sleep)
    gate = HostGate(interval=0.5, concurrency=2)

    for _ in range(4):
        with gate.slot():
            pass

    assert clock.sleeps == [0.5, 0.5, 0.5]      # the first starts at once


def test_crawl_delay_slows_a_host_down(options):
    fetcher = Fetcher(with_(options, per_host_rate=10.0))
    robots = Robots(fetcher)
    try:
        rules = robots.parse_rules("User-agent: lockstep\nCrawl-delay: 3\nDisallow: /x/\n")
        robots.apply_crawl_delay("http://news.example", rules)
        assert fetcher.gate("http://news.example/a").interval == 3.0
        assert fetcher.gate("http://other.example/a").interval == 0.1
        assert not rules.can_fetch(options.user_agent, "http://news.example/x/1")
    finally:
        fetcher.close()


def test_per_host_concurrency_is_bounded(site, options):
    fetcher = Fetcher(with_(options, per_host_concurrency=1))
    try:
        gate = fetcher.gate(site.url("/"))
        assert gate.slots.acquire(blocking=False)
        assert not gate.slots.acquire(blocking=False)    # a second request to the host would wait
        gate.slots.release()
    finally:
        fetcher.close()


def test_retry_after_is_read_in_seconds_or_as_a_date():
    assert retry_after_s("7") == 7.0
    assert retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0     # in the past
    assert retry_after_s("soon") is None
