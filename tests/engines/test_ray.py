"""The Ray engine stores exactly what the local engine stores, reads URI paths, embeds on actors, and says how
to install Ray when it is missing."""

from __future__ import annotations

import gzip
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lockstep
from lockstep.engines.local import IngestOptions
from lockstep.errors import MissingExtraError
from tests.conftest import ROOT, SEEDS
from tests.pipeline.builders import ARTICLE_EN, html_page, jsonl_bytes, warc_bytes, write

HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="ray is not installed (pip install 'lockstep[ray]')")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Ray Data's own deprecation notices
COMPARED = ("id, title, text, language, actor, outlet, published, published_precision, duplicate_of, cluster_id, "
            "source, source_position, text_hash")


def build_corpus(root: Path) -> Path:
    """Seed pages, a WARC with a reprint and a near-duplicate, a CSV, a JSONL, and two bad inputs."""
    root.mkdir(parents=True)
    for seed in SEEDS.glob("*.txt"):
        write(root / seed.name, seed.read_bytes())
    pages = [(f"https://www.globaltimes.cn/page/2022{i}.shtml",
              html_page(f"Global Times story {i}", [f"Story {i}: " + p for p in ARTICLE_EN], site="Global Times",
                        url=f"https://www.globaltimes.cn/page/2022{i}.shtml", date=f"2022-03-0{i + 1}"))
             for i in range(3)]
    reprint = ("https://english.news.cn/20220302/b.html", html_page("Reprint", ["Story 1: " + p for p in ARTICLE_EN],
                                                                     url="https://english.news.cn/20220302/b.html"))
    near = ("https://tass.com/world/1", html_page("Near copy", [f"Story 2: " + p for p in ARTICLE_EN[:2]]
                                                   + [ARTICLE_EN[2] + " TASS contributed."], site="TASS",
                                                   url="https://tass.com/world/1"))
    write(root / "crawl.warc.gz", warc_bytes([*pages, reprint, near]))
    write(root / "cgtn.csv", "outlet,published_iso,headline\ncgtn,2022-03-01T08:00:00,Xi meets Putin\n"
                             "bbc,2022-03-02T09:00:00,Ukraine war latest\ncgtn,2022-03-03T08:00:00,Xi meets Putin\n")
    write(root / "tass.jsonl", jsonl_bytes([
        {"title": "Lavrov on multipolar world", "text": "Сергей Лавров заявил, что многополярный мир уже "
         "формируется, а гегемонии Запада приходит конец.", "date": "2022-03-10", "outlet": "TASS"},
        *({"title": f"Briefing {i}", "text": f"Дмитрий Песков прокомментировал санкции Евросоюза, выпуск {i}.",
         "date": "2022-03-11", "outlet": "tass"} for i in range(5))]))
    write(root / "reprints.jsonl", jsonl_bytes([  # one story six times on one day, across two local batches
        {"title": "Joint statement", "text": "Russia and China oppose unilateral sanctions and bloc confrontation, "
         "the foreign ministers said in a joint statement after talks in Beijing.", "date": "2022-03-12",
         "outlet": outlet} for outlet in ("TASS", "RT", "Xinhua", "CGTN", "Global Times", "Sputnik")]))
    write(root / "empty.txt", b"")
    write(root / "broken.warc.gz", warc_bytes(pages[:2])[:-30])
    write(root / "truncated.txt.gz", gzip.compress(b"some text " * 200)[:40])
    return root


def stored(db: Path) -> dict[str, list[tuple]]:
    with lockstep.open(db, read_only=True) as corpus:
        con = corpus.con
        return {
            "documents": con.execute(f"SELECT {COMPARED} FROM documents ORDER BY id").fetchall(),
            "paragraphs": con.execute("SELECT doc_id, idx, start_char, end_char FROM paragraphs "
                                      "ORDER BY doc_id, idx").fetchall(),
            "fingerprints": con.execute("SELECT doc_id, minhash FROM fingerprints ORDER BY doc_id").fetchall(),
            "skipped": con.execute("SELECT source, position, reason FROM skipped ORDER BY ALL").fetchall(),
            "inputs": con.execute("SELECT raw_sha, source, kind, status, reason, n_documents FROM inputs "
                                  "ORDER BY raw_sha").fetchall(),
            "raw": con.execute("SELECT raw_sha, md5(data) FROM raw ORDER BY raw_sha").fetchall(),
        }


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("ray") / "inputs")


@pytest.fixture(scope="module")
def local_store(corpus_dir: Path) -> Path:
    db = corpus_dir.parent / "local.duckdb"
    with lockstep.open(db) as corpus:
        corpus.ingest([str(corpus_dir)], IngestOptions(batch_size=3))
    return db


@pytest.fixture(scope="module")
def ray_local():
    if not HAS_RAY:
        pytest.skip("ray is not installed (pip install 'lockstep[ray]')")
    import ray
    import ray.data

    ray.init(num_cpus=2, include_dashboard=False, logging_level="warning")
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


def differences(left: list[tuple], right: list[tuple]) -> list:
    """The first differing rows, field by field, so a failure says what differs (not only where)."""
    names = [n.strip() for n in COMPARED.split(",")]
    out = []
    for a, b in zip(left, right):
        if a != b:
            out.append({names[i] if len(a) == len(names) else i: (x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y})
    return out[:3] + ([f"{len(left)} vs {len(right)} rows"] if len(left) != len(right) else [])


@pytest.fixture(scope="module")
def ray_store(corpus_dir: Path, ray_local) -> tuple[Path, object]:
    from lockstep.engines.ray import RayOptions, run_ray_ingest

    db = corpus_dir.parent / "ray.duckdb"
    report = run_ray_ingest([str(corpus_dir)], db=db, options=IngestOptions(batch_size=3),
                            ray_options=RayOptions(parquet_dir=str(corpus_dir.parent / "parts")))
    return db, report


@needs_ray
def test_ray_stores_exactly_what_the_local_engine_stores(local_store, ray_store):
    ray_db, report = ray_store
    local, remote = stored(local_store), stored(ray_db)
    docs = local["documents"]
    assert len(docs) >= 15
    assert sum(1 for d in docs if d[8]) >= 3  # reprint, near copy, repeated headline: duplicate_of set
    assert {d[3] for d in docs} >= {"en", "ru"}
    for table in local:
        assert remote[table] == local[table], (table, differences(local[table], remote[table]))
    assert report.documents_stored == len(docs)
    assert report.exact_duplicates >= 1 and report.near_duplicates >= 1
    skipped = dict(report.skipped)
    assert set(skipped) == {str(p) for p in (local_store.parent / "inputs").glob("*")
                            if p.name in ("empty.txt", "broken.warc.gz", "truncated.txt.gz")}
    assert "truncated WARC" in skipped[str(local_store.parent / "inputs" / "broken.warc.gz")]


@needs_ray
def test_ray_writes_a_partitioned_parquet_corpus(ray_store, corpus_dir):
    import pyarrow.dataset as ds

    parts = corpus_dir.parent / "parts"
    assert {p.name for p in parts.iterdir()} == {"table=documents", "table=inputs"}
    documents = ds.dataset(parts / "table=documents", format="parquet").to_table()
    inputs = ds.dataset(parts / "table=inputs", format="parquet").to_table()
    ids = {i for i in documents.column("id").to_pylist() if i}
    assert ids == {d[0] for d in stored(ray_store[0])["documents"]}
    assert inputs.num_rows == sum(1 for p in corpus_dir.rglob("*") if p.is_file())


@needs_ray
def test_ray_reingest_skips_stored_inputs(ray_store, corpus_dir):
    from lockstep.engines.ray import RayOptions, run_ray_ingest

    db, _ = ray_store
    before = stored(db)
    report = run_ray_ingest([str(corpus_dir)], db=db, options=IngestOptions(batch_size=3),
                            ray_options=RayOptions(parquet_dir=str(corpus_dir.parent / "parts-again")))
    assert report.documents_stored == 0
    assert report.files_already_ingested == len(before["inputs"]) - sum(1 for i in before["inputs"] if i[3] != "stored")
    assert stored(db)["documents"] == before["documents"]


@needs_ray
def test_ray_reads_uri_paths(local_store, corpus_dir, ray_local, tmp_path):
    from lockstep.engines.ray import RayOptions, run_ray_ingest

    db = tmp_path / "uri.duckdb"
    run_ray_ingest([corpus_dir.as_uri()], db=db, options=IngestOptions(batch_size=3),
                   ray_options=RayOptions(parquet_dir=(tmp_path / "parts").as_uri()))
    local, remote = stored(local_store)["documents"], stored(db)["documents"]
    without_source = lambda rows: [row[:10] for row in rows]  # noqa: E731 - sources are URIs here
    assert without_source(remote) == without_source(local)
    assert all(row[10].startswith("file://") for row in remote)


@needs_ray
def test_embed_with_ray_matches_the_backend(ray_store, ray_local, tmp_path):
    from lockstep.engines.ray import embed_with_ray
    from lockstep.enrich.embeddings import EmbeddingOptions, get_backend
    from lockstep.store.corpus import DocumentFilter

    db = tmp_path / "embed.duckdb"
    db.write_bytes(ray_store[0].read_bytes())
    only_en = DocumentFilter(language="en")
    with lockstep.open(db) as corpus:
        count = embed_with_ray(corpus, only_en, EmbeddingOptions(batch_size=8), concurrency=1)
        rows = corpus.con.execute("SELECT p.text, e.vector FROM embeddings e JOIN paragraphs p "
                                  "ON p.doc_id = e.doc_id AND p.idx = e.idx ORDER BY e.doc_id, e.idx").fetchall()
        assert embed_with_ray(corpus, only_en, EmbeddingOptions(batch_size=8), concurrency=1) == 0
    assert count == len(rows) > 10
    expected = get_backend().embed([text for text, _ in rows[:5]])
    assert np.allclose(np.array([vector for _, vector in rows[:5]]), expected, atol=1e-5)


def test_missing_ray_says_how_to_install(monkeypatch, tmp_path):
    from lockstep.engines import ray as ray_engine

    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(MissingExtraError, match=r"pip install 'lockstep\[ray\]'"):
        ray_engine.run_ray_ingest([str(SEEDS)], db=tmp_path / "x.duckdb", options=IngestOptions())
    assert not (tmp_path / "x.duckdb").exists()


def test_cli_without_ray_prints_the_install_line(tmp_path):
    script = ("import sys; sys.modules['ray'] = None; from lockstep.cli import main; "
              f"sys.argv = ['lockstep', 'ingest', {str(SEEDS)!r}, '--db', {str(tmp_path / 'x.duckdb')!r}, "
              "'--engine', 'ray']; main()")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200"}, timeout=60)
    assert done.returncode == 2
    assert "pip install 'lockstep[ray]'" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


@needs_ray
@pytest.mark.parametrize("chunk_rows", [1, 4])
def test_import_stores_the_same_in_any_chunk_size(local_store, ray_store, corpus_dir, tmp_path, chunk_rows):
    """Many local batches per transaction, or one: publication-date ties still resolve as in the local engine."""
    from lockstep.engines.local import IngestReport
    from lockstep.engines.ray import import_corpus

    db = tmp_path / f"chunks{chunk_rows}.duckdb"
    report = IngestReport()
    with lockstep.open(db) as corpus:
        import_corpus(corpus, str(corpus_dir.parent / "parts"), IngestOptions(batch_size=3), report,
                      chunk_rows=chunk_rows)
        from lockstep.dedup.clusters import point_to_earliest

        point_to_earliest(corpus.con)
    assert stored(db) == stored(local_store)
    assert report.documents_stored == ray_store[1].documents_stored


def test_reprint_ties_depend_on_ingest_order(local_store):
    """Guard for the test above: in reprints.jsonl the smallest id is in the second local batch, so resolving
    the publication-date tie by id alone (one transaction for all) would pick another first publication."""
    with lockstep.open(local_store, read_only=True) as corpus:
        rows = corpus.con.execute("SELECT id, source_position, duplicate_of FROM documents "
                                  "WHERE source LIKE '%reprints.jsonl' ORDER BY id").fetchall()
    smallest_position = int(rows[0][1].split()[1])
    first = [r for r in rows if r[2] is None]
    assert smallest_position >= 3  # rows 3-5 form the second local batch (batch_size=3)
    assert len(first) == 1 and int(first[0][1].split()[1]) <= 2
