"""Shared fixtures: paths to the real data under ../shared and small stores built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.fail(f"shared data not found at {SHARED}")
    return SHARED


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
