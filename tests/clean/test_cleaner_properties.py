"""Random text, mutated seed pages and random bytes: the cleaners never crash, hang, or lose a line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lockstep.clean.html import extract_html
from lockstep.clean.limits import DEFAULT_MAX_FIELD_CHARS
from lockstep.clean.scraped import clean_scraped, page_lines
from lockstep.engines.stages import StageOptions, clean_one, rows_to_batch
from lockstep.model import DATE_SOURCES, PRECISIONS, RawRecord

SEEDS = Path(__file__).resolve().parents[2] / "sample" / "seeds"
SEED_LINES = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # no timing in tests


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


# ---- every cleaner through the clean stage, with structured hostile records (no deadline, bounded examples) ----

STAGE_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["http://[::1", "9" * 5000, "2022-13-45T25:61", "-1e999", "0000-00-00", "\ufffd" * 50,
                     "<script>alert(1)</script>", "Related Articles", "By " * 200, "\u200b\u202e" * 20]),
    st.integers(min_value=1, max_value=300).map(lambda n: "[" * n),
)


def _stage_rows(raw: RawRecord, limit: int = DEFAULT_MAX_FIELD_CHARS) -> list[dict]:
    rows = clean_one(raw, StageOptions(max_field_chars=limit, detect_language=False))
    rows_to_batch(rows)  # storable
    for row in rows:
        assert "internal error" not in (row["skip_reason"] or ""), row["skip_reason"]
        if row["id"]:
            assert len(row["text"]) <= limit and row["text"].strip()
    return rows


@STAGE_FUZZ
@given(st.dictionaries(st.sampled_from(["text", "title", "html", "url", "published", "outlet", "author",
                                        "language", "listed_date"]), hostile_text, max_size=6),
       st.integers(min_value=1000, max_value=5000))
def test_table_rows_of_hostile_fields(fields: dict, limit: int) -> None:
    _stage_rows(RawRecord(source="t.jsonl", position="row 0", kind="row", url=fields.get("url", ""), fields=fields,
                          raw_sha="s"), limit)


@STAGE_FUZZ
@given(hostile_text, hostile_text, hostile_text, st.lists(hostile_text, max_size=6), st.sampled_from(["", "x", "https://[::1/a", "https://tass.com/a"]))
def test_html_pages_with_hostile_metadata(title: str, date: str, author: str, paragraphs: list[str], url: str) -> None:
    attribute = lambda value: value.replace("&", "&amp;").replace('"', "&quot;")  # noqa: E731
    page = (f'<html><head><title>{title}</title><meta property="article:published_time" content="{attribute(date)}">'
            f'<meta name="author" content="{attribute(author)}"><link rel="canonical" href="{attribute(url)}"></head>'
            f"<body><article><h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")
    _stage_rows(RawRecord(source="p.html", kind="html", url=url, data=page.encode("utf-8", "surrogatepass"),
                          raw_sha="s", fields={"listed_date": date}))


@STAGE_FUZZ
@given(st.lists(st.one_of(st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                          st.binary(max_size=200),
                          st.sampled_from(SEED_LINES or ["Foreign Minister Wang Yi said on Sunday."]).map(str.encode),
                          st.text(max_size=100).map(lambda t: t.encode("cp1251", "ignore"))), max_size=20),
       st.integers(min_value=1000, max_value=5000))
def test_scraped_text_pages_of_mixed_bytes(lines: list[bytes], limit: int) -> None:
    _stage_rows(RawRecord(source="s.txt", kind="text", data=b"\n\n".join(lines), raw_sha="s"), limit)
