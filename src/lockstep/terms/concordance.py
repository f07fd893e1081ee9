"""Concordance (KWIC) lines: each occurrence of a term with its left and right context, and the exact place in
the store it comes from (document id, paragraph, sentence, character offsets into ``documents.text``, so that
``text[start:end]`` is the match)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from lockstep.enrich.tokens import TokenOptions, paragraph_spans, sentence_spans, token_spans
from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
from lockstep.terms.token_index import ensure_index, token_options
from lockstep.terms.scope import Scope
from lockstep.terms.spec import Term, hits_sql, resolve

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

SORTS = ("date", "left", "right", "random")
LINE_COLUMNS = ["term", "member", "member_lang", "doc_id", "actor", "outlet", "language", "published_at",
                "paragraph", "sentence", "start", "end", "left", "match", "right"]


@dataclass(slots=True, kw_only=True)
class KwicOptions:
    term: str
    filters: DocumentFilter = field(default_factory=DocumentFilter)
    window: int = 8                  # tokens of context on each side (within the paragraph)
    sentence: bool = False           # the whole sentence as context instead of a token window
    by: tuple[str, ...] = ()         # with a limit: that many lines per actor / outlet / language
    limit: int | None = 50
    sort: str = "date"               # date, left (word before), right (word after), random (seeded)
    seed: int = 0
    count_reprints: bool = False
    families_file: str | None = None


def kwic(corpus: "Corpus", options: KwicOptions) -> pd.DataFrame:
    """Concordance lines of a term; `frame.attrs['total']` is the number of occurrences before the limit."""
    if options.sort not in SORTS:
        raise InputError(f"unknown sort {options.sort!r}; use one of {', '.join(SORTS)}")
    if options.window < 0:
        raise InputError("--window must be 0 or more")
    ensure_index(corpus)
    scope = Scope(filters=options.filters, by=tuple(options.by), count_reprints=options.count_reprints)
    term = resolve(corpus, options.term, families_file=options.families_file, language=options.filters.language)
    sql, params = hits_sql(term, scope)
    selected = select_hits(corpus, f"({sql})", options, params)
    total = int(selected["total"].iloc[0]) if len(selected) else 0
    frame = concordance_lines(corpus, term, selected, window=options.window, sentence=options.sentence)
    frame.attrs["total"] = total
    return frame


def select_hits(corpus: "Corpus", hits: str, options: KwicOptions, params: list | None = None) -> pd.DataFrame:
    """The lines to show (sorted, limited per group), each with `total`, the number of hits before the limit."""
    order = {
        "date": "h.published_at NULLS LAST, h.doc_id, h.pos",
        "random": f"hash(h.doc_key, h.pos, {int(options.seed)}), h.doc_key, h.pos",
        "left": "f.form NULLS FIRST, h.published_at NULLS LAST, h.doc_id, h.pos",
        "right": "f.form NULLS FIRST, h.published_at NULLS LAST, h.doc_id, h.pos",
    }[options.sort]
    neighbour = ""
    if options.sort in ("left", "right"):
        at = "h.pos - 1" if options.sort == "left" else "h.last_pos + 1"
        neighbour = (f"LEFT JOIN term_tokens nb ON nb.doc_key = h.doc_key AND nb.pos = {at} AND nb.para = h.para "
                     "LEFT JOIN term_forms f ON f.form_id = nb.form_id")
    partition = f"PARTITION BY {', '.join('h.' + b for b in options.by)}" if options.by else ""
    limit = f"QUALIFY row_number() OVER ({partition} ORDER BY {order}) <= {int(options.limit)}" if options.limit else ""
    return corpus.con.execute(f"""
        SELECT h.doc_key, h.pos, h.last_pos, h.member, h.doc_id, h.actor, h.outlet, h.language, h.published_at,
               h.para, h.sent, h.start_char, h.end_char, count(*) OVER () AS total
        FROM {hits} h
        {neighbour}
        {limit}
        ORDER BY {order}""", params or []).df()


def concordance_lines(corpus: "Corpus", term: Term, hits: pd.DataFrame, *, window: int,
                      sentence: bool) -> pd.DataFrame:
    """KWIC lines for hits (doc_key, pos, last_pos, member, para, sent, start_char, end_char and doc columns)."""
    if hits.empty:
        return pd.DataFrame(columns=LINE_COLUMNS)
    texts = document_texts(corpus, hits["doc_id"].unique().tolist())
    options = token_options(corpus)
    rows = []
    for hit in hits.itertuples(index=False):
        text = texts.get(hit.doc_id, "")
        p_start, p_end = paragraph_spans(text)[hit.para]
        if sentence:
            left_at, right_at = sentence_bounds(text, p_start, p_end, hit.start_char)
        else:
            left_at, right_at = window_bounds(text, p_start, p_end, hit.start_char, hit.end_char, window, options)
        member = term.members[hit.member]
        rows.append({
            "term": term.label, "member": member.label, "member_lang": member.lang or "",
            "doc_id": hit.doc_id, "actor": hit.actor, "outlet": hit.outlet, "language": hit.language,
            "published_at": hit.published_at, "paragraph": int(hit.para), "sentence": int(hit.sent),
            "start": int(hit.start_char), "end": int(hit.end_char),
            "left": flat(text[left_at:hit.start_char]), "match": text[hit.start_char:hit.end_char],
            "right": flat(text[hit.end_char:right_at]),
        })
    return pd.DataFrame(rows, columns=LINE_COLUMNS)


def window_bounds(text: str, p_start: int, p_end: int, start: int, end: int, window: int,
                  options: TokenOptions) -> tuple[int, int]:
    """Edges of `window` tokens each side of text[start:end], inside its paragraph.

    The paragraph is re-tokenised exactly as the index tokenised it (same function, same settings), which is
    cheaper than fetching stored tokens by document; a window cut short by the paragraph edge runs to that edge,
    so closing punctuation stays visible.
    """
    if window == 0:
        return start, end
    spans = token_spans(text, p_start, p_end, options)
    starts = [s for s, _ in spans]
    first = bisect_left(starts, start)
    last = bisect_left(starts, end) - 1
    left_at = spans[first - window][0] if first - window >= 0 else p_start
    right_at = spans[last + window][1] if last + window < len(spans) else p_end
    return left_at, right_at


def sentence_bounds(text: str, p_start: int, p_end: int, at: int) -> tuple[int, int]:
    for s_start, s_end in sentence_spans(text, p_start, p_end):
        if s_start <= at < s_end:
            return s_start, s_end
    return p_start, p_end


def document_texts(corpus: "Corpus", ids: list[str]) -> dict[str, str]:
    frame = pd.DataFrame({"id": ids})
    corpus.con.register("kwic_ids", frame)
    try:
        rows = corpus.con.execute("SELECT d.id, d.text FROM documents d JOIN kwic_ids k ON k.id = d.id").fetchall()
    finally:
        corpus.con.unregister("kwic_ids")
    return dict(rows)


def flat(text: str) -> str:
    return " ".join(text.split())
