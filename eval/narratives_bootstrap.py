"""How much the narrative figures would move with another sample of the same size: a bootstrap over the rows of a
test part.

Each resample draws the test rows with replacement (RESAMPLES times, a fixed seed per data set and language, the
same draws for every system, so systems are compared on the same resamples) and recomputes samples-F1, micro-F1,
macro-F1 and samples-F1 on narrative-bearing rows at both levels from the label matrices of
`narratives_metrics.label_matrix` (weights instead of copies: a resample is a vector of counts). The interval is
the 5th to 95th percentile (90 %); `sd` the standard deviation. Macro-F1 here averages unrounded per-label F1, so
a point figure of `narratives_metrics.metrics` (which rounds per label to 3 decimals first) can differ from the
resamples' centre by under 0.001.
"""

from __future__ import annotations

import zlib

import numpy as np

from lockstep.narratives.detect import Detector

from narratives_metrics import FAMILIES, label_matrix

RESAMPLES = 1000
LEVELS = (1, 2)


def resample_weights(n: int, key: str, resamples: int = RESAMPLES) -> np.ndarray:
    """(resamples, n) counts of each row in each resample (each row of counts sums to n)."""
    rng = np.random.default_rng(zlib.crc32(key.encode("utf-8")))
    return rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(np.float64)


def family_columns(detector: Detector, family: str) -> np.ndarray:
    keep = FAMILIES[family]
    return np.array([keep(nid) for nid in detector.ids], dtype=bool)


def metric_draws(gold: np.ndarray, pred: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Per resample: samples_f1, samples_f1_narrative_bearing, micro_f1, macro_f1 of label matrices whose last
    column is `none` (as label_matrix gives them)."""
    n = len(gold)
    both = gold & pred
    per_row = 2 * both.sum(axis=1) / (gold.sum(axis=1) + pred.sum(axis=1))
    bearing = ~gold[:, -1]
    out = {"samples_f1": weights @ per_row / n}
    kept = weights @ bearing.astype(np.float64)
    out["samples_f1_narrative_bearing"] = np.divide(weights @ (per_row * bearing), kept, out=np.zeros(len(weights)),
                                                    where=kept > 0)
    g, b = gold[:, :-1], both[:, :-1]
    wrong = (g ^ pred[:, :-1]).astype(np.float64)
    tp_rows, wrong_rows = b.sum(axis=1).astype(np.float64), wrong.sum(axis=1)
    tp, miss = weights @ tp_rows, weights @ wrong_rows
    out["micro_f1"] = np.divide(2 * tp, 2 * tp + miss, out=np.zeros(len(weights)), where=(2 * tp + miss) > 0)
    label_tp, label_wrong = weights @ b.astype(np.float64), weights @ wrong
    supported = (weights @ g.astype(np.float64)) > 0
    f1 = np.divide(2 * label_tp, 2 * label_tp + label_wrong, out=np.zeros_like(label_tp),
                   where=(2 * label_tp + label_wrong) > 0)
    count = supported.sum(axis=1)
    out["macro_f1"] = np.divide((f1 * supported).sum(axis=1), count, out=np.zeros(len(weights)), where=count > 0)
    return out


def summary(draws: np.ndarray) -> dict[str, float]:
    low, high = np.percentile(draws, [5, 95])
    return {"low": round(float(low), 4), "high": round(float(high), 4), "sd": round(float(draws.std()), 4)}


def block_intervals(y: np.ndarray, predicted: dict[str, np.ndarray], detector: Detector, key: str,
                    families: tuple[str, ...] = ("all",)) -> dict:
    """{system: {"<family>.l<level>": {metric: {low, high, sd}}}} for one set of test rows."""
    weights = resample_weights(len(y), key)
    out: dict = {system: {} for system in predicted}
    for family in families:
        columns = family_columns(detector, family)
        for level in LEVELS:
            gold = label_matrix(y & columns, detector, level)
            for system, pred in predicted.items():
                draws = metric_draws(gold, label_matrix(pred & columns, detector, level), weights)
                out[system][f"{family}.l{level}"] = {metric: summary(d) for metric, d in draws.items()}
    return out


def language_intervals(y: np.ndarray, predicted: dict[str, np.ndarray], languages: np.ndarray, detector: Detector,
                       dataset: str, wanted: tuple[str, ...]) -> dict:
    """{system: {language: {"l1"/"l2": {metric: {low, high, sd}}}}} per language of `wanted` present, and `all`
    when several are wanted (as narratives_metrics.by_language)."""
    parts = {lang: languages == lang for lang in wanted if (languages == lang).any()}
    if len(wanted) > 1:
        parts["all"] = np.ones(len(y), dtype=bool)
    out: dict = {system: {} for system in predicted}
    for lang, mask in parts.items():
        block = block_intervals(y[mask], {s: p[mask] for s, p in predicted.items()}, detector, f"{dataset}|{lang}")
        for system, levels in block.items():
            out[system][lang] = {key.split(".")[1]: metrics for key, metrics in levels.items()}
    return out
