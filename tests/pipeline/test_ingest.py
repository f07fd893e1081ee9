"""End-to-end ingest: mixed inputs, bad inputs, idempotency, resume, store errors, export schema."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import lockstep
from lockstep.engines.local import IngestOptions
from lockstep.errors import ConfigError, StoreError
from lockstep.store import writer
from tests.conftest import SEEDS
from tests.pipeline.builders import ARTICLE_EN, html_page, jsonl_bytes, warc_bytes, write

EXPORT_FIELDS = {"id", "title", "text", "outlet", "actor", "author", "published", "published_precision",
                 "published_source", "language", "paywalled", "source", "original_source", "duplicate_of"}


@pytest.fixture()
def mixed_inputs(tmp_path: Path) -> Path:
    root = tmp_path / "inputs"
    (root / "nested").mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        write(root / seed.name, seed.read_bytes())
    write(root / "xinhua.html", html_page("China, Russia to deepen partnership", ARTICLE_EN))
    pages = [(f"https://www.globaltimes.cn/page/2022{i}.shtml",
              html_page(f"Global Times story {i}", [f"Story {i}: " + p for p in ARTICLE_EN], site="Global Times",
                        url=f"https://www.globaltimes.cn/page/2022{i}.shtml"))
             for i in range(3)]
    write(root / "nested" / "crawl.warc.gz", warc_bytes(pages))
    write(root / "tass.jsonl.gz", jsonl_bytes([
        {"title": "Lavrov on multipolar world", "text": "Сергей Лавров заявил, что многополярный мир уже "
         "формируется, а гегемонии Запада приходит конец.", "date": "2022-03-10", "outlet": "TASS"},
        {"title": "Peskov briefing", "text": "Дмитрий Песков прокомментировал санкции Евросоюза.",
         "date": "2022-03-11T09:15:00", "outlet": "tass"},
    ]), gz=True)
    write(root / "cgtn.csv", "outlet,published_iso,headline\ncgtn,2022-03-01T08:00:00,Xi meets Putin\n"
                             "bbc,2022-03-02T09:00:00,Ukraine war latest\n")
    table = pa.table({"body": ["外交部发言人表示，中俄双方将继续相互坚定支持，反对颜色革命。"], "when": ["2022-03-05"],
                      "site": ["MFA China"]})
    pq.write_table(table, root / "mfa.parquet")
    russian = "Заявление МИД\n\n" + ("Министр заявил, что Запад пытается устроить цветную революцию в регионе "
                                      "и вмешивается во внутренние дела суверенных государств. ") * 3
    write(root / "cp1251.txt", russian.encode("cp1251"))
    # bad inputs
    write(root / "empty.txt", b"")
    write(root / "image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    write(root / "truncated.txt.gz", gzip.compress(b"some text " * 200)[:40])
    write(root / "nav-only.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    write(root / "broken.warc.gz", warc_bytes(pages[:1])[:-30])
    return root


def ingest(db: Path, paths: list[Path], **kw) -> lockstep.engines.local.IngestReport:
    with lockstep.open(db) as corpus:
        return corpus.ingest(paths, IngestOptions(**kw))


def test_mixed_inputs_store_good_files_and_report_bad_ones(tmp_path, mixed_inputs):
    db = tmp_path / "c.duckdb"
    report = ingest(db, [mixed_inputs, tmp_path / "missing-dir"], column_map={})
    reasons = {Path(src).name: reason for src, reason in report.skipped}
    assert "no such file" in reasons["missing-dir"]
    assert "empty file" in reasons["empty.txt"]
    assert "binary" in reasons["image.txt"]
    assert "truncated" in reasons["truncated.txt.gz"]
    assert "no article" in reasons["nav-only.html"]
    assert "WARC" in reasons["broken.warc.gz"]
    with lockstep.open(db, read_only=True) as corpus:
        docs = corpus.documents()
    by_source = docs.groupby(docs.source.map(lambda s: Path(s).name)).size().to_dict()
    assert by_source["004_bda7f19f8ba618f5.txt"] == 4  # a page with a Related Articles block is split
    assert by_source["crawl.warc.gz"] == 3 and by_source["tass.jsonl.gz"] == 2 and by_source["cgtn.csv"] == 2
    assert by_source["xinhua.html"] == 1 and by_source["cp1251.txt"] == 1
    assert report.documents_stored == len(docs)
    warc_docs = docs[docs.source.str.endswith("crawl.warc.gz")]
    assert set(warc_docs.actor) == {"Global Times"}
    assert warc_docs.url.str.startswith("https://www.globaltimes.cn/").all()
    tass = docs[docs.source.str.endswith("tass.jsonl.gz")].sort_values("published")
    assert list(tass.actor) == ["TASS", "TASS"] and list(tass.language) == ["ru", "ru"]
    assert list(tass.published_precision) == ["day", "minute"]
    cp = docs[docs.source.str.endswith("cp1251.txt")].iloc[0]
    assert "цветную революцию" in cp.text and cp.language == "ru"
    assert cp.title == "Заявление МИД" and not cp.text.startswith("Заявление")


def test_plain_text_page_led_by_a_headline_gets_its_title(tmp_path):
    story = ("Министры иностранных дел России и Китая провели переговоры в Москве и обсудили вопросы "
             "стратегического партнерства, заявив о готовности и дальше координировать позиции в ООН. ") * 3
    page = tmp_path / "peregovory.txt"
    page.write_bytes(f"Переговоры министров\r\n\r\n{story}\r\n".encode("cp1251"))
    ingest(tmp_path / "c.duckdb", [page])
    with lockstep.open(tmp_path / "c.duckdb", read_only=True) as corpus:
        doc = corpus.documents().iloc[0]
    assert doc.title == "Переговоры министров" and doc.text.startswith("Министры иностранных дел")


def test_parquet_needs_column_map_then_reads(tmp_path, mixed_inputs):
    db = tmp_path / "c.duckdb"
    report = ingest(db, [mixed_inputs / "mfa.parquet"])
    assert report.documents_stored == 1  # 'body' and 'site' are known aliases
    with lockstep.open(db, read_only=True) as corpus:
        doc = corpus.documents().iloc[0]
    assert doc.actor == "MFA China" and doc.language == "zh" and doc.published is None
    db2 = tmp_path / "c2.duckdb"
    ingest(db2, [mixed_inputs / "mfa.parquet"], column_map={"published": "when"})
    with lockstep.open(db2, read_only=True) as corpus:
        assert corpus.documents().iloc[0].published == "2022-03-05"


def test_reingest_adds_nothing(tmp_path, mixed_inputs):
    db = tmp_path / "c.duckdb"
    first = ingest(db, [mixed_inputs])
    second = ingest(db, [mixed_inputs])
    assert first.documents_stored > 10
    assert second.documents_stored == 0
    bad_files = {src for src, _ in first.skipped}
    assert second.files_already_ingested == first.files_read - len(bad_files)  # bad files are re-reported
    assert {src for src, _ in second.skipped} == bad_files
    with lockstep.open(db, read_only=True) as corpus:
        assert corpus.count() == first.documents_stored
        assert corpus.count("paragraphs") == corpus.con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT doc_id, idx FROM paragraphs)").fetchone()[0]


def test_same_text_in_two_files_is_an_exact_duplicate(tmp_path):
    seed = next(SEEDS.glob("000_*.txt"))
    a = write(tmp_path / "a.txt", seed.read_bytes())
    (tmp_path / "copy").mkdir()
    b = write(tmp_path / "copy" / "b.txt", seed.read_bytes() + b"\n")  # other bytes, same normalised text
    report = ingest(tmp_path / "c.duckdb", [a, b])
    assert report.exact_duplicates == 1
    with lockstep.open(tmp_path / "c.duckdb", read_only=True) as corpus:
        docs = corpus.documents()
    assert docs.duplicate_of.notna().sum() == 1
    assert docs.cluster_id.nunique() == 1


def test_near_duplicate_reprint_points_to_the_earliest(tmp_path):
    base = " ".join(ARTICLE_EN)
    rows = [
        {"title": "Reprint", "text": base.replace("Sunday", "Monday"), "date": "2022-03-08", "outlet": "CGTN"},
        {"title": "Original", "text": base, "date": "2022-03-07", "outlet": "Xinhua"},
    ]
    path = write(tmp_path / "rows.jsonl", jsonl_bytes(rows))
    report = ingest(tmp_path / "c.duckdb", [path])
    assert report.near_duplicates == 1
    with lockstep.open(tmp_path / "c.duckdb", read_only=True) as corpus:
        docs = corpus.documents().set_index("title")
    assert docs.loc["Reprint", "duplicate_of"] == docs.loc["Original", "id"]
    assert pd.isna(docs.loc["Original", "duplicate_of"])


def test_interrupted_ingest_is_completed_by_the_next_run(tmp_path):
    rows = [{"title": f"Item {i}", "text": f"Unique item number {i} about sovereignty and cooperation {i * 7}.",
             "date": "2022-03-01", "outlet": "RT"} for i in range(300)]
    path = write(tmp_path / "rows.jsonl", jsonl_bytes(rows))
    db = tmp_path / "c.duckdb"
    calls = []

    def die_after_first_batch(event: str, amount: int) -> None:
        calls.append(event)
        if event == "documents":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest(db, [path], batch_size=50, write_rows=50, progress=die_after_first_batch)
    with lockstep.open(db, read_only=True) as corpus:
        partial = corpus.count()
    assert 0 < partial < 300
    report = ingest(db, [path], batch_size=50)
    assert report.documents_stored == 300 - partial and report.already_stored == partial
    with lockstep.open(db, read_only=True) as corpus:
        assert corpus.count() == 300


def test_two_workers_give_the_same_documents(tmp_path, mixed_inputs):
    one = ingest(tmp_path / "one.duckdb", [mixed_inputs], workers=1)
    two = ingest(tmp_path / "two.duckdb", [mixed_inputs], workers=2)
    assert one.documents_stored == two.documents_stored
    with lockstep.open(tmp_path / "one.duckdb", read_only=True) as a, \
            lockstep.open(tmp_path / "two.duckdb", read_only=True) as b:
        cols = "d.id, d.title, d.text, d.language, d.actor, d.duplicate_of"
        left = a.documents(columns=cols).sort_values("id").reset_index(drop=True)
        right = b.documents(columns=cols).sort_values("id").reset_index(drop=True)
    assert left.equals(right)


def test_store_with_newer_schema_is_refused(tmp_path):
    db = tmp_path / "c.duckdb"
    with lockstep.open(db) as corpus:
        corpus.con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer"):
        lockstep.open(db)


def test_locked_store_gives_a_clear_error(tmp_path):
    db = tmp_path / "c.duckdb"
    lockstep.open(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); "
                               "print('ready', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="locked"):
            lockstep.open(db)
    finally:
        holder.kill()


def test_invalid_actor_yaml_names_the_line(tmp_path):
    from lockstep.actors import load_registry

    bad = write(tmp_path / "actors.yaml", "actors:\n  - name: X\n    outlets: [a, b\n  - name: Y\n")
    with pytest.raises(ConfigError, match=r"actors.yaml: line \d+"):
        load_registry(str(bad))


def test_user_actor_file_extends_registry(tmp_path):
    actors = write(tmp_path / "actors.yaml", "actors:\n  - name: Daily Planet\n    country: US\n"
                   "    type: independent media\n    outlets: [Daily Planet]\n    domains: [dailyplanet.example]\n")
    path = write(tmp_path / "rows.jsonl", jsonl_bytes([{"title": "T", "text": "Some text about things here.",
                                                         "url": "https://news.dailyplanet.example/a"}]))
    ingest(tmp_path / "c.duckdb", [path], actors_file=str(actors))
    with lockstep.open(tmp_path / "c.duckdb", read_only=True) as corpus:
        doc = corpus.documents().iloc[0]
    assert (doc.actor, doc.actor_country, doc.actor_type) == ("Daily Planet", "US", "independent media")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lockstep.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_cli_ingest_export_and_show(tmp_path, mixed_inputs):
    result = run_cli("ingest", str(mixed_inputs), "--db", "c.duckdb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr  # the bad inputs were skipped (listed): status 1, not an error
    assert "documents stored" in result.stdout and "skipped inputs" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    result = run_cli("export", "--format", "jsonl", "--output", "out.jsonl", "--db", "c.duckdb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert rows and EXPORT_FIELDS <= set(rows[0])
    seed = next(r for r in rows if r["title"].startswith("Russia & China must work together"))
    assert seed["published"] == "2021-03-09T11:05" and seed["published_precision"] == "minute"
    assert seed["published_source"] == "byline" and seed["actor"] == "RT" and seed["language"] == "en"
    result = run_cli("show", seed["id"][:8], "--db", "c.duckdb", cwd=tmp_path)
    assert result.returncode == 0 and "removed debris" in result.stdout
    result = run_cli("export", "--output", "rt.csv", "--actor", "rt", "--db", "c.duckdb", cwd=tmp_path)
    assert result.returncode == 0 and "RT" in (tmp_path / "rt.csv").read_text()   # any case finds the actor
    result = run_cli("docs", "--actor", "Nobody", "--db", "c.duckdb", cwd=tmp_path)
    assert result.returncode == 2 and "no actor 'Nobody' in this store; its actors: " in result.stderr
    assert "RT" in result.stderr and "Traceback" not in result.stderr


def test_cli_off_a_terminal_prints_one_line_per_skipped_input(tmp_path, mixed_inputs):
    long_name = mixed_inputs / "a-rather-long-folder-name-for-a-crawl-of-state-media" / "truncated.warc.gz"
    long_name.parent.mkdir()
    long_name.write_bytes((mixed_inputs / "broken.warc.gz").read_bytes())
    write(mixed_inputs / "no-records.warc.gz", warcinfo_only())
    write(mixed_inputs / "cut-headers.warc.gz", gzip.compress(b"WARC/1.0\r\n" * 300)[:50])
    result = run_cli("ingest", str(mixed_inputs), "--db", "c.duckdb", cwd=tmp_path)  # stdout is a pipe
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "# ingest summary" in lines and any(line.startswith("documents stored\t") for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("# skipped inputs")) + 1
    skipped = {Path(path).name: reason for path, reason in (line.split("\t") for line in lines[start:])}
    assert str(long_name) + "\t" in result.stdout  # the whole path on one line, not folded
    assert skipped["truncated.warc.gz"].startswith("truncated WARC")
    assert skipped["empty.txt"] == "empty file" and "image.txt" in skipped
    assert skipped["no-records.warc.gz"].startswith("nothing to read")  # read without error, held nothing
    assert skipped["cut-headers.warc.gz"].startswith("truncated or corrupt WARC")
    assert not any(reason.startswith(str(mixed_inputs)) for reason in skipped.values())  # no path in the reason
    assert "┃" not in result.stdout and "│" not in result.stdout


def warcinfo_only() -> bytes:
    """A whole WARC.gz whose only record is a warcinfo record: no page in it."""
    import io

    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
    return buffer.getvalue()


def test_cli_errors_are_one_line(tmp_path):
    write(tmp_path / "actors.yaml", "actors: [\n")
    result = run_cli("ingest", str(SEEDS), "--db", "c.duckdb", "--actor-registry", "actors.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "actors.yaml" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("ingest", str(SEEDS), "--db", "c.duckdb", "--actors", "actors.yaml", cwd=tmp_path)  # older name
    assert result.returncode == 2 and "actors.yaml" in result.stderr and "--actor-registry" in result.stderr
    result = run_cli("docs", "--db", "nothing.duckdb", cwd=tmp_path)
    assert result.returncode == 2 and "no such store" in result.stderr
    result = run_cli("ingest", str(SEEDS), "--db", "c.duckdb", "--store-memory", "lots", cwd=tmp_path)
    assert result.returncode == 2 and "--store-memory: 'lots' is not a size" in result.stderr
    assert "Traceback" not in result.stderr


def test_truncated_archive_keeps_the_records_before_the_fault(tmp_path):
    pages = [(f"https://www.globaltimes.cn/page/{i}.shtml",
              html_page(f"Story {i}", [f"Story {i}: " + p for p in ARTICLE_EN], site="Global Times",
                        url=f"https://www.globaltimes.cn/page/{i}.shtml")) for i in range(3)]
    path = write(tmp_path / "cut.warc.gz", warc_bytes(pages)[:-40])
    report = ingest(tmp_path / "c.duckdb", [path], batch_size=64)
    assert report.documents_stored == 2
    assert "truncated WARC" in dict(report.skipped)[str(path)]


def test_raw_bytes_are_kept_once_each_small_or_large(tmp_path, monkeypatch):
    """Each input's bytes are stored exactly once, small ones in several chunks and a large one on its own; a
    store that holds an input's bytes but not its row (a run killed between the two writes) is completed."""
    monkeypatch.setattr(writer, "RAW_CHUNK_BYTES", 4_000)  # a few pages a chunk
    root = tmp_path / "in"
    root.mkdir()
    for i in range(7):
        write(root / f"page{i}.html", html_page(f"Story {i}", [f"Story {i}: " + p for p in ARTICLE_EN]))
    lines = [f"Line {i}: {ARTICLE_EN[i % len(ARTICLE_EN)]}" for i in range(5_000)]
    big = write(root / "big.txt", "\n\n".join(lines))
    assert big.stat().st_size > writer.RAW_ALONE_BYTES
    db = tmp_path / "c.duckdb"
    ingest(db, [root])
    with lockstep.open(db, read_only=True) as corpus:
        raw = dict(corpus.con.execute("SELECT raw_sha, data FROM raw").fetchall())
        inputs = dict(corpus.con.execute("SELECT raw_sha, source FROM inputs").fetchall())
    assert len(raw) == len(inputs) == 8
    assert {sha: hashlib.sha256(data).hexdigest() for sha, data in raw.items()} == {sha: sha for sha in raw}
    assert sorted(Path(source).name for source in inputs.values()) == sorted(p.name for p in root.iterdir())
    with lockstep.open(db) as corpus:
        corpus.con.execute("DELETE FROM inputs WHERE source LIKE '%big.txt'")
    again = ingest(db, [root])
    assert again.files_already_ingested == 7 and again.already_stored == 1
    with lockstep.open(db, read_only=True) as corpus:
        assert corpus.con.execute("SELECT count(*), count(DISTINCT raw_sha) FROM raw").fetchall() == [(8, 8)]
        assert corpus.con.execute("SELECT count(*) FROM inputs WHERE status = 'stored'").fetchall() == [(8,)]
