"""The narrative tables in the store, created next to the code that fills them.

narrative_hits        one row per (paragraph, narrative, codebook version): score, threshold, evidence (JSON),
                      detector (`zero-shot` or `learned:<model version>`)
narrative_codebooks   the narratives of every codebook version used, so outputs can name and nest them
narrative_reviews     accept/reject decisions on hits, by coder and time
narrative_thresholds  per-narrative decision thresholds recalibrated from reviews (override the packaged ones)
narrative_clusters    discovery runs: clusters of unexplained paragraphs and their members
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

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
    rows = [(version, n.id, n.title, n.parent, codebook.level(n.id), n.semeval) for n in codebook.narratives.values()]
    corpus.con.executemany("INSERT INTO narrative_codebooks VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)


def latest_version(corpus: "Corpus") -> str | None:
    """The codebook version of the most recent tagging run, or None when nothing is tagged."""
    ensure_tables(corpus)
    row = corpus.con.execute("SELECT codebook_version FROM narrative_hits ORDER BY tagged_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


def parents(con, codebook_version: str) -> dict[str, str | None]:
    """Narrative -> parent id (None for a top-level one) of a codebook version used for tagging; works on a
    read-only connection."""
    rows = con.execute("SELECT narrative, parent FROM narrative_codebooks WHERE codebook_version = ?",
                       [codebook_version]).fetchall()
    return {narrative: parent or None for narrative, parent in rows}
