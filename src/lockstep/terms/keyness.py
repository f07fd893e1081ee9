"""Keyness: which lemmas a target (an actor, outlet or language) uses more — or less — than a reference.

The reference is another group, ``rest`` (every other group in the filtered corpus, each counted with its own
reprint rule, so the rest is the sum of the other actors' profiles), or an external frequency list (a CSV file of
``term,count`` rows, e.g. exported from wordfreq; its terms are lemmatised like the corpus and its total is the sum
of its counts). All measures are computed for every lemma with ``a + b >= min_freq``; the p-values of the ranking
measure are corrected for multiple comparisons over exactly those lemmas. Formulas: ``lockstep.terms.stats``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lockstep.enrich.tokens import is_stopword, lemmatize, tokenize_query
from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
import lockstep.terms.stats as stats
from lockstep.terms.frequency import lemma_counts_sql
from lockstep.terms.token_index import ensure_index, token_options
from lockstep.terms.scope import Scope, totals_sql
from lockstep.terms.trace import attach_examples, offsets_source

if TYPE_CHECKING:  # pragma: no cover
    from lockstep.store.corpus import Corpus

MEASURES = ("ll", "chi2", "chi2-yates", "log-ratio", "pdiff", "bic")
CORRECTIONS = ("bh", "holm", "none")
P_OF = {"ll": "ll_p", "chi2": "chi2_p", "chi2-yates": "chi2_yates_p", "log-ratio": "ll_p", "pdiff": "ll_p",
        "bic": "ll_p"}
COLUMN_OF = {"ll": "ll", "chi2": "chi2", "chi2-yates": "chi2_yates", "log-ratio": "log_ratio", "pdiff": "pdiff",
             "bic": "bic"}


@dataclass(slots=True, kw_only=True)
class KeynessOptions:
    target: str
    reference: str = "rest"           # a group name, "rest", or a CSV file of term,count
    by: str = "actor"                 # what target and reference name: actor, outlet or language
    filters: DocumentFilter = field(default_factory=DocumentFilter)
    measure: str = "ll"               # ranking: ll, chi2, chi2-yates, log-ratio, pdiff, bic
    correction: str = "bh"            # bh (Benjamini–Hochberg), holm, none
    alpha: float = 0.05
    min_freq: int = 5                 # a + b at least this
    limit: int | None = 50            # rows per direction; None for all
    negative: bool = True             # also list negative keywords (used less by the target)
    only_significant: bool = False
    include_stopwords: bool = False
    count_reprints: bool = False


def keyness(corpus: "Corpus", options: KeynessOptions) -> pd.DataFrame:
    """Keywords of the target against the reference, with every measure, p-values and the correction."""
    check(options)
    ensure_index(corpus)
    filters = options.filters
    if options.by == "actor" and options.reference != "rest" and not is_file(options.reference) and not filters.actor:
        filters = replace(filters, actor=[options.target, options.reference])  # read only the two actors' rows
    scope = Scope(filters=filters, by=(options.by,), count_reprints=options.count_reprints)
    sizes = corpus.con.execute(*totals_sql(scope)).df()
    column = options.by
    target_size = int(sizes.loc[sizes[column] == options.target, "tokens"].sum())
    if target_size == 0:
        known = ", ".join(str(v) for v in sizes[column].dropna().unique()[:12])
        raise InputError(f"no tokens for {column} {options.target!r} in this selection (known: {known})")
    if is_file(options.reference):
        reference, reference_size = external_reference(corpus, Path(options.reference), options)
        target = side_counts(corpus, scope, options, None).drop(columns=["b", "example_b"])
        table = target.merge(reference, on="term", how="outer")
        table["lang"] = table["lang"].fillna(table.pop("lang_ref"))
    else:
        rest = options.reference == "rest"
        reference_size = int((sizes.loc[sizes[column] != options.target, "tokens"].sum() if rest
                              else sizes.loc[sizes[column] == options.reference, "tokens"].sum()))
        if reference_size == 0:
            raise InputError(f"no tokens for reference {options.reference!r} in this selection")
        table = side_counts(corpus, scope, options, options.reference)
    frame = name_terms(corpus, score(table, target_size, reference_size, options))
    return attach_examples(corpus, frame, offsets_source(table=scope.counts_table()))


def side_counts(corpus: "Corpus", scope: Scope, options: KeynessOptions, reference: str | None) -> pd.DataFrame:
    """Per term (lemma text, all languages merged): a = target frequency, b = reference frequency, their examples.

    From the lemma roll-up the rows are keyed by ``term_no`` (the text's rank, one integer per text), and only the
    ranked rows get their text (`name_terms`); otherwise, and for an external reference (merged on the text), by
    ``term`` and ``lang``. Rows come in text order either way, so ties in the ranking fall in text order."""
    column = options.by
    keyed = scope.counts_table() == "term_lemma_totals" and reference is not None
    if scope.counts_table() == "term_lemma_totals":  # lemma text on the roll-up's rows: no join, no second pass
        where, params = scope.counts_where("c")
        stop = "" if options.include_stopwords else "AND NOT c.stop"
        rows = (f"SELECT c.term_no, c.lemma, c.lang, c.{column}, c.tf AS freq, c.example "
                f"FROM term_lemma_totals c WHERE {where} {stop}")
    else:
        counts, params = lemma_counts_sql(scope, options.include_stopwords)
        rows = (f"SELECT l.lemma, l.lang, c.{column}, c.freq, c.example "
                f"FROM ({counts}) c JOIN term_lemmas l ON l.lemma_id = c.lemma_id")
    key = "c.term_no" if keyed else "c.lemma"
    label = "c.term_no" if keyed else "c.lemma AS term, arg_max(c.lang, c.freq) AS lang"  # where most occurrences are
    if reference is None:
        ref_condition, ref_params = "FALSE", []
    elif reference == "rest":
        ref_condition, ref_params = f"c.{column} IS DISTINCT FROM ?", [options.target]
    else:
        ref_condition, ref_params = f"c.{column} = ?", [reference]
    sql = f"""
        SELECT {label},
               CAST(coalesce(sum(c.freq) FILTER (WHERE c.{column} = ?), 0) AS BIGINT) AS a,
               CAST(coalesce(sum(c.freq) FILTER (WHERE {ref_condition}), 0) AS BIGINT) AS b,
               min(c.example) FILTER (WHERE c.{column} = ?) AS example_a,
               min(c.example) FILTER (WHERE {ref_condition}) AS example_b
        FROM ({rows}) c
        GROUP BY {key}
        HAVING a + b >= ? AND (a > 0 OR ?)
        ORDER BY {key}"""
    # placeholders in text order: the select list (target, reference, twice), then the counts subquery
    select_params = [options.target] + ref_params + [options.target] + ref_params
    result = corpus.con.execute(sql, select_params + params
                                + [1 if reference is None else options.min_freq, reference is not None])
    return result.df()


def name_terms(corpus: "Corpus", frame: pd.DataFrame) -> pd.DataFrame:
    """Replace ``term_no`` by the term's text and language (the first language when the text is a lemma in
    several), read for these rows only."""
    if "term_no" not in frame:
        return frame
    numbers = [int(n) for n in frame["term_no"].unique()]
    rows = corpus.con.execute("SELECT term_no, term, lang FROM term_texts "
                              "WHERE term_no IN (SELECT unnest(CAST(? AS INTEGER[])))", [numbers]).fetchall()
    texts = {n: (term, lang) for n, term, lang in rows}
    named = [texts[int(n)] for n in frame["term_no"]]
    out = frame.drop(columns=["term_no"])
    out.insert(1, "term", [t for t, _ in named])
    out.insert(2, "lang", [lang for _, lang in named])
    return out


def check(options: KeynessOptions) -> None:
    if options.measure not in MEASURES:
        raise InputError(f"unknown measure {options.measure!r}; use one of {', '.join(MEASURES)}")
    if options.correction not in CORRECTIONS:
        raise InputError(f"unknown correction {options.correction!r}; use one of {', '.join(CORRECTIONS)}")
    if options.by not in ("actor", "outlet", "language"):
        raise InputError(f"--by must be actor, outlet or language, not {options.by!r}")
    if options.reference == options.target:
        raise InputError("target and reference are the same")


def is_file(reference: str) -> bool:
    return reference != "rest" and (Path(reference).suffix.lower() in (".csv", ".tsv", ".txt") or Path(reference).exists())


def external_reference(corpus: "Corpus", path: Path, options: KeynessOptions) -> tuple[pd.DataFrame, int]:
    """A frequency list file (term,count; header optional) as lemma counts and its total."""
    try:
        raw = pd.read_csv(path, header=None, sep=None, engine="python", names=["term", "count"], usecols=[0, 1],
                          dtype={"term": str}, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot read a term,count frequency list ({exc})") from exc
    raw["count"] = pd.to_numeric(raw["count"], errors="coerce")
    raw = raw.dropna(subset=["count"])
    if raw.empty:
        raise InputError(f"{path}: no term,count rows with numeric counts")
    token_opts = token_options(corpus)
    lemmas, langs = [], []
    for term in raw["term"]:
        tokens = tokenize_query(str(term), token_opts)
        lemmas.append(" ".join(lemmatize(f, options.filters.language or lang, token_opts, case)
                               for f, lang, case in tokens))
        langs.append(options.filters.language or (tokens[0][1] if tokens else None))
    raw["term"], raw["lang"] = lemmas, langs
    total = int(raw["count"].sum())
    if not options.include_stopwords:
        raw = raw[[not is_stopword(t, lang or "en") for t, lang in zip(raw.term, raw.lang)]]
    reference = raw[raw.term != ""].groupby("term", as_index=False).agg(b=("count", "sum"), lang_ref=("lang", "first"))
    reference["example_b"] = pd.NA
    return reference, total


def score(table: pd.DataFrame, c: int, d: int, options: KeynessOptions) -> pd.DataFrame:
    """Every measure for every tested term (numpy), the correction over all of them, then the ranked rows."""
    a = table["a"].fillna(0).to_numpy(float)
    b = table["b"].fillna(0).to_numpy(float)
    tested = (a + b) >= options.min_freq
    table, a, b = table[tested], a[tested], b[tested]
    values = {
        "freq_target": a.astype("int64"), "freq_reference": b.astype("int64"),
        "per_10k_target": a * 1e4 / c, "per_10k_reference": b * 1e4 / d,
        "direction": np.where(a / c >= b / d, "+", "-"),
        "ll": stats.log_likelihood(a, b, c, d),
        "chi2": stats.chi_squared(a, b, c, d),
        "chi2_yates": stats.chi_squared(a, b, c, d, yates=True),
        "log_ratio": stats.log_ratio(a, b, c, d), "pdiff": stats.percent_diff(a, b, c, d),
    }
    for name in ("ll", "chi2", "chi2_yates"):
        values[f"{name}_p"] = stats.p_value(values[name])
    values["bic"] = stats.bic(values["ll"], c + d)
    values["p_adjusted"] = stats.adjust(values[P_OF[options.measure]], options.correction)
    values["significant"] = values["p_adjusted"] < options.alpha
    values["example"] = np.where(values["direction"] == "+", table["example_a"].to_numpy(object),
                                 table["example_b"].to_numpy(object))
    order = ranked_rows(values, options)
    direction = values["direction"][order]
    rank = np.zeros(len(order), dtype=np.int64)
    for sign in ("+", "-"):  # 1, 2, ... within each direction, in ranked order
        rows = direction == sign
        rank[rows] = np.arange(1, int(rows.sum()) + 1)
    columns = {"rank": rank}
    columns.update({name: table[name].to_numpy()[order] for name in ("term_no", "term", "lang") if name in table})
    columns.update({name: values[name][order] for name in COLUMNS})
    columns["target_tokens"] = np.full(len(order), c, dtype=np.int64)
    columns["reference_tokens"] = np.full(len(order), d, dtype=np.int64)
    return pd.DataFrame(columns)  # built in one go: column-by-column inserts cost more than the statistics


COLUMNS = ["freq_target", "freq_reference", "per_10k_target", "per_10k_reference", "direction", "ll", "ll_p",
           "chi2", "chi2_p", "chi2_yates", "chi2_yates_p", "log_ratio", "pdiff", "bic", "p_adjusted",
           "significant", "example"]


def ranked_rows(values: dict[str, np.ndarray], options: KeynessOptions) -> np.ndarray:
    """Row numbers: positive keywords by the measure (largest first), then negative ones (strongest first)."""
    key = values[COLUMN_OF[options.measure]]
    signed = COLUMN_OF[options.measure] in ("log_ratio", "pdiff")
    keep = values["significant"] if options.only_significant else np.ones(len(key), dtype=bool)
    parts = []
    for sign, strongest_first in (("+", -key), ("-", key if signed else -key)):
        if sign == "-" and not options.negative:
            continue
        rows = np.flatnonzero((values["direction"] == sign) & keep)
        rows = rows[np.argsort(strongest_first[rows], kind="stable")]
        parts.append(rows[: options.limit] if options.limit else rows)
    return np.concatenate(parts) if parts else np.array([], dtype=int)
