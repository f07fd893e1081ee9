"""robots.txt, read once per host with urllib.robotparser, following RFC 9309 for missing or failing files.

A 4xx robots.txt means no rules (allow all); a 5xx, timeout or unreachable one means disallow all until the
next run. A Crawl-delay for our agent slows the host down (up to MAX_CRAWL_DELAY_S).
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from lockstep.collect.fetch import Fetcher, Response, host_key

MAX_CRAWL_DELAY_S = 60.0
MAX_ROBOTS_BYTES = 500_000   # RFC 9309 asks crawlers to read at least 500 KiB


class Robots:
    """Answers "may we fetch this URL?" for one collect run, caching each host's rules."""

    def __init__(self, fetcher: Fetcher):
        self.fetcher = fetcher
        self.rules: dict[str, RobotFileParser] = {}
        self.locks: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        rules = self.rules_for(url)
        return rules.can_fetch(self.fetcher.options.user_agent, url)

    def rules_for(self, url: str) -> RobotFileParser:
        host = host_key(url)
        with self.lock:
            host_lock = self.locks.setdefault(host, threading.Lock())
        with host_lock:
            if host not in self.rules:
                self.rules[host] = self.load(host)
            return self.rules[host]

    def load(self, host: str) -> RobotFileParser:
        rules = RobotFileParser(f"{host}/robots.txt")
        answer = self.fetcher.fetch(f"{host}/robots.txt")
        if not isinstance(answer, Response) or answer.status >= 500:
            rules.disallow_all = True
        elif answer.status >= 400:
            rules.allow_all = True
        elif 200 <= answer.status < 300:
            rules = self.parse_rules(answer.body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace"), host)
            self.apply_crawl_delay(host, rules)
        else:
            rules.allow_all = True
        return rules

    @staticmethod
    def parse_rules(text: str, host: str = "") -> RobotFileParser:
        rules = RobotFileParser(f"{host}/robots.txt")
        rules.parse(text.splitlines())
        return rules

    def apply_crawl_delay(self, host: str, rules: RobotFileParser) -> None:
        delay = rules.crawl_delay(self.fetcher.options.user_agent)
        if delay:
            self.fetcher.gate(host).slow_down(min(float(delay), MAX_CRAWL_DELAY_S))

    def sitemaps(self, url: str) -> list[str]:
        """Sitemap: lines of the host's robots.txt (absolute URLs)."""
        found = self.rules_for(url).site_maps() or []
        return [s for s in found if urlsplit(s).scheme in ("http", "https")]
