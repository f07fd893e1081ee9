"""Document tags in the SemEval-2025 Task 10 (subtask 2) label format, to compare with published systems.

One row per document: `narratives` and `subnarratives` as the task writes them ("URW: Discrediting Ukraine",
"URW: Discrediting Ukraine: Ukraine is a puppet of the West"), separated by ";". A detected narrative with none
of its sub-narratives gives "<narrative>: Other"; a document with no SemEval narrative gets "Other" for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import lockstep.narratives.tables as tables
from lockstep.narratives.prevalence import HitQuery, hit_where
from lockstep.store.corpus import DocumentFilter
from lockstep.store.tables import document_ids, document_sources

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus


def document_labels(corpus: "Corpus", query: HitQuery | None = None) -> "pd.DataFrame":
    """doc_id, narratives, subnarratives for every (filtered) document, in the task's format."""
    query = query or HitQuery()
    where, params = hit_where(corpus, query)
    version = query.version or tables.latest_version(corpus)
    found = tables.semeval_labels_of_hits(corpus.con, where, params)
    docs = document_ids(corpus.con, query.filters or DocumentFilter())
    by_doc: dict[str, tuple[set[str], set[str]]] = {d: (set(), set()) for d in docs}
    for doc_id, label, level in found:
        if doc_id in by_doc:
            by_doc[doc_id][0 if level == 1 else 1].add(label)
    rows = [{"doc_id": doc_id, **format_labels(tops, subs), "codebook_version": version}
            for doc_id, (tops, subs) in by_doc.items()]
    import pandas as pd

    return pd.DataFrame(rows, columns=["doc_id", "narratives", "subnarratives", "codebook_version"])


def format_labels(tops: set[str], subs: set[str]) -> dict[str, str]:
    subs = {s for s in subs if not s.endswith(": Other")}
    for top in tops:
        if not any(s.startswith(top + ": ") for s in subs):
            subs.add(f"{top}: Other")
    return {"narratives": ";".join(sorted(tops)) or "Other", "subnarratives": ";".join(sorted(subs)) or "Other"}


def scorer_lines(corpus: "Corpus", labels: "pd.DataFrame") -> list[str]:
    """The task's submission format, one line per document: article id, narratives, sub-narratives, tab-separated.
    The article id is the file name the document was read from (EN_UA_123.txt); a row of a table (CSV, JSONL,
    Parquet) is `file:row` (articles.csv:7), so every row keeps its own id; else lockstep's document id."""
    sources = document_sources(corpus.con)
    return [f"{article_id(row.doc_id, *sources.get(row.doc_id, ('', '')))}\t{row.narratives}\t{row.subnarratives}"
            for row in labels.itertuples(index=False)]


def article_id(doc_id: str, source: str | None, position: str | None) -> str:
    """The id the task's scorer knows a document by: its file name, with the row for a row of a table."""
    from pathlib import PurePath

    if not source or source == "test":
        return doc_id
    name = PurePath(source.split("!", 1)[0]).name
    if not position:
        return name
    where = position.removeprefix("row ").strip().replace(" ", "-")
    return f"{name}:{where}"
