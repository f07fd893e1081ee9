"""Fixtures for collector tests: a fresh local news site per test and fast, loopback-allowed options."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lockstep.collect import CollectOptions

from .site import Site


@pytest.fixture
def site():
    with Site() as running:
        yield running


@pytest.fixture
def options(tmp_path: Path) -> CollectOptions:
    """Loopback allowed (the test site is on 127.0.0.1), tiny timeouts and backoff so tests stay fast."""
    return CollectOptions(output=tmp_path / "pages.warc.gz", allow_private=True, per_host_rate=500.0,
                          concurrency=4, timeout_s=0.4, max_bytes=50_000, retries=2, backoff_s=0.01)


def with_(options: CollectOptions, **changes) -> CollectOptions:
    return replace(options, **changes)
