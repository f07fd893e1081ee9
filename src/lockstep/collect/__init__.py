"""Collecting pages politely into WARC: feeds and sitemaps discovered or given, robots.txt respected,
per-host rate limits, retries, size and time caps, SSRF guard, resumable output that `lockstep ingest` reads.
"""

from lockstep.collect.crawl import collect
from lockstep.collect.options import USER_AGENT, CollectOptions, CollectReport, Fetched, Skipped

__all__ = ["collect", "CollectOptions", "CollectReport", "Fetched", "Skipped", "USER_AGENT"]
