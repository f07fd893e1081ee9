"""The narrative tables in the store, created next to the code that fills them.

narrative_hits        one row per (paragraph, narrative, codebook version): score, threshold, evidence (JSON),
                      detector (`zero-shot` or `learned:<model version>`)
narrative_codebooks   the narratives of every codebook version used, so outputs can name and nest them
narrative_reviews     accept/reject decisions on hits, by coder and time
narrative_thresholds  per-narrative decision thresholds recalibrated from reviews (override the packaged ones)
narrative_clusters    discovery runs: clusters of unexplained paragraphs and their members
narrative_llm_cache   the LLM detector's answers per (model, prompt version, paragraph hash): a re-run costs nothing
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.narratives.codebook import Codebook
    from lockstep.store.corpus import Corpus

DDL = [
    """CREATE TABLE IF NOT EXISTS narrative_hits (
        hit_id VARCHAR PRIMARY KEY, doc_id VARCHAR, idx INTEGER, narrative VARCHAR, level INTEGER,
        score DOUBLE, semantic DOUBLE, threshold DOUBLE, above BOOLEAN, claim VARCHAR, evidence VARCHAR,
        codebook_version VARCHAR, model VARCHAR, tagged_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS narrative_codebooks (
        codebook_version VARCHAR, narrative VARCHAR, title VARCHAR, parent VARCHAR, level INTEGER,
        semeval VARCHAR, PRIMARY KEY (codebook_version, narrative))""",
    """CREATE TABLE IF NOT EXISTS narrative_reviews (
        hit_id VARCHAR, coder VARCHAR, decision VARCHAR, doc_id VARCHAR, idx INTEGER, narrative VARCHAR,
        codebook_version VARCHAR, note VARCHAR, reviewed_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (hit_id, coder))""",
    """CREATE TABLE IF NOT EXISTS narrative_thresholds (
        narrative VARCHAR PRIMARY KEY, threshold DOUBLE, source VARCHAR, n_accepted INTEGER,
        n_rejected INTEGER, f1 DOUBLE, updated_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS narrative_clusters (
        run_id VARCHAR, cluster INTEGER, size INTEGER, terms VARCHAR, actors VARCHAR, languages VARCHAR,
        first_seen TIMESTAMP, representatives VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (run_id, cluster))""",
    """CREATE TABLE IF NOT EXISTS narrative_cluster_members (
        run_id VARCHAR, cluster INTEGER, doc_id VARCHAR, idx INTEGER, probability DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS narrative_llm_cache (
        model VARCHAR, prompt_version VARCHAR, paragraph_hash VARCHAR, hits VARCHAR,
        created_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (model, prompt_version, paragraph_hash))""",
]


def ensure_tables(corpus: "Corpus") -> None:
    """Create the narrative tables; a store opened read-only without them is reported as untagged."""
    if getattr(corpus, "read_only", False):
        found = corpus.con.execute("SELECT count(*) FROM information_schema.tables "
                                   "WHERE table_name = 'narrative_hits'").fetchone()[0]
        if not found:
            from lockstep.errors import InputError

            raise InputError(f"{corpus.path}: nothing is tagged yet (run `lockstep narratives tag`)")
        return
    for ddl in DDL:
        corpus.con.execute(ddl)
    corpus.con.execute("ALTER TABLE narrative_hits ADD COLUMN IF NOT EXISTS detector VARCHAR")


def hit_id(doc_id: str, idx: int, narrative: str, codebook_version: str) -> str:
    """Stable across re-tagging with the same codebook version, so reviews stay attached."""
    return hashlib.sha1(f"{doc_id}|{idx}|{narrative}|{codebook_version}".encode()).hexdigest()[:16]


def record_codebook(corpus: "Corpus", codebook: "Codebook") -> None:
    version = codebook.version
    import pyarrow as pa

    rows = [{"codebook_version": version, "narrative": n.id, "title": n.title, "parent": n.parent,
             "level": codebook.level(n.id), "semeval": n.semeval} for n in codebook.narratives.values()]
    corpus.con.register("incoming_codebook", pa.Table.from_pylist(rows))   # one statement: executemany is slow
    try:
        corpus.con.execute("INSERT INTO narrative_codebooks SELECT codebook_version, narrative, title, parent, level, "
                           "semeval FROM incoming_codebook ON CONFLICT DO NOTHING")
    finally:
        corpus.con.unregister("incoming_codebook")


def latest_version(corpus: "Corpus") -> str | None:
    """The codebook version of the most recent tagging run, or None when nothing is tagged."""
    ensure_tables(corpus)
    row = corpus.con.execute("SELECT codebook_version FROM narrative_hits ORDER BY tagged_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


# ---- the LLM detector's cache and its per-document writes -----------------------------------------------------

HIT_COLUMNS = ("hit_id", "doc_id", "idx", "narrative", "level", "score", "semantic", "threshold", "above", "claim",
               "evidence", "codebook_version", "model", "detector")


def paragraph_hash(text: str) -> str:
    """The cache key of a paragraph's text (exact text: any change asks the model again)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def llm_cached(corpus: "Corpus", model: str, prompt_version: str, hashes: list[str]) -> dict[str, str]:
    """Cached answers (the paragraph's hits as JSON) for those of `hashes` the model has answered."""
    if not hashes:
        return {}
    rows = corpus.con.execute(
        "SELECT paragraph_hash, hits FROM narrative_llm_cache WHERE model = ? AND prompt_version = ? "
        "AND paragraph_hash IN (SELECT unnest(?))", [model, prompt_version, sorted(set(hashes))]).fetchall()
    return dict(rows)


def llm_cache_size(corpus: "Corpus", model: str | None = None) -> int:
    sql = "SELECT count(*) FROM narrative_llm_cache" + (" WHERE model = ?" if model else "")
    return corpus.con.execute(sql, [model] if model else []).fetchone()[0]


def write_llm_documents(corpus: "Corpus", codebook_version: str, doc_ids: list[str], hits: list[dict[str, Any]],
                        cache: list[tuple[str, str, str, str]]) -> None:
    """In one transaction: replace these documents' hits of this codebook version with `hits`, and store the
    answers behind them (`cache`: model, prompt version, paragraph hash, hits JSON). A failure leaves both as
    they were."""
    import pyarrow as pa

    con = corpus.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM narrative_hits WHERE codebook_version = ? AND doc_id IN (SELECT unnest(?))",
                    [codebook_version, doc_ids])
        if hits:
            con.register("incoming_llm_hits", pa.Table.from_pylist([{c: h[c] for c in HIT_COLUMNS} for h in hits]))
            try:
                columns = ", ".join(HIT_COLUMNS)
                con.execute(f"INSERT OR REPLACE INTO narrative_hits ({columns}) "
                            f"SELECT {columns} FROM incoming_llm_hits")
            finally:
                con.unregister("incoming_llm_hits")
        if cache:
            names = ("model", "prompt_version", "paragraph_hash", "hits")
            con.register("incoming_llm_cache", pa.table({n: [row[k] for row in cache] for k, n in enumerate(names)}))
            try:
                con.execute("INSERT OR REPLACE INTO narrative_llm_cache (model, prompt_version, paragraph_hash, hits) "
                            "SELECT model, prompt_version, paragraph_hash, hits FROM incoming_llm_cache")
            finally:
                con.unregister("incoming_llm_cache")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
