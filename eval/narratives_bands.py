"""How often zero-shot hits are right, by how far their score clears the threshold (measured on a test part).

A hit is counted as an analyst sees it in an evidence list (`lockstep.narratives.evidence_list.once`): once per
paragraph and narrative chain, as its most specific narrative above threshold; a candidate below threshold only
when nothing in its chain is above threshold there. It is right when the gold labels carry that narrative (a gold
sub-narrative carries its parent). Precision per band of score - threshold, with a 90 % Wilson interval and the
counts behind it; upper bands with fewer than MIN_HITS hits are merged into the band below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lockstep.narratives.detect import Detector
from lockstep.narratives.evidence_list import once

from narratives_fit import Labelled, shifted, threshold_vector
from narratives_metrics import wilson

EDGES = (-0.10, 0.0, 0.05, 0.10, 0.20)   # margins (score - threshold); the last band is open above
MIN_HITS = 10                            # hits a band above the threshold needs (else merged with the one below)


def shown_hits(test: Labelled, detector: Detector, fitted: dict) -> pd.DataFrame:
    """(row, narrative, margin, right) of the hits and candidates an evidence list of `test` would show."""
    margins = shifted(test.scores, test.languages, fitted.get("language_shift", {})) - \
        threshold_vector(detector, fitted)[None, :]
    rows, cols = np.nonzero(margins >= EDGES[0])
    frame = pd.DataFrame({"doc_id": rows, "idx": 0, "narrative": [detector.ids[c] for c in cols],
                          "above": margins[rows, cols] >= 0, "margin": margins[rows, cols],
                          "right": test.y[rows, cols]})
    parents = {nid: n.parent for nid, n in detector.codebook.narratives.items()}
    return once(frame, parents)


def merged_edges(margins: np.ndarray) -> list[float]:
    """EDGES with the upper edges dropped until every band above the threshold holds MIN_HITS hits (a band of
    one or two hits would show a precision of 1.00 that says nothing)."""
    edges = list(EDGES)
    while len(edges) > 2:
        last = edges[-1]
        if (margins >= last).sum() >= MIN_HITS:
            break
        edges.pop()
    return edges


def precision_bands(test: Labelled, detector: Detector, fitted: dict) -> dict:
    shown = shown_hits(test, detector, fitted)
    edges = merged_edges(shown["margin"].to_numpy())
    bands = []
    for k, low in enumerate(edges):
        high = edges[k + 1] if k + 1 < len(edges) else None
        inside = shown[(shown["margin"] >= low) & (shown["margin"] < (high if high is not None else np.inf))]
        n, right = len(inside), int(inside["right"].sum())
        low_ci, high_ci = wilson(right, n)
        bands.append({"margin_low": low, "margin_high": high, "hits": n, "right": right,
                      "precision": round(right / n, 3) if n else None,
                      "interval_90": [round(low_ci, 3), round(high_ci, 3)] if n else None,
                      "kind": "candidate" if low < 0 else "hit"})
    languages = ", ".join(f"{lang} {int((test.languages == lang).sum())}" for lang in sorted(set(test.languages)))
    return {"bands": bands, "measured_on": f"the hand-labelled test paragraphs ({len(test)}: {languages})",
            "detector": "zero-shot with the packaged thresholds (fitted on the tuning part)",
            "source": "eval/results/narratives.json, precision_bands (make eval)"}
