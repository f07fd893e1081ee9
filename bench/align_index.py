"""Benchmark: the alignment index at 100,000 (and 1,000,000) documents built from the real headline sets.

    .venv/bin/python bench/align_index.py                       # 100k documents (one paragraph each)
    .venv/bin/python bench/align_index.py --paragraphs 1000000  # 1M

The store: real headlines of RT, the Russian MFA, Kremlin, TASS, Sputnik, MoD (ru-state-media, English), CGTN,
Global Times, Xinhua, China Daily, BBC (cn-state-media-2022) and Channel One's Russian leads, drawn at random
(with replacement) and re-dated uniformly over February–September 2022; a headline drawn again gets one real word
of another headline appended, so every document's text is distinct and the vocabulary stays real.

Timed: `alignment()` for eight actors by month, terms and phrases, 200 bootstrap resamples and 200 permutations per
cell, as `lockstep align` runs it. Against it, in the same run, the computation a competent analyst would write in
plain Python: each document tokenised once, its term and phrase Counters built once (not per replicate), a
cell's reference summed from them, and each bootstrap or permutation replicate summed from the drawn documents'
Counters weighted by how often each was drawn. The baseline is measured on a subsample (tokenising and counting
2,000 documents; one pair's reference and `--naive-reps` replicates) and extrapolated linearly to every document,
pair and 400 replicates; the output says so.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "align"))

from _measure import write_result  # noqa: E402
QUICK_ARGS = ["--paragraphs", "100000"]
ACTORS = ["RT", "MFA Russia", "Channel One", "CGTN", "Xinhua", "Global Times", "China Daily", "BBC"]


def build(path: Path, n: int, seed: int = 11) -> None:
    from align import OUTLET_ACTOR, read_rows
    from builders import doc

    import lockstep
    from lockstep.store.writer import insert_documents

    rng = random.Random(seed)
    rows = read_rows()
    words = [w for text, _, _, _ in rows[:20_000] for w in text.split() if w.isalpha()]
    start, span = datetime(2022, 2, 1), 240 * 86400
    seen: set[int] = set()
    corpus = lockstep.open(path)
    batch = []
    for k in range(n):
        i = rng.randrange(len(rows))
        text, outlet, lang, _ = rows[i]
        if i in seen:
            text = f"{text} {rng.choice(words)}"
        seen.add(i)
        when = start + timedelta(seconds=rng.randrange(span))
        batch.append(doc(text, outlet, when.isoformat(timespec="seconds"),
                         language=lang, actor=OUTLET_ACTOR.get(outlet, outlet)))
        if len(batch) == 20_000:
            insert_documents(corpus.con, batch)
            batch = []
    if batch:
        insert_documents(corpus.con, batch)
    corpus.close()


def naive(corpus, options, reps: int, sample: int = 2_000) -> dict[str, float]:
    """The same cells in plain Python, timed in parts: each document tokenised and counted once (its term and
    phrase Counters; timed on `sample` documents, extrapolated to all), then per cell the reference (every other
    actor) summed from those Counters, and each replicate summed from the drawn documents' Counters, each
    weighted by the times it was drawn (timed on the first cell with `reps` replicates, extrapolated to every
    cell and 400 replicates)."""
    import numpy as np

    from lockstep.align.features import load_units, phrases_of, terms_of, token_rows
    from lockstep.store.corpus import DocumentFilter

    units = load_units(corpus, DocumentFilter(since=options.since, until=options.until), period=options.period)
    groups = list(units.groupby("period", sort=True))
    cells = [(g, a, b) for _, g in groups for i, a in enumerate(ACTORS) for b in ACTORS[i + 1:]
             if min((g["actor"] == a).sum(), (g["actor"] == b).sum()) >= options.min_units]
    group, a, b = cells[0]
    first_cell = group[group["actor"].isin([a, b])]
    picked = units.sample(min(sample, len(units)), random_state=0)
    picked = picked[~picked["doc_id"].isin(first_cell["doc_id"])]
    t = time.perf_counter()
    counted = {d: counts_of(token_rows(text or "", lang), terms_of, phrases_of)
               for d, text, lang in zip(picked["doc_id"], picked["text"], picked["language"])}
    tokenize = (time.perf_counter() - t) * len(units) / len(picked)
    counted.update({d: counts_of(token_rows(text or "", lang), terms_of, phrases_of)
                    for d, text, lang in zip(first_cell["doc_id"], first_cell["text"], first_cell["language"])})
    docs_a = [counted[d] for d in group.loc[group["actor"] == a, "doc_id"]]
    docs_b = [counted[d] for d in group.loc[group["actor"] == b, "doc_id"]]
    rest = units[~units["actor"].isin([a, b])]
    rest_counts = [counted[d][0] for d in rest["doc_id"] if d in counted]  # the sampled ones stand for all
    t = time.perf_counter()
    reference: Counter = Counter()
    for counts in rest_counts:
        reference.update(counts)
    reference_time = (time.perf_counter() - t) * len(rest) / max(1, len(rest_counts))
    rng = np.random.default_rng(0)
    t = time.perf_counter()
    for _ in range(reps):
        ca, pa = weighted_sum(docs_a, rng.integers(0, len(docs_a), len(docs_a)))
        cb, pb = weighted_sum(docs_b, rng.integers(0, len(docs_b), len(docs_b)))
        cosine_of(ca, cb, reference)
        len({p for p, c in pa.items() if c >= 2} & {p for p, c in pb.items() if c >= 2})
    replicate = (time.perf_counter() - t) / reps
    replicates = options.n_boot + options.n_perm
    total = tokenize + len(cells) * (2 * reference_time + replicates * replicate)
    return {"tokenize": tokenize, "reference": reference_time, "replicate": replicate, "cells": len(cells),
            "total": total}


def counts_of(rows, terms_of, phrases_of) -> tuple[Counter, Counter]:
    """A document's term and phrase Counters, built once."""
    return Counter(terms_of(rows)), Counter(phrases_of(rows))


def weighted_sum(docs: list[tuple[Counter, Counter]], draws) -> tuple[Counter, Counter]:
    """Term and phrase counts of a resample: each drawn document's Counters times the number of draws."""
    import numpy as np

    terms: Counter = Counter()
    phrases: Counter = Counter()
    picked, times = np.unique(draws, return_counts=True)
    for j, w in zip(picked.tolist(), times.tolist()):
        for term, c in docs[j][0].items():
            terms[term] += w * c
        for phrase, c in docs[j][1].items():
            phrases[phrase] += w * c
    return terms, phrases


def cosine_of(a: Counter, b: Counter, reference: Counter) -> float:
    import math

    size_a, size_b, size_r = sum(a.values()) or 1, sum(b.values()) or 1, sum(reference.values()) or 1

    def weight(counts, size, term):
        return max(0.0, math.log2(((counts[term] + 0.5) / size) / ((reference.get(term, 0) + 0.5) / size_r)) - 1)

    wa = {t: weight(a, size_a, t) for t in a}
    wb = {t: weight(b, size_b, t) for t in b}
    dot = sum(w * wb.get(t, 0.0) for t, w in wa.items())
    norm = math.sqrt(sum(w * w for w in wa.values())) * math.sqrt(sum(w * w for w in wb.values()))
    return dot / norm if norm else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=100_000, help="documents of one paragraph each")
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--naive-reps", type=int, default=4, help="replicates the naive run is timed on")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()

    import lockstep
    from lockstep.align.alignment_index import AlignOptions, alignment

    db = args.db or Path(f"/tmp/lockstep-bench-align/index-{args.paragraphs}.duckdb")
    db.parent.mkdir(parents=True, exist_ok=True)
    if args.rebuild and db.exists():
        db.unlink()
    if not db.exists():
        t = time.perf_counter()
        build(db, args.paragraphs)
        print(f"built store of {args.paragraphs} documents: {time.perf_counter() - t:.1f} s")
    print(f"cores: {os.cpu_count()} (affinity {len(os.sched_getaffinity(0))}); load average "
          f"{os.getloadavg()[0]:.1f}")
    options = AlignOptions(actors=ACTORS, period="month", on="terms", since="2022-02-01", until="2022-10-01")
    with lockstep.open(db, read_only=True) as corpus:
        n_para = corpus.count("paragraphs")
        t = time.perf_counter()
        result = alignment(corpus, options)
        fast = time.perf_counter() - t
        print(f"alignment index: {n_para} paragraphs, {len(ACTORS)} actors by month, terms + phrases, "
              f"{options.n_boot} bootstrap + {options.n_perm} permutations per cell: {len(result)} cells in "
              f"{fast:.1f} s")
        slow = naive(corpus, options, args.naive_reps)
    print(f"plain-Python baseline, extrapolated: tokenising and counting each document once ~{slow['tokenize']:.0f} s "
          f"(timed on 2,000), then {slow['cells']} pair-months x (2 x {slow['reference']:.2f} s reference + "
          f"{options.n_boot + options.n_perm} replicates x {slow['replicate']:.3f} s, terms and phrases summed "
          f"from the drawn documents' Counters; timed on one pair-month with {args.naive_reps}): "
          f"~{slow['total']:.0f} s; ratio baseline / lockstep ~{slow['total'] / fast:.0f}x")
    target = 60 if args.paragraphs <= 100_000 else 600
    print(f"target < {target} s: {'met' if fast < target else 'NOT met'}")
    write_result(f"align_index-{args.paragraphs}", {
        "paragraphs": n_para, "cells": len(result), "lockstep_s": fast, "baseline": slow,
        "ratio": slow["total"] / fast, "target_s": target})


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
