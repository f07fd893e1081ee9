"""Collocates of a term: the lemmas that occur near it (a token window inside the paragraph, or the sentence)
more often than chance, by logDice, PMI or log-likelihood.

Counts, per group: f_x = occurrences of the term (the node), f_xy = occurrences of collocate y in the nodes'
contexts, W = all context tokens (window positions actually filled), f_y = frequency of y and N = tokens, both
in the same documents. Then

* logDice = 14 + log2(2 f_xy / (f_x + f_y))                     (Rychlý 2008; at most 14, scale-independent)
* PMI     = log2(f_xy / E11), E11 = W f_y / N                    (Church & Hanks; unreliable for rare pairs,
                                                                  hence the floors f_xy >= min_freq, f_y >= min_collocate_freq)
* G2      = 2 sum O ln(O/E) over [[f_xy, W - f_xy], [f_y - f_xy, N - W - f_y + f_xy]]   (Dunning 1993; Evert 2008)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
import lockstep.terms.stats as stats
from lockstep.terms.frequency import lemma_counts_sql
from lockstep.terms.token_index import ensure_index
from lockstep.terms.scope import Scope, join_on, totals_sql
from lockstep.terms.spec import resolve
from lockstep.terms.trace import attach_examples, hit_table, offsets_source

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

MEASURES = ("logdice", "pmi", "ll")


@dataclass(slots=True, kw_only=True)
class CollocateOptions:
    term: str
    filters: DocumentFilter = field(default_factory=DocumentFilter)
    window: int = 5                  # tokens each side, inside the paragraph
    sentence: bool = False           # the node's sentence instead of a window
    measure: str = "logdice"         # ranking: logdice, pmi, ll
    by: tuple[str, ...] = ()         # actor, outlet, language
    min_freq: int = 3                # co-occurrence floor f_xy
    min_collocate_freq: int = 3      # collocate frequency floor f_y (PMI overrates rare words)
    limit: int | None = 30           # per group
    include_stopwords: bool = False
    count_reprints: bool = False
    families_file: str | None = None


def collocates(corpus: "Corpus", options: CollocateOptions) -> pd.DataFrame:
    """Collocates of a term per group, with f_xy, f_x, f_y, W, N and all three measures."""
    if options.measure not in MEASURES:
        raise InputError(f"unknown measure {options.measure!r}; use one of {', '.join(MEASURES)}")
    if options.window < 1 and not options.sentence:
        raise InputError("--window must be at least 1")
    ensure_index(corpus)
    scope = Scope(filters=options.filters, by=tuple(options.by), count_reprints=options.count_reprints)
    term = resolve(corpus, options.term, families_file=options.families_file, language=options.filters.language)
    with hit_table(corpus, term, scope) as hits:
        table = cooccurrence_table(corpus, hits, scope, window=options.window, sentence=options.sentence)
        if table.empty:
            return attach_examples(corpus, table.assign(example=pd.Series(dtype="int64")))
        return attach_examples(corpus, score(table, options), offsets_source(hits))


def context_sql(hits: str, window: int, sentence: bool, group: list[str]) -> str:
    """One row per (node occurrence, context token): the group columns, doc_key, node pos, lemma_id."""
    cols = "".join(f"n.{g}, " for g in group)
    o_cols = "".join(f"o.{g}, " for g in group)
    nodes = f"SELECT * FROM {hits}"
    if sentence:
        return f"""
            WITH nodes AS ({nodes})
            SELECT {cols}n.doc_key, n.pos AS node_pos, c.lemma_id FROM nodes n
            JOIN term_tokens c ON c.doc_key = n.doc_key AND c.sent = n.sent
            WHERE c.pos < n.pos OR c.pos > n.last_pos"""
    return f"""
        WITH nodes AS ({nodes}),
        offsets AS (
            SELECT n.*, n.pos - r.k AS cpos FROM nodes n, range(1, {int(window) + 1}) r(k)
            UNION ALL
            SELECT n.*, n.last_pos + r.k AS cpos FROM nodes n, range(1, {int(window) + 1}) r(k))
        SELECT {o_cols}o.doc_key, o.pos AS node_pos, c.lemma_id FROM offsets o
        JOIN term_tokens c ON c.doc_key = o.doc_key AND c.pos = o.cpos AND c.para = o.para"""


def cooccurrence_table(corpus: "Corpus", hits: str, scope: Scope, *, window: int, sentence: bool) -> pd.DataFrame:
    """Per group and collocate lemma: f_xy, f_x, W, f_y, N and an example (the node occurrence)."""
    group = list(scope.by)
    g_cols = "".join(f"{g}, " for g in group)
    counts, count_params = lemma_counts_sql(scope, include_stopwords=True,
                                            lemmas_from="SELECT DISTINCT lemma_id FROM colloc_ctx")
    totals, total_params = totals_sql(scope)
    con = corpus.con
    con.execute(f"CREATE OR REPLACE TEMP TABLE colloc_ctx AS {context_sql(hits, window, sentence, group)}")
    try:
        sql = f"""
            WITH pairs AS (SELECT {g_cols}lemma_id, count(*) AS f_xy,
                                  min((CAST(doc_key AS BIGINT) << 32) + node_pos) AS example
                           FROM colloc_ctx GROUP BY ALL),
                 win AS (SELECT {g_cols}count(*) AS window_tokens FROM colloc_ctx {'GROUP BY ALL' if group else ''}),
                 nodes AS (SELECT {g_cols}count(*) AS f_x FROM {hits} {'GROUP BY ALL' if group else ''}),
                 fy AS ({counts}),
                 tot AS ({totals})
            SELECT p.*, l.lemma AS collocate, l.lang, l.stop, n.f_x, w.window_tokens, fy.freq AS f_y,
                   tot.tokens AS corpus_tokens
            FROM pairs p
            JOIN term_lemmas l ON l.lemma_id = p.lemma_id
            JOIN nodes n ON {join_on(group, 'n', 'p')}
            JOIN win w ON {join_on(group, 'w', 'p')}
            JOIN fy ON fy.lemma_id = p.lemma_id AND {join_on(group, 'fy', 'p')}
            JOIN tot ON {join_on(group, 'tot', 'p')}"""
        return con.execute(sql, count_params + total_params).df()
    finally:
        con.execute("DROP TABLE IF EXISTS colloc_ctx")


def score(table: pd.DataFrame, options: CollocateOptions) -> pd.DataFrame:
    table = table[(table.f_xy >= options.min_freq) & (table.f_y >= options.min_collocate_freq)]
    if not options.include_stopwords:
        table = table[~table["stop"]]
    table = table.copy()
    f_xy, f_x, f_y = (table[c].to_numpy(float) for c in ("f_xy", "f_x", "f_y"))
    w, n = table["window_tokens"].to_numpy(float), table["corpus_tokens"].to_numpy(float)
    table["logdice"] = stats.log_dice(f_xy, f_x, f_y)
    table["expected"] = stats.expected(w, f_y, n)
    table["pmi"] = stats.pmi(f_xy, w, f_y, n)
    table["ll"] = stats.collocation_ll(f_xy, w, f_y, n)
    table["ll"] = np.where(f_xy >= table["expected"], table["ll"], -table["ll"])  # negative: repelled
    table["ll_p"] = stats.p_value(np.abs(table["ll"]))
    group = list(options.by)
    table = table.sort_values(group + [options.measure, "f_xy"], ascending=[True] * len(group) + [False, False],
                              kind="stable")
    table["rank"] = table.groupby(group).cumcount() + 1 if group else np.arange(1, len(table) + 1)
    if options.limit:
        table = table[table["rank"] <= options.limit]
    columns = group + ["rank", "collocate", "lang", "f_xy", "f_x", "f_y", "window_tokens", "corpus_tokens",
                       "expected", "logdice", "pmi", "ll", "ll_p", "example"]
    return table[columns].reset_index(drop=True)
