"""Scoring narrative predictions against gold labels, as in SemEval-2025 Task 10 subtask 2.

Label sets per row at level 1 (narratives) and level 2 (sub-narratives; a narrative without a fitting
sub-narrative is `<narrative>:other`), `none` for a row without any. Per label precision/recall/F1 with support,
micro and macro F1 (macro over labels with gold support), and samples-F1 (the mean over rows of the F1 between
the predicted and gold label sets; the task's measure).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import lru_cache
from typing import Callable

import numpy as np

from lockstep.narratives.detect import Detector

FAMILIES: dict[str, Callable[[str], bool]] = {"state": lambda n: not n.startswith(("urw.", "cc.")),
                                              "urw": lambda n: n.startswith("urw."), "all": lambda n: True}


def gold_matrix(detector: Detector, golds: list[set[str]]) -> np.ndarray:
    """(n, narratives) booleans: a gold label and all its ancestors are positive."""
    y = np.zeros((len(golds), len(detector.ids)), dtype=bool)
    for row, labels in enumerate(golds):
        for label in labels:
            for nid in [label, *detector.codebook.ancestors(label)]:
                y[row, detector.column[nid]] = True
    return y


def label_sets(matrix: np.ndarray, detector: Detector, level: int, family=FAMILIES["all"]) -> list[set[str]]:
    """Label sets at a taxonomy level: level-1 ids, or level-2 ids with `<narrative>:other` for a narrative
    whose sub-narratives are all absent; `none` for an empty set."""
    book = detector.codebook
    out = []
    for row in matrix:
        ids = {detector.ids[c] for c in np.flatnonzero(row) if family(detector.ids[c])}
        if level == 1:
            labels = {n for n in ids if book.level(n) == 1}
        else:
            subs = {n for n in ids if book.level(n) == 2 and not n.endswith(".other")}
            labels = set(subs)
            for top in (n for n in ids if book.level(n) == 1):
                if not any(book.top(n) == top for n in subs):
                    labels.add(f"{top}:other")
        out.append(labels or {"none"})
    return out


@lru_cache(maxsize=16)
def vocabulary(detector: Detector, level: int) -> tuple[list[str], np.ndarray, list[tuple[int, np.ndarray]]]:
    """The labels of a level as matrix columns: (names, narrative column of each direct label, and per top-level
    narrative its column and its sub-narratives' columns (for `<narrative>:other`)); the last label is `none`."""
    book = detector.codebook
    if level == 1:
        direct = [j for j, n in enumerate(detector.ids) if book.level(n) == 1]
        return [detector.ids[j] for j in direct] + ["none"], np.array(direct), []
    direct = [j for j, n in enumerate(detector.ids) if book.level(n) == 2 and not n.endswith(".other")]
    tops = [(j, np.array([c for c in direct if book.top(detector.ids[c]) == n], dtype=np.int64))
            for j, n in enumerate(detector.ids) if book.level(n) == 1]
    names = [detector.ids[j] for j in direct] + [f"{detector.ids[j]}:other" for j, _ in tops] + ["none"]
    return names, np.array(direct), tops


def label_matrix(matrix: np.ndarray, detector: Detector, level: int) -> np.ndarray:
    """`label_sets` of the whole codebook as a boolean matrix over `vocabulary(detector, level)` (fast)."""
    _names, direct, tops = vocabulary(detector, level)
    parts = [matrix[:, direct]]
    for top, subs in tops:
        has_sub = matrix[:, subs].any(axis=1) if len(subs) else np.zeros(len(matrix), dtype=bool)
        parts.append((matrix[:, top] & ~has_sub)[:, None])
    labels = np.hstack(parts)
    return np.hstack([labels, ~labels.any(axis=1, keepdims=True)])


def samples_f1_matrix(gold: np.ndarray, pred: np.ndarray) -> float:
    """samples-F1 of label matrices (every row has at least one label: `none` when empty)."""
    both = (gold & pred).sum(axis=1)
    return float(np.mean(2 * both / (gold.sum(axis=1) + pred.sum(axis=1))))


def micro_f1_matrix(gold: np.ndarray, pred: np.ndarray) -> float:
    """micro-F1 over the narrative labels of label matrices (`none` left out)."""
    tp = float((gold[:, :-1] & pred[:, :-1]).sum())
    wrong = float((gold[:, :-1] ^ pred[:, :-1]).sum())
    return 2 * tp / (2 * tp + wrong) if tp or wrong else 0.0


def macro_f1_matrix(gold: np.ndarray, pred: np.ndarray) -> float:
    """macro-F1 over the narrative labels with gold support (`none` left out), as `metrics` computes it."""
    g, p = gold[:, :-1], pred[:, :-1]
    supported = g.any(axis=0)
    if not supported.any():
        return 0.0
    tp = (g & p).sum(axis=0)[supported]
    wrong = (g ^ p).sum(axis=0)[supported]
    return float(np.mean(2 * tp / (2 * tp + wrong)))


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def samples_f1(gold: list[set[str]], pred: list[set[str]]) -> float:
    return float(np.mean([f1(len(g & p) / len(p), len(g & p) / len(g)) for g, p in zip(gold, pred)]))


def metrics(gold: list[set[str]], pred: list[set[str]]) -> dict:
    samples = [f1(len(g & p) / len(p), len(g & p) / len(g)) for g, p in zip(gold, pred)]
    counts: dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, pred):
        for label in g | p:
            counts[label]["tp"] += label in g and label in p
            counts[label]["fp"] += label in p and label not in g
            counts[label]["fn"] += label in g and label not in p
    per_label = {}
    for label, c in sorted(counts.items()):
        if label == "none":
            continue
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        per_label[label] = {"precision": round(precision, 3), "recall": round(recall, 3),
                            "f1": round(f1(precision, recall), 3), "support": c["tp"] + c["fn"]}
    tp = sum(c["tp"] for k, c in counts.items() if k != "none")
    fp = sum(c["fp"] for k, c in counts.items() if k != "none")
    fn = sum(c["fn"] for k, c in counts.items() if k != "none")
    supported = [v["f1"] for v in per_label.values() if v["support"] > 0]
    micro_p, micro_r = (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)
    bearing = [s for s, g in zip(samples, gold) if g != {"none"}]
    return {"samples_f1": round(float(np.mean(samples)), 4),
            "samples_f1_narrative_bearing": round(float(np.mean(bearing)), 4) if bearing else 0.0,
            "micro_precision": round(micro_p, 4),
            "micro_recall": round(micro_r, 4), "micro_f1": round(f1(micro_p, micro_r), 4),
            "macro_f1": round(float(np.mean(supported)), 4) if supported else 0.0,
            "n": len(gold), "per_narrative": per_label}


def evaluate(y: np.ndarray, predicted: np.ndarray, detector: Detector) -> dict:
    """Full metrics per family (state, urw, all) and level."""
    out = {}
    for family_name, family in FAMILIES.items():
        for level in (1, 2):
            out[f"{family_name}.l{level}"] = metrics(label_sets(y, detector, level, family),
                                                     label_sets(predicted, detector, level, family))
    return out


def figures(y: np.ndarray, predicted: np.ndarray, detector: Detector) -> dict:
    """macro-F1, samples-F1 and micro-F1 at both levels, the whole codebook."""
    out: dict = {"n": int(len(y)), "positive": int(y.any(axis=1).sum())}
    for level in (1, 2):
        block = metrics(label_sets(y, detector, level), label_sets(predicted, detector, level))
        out[f"l{level}"] = {"macro_f1": block["macro_f1"], "samples_f1": block["samples_f1"],
                            "micro_f1": block["micro_f1"]}
    return out


def by_language(y: np.ndarray, predicted: np.ndarray, languages: np.ndarray, detector: Detector,
                wanted: tuple[str, ...]) -> dict:
    out = {lang: figures(y[languages == lang], predicted[languages == lang], detector)
           for lang in wanted if (languages == lang).any()}
    if len(wanted) > 1:
        out["all"] = figures(y, predicted, detector)
    return out


def majority(y: np.ndarray) -> np.ndarray:
    """The most frequent label set of `y` (one row)."""
    rows = Counter(map(lambda r: r.tobytes(), y))
    return np.frombuffer(rows.most_common(1)[0][0], dtype=bool).copy()


def wilson(hits: int, n: int, z: float = 1.645) -> tuple[float, float]:
    """The Wilson score interval (90 % by default) of a proportion hits / n."""
    if n == 0:
        return 0.0, 1.0
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))
