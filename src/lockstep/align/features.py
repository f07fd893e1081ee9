"""What alignment compares: documents as units, and their key terms, phrases and narratives as sparse counts.

A unit is a document (the paragraphs of one article are not independent draws, so resampling is by document).
Reprints count once within an actor: when an actor published several members of one duplicate cluster, only its
first is a unit; a reprint by a *different* actor stays, because it is exactly the alignment signal.

Tokens and lemmas come from the term index in the store when `lockstep terms index` has run (the same tokens the
terms analyses count), otherwise from `lockstep.enrich.tokens` (jieba for Chinese, pymorphy3 for Russian,
simplemma for others, shipped stop-word lists); a plain regex tokenizer stands in when neither is available.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

import numpy as np

from lockstep.align.bridges import bridged, embedding_bridges, script_bridges
from lockstep.align.inputs import narrative_hits
from lockstep.align.tokenize import token_rows_many
from lockstep.enrich import tokens as tk
from lockstep.errors import InputError
from lockstep.store.corpus import DocumentFilter
from lockstep.store.tables import dated_documents
from lockstep.terms import tables as term_tables
from lockstep.terms.families import load_families

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import scipy.sparse as sp

    from lockstep.store.corpus import Corpus

NO_NARRATIVE = "(no narrative)"
PERIODS = ("day", "week", "month", "quarter", "year", "all")


@dataclass(slots=True)
class Features:
    """A unit × feature count matrix with its feature names."""

    matrix: "sp.csr_matrix"
    names: np.ndarray


def period_of(published: "pd.Series", period: str) -> "pd.Series":
    """Period label of each timestamp: 2022-03-01 (day, week start), 2022-03, 2022Q1, 2022, or 'all'."""
    import pandas as pd

    if period not in PERIODS:
        raise InputError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    ts = pd.to_datetime(published)
    if period == "all":
        return pd.Series("all", index=published.index)
    if period == "day":
        return ts.dt.strftime("%Y-%m-%d")
    if period == "week":
        return (ts - pd.to_timedelta(ts.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    if period == "month":
        return ts.dt.strftime("%Y-%m")
    if period == "quarter":
        return ts.dt.year.astype(str) + "Q" + ts.dt.quarter.astype(str)
    return ts.dt.year.astype(str)


def load_units(corpus: "Corpus", filters: "DocumentFilter | None" = None, *, period: str = "month",
               with_text: bool = True) -> "pd.DataFrame":
    """One row per unit (document) with an actor and a date: doc_id, actor, outlet, language, published_at, period,
    text. Reprints within one actor are dropped (each actor's first member of a duplicate cluster stays)."""
    frame = dated_documents(corpus.con, filters or DocumentFilter(), with_text=with_text)
    frame["cluster_id"] = frame["cluster_id"].fillna(frame["doc_id"])
    frame = frame.drop_duplicates(["actor", "cluster_id"], keep="first").reset_index(drop=True)
    frame["period"] = period_of(frame["published_at"], period)
    return frame


# ---- tokens ------------------------------------------------------------------------------------------------------


def token_rows(text: str, language: str | None) -> list[tuple[str, bool, int]]:
    """(lemma, is_stopword, sentence number) for each token of a text."""
    doc = tk.tokenize(text, language)
    out = []
    for form, lang, case, sentence in zip(doc.form, doc.lang, doc.case, doc.sentence):
        lemma = tk.lemmatize(form, lang, case=case)
        out.append((lemma, tk.is_stopword(lemma, lang), sentence))
    return out


def terms_of(rows: list[tuple[str, bool, int]]) -> list[str]:
    """Content lemmas: the key-term vocabulary."""
    return [lemma for lemma, stop, _ in rows if not stop]


def phrases_of(rows: list[tuple[str, bool, int]], sizes: tuple[int, ...] = (2, 3)) -> list[str]:
    """Lemma n-grams inside one sentence that neither start nor end with a stop word ("special military operation",
    "color revolution", "外交部 发言人")."""
    out = []
    for n in sizes:
        for i in range(len(rows) - n + 1):
            window = rows[i : i + n]
            if window[0][2] != window[-1][2] or window[0][1] or window[-1][1]:
                continue
            out.append(" ".join(lemma for lemma, _, _ in window))
    return out


def count_matrix(bags: Iterable[list[str]], min_units: int = 1) -> Features:
    """Sparse unit × feature counts from bags of features; features in fewer than `min_units` units are dropped."""
    import pandas as pd
    import scipy.sparse as sp

    bags = list(bags)
    lengths = np.fromiter((len(bag) for bag in bags), dtype=np.int64, count=len(bags))
    flat = [item for bag in bags for item in bag]
    codes, uniques = pd.factorize(pd.Series(flat, dtype=object)) if flat else (np.zeros(0, np.int64), [])
    indptr = np.r_[0, np.cumsum(lengths)]
    matrix = sp.csr_matrix((np.ones(len(codes), dtype=np.float64), np.asarray(codes, dtype=np.int64), indptr),
                           shape=(len(bags), len(uniques)))
    matrix.sum_duplicates()
    names = np.asarray(list(uniques), dtype=object)
    if min_units > 1 and matrix.shape[1]:
        keep = np.flatnonzero(np.asarray((matrix > 0).sum(axis=0)).ravel() >= min_units)
        matrix, names = matrix[:, keep], names[keep]
    return Features(matrix.tocsr(), names)


def text_features(units: "pd.DataFrame", *, min_units: int = 2, corpus: "Corpus | None" = None,
                  families: bool = True, bridges: bool = True,
                  meaning_bridges: bool = False) -> tuple[Features, Features]:
    """Key-term and phrase count matrices for the units (one row each, in order). Tokens come from the term index
    (`lockstep terms index`) when it holds the documents, and are computed here for the others. With `families`,
    members of a term family (data/term_families.yaml) become the family's concept (`@sovereignty` for
    sovereignty, суверенитет, 主权), so actors writing in different languages share those terms; with `bridges`,
    a name or cognate spelled in Latin and Cyrillic is one term (`align.bridges`: Pelosi = Пелоси); with
    `meaning_bridges`, words of different languages that are mutual nearest neighbours in the multilingual
    embedding space are one term too (`embedding_bridges`: сотрудничество = cooperation)."""
    indexed = indexed_tokens(corpus, units["doc_id"].tolist()) if corpus is not None else {}
    texts, languages = units["text"].tolist(), units["language"].tolist()
    missing = [i for i, doc_id in enumerate(units["doc_id"]) if not indexed.get(doc_id)]
    computed = token_rows_many((texts[i] or "", languages[i]) for i in missing)
    rows = [indexed.get(doc_id) for doc_id in units["doc_id"]]
    for i, found in zip(missing, computed):
        rows[i] = found
    if families:
        lexicon, starts = family_lexicon(), family_starts()
        rows = [as_families(r, lexicon, starts=starts) for r in rows]
    if bridges:
        links = script_bridges({lemma for r in rows for lemma, stop, _ in r if not stop})
        rows = [bridged(r, links) for r in rows]
    if meaning_bridges:
        links = embedding_bridges(lemma_counts(rows, languages))
        rows = [bridged(r, links) for r in rows]
    return count_matrix((terms_of(r) for r in rows), min_units), count_matrix((phrases_of(r) for r in rows), min_units)


def lemma_counts(rows: list[list[tuple[str, bool, int]]], languages: list[str | None]) -> dict[str, dict[str, int]]:
    """Uses of each content lemma, per document language."""
    counts: dict[str, Counter] = {}
    for r, language in zip(rows, languages):
        if language:
            counts.setdefault(language, Counter()).update(lemma for lemma, stop, _ in r if not stop)
    return counts


@lru_cache(maxsize=1)
def family_lexicon() -> dict[tuple[str, ...], str]:
    """Lemma sequences of every term-family member -> "@family-id" (empty when the terms package is absent)."""
    lexicon = {}
    for family in load_families().values():
        for lang, member in family.members:
            lemmas = tuple(lemma for lemma, _, _ in token_rows(member, lang))
            if lemmas:
                lexicon[lemmas] = f"@{family.id}"
            if lang == "zh":  # the term index keeps a Chinese member as one token
                lexicon[(member,)] = f"@{family.id}"
    return lexicon


@lru_cache(maxsize=1)
def family_starts() -> frozenset[str]:
    """First lemmas of the family members: a run can only be a member if it starts with one."""
    return frozenset(key[0] for key in family_lexicon())


def as_families(rows: list[tuple[str, bool, int]], lexicon: dict[tuple[str, ...], str],
                longest: int = 4, starts: frozenset[str] | None = None) -> list[tuple[str, bool, int]]:
    """Replace each run of lemmas that is a family member (longest first) by the family's concept token."""
    if not lexicon:
        return rows
    starts = starts if starts is not None else frozenset(key[0] for key in lexicon)
    if not any(lemma in starts for lemma, _, _ in rows):
        return rows
    out, i = [], 0
    while i < len(rows):
        if rows[i][0] not in starts:
            out.append(rows[i])
            i += 1
            continue
        for n in range(min(longest, len(rows) - i), 0, -1):
            family = lexicon.get(tuple(lemma for lemma, _, _ in rows[i : i + n]))
            if family:
                out.append((family, False, rows[i][2]))
                i += n
                break
        else:
            out.append(rows[i])
            i += 1
    return out


def indexed_tokens(corpus: "Corpus", doc_ids: list[str]) -> dict[str, list[tuple[str, bool, int]]]:
    """(lemma, is_stopword, sentence) per token of the documents the term index holds; {} without an index."""
    if not term_tables.has_tokens(corpus.con) or not doc_ids:
        return {}
    frame = term_tables.document_lemmas(corpus.con, doc_ids)
    out: dict[str, list[tuple[str, bool, int]]] = {}
    for doc_id, group in frame.groupby("doc_id", sort=False):
        out[doc_id] = list(zip(group["lemma"], group["stop"].astype(bool), group["sent"]))
    return out


# ---- narratives (from the narratives package, read lazily) ---------------------------------------------------------


def narrative_features(corpus: "Corpus", units: "pd.DataFrame", level: int | None = None) -> Features:
    """Unit × narrative indicator matrix (a document counts once per narrative it carries, and a document with no
    narrative hit once in '(no narrative)', so an actor without narratives is a distribution too); `level` 1
    keeps narratives, 2 sub-narratives, None both."""
    hits = narrative_hits(corpus, units["doc_id"].tolist(), level)
    position = {doc: i for i, doc in enumerate(units["doc_id"])}
    hits = hits[hits["doc_id"].isin(position)].drop_duplicates(["doc_id", "narrative"])
    bags: list[list[str]] = [[] for _ in range(len(units))]
    for doc, narrative in zip(hits["doc_id"], hits["narrative"]):
        bags[position[doc]].append(str(narrative))
    return count_matrix(bag or [NO_NARRATIVE] for bag in bags)
