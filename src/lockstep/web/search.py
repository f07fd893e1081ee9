"""Full-text search over paragraphs: parameterised ILIKE per word, filters, LIMIT/OFFSET pages.

DuckDB's fts extension cannot be installed offline, so each word of the query is a case-insensitive substring
condition (``%`` and ``_`` escaped). Only one page (plus one row, to know whether a next page exists) is read.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from lockstep.store.corpus import DocumentFilter
from lockstep.web.highlight import snippet
from lockstep.web.store import Store


@dataclass(slots=True, kw_only=True)
class SearchQuery:
    q: str = ""
    actor: list[str] | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    narrative: str | None = None
    page: int = 1
    per_page: int = 25
    no_duplicates: bool = False

    def words(self) -> list[str]:
        try:
            parts = shlex.split(self.q)
        except ValueError:  # unbalanced quotes: take the words as they are
            parts = self.q.replace('"', " ").split()
        return [p for p in parts if p.strip()][:8]

    def filters(self) -> DocumentFilter:
        return DocumentFilter(actor=self.actor or None, language=self.language or None, since=self.since or None,
                              until=self.until or None, include_duplicates=not self.no_duplicates)

    def params(self) -> dict[str, Any]:
        return {"q": self.q, "actor": self.actor or [], "language": self.language, "since": self.since,
                "until": self.until, "narrative": self.narrative, "page": self.page, "per_page": self.per_page,
                "no_duplicates": self.no_duplicates}


def like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def narrative_clause(store: Store, narrative: str | None) -> tuple[str, list[Any]]:
    """Restrict to paragraphs tagged with a narrative, through the narratives module's hits table."""
    if not narrative:
        return "", []
    from lockstep.web.analyses import narrative_hits_table

    table = narrative_hits_table(store)
    if table is None:
        return " AND FALSE", []
    name, doc_col, para_col, narrative_col = table
    para = f" AND h.{para_col} = p.idx" if para_col else ""
    return (f" AND EXISTS (SELECT 1 FROM {name} h WHERE h.{doc_col} = p.doc_id{para} AND h.above "
            f"AND (h.{narrative_col} = ? OR starts_with(h.{narrative_col}, ?)))", [narrative, narrative + "."])


def search(store: Store, query: SearchQuery) -> dict[str, Any]:
    where, params = query.filters().where()
    words = query.words()
    for word in words:
        where += " AND p.text ILIKE ? ESCAPE '\\'"
        params.append(like_pattern(word))
    extra, extra_params = narrative_clause(store, query.narrative)
    offset = (query.page - 1) * query.per_page
    if not words and not extra:  # browsing: newest documents first, each by its first paragraph
        rows = store.rows(
            "WITH page AS (SELECT d.id, d.title, d.actor, d.outlet, d.language, d.published, d.published_at, "
            f"d.duplicate_of FROM documents d WHERE {where} ORDER BY d.published_at DESC NULLS LAST, d.id "
            "LIMIT ? OFFSET ?) SELECT p.doc_id, p.idx AS paragraph, p.text, page.title, page.actor, page.outlet, "
            "page.language, page.published, page.duplicate_of FROM page JOIN paragraphs p ON p.doc_id = page.id "
            "AND p.idx = 0 ORDER BY page.published_at DESC NULLS LAST, page.id", [*params, query.per_page + 1, offset])
        return page_of(query, words, rows, offset)
    rows = store.rows(
        "SELECT p.doc_id, p.idx AS paragraph, p.text, d.title, d.actor, d.outlet, d.language, d.published, "
        "d.duplicate_of FROM paragraphs p JOIN documents d ON d.id = p.doc_id "
        f"WHERE {where}{extra} ORDER BY d.published_at DESC NULLS LAST, p.doc_id, p.idx LIMIT ? OFFSET ?",
        [*params, *extra_params, query.per_page + 1, offset])
    return page_of(query, words, rows, offset)


def page_of(query: SearchQuery, words: list[str], rows: list[dict[str, Any]], offset: int) -> dict[str, Any]:
    results = [result_row(row, words) for row in rows[: query.per_page]]
    return {"query": query.params(), "words": words, "results": results, "page": query.page,
            "per_page": query.per_page, "has_next": len(rows) > query.per_page, "has_previous": query.page > 1,
            "first_result": offset + 1 if results else 0, "last_result": offset + len(results)}


def result_row(row: dict[str, Any], words: list[str]) -> dict[str, Any]:
    line = snippet(row["text"], words)
    return {"doc_id": row["doc_id"], "paragraph": row["paragraph"], "title": row["title"], "actor": row["actor"],
            "outlet": row["outlet"], "language": row["language"], "published": row["published"],
            "duplicate_of": row["duplicate_of"], "text": row["text"], **line}
