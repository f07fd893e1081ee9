"""Property-based tests: random bytes and mutated real inputs never crash a reader; rejections have reasons."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lockstep
from lockstep.engines.local import IngestOptions
from lockstep.errors import SkipInput
from lockstep.sources.encoding import decode_text
from lockstep.sources.files import ReadOptions, read_input
from lockstep.sources.sniff import sniff_format
from tests.conftest import SEEDS
from tests.pipeline.builders import ARTICLE_EN, html_page, jsonl_bytes, warc_bytes

SEED_BYTES = [p.read_bytes() for p in sorted(SEEDS.glob("*.txt"))]
SAMPLES = SEED_BYTES + [
    html_page("T", ARTICLE_EN).encode(),
    warc_bytes([("https://a.example/x", html_page("T", ARTICLE_EN))], gz=False),
    jsonl_bytes([{"title": "t", "text": "x y z"}]),
    b"outlet,date,title\nrt,2022-01-01,A\n",
]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_all(tmp_path: Path, data: bytes, name: str) -> list:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        return list(read_input(path, "sha", ReadOptions(max_bytes=1 << 20)))
    except SkipInput as exc:
        assert str(exc).strip() and name in str(exc)
        return []


@FAST
@given(data=st.binary(max_size=4096), name=st.sampled_from(["a.txt", "b.html", "c.csv", "d.jsonl", "e.warc",
                                                            "f.parquet", "g.gz"]))
def test_random_bytes_never_crash_readers(tmp_path, data, name):
    assert sniff_format(data[:8192], name) in {"gzip", "warc", "parquet", "html", "jsonl", "json", "csv", "text",
                                               "binary", "empty"}
    read_all(tmp_path, data, name)
    read_all(tmp_path, gzip.compress(data), name + ".gz")


@FAST
@given(sample=st.sampled_from(SAMPLES), cut=st.integers(min_value=0, max_value=4000),
       junk=st.binary(max_size=64), position=st.integers(min_value=0, max_value=4000))
def test_mutated_real_inputs_never_crash_readers(tmp_path, sample, cut, junk, position):
    mutated = sample[: max(0, len(sample) - cut)]
    mutated = mutated[:position] + junk + mutated[position:]
    read_all(tmp_path, mutated, "mutated.txt")
    read_all(tmp_path, gzip.compress(mutated)[: max(10, len(mutated) // 2)], "mutated.txt.gz")


@FAST
@given(data=st.binary(max_size=2048))
def test_decode_text_returns_text_or_reason(data):
    try:
        text, encoding = decode_text(data, "x.txt")
    except SkipInput as exc:
        assert "x.txt" in str(exc)
    else:
        assert isinstance(text, str) and encoding


def test_mutated_inputs_ingest_end_to_end_without_loss(tmp_path):
    """Every input is either stored or listed with a reason: nothing silently disappears."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i, sample in enumerate(SAMPLES):
        (inputs / f"good{i}.dat").write_bytes(sample)
        (inputs / f"bad{i}.dat").write_bytes(sample[: len(sample) // 3] + b"\x00\xff" * 50)
    with lockstep.open(tmp_path / "c.duckdb") as corpus:
        report = corpus.ingest([inputs], IngestOptions())
        stored_sources = set(corpus.documents().source)
    skipped = {src for src, _ in report.skipped}
    for path in inputs.iterdir():
        assert str(path) in stored_sources or str(path) in skipped, path.name


def test_oversize_single_page_is_refused_with_reason(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 3000)
    try:
        list(read_input(path, "sha", ReadOptions(max_bytes=1000)))
    except SkipInput as exc:
        assert "huge.txt" in str(exc) and "larger than" in str(exc)
    else:
        raise AssertionError("an oversize page must be refused")


def test_warc_listing_date_fills_a_page_without_date(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = "<html><body><article><h1>Title</h1>" + "".join(f"<p>{p}</p>" for p in ARTICLE_EN) + "</article></body></html>"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record("https://tass.com/politics/1", "response", payload=io.BytesIO(page.encode()),
                                       http_headers=headers,
                                       warc_headers_dict={"Lockstep-Listed-Date": "2022-03-04T10:00:00"})
    writer.write_record(record)
    (tmp_path / "feed.warc.gz").write_bytes(buffer.getvalue())
    with lockstep.open(tmp_path / "c.duckdb") as corpus:
        corpus.ingest([tmp_path / "feed.warc.gz"], IngestOptions())
        doc = corpus.documents().iloc[0]
    assert doc.actor == "TASS" and doc.published.startswith("2022-03-04") and doc.published_source == "metadata"
