"""Random text, mutated seed pages and random bytes: the cleaners never crash, hang, or lose a line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lockstep.clean.html import extract_html
from lockstep.clean.scraped import clean_scraped, page_lines
from lockstep.model import PRECISIONS, DATE_SOURCES

SEEDS = Path(__file__).resolve().parents[2] / "sample" / "seeds"
SEED_LINES = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
FAST = settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def _check(docs: list) -> None:  # type: ignore[type-arg]
    for doc in docs:
        assert doc.text.strip()
        assert doc.published_precision in PRECISIONS
        assert doc.published_source in DATE_SOURCES
        assert all(r.reason for r in doc.removed)


@FAST
@given(st.text(max_size=3000))
def test_random_text(text: str) -> None:
    _check(clean_scraped(text))


@FAST
@given(st.lists(st.sampled_from(SEED_LINES), max_size=80), st.randoms(use_true_random=False))
def test_shuffled_seed_lines(lines: list[str], rng) -> None:  # type: ignore[no-untyped-def]
    rng.shuffle(lines)
    docs = clean_scraped("\n".join(lines))
    _check(docs)
    page = set(page_lines("\n".join(lines)))
    for doc in docs:
        for paragraph in doc.paragraphs():
            assert any(paragraph.startswith(line) or line.startswith(paragraph[:40]) for line in page)


@FAST
@given(st.lists(st.sampled_from(SEED_LINES), min_size=1, max_size=60), st.text(max_size=40), st.integers(0, 59))
def test_seed_lines_with_noise_inserted(lines: list[str], noise: str, at: int) -> None:
    lines.insert(min(at, len(lines)), noise)
    _check(clean_scraped("\n\n".join(lines)))


@FAST
@given(st.binary(max_size=4000))
def test_random_bytes_as_html(data: bytes) -> None:
    _check(extract_html(data))


@FAST
@given(st.text(max_size=2000))
def test_random_text_in_html_shell(text: str) -> None:
    _check(extract_html(f"<html><body><article><p>{text}</p></article></body></html>"))


def test_long_page_without_newlines_is_handled() -> None:
    text = "word " * 200_000
    docs = clean_scraped(text)
    assert all(d.text for d in docs)
