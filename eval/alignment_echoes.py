"""Cross-lingual echoes and the key terms of a translated reprint, on hand translations of real headlines.

Two parts (eval/data/alignment/SOURCE.md): `tuning`, the 24 translations the echo margin was chosen on
(translations.csv), and `test`, 48 translations drawn by a written rule and committed before they were first scored
(translations_test.csv); only the test part meets the floors.

* crosslingual: each part's pairs planted, hours to days apart, among 4,500 real en/ru/zh headlines of March–August
  2022, and `echoes` run with the shipped defaults (EchoOptions(): min_chars 40, unanchored_margin 0.10). Precision
  (of the cross-lingual links touching a planted document, the share joining a planted pair), recall (planted pairs
  linked) and F1, per language pair and over all, for lockstep and, on the same paragraphs and vectors, for:
  `no_margin` (margin 0), `no_check` (mutual nearest neighbours of the embeddings with no lexical check at all),
  `keyword_only` (no embeddings: each paragraph's other-language partners in the window that share the most
  anchors — names, numbers, officials, places — when that choice is mutual), `nearest_in_time` (each paragraph's
  nearest other-language paragraph in time, when mutual) and `nothing` (no link);
* translated: B prints a translation of each of A's texts; C and D print other real headlines in A's and B's
  languages; 6,000 real en/ru/zh headlines of July 2022 (E, F, G) make the window's vocabulary. terms_cosine of
  the pair with spelling bridges only (`spelling`, the default) and with meaning bridges (`meaning`), against the
  highest value of the pairs that share no text (`nothing`: what a pair with nothing in common reads, the trivial
  figure beside `pair`; its `ratio_to_apart` is 1).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from lockstep.testing import store_of
from alignment_data import as_doc, chinese_titles, headline_rows, read_rows
from lockstep.align.chains import (EchoOptions, eligible, find_echoes, link_frame, load_paragraphs,
                                   paragraph_vectors_for, seconds)
from lockstep.align.crosslingual import TranslationOptions, anchors, candidate_pairs, lexical_check
from lockstep.align.alignment_index import AlignOptions, alignment

PARTS = {"tuning": "translations.csv", "test": "translations_test.csv"}
TARGET_OUTLET = {"en": "cgtn", "ru": "sputnik", "zh": "xinhuanet"}
SYSTEMS = ("lockstep", "no_margin", "no_check", "keyword_only", "nearest_in_time", "nothing")


# ---- cross-lingual echoes ----------------------------------------------------------------------------------------


def crosslingual(work: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for part, name in PARTS.items():
        rows = read_rows(name)
        docs, pairs = planted_docs(rows, random.Random(3))
        corpus = store_of(work / f"crosslingual-{part}.duckdb", docs)
        try:
            options = EchoOptions(kinds=("translation",), store=False)
            para = eligible(load_paragraphs(corpus, options), options)
            vectors = paragraph_vectors_for(corpus, para, para["language"].fillna("").to_numpy(object), options)
            print(f"  {part}: {len(pairs)} planted pairs, {eligible_pairs(para, pairs)} with both sides of at least "
                  f"{options.min_chars} weighted characters (shorter ones are not matched)")
            out[f"{part}.eligible_pairs"] = float(eligible_pairs(para, pairs))
            for system in SYSTEMS:
                links = system_links(system, corpus, para, vectors, options)
                scores = link_scores(para, links, pairs)
                print(f"  {part:6s} {system:15s} " + ", ".join(
                    f"{k} P {scores[f'{k}.precision']:.2f} R {scores[f'{k}.recall']:.2f}"
                    for k in ("en-ru", "en-zh", "ru-zh", "all")), flush=True)
                out.update({f"{part}.{system}.{k}": v for k, v in scores.items()})
        finally:
            corpus.close()
    return out


def planted_docs(rows: list[dict], rng: random.Random, per_language: int = 1500
                 ) -> tuple[list[dict], list[tuple[str, str, str]]]:
    """The planted pairs (re-dated into March–August 2022, the translation 2–72 hours after its source) among real
    headlines of the three languages, and the pairs as (language pair, source id, target id)."""
    start, span = datetime(2022, 3, 1), 180 * 86400
    docs, pairs = [], []
    for row in rows:
        when = start + timedelta(seconds=rng.randrange(span))
        later = when + timedelta(hours=rng.uniform(2, 72))
        source = as_doc(row["source_text"], row["source_outlet"], when.isoformat(timespec="seconds"),
                        row["source_lang"])
        target = as_doc(row["target_text"], TARGET_OUTLET[row["target_lang"]], later.isoformat(timespec="seconds"),
                        row["target_lang"])
        docs += [source, target]
        pairs.append(("-".join(sorted((row["source_lang"], row["target_lang"]))), source["id"], target["id"]))
    sources = tuple(r["source_text"] for r in rows)
    real = [r for r in headline_rows("2022-03-01", "2022-09-01") if not r[0].startswith(sources)]
    for lang in ("en", "ru"):
        pool = [r for r in real if r[2] == lang]
        docs += [as_doc(*pick[:2], pick[3], lang) for pick in rng.sample(pool, per_language)]
    titles = [t for t in chinese_titles() if t not in sources]
    docs += [as_doc(t, "peoples-daily", (start + timedelta(seconds=rng.randrange(span))).isoformat(timespec="seconds"),
                    "zh") for t in rng.sample(titles, per_language)]
    return docs, pairs


def eligible_pairs(para: pd.DataFrame, pairs: list[tuple[str, str, str]]) -> int:
    present = set(para["doc_id"])
    return sum(a in present and b in present for _, a, b in pairs)


def system_links(system: str, corpus, para: pd.DataFrame, vectors: np.ndarray, options: EchoOptions) -> pd.DataFrame:
    """The cross-lingual links one system finds among the paragraphs (i, j = row positions in `para`)."""
    if system == "lockstep":
        return find_echoes(corpus, options, paragraphs=para, vectors=vectors).links
    if system == "no_margin":
        plain = EchoOptions(kinds=options.kinds, store=False, unanchored_margin=0.0)
        return find_echoes(corpus, plain, paragraphs=para, vectors=vectors).links
    times, groups = seconds(para["published_at"]), pd.factorize(para["group"])[0]
    languages = para["language"].fillna("").to_numpy(object)
    window = options.window_days * 86400
    if system == "no_check":
        settings = TranslationOptions(min_similarity=options.min_similarity, window_seconds=window)
        pairs, sims = candidate_pairs(vectors, languages, times.astype(np.float64), groups, settings)
        return link_frame(pairs, sims, "cross-lingual", times, groups, window)
    if system == "keyword_only":
        return anchor_links(para, languages, times, groups, window)
    if system == "nearest_in_time":
        return nearest_links(languages, times, groups, window)
    return link_frame(np.zeros((0, 2), np.int64), np.zeros(0), "cross-lingual", times, groups, window)


def other_language_partners(k: int, languages: np.ndarray, times: np.ndarray, groups: np.ndarray,
                            window: float) -> np.ndarray:
    """Row positions of the paragraphs in another language and another outlet within the window of row k."""
    near = np.abs(times - times[k]) <= window
    return np.flatnonzero(near & (languages != languages[k]) & (languages != "") & (groups != groups[k]))


def anchor_links(para: pd.DataFrame, languages: np.ndarray, times: np.ndarray, groups: np.ndarray,
                 window: float) -> pd.DataFrame:
    """Keyword-only: i–j linked when each is among the other's partners sharing the most anchors (at least one,
    not contradicted by numbers or officials)."""
    found = [anchors(t) for t in para["text"]]
    best: dict[int, set[int]] = {}
    for k in range(len(para)):
        scores = {}
        for j in other_language_partners(k, languages, times, groups, window):
            ok, shared = lexical_check(found[k], found[int(j)])
            if ok and shared:
                scores[int(j)] = shared
        top = max(scores.values(), default=0)
        best[k] = {j for j, s in scores.items() if s == top}
    pairs = np.array([(i, j) for i, js in best.items() for j in js if i < j and i in best.get(j, set())],
                     np.int64).reshape(-1, 2)
    return link_frame(pairs, np.ones(len(pairs)), "cross-lingual", times, groups, window)


def nearest_links(languages: np.ndarray, times: np.ndarray, groups: np.ndarray, window: float) -> pd.DataFrame:
    """Nearest in time: i–j linked when each is the other's closest other-language paragraph in time."""
    nearest = {}
    for k in range(len(times)):
        partners = other_language_partners(k, languages, times, groups, window)
        if len(partners):
            nearest[k] = int(partners[np.argmin(np.abs(times[partners] - times[k]))])
    pairs = np.array([(i, j) for i, j in nearest.items() if i < j and nearest.get(j) == i], np.int64).reshape(-1, 2)
    return link_frame(pairs, np.ones(len(pairs)), "cross-lingual", times, groups, window)


def link_scores(para: pd.DataFrame, links: pd.DataFrame, pairs: list[tuple[str, str, str]]) -> dict[str, float]:
    """Precision (of the cross-lingual links touching a planted document, the share joining a planted pair), recall
    (planted pairs linked) and F1 per language pair, and over all."""
    doc_of = para["doc_id"].to_numpy()
    lang_of = para["language"].to_numpy()
    truth = {frozenset((a, b)) for _, a, b in pairs}
    planted = {d for _, a, b in pairs for d in (a, b)}
    cross = links[links["kind"].isin(["translation", "cross-lingual"])]
    found: dict[str, list[bool]] = {}
    hit = set()
    for i, j in zip(cross["i"], cross["j"]):
        a, b = doc_of[i], doc_of[j]
        if a not in planted and b not in planted:
            continue  # two real headlines: no known answer
        correct = frozenset((a, b)) in truth
        found.setdefault("-".join(sorted((lang_of[i], lang_of[j]))), []).append(correct)
        if correct:
            hit.add(frozenset((a, b)))
    out = {}
    groups = {k: [frozenset((a, b)) for kind, a, b in pairs if kind == k] for k in sorted({k for k, _, _ in pairs})}
    groups["all"] = [frozenset((a, b)) for _, a, b in pairs]
    found["all"] = [c for v in found.values() for c in v]
    for kind, wanted in groups.items():
        recall = sum(p in hit for p in wanted) / len(wanted)
        precision = sum(found.get(kind, [])) / len(found[kind]) if found.get(kind) else 0.0
        out |= {f"{kind}.recall": recall, f"{kind}.precision": precision,
                f"{kind}.f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
                f"{kind}.links": float(len(found.get(kind, [])))}
    return out


# ---- key terms of a translated reprint ---------------------------------------------------------------------------


def translated(work: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for part, name in PARTS.items():
        corpus = store_of(work / f"translated-{part}.duckdb", translated_docs(read_rows(name), random.Random(5)))
        try:
            for bridges, meaning in (("spelling", False), ("meaning", True)):
                result = alignment(corpus, AlignOptions(actors=list("ABCDEFG"), period="all", on="terms", n_boot=50,
                                                        n_perm=50, meaning_bridges=meaning))
                terms = result[(result["measure"] == "terms_cosine") & result["actor_a"].isin(list("ABCD"))
                               & result["actor_b"].isin(list("ABCD"))]
                is_pair = (terms["actor_a"] == "A") & (terms["actor_b"] == "B")
                value, apart = float(terms.loc[is_pair, "value"].iloc[0]), float(terms.loc[~is_pair, "value"].max())
                out[f"{part}.{bridges}.pair"] = value
                out[f"{part}.{bridges}.pair_low"] = float(terms.loc[is_pair, "ci_low"].iloc[0])  # 95 % bootstrap
                out[f"{part}.{bridges}.ratio_to_apart"] = value / max(apart, 1e-3)
                out[f"{part}.nothing.pair"] = max(out.get(f"{part}.nothing.pair", 0.0), apart)
                out[f"{part}.nothing.ratio_to_apart"] = 1.0
                print(f"  {part:6s} {bridges:8s} bridges: translated pair terms_cosine {value:.3f} (relative "
                      f"{float(terms.loc[is_pair, 'relative'].iloc[0]):.2f}); pairs sharing no text: max {apart:.3f}",
                      flush=True)
        finally:
            corpus.close()
    return out


def translated_docs(pairs: list[dict], rng: random.Random) -> list[dict]:
    real = headline_rows("2022-07-01", "2022-08-01")
    sources = {p["source_text"] for p in pairs}
    pool = {"en": [r[0] for r in real if r[2] == "en" and r[0] not in sources],
            "ru": [r[0] for r in real if r[2] == "ru" and r[0] not in sources],
            "zh": [t for t in chinese_titles() if t not in sources]}
    docs = []
    for k, pair in enumerate(pairs):
        when = f"2022-07-{1 + k % 28:02d}T12:00:00"
        docs += [as_doc(pair["source_text"], "A", when, pair["source_lang"]),
                 as_doc(pair["target_text"], "B", when, pair["target_lang"]),
                 as_doc(rng.choice(pool[pair["source_lang"]]), "C", when, pair["source_lang"]),
                 as_doc(rng.choice(pool[pair["target_lang"]]), "D", when, pair["target_lang"])]
    for language, n, outlet in (("en", 3000, "E"), ("ru", 1500, "F"), ("zh", 1500, "G")):
        docs += [as_doc(text, outlet, f"2022-07-{1 + k % 28:02d}T12:00:00", language)
                 for k, text in enumerate(rng.sample(pool[language], min(n, len(pool[language]))))]
    return docs
