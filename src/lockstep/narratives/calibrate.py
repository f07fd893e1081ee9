"""Decision thresholds per narrative: packaged ones (fitted on labelled data by eval/narratives.py), and
ones recalibrated from reviewed tags in a store.

Precedence when tagging: thresholds recalibrated from reviews in this store > packaged thresholds > the
detector's default. A fitted threshold is shrunk toward the prior (the narrative's current threshold) in
proportion to how little evidence there is: t = (n * t_fit + k * t_prior) / (n + k), n = reviewed hits, k = 5.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

import lockstep.narratives.tables as tables

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.narratives.codebook import Codebook
    from lockstep.narratives.detect import DetectOptions
    from lockstep.store.corpus import Corpus

PACKAGED = "thresholds.json"
SHRINK = 5


def packaged_path() -> Path:
    return Path(str(resources.files("lockstep") / "data" / "codebook" / PACKAGED))


def packaged_thresholds() -> dict:
    """{"default": float, "narratives": {id: float}} fitted on labelled data, or {} when absent."""
    path = packaged_path()
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def stored_thresholds(corpus: "Corpus") -> dict[str, float]:
    tables.ensure_tables(corpus)
    return tables.stored_thresholds(corpus.con)


def thresholds_for(corpus: "Corpus | None", codebook: "Codebook", options: "DetectOptions") -> dict[str, float]:
    """The threshold of every narrative for this detector configuration."""
    out = {nid: options.default_threshold for nid in codebook.narratives}
    packaged = packaged_thresholds()
    if packaged and applies(packaged, options):
        levels = {int(k): v for k, v in packaged.get("by_level", {}).items()}
        default = packaged.get("default", options.default_threshold)
        out.update({nid: levels.get(codebook.level(nid), default) for nid in codebook.narratives})
        out.update({k: v for k, v in packaged.get("narratives", {}).items() if k in out})
    if corpus is not None:
        out.update({k: v for k, v in stored_thresholds(corpus).items() if k in out})
    return out


def applies(packaged: dict, options: "DetectOptions") -> bool:
    """Packaged thresholds hold only for the detector configuration they were fitted with."""
    return (options.semantic and options.lexical and packaged.get("aggregate", "max") == options.aggregate
            and abs(packaged.get("lexical_weight", options.lexical_weight) - options.lexical_weight) < 1e-9
            and bool(packaged.get("definitions", False)) == options.definitions)


def packaged_language_shift(options: "DetectOptions") -> dict[str, float]:
    """The per-language score shift fitted with the packaged thresholds ({} when they do not apply)."""
    packaged = packaged_thresholds()
    return dict(packaged.get("language_shift", {})) if packaged and applies(packaged, options) else {}


def best_threshold(scores: Sequence[float], labels: Sequence[bool], prior: float,
                   shrink: int = SHRINK) -> tuple[float, float]:
    """(threshold, F1 at it): the cut on `scores` that maximises F1 for `labels`, shrunk toward `prior`.

    The cut is placed halfway between the lowest score kept and the highest score below it."""
    scores_arr = np.asarray(scores, dtype=float)
    labels_arr = np.asarray(labels, dtype=bool)
    if labels_arr.sum() == 0 or len(scores_arr) == 0:
        return prior, 0.0
    order = np.argsort(-scores_arr, kind="stable")
    s, y = scores_arr[order], labels_arr[order]
    tp = np.cumsum(y)
    fp = np.cumsum(~y)
    f1 = 2 * tp / (tp + fp + y.sum())
    distinct = np.r_[s[1:] != s[:-1], True]          # only cut between different scores
    f1 = np.where(distinct, f1, -1)
    k = int(np.argmax(f1))
    below = s[k + 1] if k + 1 < len(s) else s[k] - 0.05
    fitted = (s[k] + below) / 2
    n = len(s)
    return float((n * fitted + shrink * prior) / (n + shrink)), float(f1[k])


def review_labels(corpus: "Corpus") -> "pd.DataFrame":
    """One row per reviewed hit: its score and the majority decision (ties count as rejected)."""
    tables.ensure_tables(corpus)
    return tables.reviewed_hit_votes(corpus.con)


def recalibrate(corpus: "Corpus", *, min_reviews: int = 5) -> "pd.DataFrame":
    """Fit each narrative's threshold on its reviewed hits, store it and re-mark the hits; returns the changes."""
    import pandas as pd

    reviewed = review_labels(corpus)
    rows = []
    for narrative, group in reviewed.groupby("narrative"):
        if len(group) < min_reviews:
            continue
        accepted = (group["accepts"] * 2 > group["reviews"]).to_numpy()
        prior = float(group["threshold"].median())
        threshold, f1 = best_threshold(group["score"].tolist(), accepted.tolist(), prior)
        rows.append({"narrative": narrative, "old_threshold": round(prior, 4), "threshold": round(threshold, 4),
                     "accepted": int(accepted.sum()), "rejected": int((~accepted).sum()), "f1": round(f1, 4)})
    for row in rows:
        tables.store_reviewed_threshold(corpus.con, row)
    return pd.DataFrame(rows, columns=["narrative", "old_threshold", "threshold", "accepted", "rejected", "f1"])
