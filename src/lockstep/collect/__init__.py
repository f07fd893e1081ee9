"""Collecting pages politely into WARC: feeds and sitemaps discovered or given, robots.txt respected,
per-host rate limits, retries, size and time caps, SSRF guard, resumable output that `lockstep ingest` reads.

Names are loaded on first use so that `lockstep --help` does not import httpx, lxml and warcio.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.collect.crawl import collect
    from lockstep.collect.options import USER_AGENT, CollectOptions, CollectReport, Fetched, Skipped

__all__ = ["collect", "CollectOptions", "CollectReport", "Fetched", "Skipped", "USER_AGENT"]


def __getattr__(name: str) -> Any:
    if name == "collect":
        from lockstep.collect.crawl import collect

        return collect
    if name in __all__:
        from lockstep.collect import options

        return getattr(options, name)
    raise AttributeError(f"module 'lockstep.collect' has no attribute {name!r}")
