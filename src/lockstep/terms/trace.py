"""Links from every figure back to text: one example occurrence per row (document id, paragraph, character
offsets into ``documents.text``), and temporary hit tables shared by the queries of one call."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

import pandas as pd

from lockstep.terms.spec import Term, hits_sql

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus
    from lockstep.terms.scope import Scope

PACKED = "(CAST(doc_key AS BIGINT) << 32) + pos"   # an occurrence as one sortable BIGINT
EXAMPLE_COLUMNS = ["example_doc", "example_paragraph", "example_start", "example_end"]
SOURCES_WITH_IDS = {"term_lemma_totals"}  # aggregates that store their example's document id (ex_doc)
_counter = itertools.count()


def attach_examples(corpus: "Corpus", frame: pd.DataFrame, source: str = "term_counts") -> pd.DataFrame:
    """Replace the packed `example` column (doc_key << 32 | position) by example_doc, example_paragraph,
    example_start and example_end; `source` holds the examples' offsets (the aggregate, a hit table, or the tokens
    for scans; see `offsets_source`). One lookup of the distinct examples (`examples_sql` over them), mapped
    back onto the rows in pandas. Frames that resolved their examples are returned as is."""
    if "example_doc" in frame:
        return typed_examples(frame)
    out = frame.drop(columns=["example"], errors="ignore")
    if "example" not in frame or frame.empty:
        for name in EXAMPLE_COLUMNS:
            out[name] = pd.Series(dtype="object")
        return out
    packed = pd.to_numeric(frame["example"], errors="coerce").astype("Int64")
    wanted = [int(v) for v in packed.dropna().unique()]
    listed = "CAST($wanted AS BIGINT[])"
    sql = examples_sql(f"(SELECT unnest({listed}) AS _key, unnest({listed}) AS example)", source)
    found = {row[0]: row[1:] for row in corpus.con.execute(sql, {"wanted": wanted}).fetchall()}
    for i, name in enumerate(EXAMPLE_COLUMNS):
        out[name] = [found[v][i] if v is not pd.NA else None for v in packed]
    return typed_examples(out)


def typed_examples(frame: pd.DataFrame) -> pd.DataFrame:
    """The example columns with one set of types whatever the path built them: the document id as text (missing:
    NaN, as DuckDB hands text to pandas), paragraph and offsets as nullable integers."""
    if frame["example_doc"].dtype == object:
        frame["example_doc"] = frame["example_doc"].astype("str")
    for name in EXAMPLE_COLUMNS[1:]:
        if frame[name].dtype != "Int32":
            frame[name] = frame[name].astype("Int32")
    return frame


def offsets_source(hits: str | None = None, table: str | None = "term_counts") -> str:
    """Where examples' paragraph and offsets are: a hit table, the aggregate the counts came from (`table`), or
    the tokens (`table` None: the counts came from a scan)."""
    if hits:
        return (f"(SELECT {PACKED} AS example, para AS ex_para, start_char AS ex_start, end_char AS ex_end "
                f"FROM {hits})")
    if table:
        return table
    return (f"(SELECT {PACKED} AS example, para AS ex_para, start_char AS ex_start, end_char AS ex_end "
            "FROM term_tokens)")


def examples_sql(rows: str, source: str = "term_counts") -> str:
    """SELECT over `rows` (which has a packed `example`) adding example_doc/_paragraph/_start/_end in SQL: offsets
    from `source`, the document id from it too when it carries one (``SOURCES_WITH_IDS``), else from term_docs.
    For small result sets."""
    if source in SOURCES_WITH_IDS:
        doc, doc_value, join = "eo.ex_doc", ", any_value(ex_doc) AS ex_doc", ""
    else:
        doc, doc_value = "ed.id", ""
        join = "LEFT JOIN term_docs ed ON ed.doc_key = CAST(r.example >> 32 AS INTEGER)"
    return f"""
        SELECT r.* EXCLUDE (example), {doc} AS example_doc, CAST(eo.ex_para AS INTEGER) AS example_paragraph,
               CAST(eo.ex_start AS INTEGER) AS example_start, CAST(eo.ex_end AS INTEGER) AS example_end
        FROM {rows} r
        LEFT JOIN (SELECT example, any_value(ex_para) AS ex_para, any_value(ex_start) AS ex_start,
                          any_value(ex_end) AS ex_end{doc_value} FROM {source}
                   WHERE example IN (SELECT example FROM {rows}) GROUP BY example) eo ON eo.example = r.example
        {join}"""


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
