"""One collect run: read the targets (feeds, sitemaps, sites, pages), then fetch the article pages into WARC.

Threads: a pool of `concurrency` workers does the network I/O (sync httpx); the calling thread alone writes
the WARC and the state file, so records never interleave.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Iterable
from urllib.parse import urlsplit

from lockstep.collect.discover import Found, Link, discover
from lockstep.collect.guard import check_url
from lockstep.collect.fetch import Fetcher, Response, host_key
from lockstep.collect.options import CollectOptions, CollectReport, Fetched, Skipped
from lockstep.collect.robots import Robots
from lockstep.collect.state import CollectState
from lockstep.collect.warc import WarcOutput
from lockstep.errors import InputError

PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
MAX_SOURCE_DEPTH = 4        # target -> sitemap index -> sitemap index -> sitemap
Progress = Callable[[str, str, int], None]   # (event, url, pages queued so far)


@dataclass
class Reading:
    """What one feed, sitemap or target held: article links, further sources, or itself as a page."""

    url: str
    is_source: bool = False
    pages: list[Link] = field(default_factory=list)
    sources: list[Link] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    page: Response | None = None


def collect(targets: list[str], options: CollectOptions, *, progress: Progress | None = None) -> CollectReport:
    """Collect the article pages reachable from `targets` into `options.output` (gzip WARC/1.1).

    A target is a feed (RSS/Atom), a sitemap or sitemap index, a site root (its announced feeds, else the
    sitemaps its robots.txt names) or a page (written as is). URLs already in the output are skipped.
    """
    targets = check(targets, options)
    run = Run(options, progress or (lambda event, url, total: None))
    try:
        pages = run.read_sources(targets)
        run.fetch_pages(pages)
    finally:
        run.close()
    return run.report


def check(targets: list[str], options: CollectOptions) -> list[str]:
    targets = list(dict.fromkeys(t.strip() for t in targets if t and t.strip()))
    if not targets:
        raise InputError("collect: give at least one URL, feed or sitemap")
    positive = {"per_host_rate": options.per_host_rate, "concurrency": options.concurrency,
                "per_host_concurrency": options.per_host_concurrency, "timeout_s": options.timeout_s,
                "max_bytes": options.max_bytes}
    for name, value in positive.items():
        if not value or value <= 0:
            raise InputError(f"collect: {name} must be positive (got {value})")
    if options.retries < 0 or (options.max_pages is not None and options.max_pages < 0):
        raise InputError("collect: retries and max_pages cannot be negative")
    if not str(options.output).endswith(".warc.gz"):
        raise InputError(f"collect: output {options.output} should end in .warc.gz")
    return targets


class Run:
    """The state of one collect call: fetcher, robots cache, output, report."""

    def __init__(self, options: CollectOptions, progress: Progress):
        self.options = options
        self.progress = progress
        self.since = as_utc(options.since) if options.since else None
        self.report = CollectReport(options.output)
        self.state = CollectState(options.output)
        self.fetcher = Fetcher(options)
        self.robots = Robots(self.fetcher)
        self.pool = ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="lockstep-collect")
        self.output = WarcOutput(options.output, software=options.user_agent)
        self.queued: OrderedDict[str, Link] = OrderedDict()
        self.prefetched: dict[str, Response] = {}     # target pages already fetched while reading targets

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.fetcher.close()
        self.output.close()

    # -- sources: feeds, sitemaps, site roots, given pages -------------------------------------------------

    def read_sources(self, targets: list[str]) -> list[Link]:
        """Read targets level by level (bounded depth and count); return the article links found, by host."""
        level = [Link(url) for url in targets]
        seen = set(targets)
        budget = self.options.max_discovery
        for depth in range(MAX_SOURCE_DEPTH):
            level, over = level[:budget], level[budget:]
            budget -= len(level)
            self.skip_all((link.url for link in over), "max discovery", f"over {self.options.max_discovery} sources")
            next_level: list[Link] = []
            for reading in self.pool.map(lambda link, top=depth == 0: self.read_source(link.url, top), level):
                next_level.extend(self.take(reading, seen))
            level = next_level
        self.skip_all((link.url for link in level), "max discovery", f"nested deeper than {MAX_SOURCE_DEPTH}")
        return by_host(list(self.queued.values()))

    def take(self, reading: Reading, seen: set[str]) -> list[Link]:
        """Merge one source's reading into the run (calling thread); return the new sources to read."""
        self.report.skipped.extend(reading.skipped)
        if reading.page is not None:
            self.queue(Link(reading.url), reading.page)
        if reading.is_source:
            self.report.sources.append(reading.url)
            self.progress("source", reading.url, len(self.queued))
        for link in reading.pages:
            self.queue(link)
        fresh = [link for link in self.recent(reading.sources) if link.url not in seen]
        seen.update(link.url for link in fresh)
        return fresh

    def read_source(self, url: str, is_target: bool) -> Reading:
        """Fetch one feed, sitemap or target (worker thread) and say what it holds."""
        answer = self.get(url)
        if isinstance(answer, Skipped):
            return Reading(url, skipped=[answer])
        if not 200 <= answer.status < 300:
            return Reading(url, skipped=[Skipped(url, "http error", f"HTTP {answer.status}")])
        found = discover(answer.body, answer.url, answer.content_type)
        if found.kind == "html" and is_target:
            return self.read_html_target(url, answer, found)
        if found.kind in ("html", "other"):
            return Reading(url, skipped=[Skipped(url, "not parsed", f"expected a feed or sitemap, got {found.kind}")])
        return Reading(url, is_source=True, pages=found.pages, sources=found.sources)

    def read_html_target(self, url: str, answer: Response, found: Found) -> Reading:
        """A site root is an entry point (its feeds, else robots.txt sitemaps); any other page is an article."""
        if urlsplit(answer.url).path not in ("", "/"):
            return Reading(url, page=answer)
        sources = found.sources or [Link(s) for s in self.robots.sitemaps(answer.url)]
        return Reading(url, is_source=True, sources=sources)

    def recent(self, links: list[Link]) -> list[Link]:
        """Child sitemaps modified before --since hold nothing newer: skip them."""
        keep = []
        for link in links:
            if self.since and link.published and link.published < self.since:
                self.report.skipped.append(Skipped(link.url, "before since", link.published.isoformat()))
            else:
                keep.append(link)
        return keep

    def queue(self, link: Link, answer: Response | None = None) -> None:
        if link.url not in self.queued:
            self.queued[link.url] = link
            if answer is not None:
                self.prefetched[link.url] = answer

    # -- pages --------------------------------------------------------------------------------------------

    def fetch_pages(self, links: list[Link]) -> None:
        todo = iter(link for link in links if self.wanted(link))
        running: set[Future] = set()
        while True:
            while len(running) < self.options.concurrency * 2 and not self.full(len(running)):
                link = next(todo, None)
                if link is None:
                    break
                running.add(self.pool.submit(self.fetch_page, link, self.prefetched.pop(link.url, None)))
            if not running:
                break
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                self.keep(*future.result())
        self.skip_all((link.url for link in todo), "max pages", f"--max-pages {self.options.max_pages}")

    def full(self, in_flight: int) -> bool:
        limit = self.options.max_pages
        return limit is not None and len(self.report.fetched) + in_flight >= limit

    def wanted(self, link: Link) -> bool:
        skip = None
        if link.url in self.state:
            skip = Skipped(link.url, "already fetched")
        elif self.since and link.published and link.published < self.since:
            skip = Skipped(link.url, "before since", link.published.isoformat())
        if skip:
            self.report.skipped.append(skip)
            self.progress("skip", link.url, len(self.queued))
        return skip is None

    def fetch_page(self, link: Link, prefetched: Response | None) -> tuple[Link, Response | Skipped]:
        answer = prefetched or self.get(link.url)
        if isinstance(answer, Skipped):
            return link, answer
        if not 200 <= answer.status < 300:
            return link, Skipped(link.url, "http error", f"HTTP {answer.status}")
        if answer.content_type not in PAGE_TYPES:
            return link, Skipped(link.url, "not a page", answer.content_type)
        return link, answer

    def keep(self, link: Link, result: Response | Skipped) -> None:
        """Write a page (calling thread only) or record why not."""
        if isinstance(result, Skipped):
            self.report.skipped.append(result)
            self.progress("skip", result.url, len(self.queued))
            return
        asked = link.url
        if result.url != asked and result.url in self.state:
            self.report.skipped.append(Skipped(asked, "already fetched", f"redirects to {result.url}"))
            return
        if self.options.max_pages is not None and len(self.report.fetched) >= self.options.max_pages:
            self.report.skipped.append(Skipped(asked, "max pages", f"--max-pages {self.options.max_pages}"))
            return
        self.output.write(result, listing(link))
        page = Fetched(asked, result.url, result.status, result.content_type, len(result.body))
        self.state.add(page)
        self.report.fetched.append(page)
        self.progress("page", asked, len(self.queued))

    # -- shared -------------------------------------------------------------------------------------------

    def get(self, url: str) -> Response | Skipped:
        """Fetch one URL if the SSRF guard and robots.txt allow it, and allow every URL it redirects to."""
        return self.refusal(url) or self.fetcher.fetch(url, may_fetch=self.refusal)

    def refusal(self, url: str) -> Skipped | None:
        """Why `url` may not be fetched (the guard first: its reason is clearer), or None."""
        refused = check_url(url, self.options.allow_private)
        if refused:
            return Skipped(url, refused.reason, refused.detail)
        if self.options.respect_robots and not self.robots.allowed(url):
            return Skipped(url, "robots", f"disallowed by {host_key(url)}/robots.txt")
        return None

    def skip_all(self, urls: Iterable[str], reason: str, detail: str) -> None:
        self.report.skipped.extend(Skipped(url, reason, detail) for url in urls)


def listing(link: Link) -> dict[str, str]:
    """Extension WARC headers saying where the page was listed and with what date (for ingest's dates)."""
    fields = {}
    if link.listed_in:
        fields["Lockstep-Listed-In"] = link.listed_in
    if link.published:
        fields["Lockstep-Listed-Date"] = link.published.isoformat()
    return fields


def by_host(links: list[Link]) -> list[Link]:
    """Interleave hosts round-robin so one slow or rate-limited host does not hold every worker."""
    groups: OrderedDict[str, list[Link]] = OrderedDict()
    for link in links:
        groups.setdefault(host_key(link.url), []).append(link)
    rounds = itertools.zip_longest(*groups.values())
    return [link for row in rounds for link in row if link is not None]


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
