"""Frequency tables: the top terms per group, and the trend of chosen terms by group and period.

Figures per row: ``freq`` (tokens), ``per_10k`` = freq x 10,000 / tokens in the group, ``docs`` (documents with
the term), ``doc_share`` = docs / documents in the group; reprints counted as in ``scope``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
from lockstep.terms.index import ensure_index
from lockstep.terms.scope import Scope, join_on, totals_sql
from lockstep.terms.spec import Term, hits_sql, resolve
from lockstep.terms.trace import PACKED, attach_examples

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
        tot AS ({totals})
        SELECT {out_names}r.rank, l.lemma AS term, l.lang, r.freq,
               r.freq * 10000.0 / tot.tokens AS per_10k, r.docs, r.docs / tot.docs AS doc_share,
               tot.tokens AS group_tokens, tot.docs AS group_docs, r.example
        FROM ranked r JOIN term_lemmas l ON l.lemma_id = r.lemma_id JOIN tot ON {join_on(names, 'r', 'tot')}
        ORDER BY {out_names}r.rank"""
    frame = corpus.con.execute(sql, params + [options.limit, options.min_freq] + total_params).df()
    return attach_examples(corpus, frame)


def lemma_counts_sql(scope: Scope, include_stopwords: bool, lemmas_from: str | None = None) -> tuple[str, list]:
    """Per lemma and group: freq, docs, example. From the month aggregate when it answers exactly, else a scan.

    `lemmas_from`: a subquery of lemma_id that restricts the lemmas counted (collocates need only their own).
    """
    stop = "" if include_stopwords else "AND NOT l.stop"
    if lemmas_from:
        stop += f" AND l.lemma_id IN ({lemmas_from})"
    if scope.aggregates_ok():
        where, params = scope.counts_where("c")
        columns = scope.group_columns("c", aggregated=True)
        select = "".join(f", {expr} AS {name}" for expr, name in columns)
        return (f"SELECT c.lemma_id{select}, CAST(sum(c.tf) AS BIGINT) AS freq, CAST(sum(c.df) AS BIGINT) AS docs, min(c.example) AS example "
                f"FROM term_counts c JOIN term_lemmas l ON l.lemma_id = c.lemma_id WHERE {where} {stop} "
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
    totals_query, total_params = totals_sql(scope)
    totals = corpus.con.execute(totals_query, total_params).df()
    frames = []
    for query in options.terms:
        term = resolve(corpus, query, families_file=options.families_file, language=options.filters.language)
        frames.append(term_trend(corpus, term, scope, totals, options.members))
    frame = pd.concat(frames, ignore_index=True)
    return attach_examples(corpus, frame)


def term_trend(corpus: "Corpus", term: Term, scope: Scope, totals: pd.DataFrame, members: bool) -> pd.DataFrame:
    names = scope.group_names()
    columns = scope.group_columns("h", aggregated=False)
    select = "".join(f"{expr} AS {name}, " for expr, name in columns)
    example = (f"min({PACKED}) AS example, arg_min(para, {PACKED}) AS ex_para, "
               f"arg_min(start_char, {PACKED}) AS ex_start, arg_min(end_char, {PACKED}) AS ex_end")
    sql, params = hits_sql(term, scope)
    keys = ", ".join(expr for expr, _ in columns)
    sets = f"(({keys}, member), ({keys}))" if names else "((member), ())"
    both = corpus.con.execute(
        f"SELECT {select}member, grouping(member) AS whole, count(*) AS freq, count(DISTINCT doc_key) AS docs, "
        f"{example} FROM ({sql}) h GROUP BY GROUPING SETS {sets}", params).df()
    overall = both[both.whole == 1].drop(columns=["member", "whole"])
    by_member = both[both.whole == 0].drop(columns=["whole"])
    rows = [with_totals(totals, overall, names).assign(term=term.label, member="", member_lang="")]
    rows[0]["members"] = member_summary(term, by_member, rows[0], names)
    if members and term.kind == "family":
        for number, member in enumerate(term.members):
            part = by_member[by_member.member == number].drop(columns="member")
            rows.append(with_totals(totals, part, names).assign(term=term.label, member=member.label,
                                                                 member_lang=member.lang or "", members=""))
    frame = pd.concat(rows, ignore_index=True)
    lead = ["term", "member", "member_lang"] + names
    rest = ["freq", "per_10k", "docs", "doc_share", "group_tokens", "group_docs", "members", "example",
            "ex_para", "ex_start", "ex_end"]
    return frame[lead + rest]


def with_totals(totals: pd.DataFrame, counts: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Every group of the totals, with the term's counts (zero where absent) and the relative figures."""
    frame = totals.rename(columns={"tokens": "group_tokens", "docs": "group_docs"})
    if names:
        frame = frame.merge(counts, on=names, how="left")
    else:
        frame = frame.copy()
        for column in ("freq", "docs", "example", "ex_para", "ex_start", "ex_end"):
            frame[column] = counts[column].iloc[0] if len(counts) else None
    frame["freq"] = frame["freq"].fillna(0).astype("int64")
    frame["docs"] = frame["docs"].fillna(0).astype("int64")
    frame["per_10k"] = frame["freq"] * 10000.0 / frame["group_tokens"].where(frame["group_tokens"] > 0)
    frame["doc_share"] = frame["docs"] / frame["group_docs"].where(frame["group_docs"] > 0)
    return frame


def member_summary(term: Term, by_member: pd.DataFrame, frame: pd.DataFrame, names: list[str]) -> pd.Series:
    """Per row: 'lang member=count; ...' for the members that occur, most frequent first."""
    if term.kind != "family" or by_member.empty:
        return pd.Series([""] * len(frame), index=frame.index)
    labels = {i: f"{m.lang or ''} {m.label}".strip() for i, m in enumerate(term.members)}
    parts = by_member.assign(text=by_member.member.map(labels) + "=" + by_member.freq.astype(str))
    parts = parts.sort_values("freq", ascending=False, kind="stable")
    if not names:
        return pd.Series(["; ".join(parts.text)] * len(frame), index=frame.index)
    summary = parts.groupby(names, dropna=False)["text"].agg("; ".join).reset_index(name="members")
    merged = frame[names].merge(summary, on=names, how="left")
    return pd.Series(merged["members"].fillna("").to_numpy(), index=frame.index)
