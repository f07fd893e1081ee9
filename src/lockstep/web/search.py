"""Full-text search over paragraphs: parameterised ILIKE per word, filters, LIMIT/OFFSET pages.

DuckDB's fts extension cannot be installed offline, so each word of the query is a case-insensitive substring
condition (``%`` and ``_`` escaped). Only one page (plus one row, to know whether a next page exists) is read.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from lockstep.narratives.tables import tagged_paragraph_clause
from lockstep.store.corpus import DocumentFilter
from lockstep.store.tables import matching_paragraphs, newest_first_paragraphs
from lockstep.web.highlight import snippet
from lockstep.web.connection import Store


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


def search(store: Store, query: SearchQuery) -> dict[str, Any]:
    where, params = query.filters().where()
    words = query.words()
    for word in words:
        where += " AND p.text ILIKE ? ESCAPE '\\'"
        params.append(like_pattern(word))
    with store.cursor() as cur:
        extra, extra_params = tagged_paragraph_clause(cur, query.narrative)
        offset = (query.page - 1) * query.per_page
        if not words and not extra:  # browsing: newest documents first, each by its first paragraph
            rows = newest_first_paragraphs(cur, where, params, query.per_page + 1, offset)
        else:
            rows = matching_paragraphs(cur, where + extra, [*params, *extra_params], query.per_page + 1, offset)
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
