"""The token index: every document tokenised once into the store, plus the aggregate that answers
whole-vocabulary questions (top terms, keyness) without scanning tokens.

Tables (created here, next to the code that fills them):

* ``term_docs``    one row per indexed document: an integer ``doc_key``, the document's id and the attributes
                   analyses group by (actor, outlet, language, published_at, month), its token count, and its
                   reprint ``level`` (see below).
* ``term_tokens``  one row per token: doc_key, position in the document, paragraph, sentence, start/end
                   character offsets into ``documents.text``, form id, lemma id. Punctuation is not a token.
* ``term_forms``   normalised surface forms (form, lang, how it was written -> lemma: "Wales" and "wales" are
                   two rows of the form ``wales``); ``term_lemmas`` lemmas with a stop-word flag.
* ``term_counts``  lemma x actor x outlet x language x month x level: token frequency, document frequency and
                   one example occurrence (packed doc_key << 32 | position, with its paragraph and character
                   offsets). Rows may repeat a key (incremental appends); readers always SUM.
* ``term_lemma_totals`` the aggregate rolled up to lemma x actor x level (all months, outlets and languages):
                   keyness between actors and top terms per actor read a few rows per lemma from it.
* ``term_group_totals`` tokens and documents per actor x outlet x language x month x level: the sizes every
                   measure divides by, without a pass over term_docs.
* ``term_family_counts`` the shipped term families counted like lemmas (see ``familycounts``).
* ``term_postings`` the tokens again, sorted by lemma (an inverted index: a term's occurrences sit in a few row
                   groups that DuckDB's zone maps find without scanning the rest).
* ``term_meta``    tokenizer settings (with the tokenizer's version: an index built by another version is
                   rebuilt) and the signature of the documents the index was built from.

Reprint levels: documents of one duplicate cluster count once per counting unit. ``level`` 3 = first of its
cluster in the corpus (``duplicate_of IS NULL``), 2 = first within its actor, 1 = first within its outlet,
0 = a reprint inside the same outlet. A count by actor keeps ``level >= 2``; see ``scope.reprint_level``.

The index is incremental: new documents are tokenised and appended; when the attributes of documents already
indexed change (a newly ingested earlier copy makes an old first copy a reprint), the aggregate is rebuilt from
the stored tokens, which is a single GROUP BY and needs no re-tokenising.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import pyarrow as pa

from lockstep.enrich.tokens import TOKENIZER_VERSION, DocTokens, TokenOptions, is_stopword, lemmatize, tokenize
from lockstep.errors import ConfigError, StoreError
from lockstep.terms.families import chinese_phrases, load_families

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

TABLES = [
    """CREATE TABLE IF NOT EXISTS term_meta (key VARCHAR, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS term_docs (
        doc_key INTEGER, id VARCHAR, actor VARCHAR, outlet VARCHAR, language VARCHAR, published_at TIMESTAMP,
        period DATE, duplicate_of VARCHAR, cluster_id VARCHAR, level TINYINT, n_tokens INTEGER)""",
    """CREATE TABLE IF NOT EXISTS term_tokens (
        doc_key INTEGER, pos INTEGER, para INTEGER, sent INTEGER, start_char INTEGER, end_char INTEGER,
        form_id INTEGER, lemma_id INTEGER)""",
    """CREATE TABLE IF NOT EXISTS term_forms (form_id INTEGER, form VARCHAR, lang VARCHAR, lemma_id INTEGER,
        written VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS term_lemmas (lemma_id INTEGER, lemma VARCHAR, lang VARCHAR, stop BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS term_counts (
        lemma_id INTEGER, actor VARCHAR, outlet VARCHAR, language VARCHAR, period DATE, level TINYINT,
        tf BIGINT, df BIGINT, example BIGINT, ex_para INTEGER, ex_start INTEGER, ex_end INTEGER)""",
    """CREATE TABLE IF NOT EXISTS term_postings (
        lemma_id INTEGER, doc_key INTEGER, pos INTEGER, para INTEGER, sent INTEGER, start_char INTEGER,
        end_char INTEGER, form_id INTEGER)""",
    # point lookups of typed terms (a family resolves dozens of lemmas) without a scan of the vocabulary
    """CREATE INDEX IF NOT EXISTS term_lemmas_lemma ON term_lemmas (lemma)""",
    """CREATE INDEX IF NOT EXISTS term_forms_form ON term_forms (form)""",
    """CREATE TABLE IF NOT EXISTS term_lemma_totals (
        lemma_id INTEGER, lemma VARCHAR, lang VARCHAR, stop BOOLEAN, actor VARCHAR, level TINYINT, tf BIGINT,
        df BIGINT, example BIGINT, ex_para INTEGER, ex_start INTEGER, ex_end INTEGER, ex_doc VARCHAR,
        term_no INTEGER)""",
    """CREATE TABLE IF NOT EXISTS term_group_totals (
        actor VARCHAR, outlet VARCHAR, language VARCHAR, period DATE, level TINYINT, tokens BIGINT, docs BIGINT)""",
]
TERM_TABLES = ("term_meta", "term_docs", "term_tokens", "term_forms", "term_lemmas", "term_counts", "term_postings",
               "term_lemma_totals", "term_texts", "term_group_totals", "term_family_counts")
ROLLUPS_VERSION = "9"  # term_meta 'rollups': an index built before the roll-ups gets them on its next update
TOKENS_VIEW = """CREATE OR REPLACE VIEW term_tokens_v AS
    SELECT d.id AS doc_id, t.para AS paragraph, t.sent AS sentence, t.pos AS position, t.start_char,
           t.end_char, f.form AS surface, l.lemma, f.lang
    FROM term_tokens t JOIN term_docs d USING (doc_key) JOIN term_forms f USING (form_id)
    JOIN term_lemmas l ON l.lemma_id = t.lemma_id"""
# What makes the index stale: documents added or removed (count, latest ingest) or re-attributed, re-dated or
# re-clustered (a hash over the columns that change in place). Cheap enough to run before every query.
DOC_SIGNATURE = ("SELECT count(*), max(ingested_at), coalesce(sum(hash(actor, outlet, language, published_at, "
                 "duplicate_of)), 0) FROM documents")
EXAMPLE_SHIFT = 32  # term_counts.example = doc_key << 32 | position


@dataclass(slots=True, kw_only=True)
class IndexOptions:
    """How `lockstep terms index` tokenises. The settings are stored; changing them needs `rebuild`."""

    fold_yo: bool = True
    russian_lemmatizer: str = "pymorphy3"
    families_file: str | None = None   # its Chinese members join the segmenter's phrase dictionary
    rebuild: bool = False
    batch_docs: int = 2000
    workers: int = 1
    progress: Callable[[int], None] | None = None  # called with the number of documents just indexed


@dataclass(slots=True)
class IndexReport:
    documents_indexed: int = 0
    tokens_added: int = 0
    documents_removed: int = 0
    aggregates: str = "up to date"   # up to date | appended | rebuilt
    seconds: float = 0.0
    settings: dict = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {"documents indexed": self.documents_indexed, "tokens added": self.tokens_added,
                "documents removed": self.documents_removed, "aggregates": self.aggregates,
                "seconds": round(self.seconds, 2)}


# ---- public entry points --------------------------------------------------------------------------------------


def ensure_index(corpus: "Corpus") -> None:
    """Bring the index up to date before a query (cheap when nothing changed)."""
    if corpus.read_only:
        if not has_index(corpus) or stored_meta(corpus).get("rollups") != ROLLUPS_VERSION or outdated(corpus):
            raise StoreError(f"{corpus.path}: no term index or an outdated one; run `lockstep terms index --db {corpus.path}`")
        return
    written = store_fingerprint(corpus)  # taken first: a write after it shows at the next query
    if written is not None and getattr(corpus, "_term_store_fingerprint", None) == written:
        return  # nothing was written to the store since this connection found the index up to date
    current = doc_signature(corpus)
    if getattr(corpus, "_term_index_signature", None) != current:
        meta = stored_meta(corpus) if has_index(corpus) else {}
        if meta.get("doc_signature") != current or meta.get("rollups") != ROLLUPS_VERSION or outdated(corpus):
            update_index(corpus, IndexOptions())
        corpus._term_index_signature = current  # type: ignore[attr-defined]
    corpus._term_store_fingerprint = written  # type: ignore[attr-defined]


def store_fingerprint(corpus: "Corpus") -> tuple | None:
    """Size and modification time of the store file and its write-ahead log. DuckDB appends every committed write
    to the log (or checkpoints it into the file), and no other process can write while this one holds the store,
    so an unchanged fingerprint means unchanged documents: the signature's pass over every document (~25 ms at a
    million) is skipped. None for a store without a file (in memory): always check."""
    try:
        files = [corpus.path.stat()]
    except (OSError, ValueError):
        return None
    try:
        files.append(Path(f"{corpus.path}.wal").stat())
    except OSError:
        files.append(None)
    return tuple((f.st_size, f.st_mtime_ns) if f else None for f in files)


def update_index(corpus: "Corpus", options: IndexOptions | None = None) -> IndexReport:
    """Tokenise documents not yet indexed, drop removed ones, and bring the aggregate up to date."""
    options = options or IndexOptions()
    started = time.perf_counter()
    con = corpus.con
    corpus._term_token_options = None  # type: ignore[attr-defined]
    corpus._term_index_signature = None  # type: ignore[attr-defined]
    corpus._term_store_fingerprint = None  # type: ignore[attr-defined]
    if options.rebuild or outdated(corpus):
        drop_index(corpus)
    for ddl in TABLES:
        con.execute(ddl)
    con.execute(TOKENS_VIEW)
    token_options = settle_token_options(corpus, options)
    report = IndexReport(settings=json.loads(token_options_json(token_options)))
    report.documents_removed = remove_missing(corpus)
    old_max = con.execute("SELECT coalesce(max(doc_key), -1) FROM term_docs").fetchone()[0]
    vocab = Vocabulary.load(corpus, token_options)
    for batch, tokenized in tokenized_batches(corpus, options, token_options):
        n_tokens = index_batch(corpus, batch, tokenized, vocab)
        report.documents_indexed += len(batch)
        report.tokens_added += n_tokens
        if options.progress:
            options.progress(len(batch))
    changed = refresh_attributes(corpus, old_max)
    if changed or report.documents_removed:
        rebuild_counts(corpus)
        report.aggregates = "rebuilt"
    elif report.documents_indexed:
        append_counts(corpus, old_max)
        report.aggregates = "appended"
    if changed or report.documents_removed or report.documents_indexed \
            or stored_meta(corpus).get("rollups") != ROLLUPS_VERSION:
        rebuild_rollups(corpus)
    set_meta(corpus, "doc_signature", doc_signature(corpus))
    report.seconds = time.perf_counter() - started
    return report


def drop_index(corpus: "Corpus") -> None:
    for table in TERM_TABLES:
        corpus.con.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    corpus.con.execute("DROP VIEW IF EXISTS term_tokens_v")


def outdated(corpus: "Corpus") -> bool:
    """True when the stored index was built by another version of the tokenizer (its lemmas may differ)."""
    stored = stored_meta(corpus).get("token_options") if has_index(corpus) else None
    return stored is not None and json.loads(stored).get("version") != TOKENIZER_VERSION


def has_index(corpus: "Corpus") -> bool:
    found = corpus.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('term_docs', 'term_counts', 'term_meta')"
    ).fetchone()[0]
    return found == 3


def token_options(corpus: "Corpus") -> TokenOptions:
    """The tokenizer settings the index was built with (queries tokenise search terms the same way)."""
    cached = getattr(corpus, "_term_token_options", None)
    if cached is not None:
        return cached
    stored = stored_meta(corpus).get("token_options")
    if not stored:
        return default_token_options(None)
    data = json.loads(stored)
    options = TokenOptions(fold_yo=data["fold_yo"], russian_lemmatizer=data["russian_lemmatizer"],
                           phrases=tuple(data["phrases"]), version=data.get("version", "1"))
    corpus._term_token_options = options  # type: ignore[attr-defined]
    return options


# ---- settings ------------------------------------------------------------------------------------------------


def default_token_options(options: IndexOptions | None) -> TokenOptions:
    options = options or IndexOptions()
    if options.russian_lemmatizer not in ("pymorphy3", "simplemma"):
        raise ConfigError(f"unknown Russian lemmatizer {options.russian_lemmatizer!r}; use pymorphy3 or simplemma")
    phrases = chinese_phrases(load_families(options.families_file))
    return TokenOptions(fold_yo=options.fold_yo, russian_lemmatizer=options.russian_lemmatizer, phrases=phrases)


def token_options_json(options: TokenOptions) -> str:
    return json.dumps(asdict(options), ensure_ascii=False, sort_keys=True)


def settle_token_options(corpus: "Corpus", options: IndexOptions) -> TokenOptions:
    """Use the stored settings for an existing index; refuse different explicit ones without a rebuild."""
    requested = default_token_options(options)
    stored = stored_meta(corpus).get("token_options")
    if stored is None:
        set_meta(corpus, "token_options", token_options_json(requested))
        return requested
    current = token_options(corpus)
    explicit = (options.fold_yo != IndexOptions.fold_yo or options.russian_lemmatizer != IndexOptions.russian_lemmatizer
                or options.families_file is not None)
    if explicit and token_options_json(current) != token_options_json(requested):
        raise ConfigError("the term index was built with other tokenizer settings "
                          f"({current.signature()}); add --rebuild to re-index with the new ones")
    return current


def stored_meta(corpus: "Corpus") -> dict[str, str]:
    try:
        return dict(corpus.con.execute("SELECT key, value FROM term_meta").fetchall())
    except Exception:  # noqa: BLE001 - table absent: no index yet
        return {}


def set_meta(corpus: "Corpus", key: str, value: str) -> None:
    corpus.con.execute("DELETE FROM term_meta WHERE key = ?", [key])
    corpus.con.execute("INSERT INTO term_meta VALUES (?, ?)", [key, value])


def doc_signature(corpus: "Corpus") -> str:
    count, latest, digest = corpus.con.execute(DOC_SIGNATURE).fetchone()
    return f"{count}:{latest}:{digest}"


# ---- tokenising new documents --------------------------------------------------------------------------------


@dataclass
class Vocabulary:
    """Form and lemma ids, loaded from the store and extended as new forms appear."""

    options: TokenOptions
    forms: dict[tuple[str, str, str], tuple[int, int]]   # (form, lang, written) -> (form_id, lemma_id)
    lemmas: dict[tuple[str, str], int]              # (lemma, lang) -> lemma_id

    @classmethod
    def load(cls, corpus: "Corpus", options: TokenOptions) -> "Vocabulary":
        forms = {(f, lang, case): (fid, lid) for fid, f, lang, lid, case in
                 corpus.con.execute("SELECT form_id, form, lang, lemma_id, written FROM term_forms").fetchall()}
        lemmas = {(lem, lang): lid for lid, lem, lang in
                  corpus.con.execute("SELECT lemma_id, lemma, lang FROM term_lemmas").fetchall()}
        return cls(options, forms, lemmas)

    def ids(self, form: str, lang: str, case: str, new_forms: list, new_lemmas: list, known: dict | None = None
            ) -> tuple[int, int]:
        key = (form, lang, case)
        found = self.forms.get(key)
        if found is None:
            lemma = known[key] if known and key in known else lemmatize(form, lang, self.options, case)
            lemma_id = self.lemmas.get((lemma, lang))
            if lemma_id is None:
                lemma_id = self.lemmas[(lemma, lang)] = len(self.lemmas)
                new_lemmas.append((lemma_id, lemma, lang, is_stopword(lemma, lang)))
            found = self.forms[key] = (len(self.forms), lemma_id)
            new_forms.append((found[0], form, lang, lemma_id, case))
        return found


def pending_batches(corpus: "Corpus", size: int) -> Iterator[list[tuple[int, str, str, str | None]]]:
    """(doc_key, id, text, language) of documents not yet indexed, in batches, new keys assigned in order."""
    con = corpus.con
    con.execute("""CREATE OR REPLACE TEMP TABLE term_pending AS
        SELECT row_number() OVER (ORDER BY d.id) - 1 AS rn, d.id FROM documents d
        WHERE NOT EXISTS (SELECT 1 FROM term_docs t WHERE t.id = d.id)""")
    total = con.execute("SELECT count(*) FROM term_pending").fetchone()[0]
    base = con.execute("SELECT coalesce(max(doc_key), -1) + 1 FROM term_docs").fetchone()[0]
    for low in range(0, total, size):
        rows = con.execute(
            "SELECT p.rn, d.id, coalesce(d.text, ''), d.language FROM term_pending p JOIN documents d USING (id) "
            "WHERE p.rn >= ? AND p.rn < ? ORDER BY p.rn", [low, low + size]).fetchall()
        yield [(base + rn, doc_id, text, lang) for rn, doc_id, text, lang in rows]
    con.execute("DROP TABLE IF EXISTS term_pending")


def tokenize_batch(docs: list[tuple[str, str | None]], options: TokenOptions) -> tuple[list[DocTokens], dict]:
    """Tokens of each (text, language) and the lemma of every distinct (form, lang, written case): the picklable
    worker step."""
    tokenized = [tokenize(text, lang, options) for text, lang in docs]
    lemmas = {}
    for tokens in tokenized:
        for key in zip(tokens.form, tokens.lang, tokens.case):
            if key not in lemmas:
                lemmas[key] = lemmatize(key[0], key[1], options, key[2])
    return tokenized, lemmas


def tokenized_batches(corpus: "Corpus", options: IndexOptions, token_options: TokenOptions):
    """(batch, tokenize_batch result) in order; with workers > 1 a process pool tokenises ahead (bounded)."""
    batches = pending_batches(corpus, options.batch_docs)
    if options.workers <= 1:
        for batch in batches:
            yield batch, tokenize_batch([(text, lang) for _, _, text, lang in batch], token_options)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(options.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append((batch, pool.submit(tokenize_batch, [(t, lang) for _, _, t, lang in batch], token_options)))
            while len(in_flight) > 2 * options.workers:
                done, future = in_flight.popleft()
                yield done, future.result()
        while in_flight:
            done, future = in_flight.popleft()
            yield done, future.result()


def index_batch(corpus: "Corpus", batch: list[tuple[int, str, str, str | None]],
                tokenized: tuple[list[DocTokens], dict], vocab: Vocabulary) -> int:
    columns: dict[str, list[int]] = {k: [] for k in
                                     ("doc_key", "pos", "para", "sent", "start_char", "end_char", "form_id", "lemma_id")}
    new_forms: list[tuple] = []
    new_lemmas: list[tuple] = []
    docs = []
    token_lists, lemmas = tokenized
    for (doc_key, doc_id, _, _), tokens in zip(batch, token_lists):
        ids = [vocab.ids(f, tl, case, new_forms, new_lemmas, lemmas)
               for f, tl, case in zip(tokens.form, tokens.lang, tokens.case)]
        n = len(tokens)
        columns["doc_key"].extend([doc_key] * n)
        columns["pos"].extend(range(n))
        columns["para"].extend(tokens.paragraph)
        columns["sent"].extend(tokens.sentence)
        columns["start_char"].extend(tokens.start)
        columns["end_char"].extend(tokens.end)
        columns["form_id"].extend(i[0] for i in ids)
        columns["lemma_id"].extend(i[1] for i in ids)
        docs.append({"doc_key": doc_key, "id": doc_id, "n_tokens": n})
    write_batch(corpus, columns, docs, new_forms, new_lemmas)
    return len(columns["pos"])


def write_batch(corpus: "Corpus", columns: dict[str, list[int]], docs: list[dict], new_forms: list[tuple],
                new_lemmas: list[tuple]) -> None:
    con = corpus.con
    tokens = pa.table({k: pa.array(v, pa.int32()) for k, v in columns.items()})
    doc_table = pa.Table.from_pylist(docs, schema=pa.schema([("doc_key", pa.int32()), ("id", pa.string()),
                                                             ("n_tokens", pa.int32())]))
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("incoming_tokens", tokens)
        con.execute("INSERT INTO term_tokens SELECT * FROM incoming_tokens")
        con.register("incoming_term_docs", doc_table)
        con.execute("INSERT INTO term_docs (doc_key, id, n_tokens) SELECT doc_key, id, n_tokens FROM incoming_term_docs")
        if new_forms:
            insert_rows(con, "term_forms", new_forms, ("form_id", "form", "lang", "lemma_id", "written"))
        if new_lemmas:
            insert_rows(con, "term_lemmas", new_lemmas, ("lemma_id", "lemma", "lang", "stop"))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("incoming_tokens", "incoming_term_docs"):
            con.unregister(name)


def insert_rows(con, table: str, rows: list[tuple], names: tuple[str, ...]) -> None:
    arrow = pa.Table.from_pydict({n: [r[i] for r in rows] for i, n in enumerate(names)})
    con.register("incoming_rows", arrow)
    con.execute(f"INSERT INTO {table} SELECT * FROM incoming_rows")
    con.unregister("incoming_rows")


# ---- document attributes and aggregates ------------------------------------------------------------------------

ATTRIBUTES_SQL = """
CREATE OR REPLACE TEMP TABLE term_attrs AS
WITH d AS (
    SELECT id, actor, outlet, language, published_at, duplicate_of, cluster_id, coalesce(cluster_id, id) AS cl
    FROM documents),
r AS (
    SELECT *,
        row_number() OVER (PARTITION BY cl, actor ORDER BY duplicate_of IS NOT NULL, published_at NULLS LAST, id) AS ra,
        row_number() OVER (PARTITION BY cl, actor, outlet
                           ORDER BY duplicate_of IS NOT NULL, published_at NULLS LAST, id) AS ro
    FROM d)
SELECT id, actor, outlet, language, published_at, CAST(date_trunc('month', published_at) AS DATE) AS period,
       duplicate_of, cluster_id,
       CAST(CASE WHEN duplicate_of IS NULL THEN 3 WHEN ra = 1 THEN 2 WHEN ro = 1 THEN 1 ELSE 0 END AS TINYINT) AS level
FROM r"""


def refresh_attributes(corpus: "Corpus", old_max: int) -> bool:
    """Copy document attributes into term_docs; True when an already indexed document changed."""
    con = corpus.con
    con.execute(ATTRIBUTES_SQL)
    changed = con.execute("""
        SELECT count(*) FROM term_docs t JOIN term_attrs a USING (id)
        WHERE t.doc_key <= ? AND (t.actor IS DISTINCT FROM a.actor OR t.outlet IS DISTINCT FROM a.outlet
            OR t.language IS DISTINCT FROM a.language OR t.period IS DISTINCT FROM a.period
            OR t.level IS DISTINCT FROM a.level OR t.published_at IS DISTINCT FROM a.published_at
            OR t.duplicate_of IS DISTINCT FROM a.duplicate_of OR t.cluster_id IS DISTINCT FROM a.cluster_id)""",
                          [old_max]).fetchone()[0]
    stale = "TRUE" if changed else "t.doc_key > ?"
    params = [] if changed else [old_max]
    con.execute(f"""
        UPDATE term_docs t SET actor = a.actor, outlet = a.outlet, language = a.language,
            published_at = a.published_at, period = a.period, duplicate_of = a.duplicate_of,
            cluster_id = a.cluster_id, level = a.level
        FROM term_attrs a WHERE a.id = t.id AND {stale}""", params)
    con.execute("DROP TABLE IF EXISTS term_attrs")
    return bool(changed)


COUNTS_SELECT = """
SELECT lemma_id, actor, outlet, language, period, level, tf, df, example,
       ex.para AS ex_para, ex.start_char AS ex_start, ex.end_char AS ex_end
FROM (
    SELECT t.lemma_id, d.actor, d.outlet, d.language, d.period, d.level, sum(t.tf) AS tf, count(*) AS df,
           min(t.packed) AS example, arg_min(t.first, t.packed) AS ex
    FROM (SELECT lemma_id, doc_key, count(*) AS tf, min((CAST(doc_key AS BIGINT) << 32) + pos) AS packed,
                 arg_min({'para': para, 'start_char': start_char, 'end_char': end_char}, pos) AS first
          FROM term_tokens WHERE doc_key > ? GROUP BY lemma_id, doc_key) t
    JOIN term_docs d USING (doc_key)
    GROUP BY ALL)"""


POSTINGS_SELECT = """SELECT lemma_id, doc_key, pos, para, sent, start_char, end_char, form_id FROM term_tokens
    WHERE doc_key > ? ORDER BY lemma_id, doc_key, pos"""


def rebuild_counts(corpus: "Corpus") -> None:
    """The aggregate sorted by actor and month (zone maps then skip what a filter leaves out), and the postings:
    the tokens again, sorted by lemma, so that finding a term reads only its own row groups."""
    con = corpus.con
    con.execute("DELETE FROM term_counts")
    con.execute(f"INSERT INTO term_counts SELECT * FROM ({COUNTS_SELECT}) ORDER BY actor, period, lemma_id", [-1])
    con.execute("DELETE FROM term_postings")
    con.execute(f"INSERT INTO term_postings {POSTINGS_SELECT}", [-1])


def append_counts(corpus: "Corpus", old_max: int) -> None:
    corpus.con.execute(f"INSERT INTO term_counts SELECT * FROM ({COUNTS_SELECT}) ORDER BY actor, period, lemma_id",
                       [old_max])
    corpus.con.execute(f"INSERT INTO term_postings {POSTINGS_SELECT}", [old_max])


def rebuild_rollups(corpus: "Corpus") -> None:
    """The small tables rolled up from the aggregate and term_docs, rebuilt whole (one GROUP BY each; replaced, so
    that a newer layout of them needs no migration). The lemma roll-up carries the lemma's text, language and
    stop-word flag, so keyness groups it without a join, and ``term_no``: the lemma text's rank in text order (one
    number per text across languages), so keyness groups and sorts on an integer and reads texts for its ranked
    rows only (from ``term_texts``)."""
    con = corpus.con
    con.execute("""CREATE OR REPLACE TABLE term_lemma_totals AS
        SELECT r.*, d.id AS ex_doc, CAST(dense_rank() OVER (ORDER BY r.lemma) AS INTEGER) AS term_no
        FROM (SELECT c.lemma_id, l.lemma, l.lang, l.stop, c.actor, c.level, CAST(sum(c.tf) AS BIGINT) AS tf,
                     CAST(sum(c.df) AS BIGINT) AS df, min(c.example) AS example,
                     arg_min(c.ex_para, c.example) AS ex_para, arg_min(c.ex_start, c.example) AS ex_start,
                     arg_min(c.ex_end, c.example) AS ex_end
              FROM term_counts c JOIN term_lemmas l ON l.lemma_id = c.lemma_id
              GROUP BY c.lemma_id, l.lemma, l.lang, l.stop, c.actor, c.level) r
        LEFT JOIN term_docs d ON d.doc_key = CAST(r.example >> 32 AS INTEGER)
        ORDER BY r.actor, r.level DESC, r.lemma_id""")  # by level within an actor: zone maps skip the reprints
    con.execute("""CREATE OR REPLACE TABLE term_texts AS
        SELECT term_no, min(lemma) AS term, arg_max(lang, tf) AS lang
        FROM (SELECT term_no, lemma, lang, sum(tf) AS tf FROM term_lemma_totals GROUP BY ALL)
        GROUP BY term_no ORDER BY term_no""")  # the ranked rows' texts (a text's language: where most of it is)
    con.execute("""CREATE OR REPLACE TABLE term_group_totals AS
        SELECT actor, outlet, language, period, level, CAST(sum(n_tokens) AS BIGINT) AS tokens,
               count(*) AS docs
        FROM term_docs GROUP BY ALL ORDER BY actor, period""")
    from lockstep.terms.familycounts import rebuild_family_counts  # it resolves families through spec

    rebuild_family_counts(corpus)
    set_meta(corpus, "rollups", ROLLUPS_VERSION)


def remove_missing(corpus: "Corpus") -> int:
    con = corpus.con
    gone = con.execute("SELECT count(*) FROM term_docs t WHERE NOT EXISTS "
                       "(SELECT 1 FROM documents d WHERE d.id = t.id)").fetchone()[0]
    if gone:
        con.execute("""DELETE FROM term_tokens WHERE doc_key IN (SELECT doc_key FROM term_docs t
                       WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = t.id))""")
        con.execute("DELETE FROM term_docs t WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = t.id)")
    return gone
