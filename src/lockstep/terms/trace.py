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

EXAMPLE_COLUMNS = ["example_doc", "example_paragraph", "example_start", "example_end"]
_counter = itertools.count()


def attach_examples(corpus: "Corpus", frame: pd.DataFrame, column: str = "example") -> pd.DataFrame:
    """Replace a packed example column (doc_key << 32 | position) by document id, paragraph and offsets."""
    frame = frame.copy()
    if column not in frame or frame.empty:
        for name in EXAMPLE_COLUMNS:
            frame[name] = pd.Series(dtype="object")
        return frame.drop(columns=[column], errors="ignore")
    packed = pd.to_numeric(frame[column], errors="coerce").fillna(-1).astype("int64").to_numpy()
    frame["_doc_key"] = packed >> EXAMPLE_SHIFT
    frame["_pos"] = packed & 0xFFFFFFFF
    keys = frame.loc[packed >= 0, ["_doc_key", "_pos"]].drop_duplicates()
    keys.columns = ["doc_key", "pos"]
    con = corpus.con
    con.register("example_keys", keys)
    try:
        found = con.execute("""
            SELECT k.doc_key AS _doc_key, k.pos AS _pos, d.id AS example_doc, t.para AS example_paragraph,
                   t.start_char AS example_start, t.end_char AS example_end
            FROM example_keys k
            JOIN term_tokens t ON t.doc_key = k.doc_key AND t.pos = k.pos
            JOIN term_docs d ON d.doc_key = k.doc_key""").df()
    finally:
        con.unregister("example_keys")
    merged = frame.merge(found, on=["_doc_key", "_pos"], how="left")
    for name in EXAMPLE_COLUMNS[1:]:
        merged[name] = merged[name].astype("Int64")
    return merged.drop(columns=[column, "_doc_key", "_pos"])


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
