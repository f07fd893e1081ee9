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
from typing import TYPE_CHECKING, Any, Iterator

from lockstep.errors import InputError
from lockstep.store.tables import columns_of, has_table, rows_of
from lockstep.store.writer import registered

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

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
        if not has_table(corpus.con, "narrative_hits"):
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
    with registered(corpus.con, "incoming_codebook", pa.Table.from_pylist(rows)):  # one statement: executemany is slow
        corpus.con.execute("INSERT INTO narrative_codebooks SELECT codebook_version, narrative, title, parent, level, "
                           "semeval FROM incoming_codebook ON CONFLICT DO NOTHING")


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
            incoming = pa.Table.from_pylist([{c: h[c] for c in HIT_COLUMNS} for h in hits])
            with registered(con, "incoming_llm_hits", incoming):
                columns = ", ".join(HIT_COLUMNS)
                con.execute(f"INSERT OR REPLACE INTO narrative_hits ({columns}) "
                            f"SELECT {columns} FROM incoming_llm_hits")
        if cache:
            names = ("model", "prompt_version", "paragraph_hash", "hits")
            incoming = pa.table({n: [row[k] for row in cache] for k, n in enumerate(names)})
            with registered(con, "incoming_llm_cache", incoming):
                con.execute("INSERT OR REPLACE INTO narrative_llm_cache (model, prompt_version, paragraph_hash, hits) "
                            "SELECT model, prompt_version, paragraph_hash, hits FROM incoming_llm_cache")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


# ---- review samples and document reviews (prevalence corrected for detector error) -----------------------------
#
# narrative_samples          one row per drawn sample: seed, strata, allocation, the filters it was drawn under
# narrative_sample_members   its units (a document, or one story per actor): stratum, stratum size, units drawn
#                            there, inclusion probability, position in review order
# narrative_document_reviews which narratives a reviewer says a document carries (JSON list of codebook ids; an
#                            empty list = carries none; no row = not reviewed), by coder and time

SAMPLE_DDL = [
    """CREATE TABLE IF NOT EXISTS narrative_samples (
        sample_id VARCHAR PRIMARY KEY, seed BIGINT, period VARCHAR, reprints VARCHAR, per_stratum INTEGER,
        fraction DOUBLE, filters VARCHAR, codebook_version VARCHAR, strata INTEGER, units INTEGER,
        sampled INTEGER, created_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS narrative_sample_members (
        sample_id VARCHAR, doc_id VARCHAR, actor VARCHAR, unit VARCHAR, language VARCHAR, period VARCHAR,
        stratum_units INTEGER, stratum_sampled INTEGER, inclusion DOUBLE, position INTEGER,
        PRIMARY KEY (sample_id, actor, unit))""",
    """CREATE TABLE IF NOT EXISTS narrative_document_reviews (
        doc_id VARCHAR, coder VARCHAR, labels VARCHAR, codebook_version VARCHAR, source VARCHAR, note VARCHAR,
        reviewed_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (doc_id, coder))""",
]


def ensure_sample_tables(corpus: "Corpus") -> None:
    """Create the sample and document-review tables (a read-only store keeps what it has)."""
    if getattr(corpus, "read_only", False):
        return
    for ddl in SAMPLE_DDL:
        corpus.con.execute(ddl)


UNITS_SQL = """
    WITH units AS (
        SELECT coalesce(d.actor, '') AS actor, {unit} AS unit, min(d.id) AS doc_id
        FROM documents d WHERE {where} GROUP BY ALL)
    SELECT u.actor, u.unit, u.doc_id, coalesce(d.language, '') AS language, {period} AS period,
           {stratum_period} AS stratum_period
    FROM units u JOIN documents d ON d.id = u.doc_id"""

DRAW_SQL = """
    WITH framed AS ({units}),
    ranked AS (
        SELECT *, count(*) OVER (PARTITION BY actor, language, period) AS stratum_units,
               row_number() OVER (PARTITION BY actor, language, period
                                  ORDER BY md5(? || '|' || actor || '|' || unit)) AS position
        FROM framed),
    allocated AS (
        SELECT *, least(stratum_units, greatest(?, CAST(ceil(? * stratum_units) AS INTEGER))) AS stratum_sampled
        FROM ranked)
    SELECT actor, unit, doc_id, language, period, stratum_units, stratum_sampled,
           stratum_sampled / stratum_units AS inclusion, position
    FROM allocated WHERE position <= stratum_sampled
    ORDER BY actor, language, period, position"""


def draw_members(corpus: "Corpus", frame: tuple[str, list], unit: str, period: str, seed: int, per_stratum: int,
                 fraction: float) -> "pd.DataFrame":
    """A stratified simple random sample of units (actor x language x period strata): in each stratum the units
    ranked by md5(seed | actor | unit) — a reproducible random order that a larger sample with the same seed
    extends — and the first max(per_stratum, ceil(fraction x stratum size)) taken (all of a smaller stratum)."""
    where, params = frame
    sql = DRAW_SQL.format(units=UNITS_SQL.format(unit=unit, where=where, period=period, stratum_period="NULL"))
    return corpus.con.execute(sql, [*params, str(seed), per_stratum, fraction]).df()


def store_sample(corpus: "Corpus", sample: dict, members: "pd.DataFrame") -> None:
    """Write a sample and its members in one transaction, replacing a sample with the same id."""
    ensure_sample_tables(corpus)
    con = corpus.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM narrative_sample_members WHERE sample_id = ?", [sample["sample_id"]])
        con.execute("DELETE FROM narrative_samples WHERE sample_id = ?", [sample["sample_id"]])
        con.execute("INSERT INTO narrative_samples (sample_id, seed, period, reprints, per_stratum, fraction, filters,"
                    " codebook_version, strata, units, sampled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [sample[k] for k in ("sample_id", "seed", "period", "reprints", "per_stratum", "fraction",
                                         "filters", "codebook_version", "strata", "units", "sampled")])
        incoming_members = members.assign(sample_id=sample["sample_id"])  # noqa: F841 (read by the statement)
        con.execute("INSERT INTO narrative_sample_members SELECT sample_id, doc_id, actor, unit, language, period, "
                    "stratum_units, stratum_sampled, inclusion, position FROM incoming_members")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def samples(con) -> "pd.DataFrame":
    """Every stored sample, newest first, with how many of its documents have a review."""
    if not has_table(con, "narrative_samples"):
        import pandas as pd

        return pd.DataFrame(columns=["sample_id", "seed", "period", "reprints", "per_stratum", "fraction", "strata",
                                     "units", "sampled", "reviewed", "created_at", "filters", "codebook_version"])
    return con.execute("""
        SELECT s.sample_id, s.seed, s.period, s.reprints, s.per_stratum, s.fraction, s.strata, s.units, s.sampled,
               (SELECT count(DISTINCT m.doc_id) FROM narrative_sample_members m JOIN narrative_document_reviews r
                  ON r.doc_id = m.doc_id WHERE m.sample_id = s.sample_id) AS reviewed,
               s.created_at, s.filters, s.codebook_version
        FROM narrative_samples s ORDER BY s.created_at DESC, s.sample_id""").df()


def sample_record(con, sample_id: str | None) -> dict | None:
    """One sample (a unique id prefix is enough), or the newest when `sample_id` is None."""
    if not has_table(con, "narrative_samples"):
        return None
    sql = "SELECT * FROM narrative_samples"
    params: list = []
    if sample_id:
        sql += " WHERE sample_id = ? OR sample_id LIKE ?"
        params = [sample_id, f"{sample_id}%"]
    cur = con.execute(sql + " ORDER BY created_at DESC, sample_id LIMIT 2", params)
    rows = cur.fetchall()
    if not rows or (sample_id and len(rows) > 1 and rows[0][0] != sample_id):
        return None if not rows else {"ambiguous": True}
    return dict(zip([c[0] for c in cur.description], rows[0]))


def unit_expression(reprints: str, alias: str = "d") -> str:
    """What one counted unit is (as in `prevalence.unit_sql`): a duplicate cluster per actor, or a document."""
    return f"COALESCE({alias}.cluster_id, {alias}.id)" if reprints == "per-actor" else f"{alias}.id"


DETECTOR_SQL = """(SELECT string_agg(DISTINCT h.narrative, ';' ORDER BY h.narrative) FROM narrative_hits h
        JOIN documents x ON x.id = h.doc_id
        WHERE h.above AND h.codebook_version = ? {level} AND coalesce(x.actor, '') = m.actor AND {unit} = m.unit)"""
LATEST_REVIEWS_SQL = """(SELECT doc_id, coder, labels, reviewed_at FROM narrative_document_reviews {coder}
        QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY reviewed_at DESC, coder) = 1)"""
NO_REVIEWS_SQL = """(SELECT NULL::VARCHAR AS doc_id, NULL::VARCHAR AS coder, NULL::VARCHAR AS labels,
        NULL::TIMESTAMP AS reviewed_at WHERE FALSE)"""
MEMBERS_SQL = """
    SELECT m.position, m.doc_id, nullif(m.actor, '') AS actor, nullif(m.language, '') AS language,
           m.period AS stratum_period, d.published, d.outlet, d.title, d.text, m.stratum_units, m.stratum_sampled,
           m.inclusion, {detector} AS detector, r.labels, r.coder, r.reviewed_at
    FROM narrative_sample_members m JOIN documents d ON d.id = m.doc_id
    LEFT JOIN {reviews} r ON r.doc_id = m.doc_id
    WHERE m.sample_id = ? {status}
    ORDER BY m.position, m.actor, m.language, m.period {limit}"""


def latest_reviews_sql(con, coder: str | None) -> tuple[str, list]:
    """A relation of the latest document review per document (or `coder`'s), empty when there are none."""
    if not has_table(con, "narrative_document_reviews"):
        return NO_REVIEWS_SQL, []
    return LATEST_REVIEWS_SQL.format(coder="WHERE coder = ?" if coder else ""), [coder] if coder else []


def sample_members(con, sample_id: str, version: str | None, *, reprints: str, coder: str | None = None,
                   status: str | None = None, level: int | None = None, limit: int | None = None,
                   actors: list[str] | None = None) -> "pd.DataFrame":
    """A sample's documents in review order (the first of each stratum, then the second, ...), with their text,
    the detector's narratives for the unit (`;`-joined, at `level` when given) and the latest review (or
    `coder`'s): labels is a JSON list, [] = carries none, null = not reviewed. `status`: pending | reviewed."""
    params: list = []
    detector = "NULL"
    if version is not None and has_table(con, "narrative_hits"):
        detector = DETECTOR_SQL.format(level=f"AND h.level = {int(level)}" if level else "",
                                       unit=unit_expression(reprints, "x"))
        params.append(version)
    reviews, review_params = latest_reviews_sql(con, coder)
    status_sql = {"pending": "AND r.doc_id IS NULL", "reviewed": "AND r.doc_id IS NOT NULL"}.get(status or "", "")
    if actors:
        status_sql += f" AND m.actor IN ({', '.join('?' * len(actors))})"
    sql = MEMBERS_SQL.format(detector=detector, reviews=reviews, status=status_sql,
                             limit=f"LIMIT {int(limit)}" if limit else "")
    return con.execute(sql, [*params, *review_params, sample_id, *(actors or [])]).df()


def codebook_rows(con, version: str | None) -> list[tuple[str, str | None, str | None, int, str | None]]:
    """(narrative, title, parent, level, semeval) of a tagged codebook version, in codebook order of levels."""
    if version is None or not has_table(con, "narrative_codebooks"):
        return []
    return con.execute("SELECT narrative, title, parent, level, semeval FROM narrative_codebooks "
                       "WHERE codebook_version = ? ORDER BY level, narrative", [version]).fetchall()


def existing_documents(con, doc_ids: list[str]) -> set[str]:
    """The ids among `doc_ids` that name a document in the store."""
    if not doc_ids:
        return set()
    import pyarrow as pa

    cur = con.cursor()
    try:
        cur.register("wanted_ids", pa.table({"id": pa.array(list(dict.fromkeys(doc_ids)), pa.string())}))
        return {r[0] for r in cur.execute("SELECT w.id FROM wanted_ids w JOIN documents d ON d.id = w.id").fetchall()}
    finally:
        cur.close()


def write_document_reviews(corpus: "Corpus", rows: list[dict]) -> int:
    """Store document reviews (doc_id, coder, labels JSON, codebook_version, source, note) in one transaction;
    a coder's new review of a document replaces the earlier one. Returns how many were written."""
    ensure_sample_tables(corpus)
    con = corpus.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.executemany("INSERT OR REPLACE INTO narrative_document_reviews (doc_id, coder, labels, codebook_version, "
                        "source, note, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, current_timestamp)",
                        [[r["doc_id"], r["coder"], r["labels"], r["codebook_version"], r["source"], r.get("note")]
                         for r in rows])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(rows)


def document_reviews(con, coder: str | None = None) -> "pd.DataFrame":
    """Every document review: document, actor, coder, labels (JSON list; [] = carries none), when, from where."""
    if not has_table(con, "narrative_document_reviews"):
        return con.execute("SELECT NULL::VARCHAR AS doc_id, NULL::VARCHAR AS actor, NULL::VARCHAR AS coder, "
                           "NULL::VARCHAR AS labels, NULL::TIMESTAMP AS reviewed_at, NULL::VARCHAR AS source, "
                           "NULL::VARCHAR AS codebook_version WHERE FALSE").df()
    where = "WHERE r.coder = ?" if coder else ""
    return con.execute(f"SELECT r.doc_id, d.actor, r.coder, r.labels, r.reviewed_at, r.source, r.codebook_version "
                       f"FROM narrative_document_reviews r LEFT JOIN documents d ON d.id = r.doc_id {where} "
                       "ORDER BY r.reviewed_at, r.doc_id, r.coder", [coder] if coder else []).df()


REVIEWED_UNITS_SQL = """
    SELECT m.actor, m.unit, m.doc_id, r.labels
    FROM narrative_sample_members m JOIN {reviews} r ON r.doc_id = m.doc_id
    WHERE m.sample_id = ?"""


def reviewed_units(con, sample_id: str, coder: str | None = None) -> list[tuple[str, str, str, str]]:
    """(actor, unit, doc_id, labels JSON) of the sample's units that have a document review (the latest, or
    `coder`'s)."""
    reviews, params = latest_reviews_sql(con, coder)
    return con.execute(REVIEWED_UNITS_SQL.format(reviews=reviews), [*params, sample_id]).fetchall()


CELLS_SQL = """
    WITH u AS ({units}),
    flags AS (
        SELECT DISTINCT coalesce(d.actor, '') AS actor, {unit} AS unit, h.narrative
        FROM narrative_hits h JOIN documents d ON d.id = h.doc_id WHERE h.above AND {hit_where}),
    marks AS (
        SELECT actor, unit, narrative, bool_or(flagged) AS flagged, bool_or(carried) AS carried FROM (
            SELECT actor, unit, narrative, TRUE AS flagged, FALSE AS carried FROM flags
            UNION ALL SELECT actor, unit, narrative, FALSE, TRUE FROM review_labels) GROUP BY ALL)
    SELECT u.actor, u.language, u.period, u.stratum_period, mk.narrative,
           count(*) FILTER (WHERE mk.flagged) AS flagged,
           count(*) FILTER (WHERE mk.flagged AND ru.unit IS NOT NULL) AS reviewed_flagged,
           count(*) FILTER (WHERE mk.carried) AS reviewed_carrying,
           count(*) FILTER (WHERE mk.carried AND mk.flagged) AS reviewed_both
    FROM marks mk JOIN u USING (actor, unit)
    LEFT JOIN reviewed_set ru USING (actor, unit)
    GROUP BY ALL"""
CELL_SIZES_SQL = """
    WITH u AS ({units})
    SELECT u.actor, u.language, u.period, u.stratum_period, count(*) AS units, count(ru.unit) AS reviewed
    FROM u LEFT JOIN reviewed_set ru USING (actor, unit)
    GROUP BY ALL"""


def prevalence_cells(con, frame: tuple[str, list], hits: tuple[str, list], *, unit: str, period: str,
                     stratum_period: str, reviewed: list[tuple[str, str]],
                     labels: list[tuple[str, str, str]]) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """The counts behind corrected prevalence, per cell (actor, language, period, stratum period):
    (cell sizes: units and reviewed units; per narrative: flagged units, and among the reviewed ones those flagged,
    those the reviewers say carry it, and both). `reviewed` holds the reviewed (actor, unit) pairs, `labels` their
    (actor, unit, narrative) review labels; `frame` and `hits` are WHERE clauses over documents `d` and hits `h`."""
    import pyarrow as pa

    where, params = frame
    hit_where, hit_params = hits
    units = UNITS_SQL.format(unit=unit, where=where, period=period, stratum_period=stratum_period)
    cur = con.cursor()      # registered relations live on this cursor only (and need no pending result)
    try:
        cur.register("reviewed_set", pa.table({"actor": [r[0] for r in reviewed], "unit": [r[1] for r in reviewed]},
                                              schema=pa.schema([("actor", pa.string()), ("unit", pa.string())])))
        cur.register("review_labels", pa.table(
            {"actor": [r[0] for r in labels], "unit": [r[1] for r in labels], "narrative": [r[2] for r in labels]},
            schema=pa.schema([("actor", pa.string()), ("unit", pa.string()), ("narrative", pa.string())])))
        sizes = cur.execute(CELL_SIZES_SQL.format(units=units), params).df()
        counts = cur.execute(CELLS_SQL.format(units=units, unit=unit, hit_where=hit_where),
                             [*params, *hit_params]).df()
    finally:
        cur.close()
    return sizes, counts


def latest_version_read(con) -> str | None:
    """The codebook version of the latest tagging run, read without creating tables (None when untagged)."""
    if not has_table(con, "narrative_hits"):
        return None
    rows = con.execute("SELECT codebook_version FROM narrative_hits ORDER BY tagged_at DESC LIMIT 1").fetchall()
    return rows[0][0] if rows else None


def sampled_documents(con) -> set[str]:
    """The documents held by any review sample."""
    if not has_table(con, "narrative_sample_members"):
        return set()
    return {r[0] for r in con.execute("SELECT DISTINCT doc_id FROM narrative_sample_members").fetchall()}


def parents(con, codebook_version: str) -> dict[str, str | None]:
    """Narrative -> parent id (None for a top-level one) of a codebook version used for tagging; works on a
    read-only connection."""
    rows = con.execute("SELECT narrative, parent FROM narrative_codebooks WHERE codebook_version = ?",
                       [codebook_version]).fetchall()
    return {narrative: parent or None for narrative, parent in rows}


# ---- reads for the dashboard's document page, search and review panel -----------------------------------------

DOC_HITS_SQL = """
SELECT h.hit_id, h.doc_id, h.idx, h.narrative, h.score, h.threshold, h.above, h.evidence, h.detector, c.title,
       c.parent, {status} AS status
FROM narrative_hits h
LEFT JOIN narrative_codebooks c ON c.narrative = h.narrative AND c.codebook_version = h.codebook_version
WHERE h.doc_id = ? AND h.above AND h.codebook_version = ? ORDER BY h.idx, h.score DESC"""
DECISIONS_OF_HIT = ("(SELECT string_agg(r.decision || ' by ' || r.coder, '; ') FROM narrative_reviews r "
                    "WHERE r.hit_id = h.hit_id)")


def document_hits(con, doc_id: str, codebook_version: str) -> list[dict[str, Any]]:
    """The document's hits above threshold in a codebook version, with titles, parents and review decisions."""
    status = DECISIONS_OF_HIT if has_table(con, "narrative_reviews") else "NULL"
    return rows_of(con, DOC_HITS_SQL.format(status=status), [doc_id, codebook_version])


def narrative_choices(con, limit: int = 300) -> list[str]:
    """Tagged narratives, most frequent first (none when nothing is tagged)."""
    if not has_table(con, "narrative_hits"):
        return []
    return [r[0] for r in con.execute(
        "SELECT narrative FROM narrative_hits WHERE above GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ?",
        [limit]).fetchall()]


def tagged_paragraph_clause(con, narrative: str | None) -> tuple[str, list[Any]]:
    """An ``AND ...`` condition keeping paragraphs ``p`` tagged with a narrative or one of its sub-narratives."""
    if not narrative:
        return "", []
    if not has_table(con, "narrative_hits"):
        return " AND FALSE", []
    return (" AND EXISTS (SELECT 1 FROM narrative_hits h WHERE h.doc_id = p.doc_id AND h.idx = p.idx AND h.above "
            "AND (h.narrative = ? OR starts_with(h.narrative, ?)))", [narrative, narrative + "."])


REVIEW_STATUS = """
SELECT h.hit_id, h.narrative, h.score, h.threshold, h.above, h.evidence, h.detector, h.doc_id, h.idx, d.actor,
       d.outlet, d.language, d.published, {status} AS status
FROM narrative_hits h JOIN documents d ON d.id = h.doc_id
WHERE {where} ORDER BY h.score DESC, h.hit_id LIMIT ?"""
STATUS_OF = ("(SELECT string_agg(r.decision || ' by ' || r.coder, '; ' ORDER BY r.reviewed_at) "
             "FROM narrative_reviews r WHERE r.hit_id = h.hit_id)")


def review_clause(reviewed: bool, status: str | None) -> tuple[str, list[str]]:
    """Keep hits by review status: pending (no decision yet), accepted or rejected (by any coder)."""
    if not status:
        return "", []
    if not reviewed:
        return ("", []) if status == "pending" else (" AND FALSE", [])
    if status == "pending":
        return " AND NOT EXISTS (SELECT 1 FROM narrative_reviews r WHERE r.hit_id = h.hit_id)", []
    decision = "accept%" if status == "accepted" else "reject%"
    return " AND EXISTS (SELECT 1 FROM narrative_reviews r WHERE r.hit_id = h.hit_id AND r.decision LIKE ?)", [decision]


def hits_for_review(con, where: str, params: list[Any], status: str | None, limit: int) -> "pd.DataFrame":
    """The strongest hits matching ``where`` (over ``h`` and ``d``) and a review status, with their decisions."""
    reviewed = has_table(con, "narrative_reviews")
    extra, extra_params = review_clause(reviewed, status)
    sql = REVIEW_STATUS.format(status=STATUS_OF if reviewed else "NULL", where=where + extra)
    return con.execute(sql, [*params, *extra_params, limit]).df()


# ---- the hits as outputs: prevalence, first appearance, evidence, export (``where`` from prevalence.hit_where) --

def prevalence_rows(con, where: str, params: list, base_where: str, base_params: list, *, period: str, unit: str,
                    version: str | None) -> "pd.DataFrame":
    """Per actor, period and narrative: items carrying it, the actor's items that period, and the share.
    ``period`` and ``unit`` are SQL expressions over documents ``d`` (prevalence.period_sql, unit_sql)."""
    sql = f"""
        WITH carried AS (
            SELECT DISTINCT d.actor, {period} AS period, h.narrative, {unit} AS item
            FROM narrative_hits h JOIN documents d ON d.id = h.doc_id WHERE h.above AND {where}),
        totals AS (
            SELECT d.actor, {period} AS period, count(DISTINCT {unit}) AS actor_documents
            FROM documents d WHERE {base_where} GROUP BY ALL)
        SELECT c.actor, c.period, c.narrative, any_value(nc.title) AS title, count(*) AS documents,
               any_value(t.actor_documents) AS actor_documents,
               round(count(*) / any_value(t.actor_documents), 4) AS share
        FROM carried c
        JOIN totals t ON t.actor IS NOT DISTINCT FROM c.actor AND t.period IS NOT DISTINCT FROM c.period
        LEFT JOIN narrative_codebooks nc ON nc.narrative = c.narrative AND nc.codebook_version = ?
        GROUP BY c.actor, c.period, c.narrative
        ORDER BY c.period NULLS LAST, c.actor, documents DESC, c.narrative"""
    return con.execute(sql, [*params, *base_params, version]).df()


def first_hits(con, where: str, params: list) -> "pd.DataFrame":
    """For each narrative and actor: the earliest dated paragraph carrying it, with its hit and text."""
    sql = f"""
        SELECT h.narrative, d.actor, d.published AS first_published, d.outlet, h.doc_id, h.idx,
               round(h.score, 4) AS score, h.hit_id, p.text
        FROM narrative_hits h JOIN documents d ON d.id = h.doc_id
        JOIN paragraphs p ON p.doc_id = h.doc_id AND p.idx = h.idx
        WHERE h.above AND d.published_at IS NOT NULL AND {where}
        QUALIFY row_number() OVER (PARTITION BY h.narrative, d.actor ORDER BY d.published_at, h.doc_id, h.idx) = 1
        ORDER BY h.narrative, d.published_at, d.actor"""
    return con.execute(sql, params).df()


def strongest_hits(con, where: str, params: list, *, above: str, limit: int) -> "pd.DataFrame":
    """The `limit` strongest hits per narrative with their paragraph and the document's text."""
    sql = f"""
        SELECT h.hit_id, h.narrative, round(h.score, 4) AS score, round(h.threshold, 4) AS threshold, h.above,
               d.actor, d.published, h.doc_id, h.idx, p.start_char, p.end_char, p.text, h.claim, h.evidence,
               h.detector, d.text AS document_text
        FROM narrative_hits h JOIN documents d ON d.id = h.doc_id
        JOIN paragraphs p ON p.doc_id = h.doc_id AND p.idx = h.idx
        WHERE {above}{where}
        QUALIFY row_number() OVER (PARTITION BY h.narrative ORDER BY h.score DESC, h.hit_id) <= {int(limit)}
        ORDER BY h.narrative, h.score DESC, h.hit_id"""
    return con.execute(sql, params).df()


def hit_rows(con, where: str, params: list, *, above: str) -> "pd.DataFrame":
    """One row per paragraph and narrative with score, threshold, evidence and codebook version (for export)."""
    sql = f"""
        SELECT h.hit_id, h.doc_id, h.idx, h.narrative, h.level, c.title, c.semeval, h.score, h.semantic,
               h.threshold, h.above, h.claim, h.evidence, d.actor, d.outlet, d.language, d.published,
               d.duplicate_of, h.codebook_version, h.model, h.detector, h.tagged_at
        FROM narrative_hits h JOIN documents d ON d.id = h.doc_id
        LEFT JOIN narrative_codebooks c ON c.narrative = h.narrative AND c.codebook_version = h.codebook_version
        WHERE {above}{where}
        ORDER BY h.doc_id, h.idx, h.score DESC"""
    return con.execute(sql, params).df()


def document_narrative_rows(con, where: str, params: list) -> "pd.DataFrame":
    """Each document with each narrative it carries, its best score and paragraph count."""
    sql = f"""
        SELECT h.doc_id, h.narrative, max(h.score) AS score, count(*) AS paragraphs, any_value(d.actor) AS actor,
               any_value(d.published) AS published, any_value(h.codebook_version) AS codebook_version
        FROM narrative_hits h JOIN documents d ON d.id = h.doc_id WHERE h.above AND {where}
        GROUP BY h.doc_id, h.narrative ORDER BY h.doc_id, score DESC"""
    return con.execute(sql, params).df()


# ---- reviews, thresholds and tagging runs ------------------------------------------------------------------------

def review_decisions(con) -> "pd.DataFrame":
    return con.execute("SELECT hit_id, narrative, coder, decision FROM narrative_reviews").df()


def stored_thresholds(con) -> dict[str, float]:
    return dict(con.execute("SELECT narrative, threshold FROM narrative_thresholds").fetchall())


def reviewed_hit_votes(con) -> "pd.DataFrame":
    """One row per reviewed hit: narrative, score, threshold, accepts and reviews."""
    return con.execute(
        "SELECT r.hit_id, h.narrative, h.score, h.threshold, "
        "sum(CASE WHEN r.decision = 'accept' THEN 1 ELSE 0 END) AS accepts, count(*) AS reviews "
        "FROM narrative_reviews r JOIN narrative_hits h USING (hit_id) "
        "GROUP BY r.hit_id, h.narrative, h.score, h.threshold").df()


def store_reviewed_threshold(con, row: dict[str, Any]) -> None:
    """Store a narrative's threshold fitted on reviews and re-mark its hits above or below it."""
    con.execute(
        "INSERT OR REPLACE INTO narrative_thresholds (narrative, threshold, source, n_accepted, n_rejected, f1)"
        " VALUES (?, ?, 'reviews', ?, ?, ?)",
        [row["narrative"], row["threshold"], row["accepted"], row["rejected"], row["f1"]])
    con.execute("UPDATE narrative_hits SET threshold = ?, above = score >= ? WHERE narrative = ?",
                [row["threshold"], row["threshold"], row["narrative"]])


def reviewed_paragraph_majorities(con) -> list[tuple]:
    """(doc_id, idx, narrative, accepted by a majority, paragraph text, language) of every reviewed paragraph."""
    return con.execute(
        "SELECT r.doc_id, r.idx, r.narrative, sum(CASE WHEN r.decision = 'accept' THEN 1 ELSE 0 END) * 2 > count(*),"
        " any_value(p.text), any_value(d.language) FROM narrative_reviews r "
        "JOIN paragraphs p ON p.doc_id = r.doc_id AND p.idx = r.idx JOIN documents d ON d.id = r.doc_id "
        "GROUP BY r.doc_id, r.idx, r.narrative ORDER BY r.doc_id, r.idx").fetchall()


def hits_by_id_prefix(con, hit_id: str) -> list[dict[str, Any]]:
    """At most two hits whose id is or starts with ``hit_id``."""
    return rows_of(con, "SELECT hit_id, doc_id, idx, narrative, codebook_version FROM narrative_hits "
                        "WHERE hit_id = ? OR hit_id LIKE ? LIMIT 2", [hit_id, f"{hit_id}%"])


def store_review(con, hit: dict[str, Any], coder: str, decision: str, note: str | None) -> None:
    con.execute(
        "INSERT OR REPLACE INTO narrative_reviews (hit_id, coder, decision, doc_id, idx, narrative, codebook_version,"
        " note, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [hit["hit_id"], coder, decision, hit["doc_id"], hit["idx"], hit["narrative"], hit["codebook_version"], note])


def review_queue_rows(con, version: str | None, *, narrative: str | None, include_candidates: bool,
                      not_by: str | None, uncertain_first: bool, limit: int) -> "pd.DataFrame":
    """Hits of a codebook version to review, with paragraph text and evidence: a narrative and its sub-narratives,
    above threshold unless candidates are asked for, not yet reviewed by ``not_by``; the most uncertain (score
    nearest the threshold) or the strongest first."""
    clauses, params = ["h.codebook_version = ?"], [version]
    if narrative:
        clauses.append("(h.narrative = ? OR h.narrative LIKE ?)")
        params += [narrative, f"{narrative}.%"]
    if not include_candidates:
        clauses.append("h.above")
    if not_by:
        clauses.append("NOT EXISTS (SELECT 1 FROM narrative_reviews r WHERE r.hit_id = h.hit_id AND r.coder = ?)")
        params.append(not_by)
    order = "abs(h.score - h.threshold), h.hit_id" if uncertain_first else "h.score DESC, h.hit_id"
    sql = ("SELECT h.hit_id, h.narrative, h.score, h.threshold, h.above, d.actor, d.published, p.text, h.claim, "
           "h.evidence, h.doc_id, h.idx, p.start_char FROM narrative_hits h "
           "JOIN paragraphs p ON p.doc_id = h.doc_id AND p.idx = h.idx JOIN documents d ON d.id = h.doc_id "
           f"WHERE {' AND '.join(clauses)} ORDER BY {order} LIMIT {int(limit)}")
    return con.execute(sql, params).df()


def all_reviews(con) -> "pd.DataFrame":
    """Every decision: hit, narrative, coder, decision, time, codebook version."""
    return con.execute("SELECT hit_id, narrative, doc_id, idx, coder, decision, note, reviewed_at, "
                       "codebook_version FROM narrative_reviews ORDER BY reviewed_at, hit_id").df()


def tagged_document_count(con, codebook_version: str) -> int:
    return con.execute("SELECT count(DISTINCT doc_id) FROM narrative_hits WHERE above AND codebook_version = ?",
                       [codebook_version]).fetchone()[0]


def clear_hits(con, codebook_version: str, where: str, params: list) -> None:
    """Delete a codebook version's hits on the documents ``d`` matching ``where`` (before they are re-tagged)."""
    con.execute(f"DELETE FROM narrative_hits WHERE codebook_version = ? AND doc_id IN "
                f"(SELECT d.id FROM documents d WHERE {where})", [codebook_version, *params])


def paragraph_vector_batches(con, where: str, params: list, model: str, chunk_rows: int) -> Iterator[Any]:
    """Arrow batches of (doc_id, idx, start_char, text, language, actor, vector) of the selected paragraphs with a
    cached vector of the model, in key order, read through a cursor of their own."""
    sql = ("SELECT p.doc_id, p.idx, p.start_char, p.text, d.language, d.actor, e.vector "
           "FROM paragraphs p JOIN documents d ON d.id = p.doc_id "
           "JOIN embeddings e ON e.doc_id = p.doc_id AND e.idx = p.idx AND e.model = ? "
           f"WHERE {where} ORDER BY p.doc_id, p.idx")
    cursor = con.cursor()
    try:
        yield from cursor.sql(sql, params=[model, *params]).to_arrow_reader(chunk_rows)
    finally:
        cursor.close()


def insert_hits(con, table: Any) -> None:
    """Add (or replace) hits from an Arrow table with the columns of HIT_COLUMNS but tagged_at."""
    with registered(con, "incoming_hits", table):
        con.execute(
            "INSERT OR REPLACE INTO narrative_hits (hit_id, doc_id, idx, narrative, level, score, semantic, threshold,"
            " above, claim, evidence, codebook_version, model, detector) SELECT hit_id, doc_id, idx, narrative, level,"
            " score, semantic, threshold, above, claim, evidence, codebook_version, model, detector FROM incoming_hits")


def semeval_labels_of_hits(con, where: str, params: list) -> list[tuple[str, str, int]]:
    """(doc_id, SemEval label, level) of every hit above threshold whose narrative has a SemEval label."""
    return con.execute(
        f"SELECT DISTINCT h.doc_id, c.semeval, c.level FROM narrative_hits h JOIN documents d ON d.id = h.doc_id "
        f"JOIN narrative_codebooks c ON c.narrative = h.narrative AND c.codebook_version = h.codebook_version "
        f"WHERE h.above AND c.semeval IS NOT NULL AND {where}", params).fetchall()



# ---- discovery runs: clusters of paragraphs no narrative explains -----------------------------------------------

EXPLAINED_SQL = ("EXISTS (SELECT 1 FROM narrative_hits h WHERE h.doc_id = p.doc_id AND h.idx = p.idx "
                 "AND h.above AND h.codebook_version = ?)")


def explained_paragraph_count(con, where: str, params: list, version: str) -> int:
    """Selected paragraphs carrying a narrative of the codebook version (above threshold)."""
    return con.execute(
        f"SELECT count(*) FROM paragraphs p JOIN documents d ON d.id = p.doc_id WHERE {where} AND {EXPLAINED_SQL}",
        [*params, version]).fetchone()[0]


def unexplained_paragraphs(con, where: str, params: list, version: str, *, model: str, min_chars: int, seed: int,
                           limit: int) -> Any:
    """Arrow table (doc_id, idx, text, actor, language, published_at, vector) of up to `limit` selected paragraphs
    of `min_chars` or more that no narrative explains, with a cached vector of the model, in a seeded random order."""
    sql = (f"SELECT p.doc_id, p.idx, p.text, d.actor, d.language, d.published_at, e.vector "
           f"FROM paragraphs p JOIN documents d ON d.id = p.doc_id "
           f"JOIN embeddings e ON e.doc_id = p.doc_id AND e.idx = p.idx AND e.model = ? "
           f"WHERE {where} AND length(p.text) >= ? AND NOT {EXPLAINED_SQL} "
           f"ORDER BY hash(p.doc_id || ':' || CAST(p.idx AS VARCHAR) || ?), p.doc_id, p.idx LIMIT ?")
    cursor = con.cursor()
    try:
        return cursor.sql(sql, params=[model, *params, min_chars, version, str(seed), limit]).to_arrow_table()
    finally:
        cursor.close()


def store_discovery_run(con, run_id: str, clusters: list[dict[str, Any]], members: "pd.DataFrame") -> None:
    """Replace a discovery run's clusters and members."""
    con.execute("DELETE FROM narrative_clusters WHERE run_id = ?", [run_id])
    con.execute("DELETE FROM narrative_cluster_members WHERE run_id = ?", [run_id])
    for row in clusters:
        con.execute("INSERT INTO narrative_clusters (run_id, cluster, size, terms, actors, languages, first_seen, "
                    "representatives) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, row["cluster"], row["size"], row["terms"], row["actors"], row["languages"],
                     row["first_seen"], row["representatives"]])
    with registered(con, "incoming_members", members):
        con.execute("INSERT INTO narrative_cluster_members SELECT run_id, cluster, doc_id, idx, probability "
                    "FROM incoming_members")


def discovered_cluster(con, run_id: str, cluster_id: int) -> tuple | None:
    """(terms, actors, languages, representatives) of a stored cluster, or None."""
    return con.execute("SELECT terms, actors, languages, representatives FROM narrative_clusters "
                       "WHERE run_id = ? AND cluster = ?", [run_id, cluster_id]).fetchone()


def confident_members(con, run_id: str, cluster_id: int, n: int) -> list[tuple[str, str]]:
    """(language, text) of the cluster's `n` most confident paragraphs."""
    return con.execute(
        "SELECT d.language, p.text FROM narrative_cluster_members m JOIN paragraphs p ON p.doc_id = m.doc_id "
        "AND p.idx = m.idx JOIN documents d ON d.id = m.doc_id WHERE m.run_id = ? AND m.cluster = ? "
        "ORDER BY m.probability DESC, m.doc_id, m.idx LIMIT ?", [run_id, cluster_id, n]).fetchall()


def latest_discovery_run(con) -> tuple | None:
    return con.execute("SELECT run_id FROM narrative_clusters ORDER BY created_at DESC LIMIT 1").fetchone()



# ---- learned detectors (narratives/models.py builds and reads them back) ------------------------------------------

MODEL_DDL = [
    """CREATE TABLE IF NOT EXISTS narrative_models (
        version VARCHAR PRIMARY KEY, codebook_version VARCHAR, embedding_model VARCHAR, data_hash VARCHAR,
        source VARCHAR, alpha DOUBLE, narratives VARCHAR, cv VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS narrative_model_weights (
        version VARCHAR, narrative VARCHAR, arm VARCHAR, threshold DOUBLE, weights FLOAT[], bias DOUBLE,
        positives INTEGER, PRIMARY KEY (version, narrative))""",
]


def ensure_model_tables(con, *, read_only: bool) -> bool:
    """Create the model tables (False on a read-only store without them)."""
    if read_only:
        return has_table(con, "narrative_models")
    for ddl in MODEL_DDL:
        con.execute(ddl)
    con.execute("ALTER TABLE narrative_models ADD COLUMN IF NOT EXISTS settings VARCHAR")
    con.execute("ALTER TABLE narrative_model_weights ADD COLUMN IF NOT EXISTS language_bias VARCHAR")
    return True


def model_count(con) -> int:
    return con.execute("SELECT count(*) FROM narrative_models").fetchone()[0]


def insert_model(con, header: list, arms: list[tuple]) -> None:
    """A model's row (version, codebook_version, embedding_model, data_hash, source, alpha, narratives, cv,
    settings) and one row per arm (version, narrative, arm, threshold, weights, bias, positives, language_bias)."""
    con.execute("INSERT INTO narrative_models (version, codebook_version, embedding_model, data_hash, source, "
                "alpha, narratives, cv, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", header)
    con.executemany("INSERT INTO narrative_model_weights (version, narrative, arm, threshold, weights, bias, "
                    "positives, language_bias) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", arms)


def model_rows(con) -> list[tuple]:
    """(version, created_at, codebook_version, embedding_model, data_hash, cv, source), newest first."""
    return con.execute("SELECT version, created_at, codebook_version, embedding_model, data_hash, cv, source "
                       "FROM narrative_models ORDER BY created_at DESC, version DESC").fetchall()


def newest_model(con, codebook_version: str | None = None) -> str | None:
    sql = "SELECT version FROM narrative_models"
    params: list = []
    if codebook_version:
        sql, params = sql + " WHERE codebook_version = ?", [codebook_version]
    row = con.execute(sql + " ORDER BY created_at DESC, version DESC LIMIT 1", params).fetchone()
    return row[0] if row else None


def models_by_version_prefix(con, version: str, settings: str) -> list[tuple]:
    """At most two models whose version is or starts with ``version``; ``settings`` is the column (or NULL)."""
    return con.execute("SELECT version, codebook_version, embedding_model, data_hash, alpha, narratives, cv, "
                       f"{settings} FROM narrative_models WHERE version = ? OR version LIKE ? LIMIT 2",
                       [version, f"{version}%"]).fetchall()


def model_arms(con, version: str, language_bias: str) -> list[tuple]:
    """(narrative, arm, threshold, weights, bias, positives, language bias) of a model's arms."""
    return con.execute(
        f"SELECT narrative, arm, threshold, weights, bias, positives, {language_bias} FROM narrative_model_weights "
        "WHERE version = ?", [version]).fetchall()



# ---- reads for align/ ------------------------------------------------------------------------------------------

def any_hits(con) -> bool:
    """Whether narratives were tagged in this store (a hits table with at least one row)."""
    if not has_table(con, "narrative_hits"):
        return False
    return bool(con.execute("SELECT count(*) FROM (SELECT 1 FROM narrative_hits LIMIT 1)").fetchone()[0])


def raw_hit_rows(con, level: int | None) -> "pd.DataFrame":
    """(doc_id, idx, narrative) straight from the hits table, whatever lockstep version wrote it: above threshold
    and at the level when the table has those columns."""
    columns = columns_of(con, "narrative_hits")
    clauses, params = ["TRUE"], []
    if "above" in columns:
        clauses.append("above")
    if level is not None and "level" in columns:
        clauses.append("level = ?")
        params.append(level)
    return con.execute(f"SELECT DISTINCT doc_id, idx, narrative FROM narrative_hits WHERE "
                       f"{' AND '.join(clauses)}", params).df()
