"""Every input isolated: whatever one file, record or field holds, that file or record is skipped with a one-line
reason and everything else is stored; the exit status says whether anything was skipped (never "internal error").

Each hostile file is one the issue reported (issue 20), built here by the test."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lockstep
from lockstep.engines.local import IngestOptions, IngestReport
from lockstep.errors import SkipInput
from lockstep.sources.files import ReadOptions, read_input
from tests.pipeline.builders import ARTICLE_EN, html_page, warc_bytes, write

STORY = " ".join(ARTICLE_EN)
RUSSIAN = ("Министр заявил, что Запад пытается устроить цветную революцию в регионе и вмешивается во внутренние "
           "дела суверенных государств, а Москва будет и дальше защищать свои интересы.")


def good_pages(root: Path, n: int = 3) -> list[Path]:
    return [write(root / f"good{i}.txt", f"Headline number {i}\n\nStory {i}. {STORY}\n") for i in range(n)]


def hostile_files(root: Path) -> dict[str, str]:
    """name -> what its reason must say (each file the issue reported, except the one stored with an escaped name)."""
    write(root / "bignum.jsonl", '{"text": %s, "title": "t"}\n' % ("9" * 5000))
    write(root / "deep.json", "[" * 100_000 + "]" * 100_000)
    write(root / "deep.jsonl", '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    write(root / "broken.tsv", "title\ttext\nA\tfoo\tbar\tbaz\nB\t\"unclosed quote\n")
    write(root / "ninf.json", "[{\"text\": -Infinity}]")
    write(root / "url.jsonl", json.dumps({"text": STORY, "url": "http://[::1"}) + "\n")
    return {"bignum.jsonl": "text is a number", "deep.json": "nested too deep", "deep.jsonl": "nested too deep",
            "broken.tsv": "line 2: expected 2 fields, saw 4", "ninf.json": "text is a number (-inf)",
            "url.jsonl": "url is not a valid URL"}


def ingest(db: Path, paths: list[Path], **options) -> IngestReport:
    with lockstep.open(db) as corpus:
        return corpus.ingest(paths, IngestOptions(**options))


def stored(db: Path):
    with lockstep.open(db, read_only=True) as corpus:
        return corpus.documents()


def reasons(report: IngestReport) -> dict[str, str]:
    return {Path(source).name: reason for source, reason in report.skipped + report.partial}


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lockstep.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_hostile_files_are_skipped_with_reasons_and_the_rest_stored(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    good = good_pages(root)
    expected = hostile_files(root)
    (root / os.fsdecode(b"bad\xffname.txt")).write_text(f"Odd name\n\nOdd name. {STORY}\n")
    write(root / "surrogate.jsonl", '{"text": "%s \\ud800 end"}\n' % STORY)
    report = ingest(tmp_path / "c.duckdb", [root])
    found = reasons(report)
    for name, says in expected.items():
        assert says in found[name], (name, found.get(name))
        assert "internal error" not in found[name]
    docs = stored(tmp_path / "c.duckdb")
    sources = set(docs.source)
    assert {str(path) for path in good} <= sources
    assert str(root / "bad\\xffname.txt") in sources  # the name with its undecodable byte escaped
    surrogate = docs[docs.source.str.endswith("surrogate.jsonl")].text.iloc[0]
    assert "\ufffd end" in surrogate  # the lone surrogate became U+FFFD; the record is kept
    assert docs[docs.source.str.endswith("url.jsonl")].url.isna().all()  # the broken URL is left out, not stored
    assert not docs.text.isin(["inf", "-inf", "9" * 5000]).any()


@pytest.mark.parametrize("name", ["bignum.jsonl", "deep.json", "deep.jsonl", "broken.tsv", "ninf.json", "url.jsonl"])
def test_each_hostile_file_alone_gives_a_reason_not_an_internal_error(tmp_path, name):
    hostile_files(tmp_path)
    report = ingest(tmp_path / "c.duckdb", [tmp_path / name])
    assert report.skipped and not report.complete
    assert all("internal error" not in reason for _, reason in report.skipped)


def test_cli_exit_status_says_whether_anything_was_skipped(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    good_pages(root, 2)
    result = run_cli("ingest", str(root), "--db", "c.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr  # everything stored in full
    hostile_files(root)
    result = run_cli("ingest", str(root), "--db", "c.duckdb", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr  # some skipped, listed, the rest stored
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "deep.json\tJSON nested too deep" in result.stdout
    assert "Exit status" in run_cli("ingest", "--help", cwd=tmp_path).stdout


def test_empty_file_alone_and_rerun_after_a_corrupt_file_do_not_crash_the_store(tmp_path):
    """DuckDB 2 refused to register a view while a fetchone() result was pending (ResourceInUseException)."""
    empty = write(tmp_path / "empty.txt", b"")
    report = ingest(tmp_path / "a.duckdb", [empty])
    assert "empty file" in dict(report.skipped)[str(empty)]
    root = tmp_path / "in"
    root.mkdir()
    good_pages(root, 2)
    first = ingest(tmp_path / "b.duckdb", [root])
    write(root / "corrupt.csv", bytes(range(256)) * 4)
    again = ingest(tmp_path / "b.duckdb", [root])
    assert first.documents_stored == 2 and again.files_already_ingested == 2
    assert "binary" in reasons(again)["corrupt.csv"]


def test_table_cells_that_are_not_text_are_not_documents(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    pq.write_table(pa.table({"text": [1, 2, 3]}), root / "ints.parquet")
    pq.write_table(pa.table({"text": ["Real text of a row that is a document.", None], "id": [7, 8]}),
                   root / "mixed.parquet")
    write(root / "cells.jsonl", "\n".join(json.dumps(row) for row in [
        {"text": True}, {"text": {"nested": "object"}}, {"text": ["first paragraph", "second paragraph"]},
        {"text": "a plain story", "outlet": 12345, "published": float("nan")}]) + "\n")
    report = ingest(tmp_path / "c.duckdb", [root])
    found = reasons(report)
    assert "3 row(s) skipped (row 0: text is a number (1), not text); 0 row(s) kept" in found["ints.parquet"]
    assert "2 row(s) skipped (row 0: text is a boolean (True), not text); 2 row(s) kept" in found["cells.jsonl"]
    docs = stored(tmp_path / "c.duckdb")
    assert not docs.text.isin(["1", "2", "3", "True", "true"]).any()
    assert "first paragraph\n\nsecond paragraph" in set(docs.text)
    assert "12345" in set(docs.outlet)  # a number is a fine outlet id, only not a text


def test_truncated_warc_reports_how_many_pages_were_kept(tmp_path):
    pages = [(f"https://www.globaltimes.cn/page/{i}.shtml",
              html_page(f"Story {i}", [f"Story {i}: " + p for p in ARTICLE_EN], site="Global Times",
                        url=f"https://www.globaltimes.cn/page/{i}.shtml")) for i in range(3)]
    for gz in (True, False):
        full = warc_bytes(pages, gz=gz)
        silent = []
        for cut in range(len(full) // 3, len(full) - 8, 7):  # cuts inside the second and third records
            if between_records(full, cut, gz):
                continue  # a whole archive of fewer records: nothing to tell it from a complete one
            path = write(tmp_path / f"cut{cut}.warc{'.gz' if gz else ''}", full[:cut])
            kept: list = []
            try:
                kept.extend(read_input(path, "sha", ReadOptions()))
            except SkipInput as exc:
                assert "WARC" in str(exc) and f"the {len(kept)} page(s) before it were kept" in str(exc), str(exc)
                assert len(kept) >= 1  # the first record is whole in every cut tried
            else:
                if len(kept) < len(pages):
                    silent.append(cut)
        assert not silent, f"cut at {silent} lost pages without a reason (gzip={gz})"


def between_records(archive: bytes, cut: int, gz: bool) -> bool:
    if gz:
        return archive[cut:cut + 3] == b"\x1f\x8b\x08"
    return archive[cut:].lstrip(b"\r\n").startswith(b"WARC/1.")


def test_ragged_csv_rows_are_reported(tmp_path):
    path = write(tmp_path / "ragged.csv", f'title,text\nA,"{STORY}"\nB,x,y,z\nC,"{STORY} C"\n')
    report = ingest(tmp_path / "c.duckdb", [path])
    assert "1 row(s) skipped (line 3: expected 2 fields, saw 4); 2 row(s) kept" in dict(report.skipped)[str(path)]
    assert report.documents_stored == 2


def test_mixed_encoding_page_keeps_every_paragraph(tmp_path):
    english = "\n\n".join(ARTICLE_EN)
    data = ("Headline of the story\n\n" + english + "\n\n").encode() + RUSSIAN.encode("cp1251") + b"\n\n" + \
        ("Last paragraph in UTF-8: " + RUSSIAN).encode()
    path = write(tmp_path / "mixed.txt", data)
    report = ingest(tmp_path / "c.duckdb", [path])
    text = stored(tmp_path / "c.duckdb").text.iloc[0]
    assert RUSSIAN in text and ARTICLE_EN[0] in text and "Last paragraph in UTF-8" in text
    assert "Р·Р°" not in text and report.complete


def test_undecodable_lines_are_named_as_lost(tmp_path):
    english = "\n\n".join(ARTICLE_EN)
    junk = bytes([0x98, 0x7F, 0x98, 0x1B]) * 6  # invalid in cp1251 and GB18030, control characters in the rest
    data = ("Headline of the story\n\n" + english + "\n\n").encode() + junk + b"\n\n" + ("Ending: " + RUSSIAN).encode()
    path = write(tmp_path / "junk.txt", data)
    report = ingest(tmp_path / "c.duckdb", [path])
    assert report.partial and "undecodable line" in report.partial[0][1]
    doc = stored(tmp_path / "c.duckdb").iloc[0]
    assert RUSSIAN in doc.text and "\\x98" in doc.removed  # the lost line is kept in the removed pieces


def test_long_text_field_is_cut_and_reported(tmp_path):
    long_text = "\n".join(f"Paragraph {i}. {STORY}" for i in range(400))  # ~200,000 characters
    path = write(tmp_path / "long.jsonl", json.dumps({"title": "Long", "text": long_text}) + "\n")
    report = ingest(tmp_path / "c.duckdb", [path], max_field_chars=50_000)
    doc = stored(tmp_path / "c.duckdb").iloc[0]
    assert len(doc.text) <= 50_000 and doc.text.startswith("Paragraph 0.")
    assert report.partial and "cut at --max-field-chars" in report.partial[0][1]
    assert not report.complete


def test_oversize_rows_are_skipped_and_the_rest_of_the_table_read(tmp_path):
    big = "word " * 400  # 2,000 bytes, over the 1,000-byte cap below
    csv_path = write(tmp_path / "big.csv", f'title,text\nA,"{STORY}"\nB,"{big}"\nC,"{STORY} C"\n')
    jsonl_path = write(tmp_path / "big.jsonl", "\n".join(json.dumps({"text": t}) for t in (STORY, big, STORY + " C")))
    for path in (csv_path, jsonl_path):
        records, reason = [], ""
        try:
            records.extend(read_input(path, "sha", ReadOptions(max_bytes=1000)))
        except SkipInput as exc:
            reason = str(exc)
        assert len(records) == 2 and "1 row(s) skipped" in reason and "1,000 bytes" in reason, reason


def test_special_files_in_a_folder_are_listed_not_opened(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    good_pages(root, 1)
    os.mkfifo(root / "pipe.txt")
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "folder-loop").symlink_to(root)
    report = ingest(tmp_path / "c.duckdb", [root])
    found = reasons(report)
    assert "FIFO" in found["pipe.txt"] and "not opened" in found["pipe.txt"]
    assert "dangling symlink" in found["dangling.txt"]
    assert "symlink loop" in found["loop.txt"] and "symlink loop" in found["folder-loop"]
    assert report.documents_stored == 1


def test_fifo_given_directly_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli("ingest", str(fifo), "--db", "c.duckdb", cwd=tmp_path)  # would block forever if opened
    assert result.returncode == 1 and "FIFO" in result.stdout


def test_gzip_of_a_hostile_jsonl_is_isolated_too(tmp_path):
    path = write(tmp_path / "x.jsonl.gz", gzip.compress(b'{"text": "' + STORY.encode() + b'"}\n{"a": ' + b"[" * 50_000
                                                        + b"]" * 50_000 + b"}\n"))
    report = ingest(tmp_path / "c.duckdb", [path])
    assert report.documents_stored == 1 and "row 1: JSON nested too deep" in dict(report.skipped)[str(path)]
