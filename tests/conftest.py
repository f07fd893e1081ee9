"""Shared fixtures: paths to the real data the tests read, inside the repository (a bare clone runs them).

tests/data holds slices of ../shared with the same layout and file names (built by scripts/build_test_data.py;
origin and licences in tests/data/README.md); the seed pages are the demo sample's, sample/seeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "sample" / "seeds"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The slices of ../shared that the tests carry (tests/data, same layout)."""
    return DATA


@pytest.fixture(scope="session")
def seeds() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (LOCKSTEP_REQUIRE_OPTIONAL=1) a test skipped for a missing optional part fails instead:
    CI installs chromium, Playwright and Ray, so a skip there means a broken set-up, not a choice."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("LOCKSTEP_REQUIRE_OPTIONAL") == "1":
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every optional part is installed: {report.longrepr}"
