"""Frequency tables: the top terms per group, and the trend of chosen terms by group and period.

Figures per row: ``freq`` (tokens), ``per_10k`` = freq x 10,000 / tokens in the group, ``docs`` (documents with
the term), ``doc_share`` = docs / documents in the group; reprints counted as in ``scope``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
import lockstep.terms.familycounts as familycounts
from lockstep.terms.token_index import ensure_index
from lockstep.terms.scope import Scope, join_on, totals_sql
from lockstep.terms.spec import Term, hits_sql, resolve
from lockstep.terms.trace import PACKED, attach_examples, examples_sql, offsets_source, typed_examples

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus


@dataclass(slots=True, kw_only=True)
class TopOptions:
    filters: DocumentFilter = field(default_factory=DocumentFilter)
    by: tuple[str, ...] = ("actor",)    # actor, outlet, language; () for the whole corpus
    period: str = "none"                # none, day, week, month, quarter, year
    limit: int = 20                     # terms per group
    min_freq: int = 1
    include_stopwords: bool = False
    count_reprints: bool = False


@dataclass(slots=True, kw_only=True)
class TrendOptions:
    terms: tuple[str, ...]
    filters: DocumentFilter = field(default_factory=DocumentFilter)
    by: tuple[str, ...] = ("actor",)
    period: str = "month"
    count_reprints: bool = False
    families_file: str | None = None
    members: bool = False               # one row per family member as well as the family total


def top(corpus: "Corpus", options: TopOptions | None = None) -> pd.DataFrame:
    """The most frequent lemmas per group (and period), stop words excluded unless asked for."""
    options = options or TopOptions()
    if options.limit < 1:
        raise InputError("--limit must be at least 1")
    ensure_index(corpus)
    scope = Scope(filters=options.filters, by=tuple(options.by), period=options.period,
                  count_reprints=options.count_reprints)
    counts, params = lemma_counts_sql(scope, options.include_stopwords)
    names = scope.group_names()
    totals, total_params = totals_sql(scope)
    group_by = f"GROUP BY {', '.join(names)}" if names else ""
    select_names = "".join(f"{n}, " for n in names)
    partition = f"PARTITION BY {', '.join('c.' + n for n in names)}" if names else ""
    out_names = "".join(f"r.{n}, " for n in names)
    # top-k per group with max(x, k) over freq and lemma packed into one BIGINT: no sort of every group
    sql = f"""
        WITH c AS MATERIALIZED ({counts}),
        picked AS (SELECT {select_names}unnest(max(freq * 4294967296 + (4294967295 - lemma_id), ?)) AS packed
                   FROM c WHERE freq >= ? {group_by}),
        ranked AS (SELECT c.*, row_number() OVER ({partition} ORDER BY c.freq DESC, c.lemma_id) AS rank
                   FROM picked p JOIN c ON {join_on(names, 'p', 'c')}
                        AND c.lemma_id = 4294967295 - (p.packed % 4294967296)),
        tot AS ({totals}),
        result AS (
            SELECT {out_names}r.rank, l.lemma AS term, l.lang, r.freq,
                   r.freq * 10000.0 / tot.tokens AS per_10k, r.docs, r.docs / tot.docs AS doc_share,
                   tot.tokens AS group_tokens, tot.docs AS group_docs, r.example
            FROM ranked r JOIN term_lemmas l ON l.lemma_id = r.lemma_id JOIN tot ON {join_on(names, 'r', 'tot')})
        SELECT * FROM ({examples_sql("result", offsets_source(table=scope.counts_table()))})
        ORDER BY {', '.join(names + ['rank'])}"""
    frame = corpus.con.execute(sql, params + [options.limit, options.min_freq] + total_params).df()
    return attach_examples(corpus, frame)


def lemma_counts_sql(scope: Scope, include_stopwords: bool, lemmas_from: str | None = None) -> tuple[str, list]:
    """Per lemma and group: freq, docs, example. From the month aggregate when it answers exactly, else a scan.

    `lemmas_from`: a subquery of lemma_id that restricts the lemmas counted (collocates need only their own).
    """
    stop = "" if include_stopwords else "AND NOT l.stop"
    if lemmas_from:
        stop += f" AND l.lemma_id IN ({lemmas_from})"
    table = scope.counts_table()
    if table == "term_lemma_totals":  # it carries the stop-word flag: no join
        where, params = scope.counts_where("l")
        columns = scope.group_columns("l", aggregated=True)
        select = "".join(f", {expr} AS {name}" for expr, name in columns)
        return (f"SELECT l.lemma_id{select}, CAST(sum(l.tf) AS BIGINT) AS freq, CAST(sum(l.df) AS BIGINT) AS docs, "
                f"min(l.example) AS example FROM term_lemma_totals l WHERE {where} {stop} GROUP BY ALL"), params
    if table:
        where, params = scope.counts_where("c")
        columns = scope.group_columns("c", aggregated=True)
        select = "".join(f", {expr} AS {name}" for expr, name in columns)
        return (f"SELECT c.lemma_id{select}, CAST(sum(c.tf) AS BIGINT) AS freq, CAST(sum(c.df) AS BIGINT) AS docs, min(c.example) AS example "
                f"FROM {table} c JOIN term_lemmas l ON l.lemma_id = c.lemma_id WHERE {where} {stop} "
                "GROUP BY ALL"), params
    where, params = scope.doc_where("d")
    columns = scope.group_columns("d", aggregated=False)
    select = "".join(f", {expr} AS {name}" for expr, name in columns)
    return (f"SELECT t.lemma_id{select}, count(*) AS freq, count(DISTINCT t.doc_key) AS docs, "
            "min((CAST(t.doc_key AS BIGINT) << 32) + t.pos) AS example "
            "FROM term_tokens t JOIN term_docs d ON d.doc_key = t.doc_key "
            f"JOIN term_lemmas l ON l.lemma_id = t.lemma_id WHERE {where} {stop} GROUP BY ALL"), params


def trend(corpus: "Corpus", options: TrendOptions) -> pd.DataFrame:
    """Frequency of each term per group and period, zero where a group used it not at all."""
    if not options.terms:
        raise InputError("give at least one term")
    ensure_index(corpus)
    scope = Scope(filters=options.filters, by=tuple(options.by), period=options.period,
                  count_reprints=options.count_reprints)
    frames = []
    for query in options.terms:
        term = resolve(corpus, query, families_file=options.families_file, language=options.filters.language)
        frames.append(term_trend(corpus, term, scope, options.members and term.kind == "family"))
    frame = pd.concat(frames, ignore_index=True)
    return attach_examples(corpus, frame)


TREND_COLUMNS = ["freq", "per_10k", "docs", "doc_share", "group_tokens", "group_docs", "members", "example_doc",
                 "example_paragraph", "example_start", "example_end"]


def term_trend(corpus: "Corpus", term: Term, scope: Scope, members: bool) -> pd.DataFrame:
    """The term's counts per group and member (`groups_sql`) and every group's totals: two plain statements, joined
    here (a few hundred rows; one statement joining them costs more to plan than both to run). Groups without the
    term show zero; the family row lists its members' counts as 'lang member=n; ...'."""
    names = scope.group_names()
    hits_cte, groups, group_params = groups_sql(corpus, term, scope, members)
    counted = corpus.con.execute(f"WITH {hits_cte} g AS ({groups}) SELECT {''.join(n + ', ' for n in names)}member, "
                                 "freq, docs, ex_doc, ex_para, ex_start, ex_end FROM g", group_params).fetchall()
    width = len(names)
    counts = {(row[:width], row[width]): row[width + 1:] for row in counted}
    summaries = member_summaries(term, counted, width) if term.kind == "family" else {}
    totals_query, total_params = totals_sql(scope)
    order = f" ORDER BY {', '.join(names)} NULLS LAST" if names else ""
    totals = corpus.con.execute(f"SELECT * FROM ({totals_query}){order}", total_params).fetchall()
    shown = [(-1, "", "")] + ([(i, m.label, m.lang or "") for i, m in enumerate(term.members)] if members else [])
    rows = []
    for number, label, lang in shown:
        for *group, tokens, docs in totals:
            group = tuple(group)
            freq, docs_with, ex_doc, ex_para, ex_start, ex_end = counts.get((group, number), (0, 0) + (None,) * 4)
            rows.append((label, lang, *group, freq, freq * 10000.0 / tokens if tokens else None, docs_with,
                         docs_with / docs if docs else None, tokens, docs,
                         summaries.get(group, "") if number == -1 else "", ex_doc, ex_para, ex_start, ex_end))
    return trend_frame(term.label, ["member", "member_lang", *names, *TREND_COLUMNS], rows)


def trend_frame(label: str, names: list[str], rows: list[tuple]) -> pd.DataFrame:
    """The rows as a frame, column by column with the types the other queries give (dates, nullable offsets)."""
    values = list(zip(*rows)) if rows else [()] * len(names)
    columns: dict[str, object] = {"term": [label] * len(rows)}
    for name, column in zip(names, values):
        if name == "period":
            column = pd.to_datetime(pd.Series(column, dtype=object)).astype("datetime64[us]")
        elif name in ("example_paragraph", "example_start", "example_end"):
            column = pd.array(column, dtype="Int32")
        elif name in ("freq", "docs", "group_tokens", "group_docs"):
            column = np.array(column, dtype=np.int64)
        elif name in ("per_10k", "doc_share"):
            column = np.array(column, dtype=float)  # None (a group without tokens) becomes NaN
        columns[name] = column
    return pd.DataFrame(columns)


def member_summaries(term: Term, counted: list[tuple], width: int) -> dict[tuple, str]:
    """Per group, the members' counts as 'lang member=n; ...', most frequent first."""
    per_group: dict[tuple, list[tuple[int, int]]] = {}
    for row in counted:
        if row[width] >= 0:
            per_group.setdefault(tuple(row[:width]), []).append((-row[width + 1], row[width]))
    label = [f"{m.lang or ''} {m.label}".strip() for m in term.members]
    return {group: "; ".join(f"{label[number]}={-negative}" for negative, number in sorted(pairs))
            for group, pairs in per_group.items()}


def groups_sql(corpus: "Corpus", term: Term, scope: Scope, members: bool) -> tuple[str, str, list]:
    """(a CTE of hits or "", the grouping SELECT, its parameters): per group, member -1 (the term) and each member
    with freq, docs and the first occurrence (with its document id). A shipped family reads its own aggregate; any other term groups its
    hits per document first (documents counted once without DISTINCT); member rows carry documents and examples
    only when they are shown."""
    if familycounts.counted(corpus, term, scope):
        groups, params = familycounts.family_groups_sql(term, scope)
        return "", groups, params
    names = scope.group_names()
    columns = scope.group_columns("h", aggregated=False)
    select = "".join(f"{expr} AS {name}, " for expr, name in columns)
    plain = "".join(f"{name}, " for name in names)
    example = (f"min({PACKED}) AS example, arg_min(doc_id, {PACKED}) AS ex_doc, arg_min(para, {PACKED}) AS ex_para, "
               f"arg_min(start_char, {PACKED}) AS ex_start, arg_min(end_char, {PACKED}) AS ex_end")
    member_detail = (f"count(DISTINCT doc_key) AS docs, {example}" if members else
                     "CAST(NULL AS BIGINT) AS docs, CAST(NULL AS BIGINT) AS example, CAST(NULL AS VARCHAR) AS ex_doc, "
                     "CAST(NULL AS INTEGER) AS ex_para, CAST(NULL AS INTEGER) AS ex_start, "
                     "CAST(NULL AS INTEGER) AS ex_end")
    hits, params = hits_sql(term, scope)
    groups = f"""SELECT {plain}-1 AS member, CAST(sum(n) AS BIGINT) AS freq, count(*) AS docs,
                        min(example) AS example, arg_min(ex_doc, example) AS ex_doc,
                        arg_min(ex_para, example) AS ex_para,
                        arg_min(ex_start, example) AS ex_start, arg_min(ex_end, example) AS ex_end
                 FROM (SELECT {select}doc_key, count(*) AS n, {example} FROM h GROUP BY ALL) per_doc
                 {"GROUP BY ALL" if names else ""}
                 UNION ALL
                 SELECT {select}member, count(*) AS freq, {member_detail} FROM h GROUP BY ALL"""
    return f"h AS MATERIALIZED ({hits}),", groups, params
