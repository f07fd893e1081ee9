"""Links from every figure back to text: one example occurrence per row (document id, paragraph, character
offsets into ``documents.text``), and temporary hit tables shared by the queries of one call."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

import pandas as pd

from lockstep.terms.index import EXAMPLE_SHIFT
from lockstep.terms.spec import Term, hits_sql

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus
    from lockstep.terms.scope import Scope

PACKED = "(CAST(doc_key AS BIGINT) << 32) + pos"   # an occurrence as one sortable BIGINT
EXAMPLE_COLUMNS = ["example_doc", "example_paragraph", "example_start", "example_end"]
_counter = itertools.count()


def attach_examples(corpus: "Corpus", frame: pd.DataFrame, column: str = "example", hits: str | None = None
                    ) -> pd.DataFrame:
    """Replace a packed example column (doc_key << 32 | position) by document id, paragraph and offsets.

    Offsets come from columns ex_para/ex_start/ex_end when the query carried them, else from the aggregate's
    stored examples, else from the tokens (the slow path, only for scans).
    """
    if "example_doc" in frame:   # the query resolved its examples itself (see `examples_sql`)
        return frame
    frame = frame.copy()
    if column not in frame or frame.empty:
        for name in EXAMPLE_COLUMNS:
            frame[name] = pd.Series(dtype="object")
        return frame.drop(columns=[column, "ex_para", "ex_start", "ex_end"], errors="ignore")
    packed = pd.to_numeric(frame[column], errors="coerce").fillna(-1).astype("int64")
    frame[column] = packed.to_numpy()
    if "ex_start" not in frame:
        frame = frame.merge(lookup_offsets(corpus, packed[packed >= 0].unique(), hits), on=column, how="left")
    keys = pd.DataFrame({"doc_key": (frame[column].to_numpy() >> EXAMPLE_SHIFT)}).drop_duplicates()
    corpus.con.register("example_keys", keys)
    try:
        ids = corpus.con.execute("SELECT d.doc_key, d.id FROM term_docs d "
                                 "WHERE d.doc_key IN (SELECT doc_key FROM example_keys)").df()
    finally:
        corpus.con.unregister("example_keys")
    doc_ids = dict(zip(ids.doc_key, ids.id))
    frame["example_doc"] = [doc_ids.get(int(v) >> EXAMPLE_SHIFT) if v >= 0 else None for v in frame[column]]
    frame["example_paragraph"] = frame.pop("ex_para").astype("Int64")
    frame["example_start"] = frame.pop("ex_start").astype("Int64")
    frame["example_end"] = frame.pop("ex_end").astype("Int64")
    return frame.drop(columns=[column])


def examples_sql(rows: str, source: str = "term_counts") -> str:
    """SELECT over `rows` (which has a packed `example`) adding example_doc/_paragraph/_start/_end in SQL: offsets
    from the aggregate's stored examples (`source`), the document id from term_docs. For small result sets."""
    return f"""
        SELECT r.* EXCLUDE (example), ed.id AS example_doc, CAST(eo.ex_para AS INTEGER) AS example_paragraph,
               CAST(eo.ex_start AS INTEGER) AS example_start, CAST(eo.ex_end AS INTEGER) AS example_end
        FROM {rows} r
        LEFT JOIN (SELECT example, any_value(ex_para) AS ex_para, any_value(ex_start) AS ex_start,
                          any_value(ex_end) AS ex_end FROM {source}
                   WHERE example IN (SELECT example FROM {rows}) GROUP BY example) eo ON eo.example = r.example
        LEFT JOIN term_docs ed ON ed.doc_key = CAST(r.example >> 32 AS INTEGER)"""


def lookup_offsets(corpus: "Corpus", examples, hits: str | None = None) -> pd.DataFrame:
    """Paragraph and offsets of packed examples: from a hit table or term_counts, then from the tokens."""
    keys = pd.DataFrame({"example": pd.Series(examples, dtype="int64")})
    con = corpus.con
    con.register("example_keys", keys)
    try:
        source = (f"(SELECT {PACKED} AS example, para AS ex_para, start_char AS ex_start, end_char AS ex_end "
                  f"FROM {hits})" if hits else "term_counts")
        found = con.execute(f"""
            SELECT example, any_value(ex_para) AS ex_para, any_value(ex_start) AS ex_start,
                   any_value(ex_end) AS ex_end
            FROM {source} WHERE example IN (SELECT example FROM example_keys) GROUP BY example""").df()
        missing = keys[~keys.example.isin(found.example)]
        if len(missing):
            con.register("example_missing", missing.assign(doc_key=missing.example >> EXAMPLE_SHIFT,
                                                           pos=missing.example & 0xFFFFFFFF))
            more = con.execute("""
                SELECT k.example, t.para AS ex_para, t.start_char AS ex_start, t.end_char AS ex_end
                FROM example_missing k JOIN term_tokens t ON t.doc_key = k.doc_key AND t.pos = k.pos""").df()
            con.unregister("example_missing")
            found = pd.concat([found, more], ignore_index=True)
    finally:
        con.unregister("example_keys")
    return found


def example_label(row: pd.Series) -> str:
    """Short form for terminal tables: DOCID ¶PARAGRAPH START-END."""
    if pd.isna(row.get("example_doc")):
        return ""
    return f"{row['example_doc']} ¶{int(row['example_paragraph'])} {int(row['example_start'])}-{int(row['example_end'])}"


@contextmanager
def hit_table(corpus: "Corpus", term: Term, scope: "Scope") -> Iterator[str]:
    """A temporary table of the term's occurrences in scope; dropped afterwards."""
    name = f"term_hits_{next(_counter)}"
    sql, params = hits_sql(term, scope)
    corpus.con.execute(f"CREATE TEMP TABLE {name} AS {sql}", params)
    try:
        yield name
    finally:
        corpus.con.execute(f"DROP TABLE IF EXISTS {name}")
