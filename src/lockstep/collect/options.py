"""What the collector is asked to do (CollectOptions) and what it did (CollectReport)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

USER_AGENT = "lockstep/0.1 (+https://github.com/lockstep; research crawler)"


@dataclass(kw_only=True)
class CollectOptions:
    """How politely and how far to collect. Times are seconds, sizes bytes, rates requests per second."""

    output: Path
    since: datetime | None = None          # feed/sitemap items dated before this are skipped
    max_pages: int | None = None           # article pages written in this run
    per_host_rate: float = 1.0             # requests per second to one host
    per_host_concurrency: int = 2          # requests in flight to one host
    concurrency: int = 8                   # requests in flight overall (worker threads)
    timeout_s: float = 20.0                # per response: connect, each read, and the whole body
    max_bytes: int = 10_000_000            # per response body, after decompression
    retries: int = 2                       # extra attempts on 5xx, 429, timeouts, connection errors
    backoff_s: float = 1.0                 # first retry waits this, then doubles (Retry-After wins, capped)
    max_redirects: int = 5
    max_discovery: int = 500               # feeds and sitemaps read per run (bounds sitemap indexes)
    user_agent: str = USER_AGENT
    allow_private: bool = False            # allow loopback/private/link-local addresses (SSRF guard off)
    respect_robots: bool = True

    def __post_init__(self) -> None:
        self.output = Path(self.output)


@dataclass(frozen=True)
class Skipped:
    """A URL not written to the WARC, and why (one of the REASONS, plus detail)."""

    url: str
    reason: str
    detail: str = ""


# Reasons a URL is skipped; the report groups by these words.
REASONS = (
    "already fetched", "robots", "private address", "bad scheme", "too large", "timeout",
    "http error", "http 5xx after retries", "connection error", "redirect loop", "too many redirects",
    "before since", "not a page", "max pages", "dns error", "not parsed",
)

# Reasons that say the run chose not to fetch a URL, rather than that fetching it was refused or failed.
BY_CHOICE = ("already fetched", "max pages", "before since")


@dataclass(frozen=True)
class Fetched:
    """A page written to the WARC."""

    url: str               # the URL asked for (from a target, feed or sitemap)
    final_url: str         # the URL after redirects: the record's WARC-Target-URI
    status: int
    content_type: str
    size: int


@dataclass
class CollectReport:
    """Pages written, URLs skipped with a reason, and the feeds/sitemaps read on the way."""

    output: Path
    fetched: list[Fetched] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)     # feeds and sitemaps read

    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for skip in self.skipped:
            counts[skip.reason] = counts.get(skip.reason, 0) + 1
        return counts

    def skipped_for(self, reason: str) -> list[str]:
        return [s.url for s in self.skipped if s.reason == reason]

    @property
    def nothing_fetched(self) -> bool:
        """True when no page was written although some URL was refused or failed (not merely one fetched
        before, dated before --since or over --max-pages): the run achieved nothing it was asked for."""
        return not self.fetched and any(s.reason not in BY_CHOICE for s in self.skipped)
