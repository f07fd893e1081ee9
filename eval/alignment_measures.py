"""The four alignment measures on a planted corpus with known answers (lockstep.testing.planted_corpus, built from
the full shared Channel One leads): B reprints A five days later with one framing sentence; C writes about other things and
carries no narrative; D and E publish other leads (tagged by the same narrative rule as A).

Figures, per measure: `lockstep.separation`, the reprint pair's value minus the highest value of a pair that is
apart (A or B with C, D or E on terms and phrases, which share no text; with C on the narrative measures, as D and
E carry the same narratives by construction), and `lockstep.separation_bound`, the same from the reprint's lower
and the apart pairs' upper bootstrap bound (what the floors sit on); `nothing.separation` (0) is a measure with one
value for every pair, the trivial predictor (narratives_mix has no pair apart with a value: C carries no
narrative, and D and E carry A's by construction). Reported, not floored: the reprint's lowest value and lowest relative
(value / permutation baseline: a reprint is one source split in two, so its relative sits at the permutation
null's centre, about 1, and cannot tell a reprint from chance) and the highest relative of a pair apart.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lockstep.testing import planted_corpus, store_of, tag
from alignment_data import LEADS
from lockstep.align.alignment_index import MEASURES, AlignOptions, alignment

NARRATIVE_MEASURES = ("narratives_mix", "narratives_jsd")


def measures(work: Path) -> dict[str, float]:
    docs, hits = planted_corpus(LEADS)
    corpus = store_of(work / "planted.duckdb", docs)
    tag(corpus, hits)
    try:
        result = alignment(corpus, AlignOptions(actors=["A", "B", "C", "D", "E"], period="all", n_boot=100,
                                                n_perm=100))
    finally:
        corpus.close()
    reprint = result[(result["actor_a"] == "A") & (result["actor_b"] == "B")].set_index("measure")
    out = {"reprint.min_value": float(reprint.loc[list(MEASURES), "value"].min()),
           "reprint.min_relative": float(reprint.loc[list(MEASURES), "relative"].min())}
    for measure in MEASURES:
        rows = apart(result, measure)
        if rows["value"].isna().all():  # narratives_mix: undefined for C, which carries no narrative
            print(f"  {measure:15s} reprint {reprint.loc[measure, 'value']:.3f}; no pair apart has a value")
            continue
        out[f"{measure}.lockstep.separation"] = float(reprint.loc[measure, "value"]) - float(rows["value"].max())
        out[f"{measure}.lockstep.separation_bound"] = (float(reprint.loc[measure, "ci_low"])
                                                       - float(rows["ci_high"].max()))
        out[f"{measure}.nothing.separation"] = 0.0  # a measure with one value for every pair
        print(f"  {measure:15s} reprint {reprint.loc[measure, 'value']:.3f} (95 % interval from "
              f"{reprint.loc[measure, 'ci_low']:.3f}; permutation baseline {reprint.loc[measure, 'baseline']:.3f}, "
              f"relative {reprint.loc[measure, 'relative']:.3f}); pairs apart: value max {rows['value'].max():.3f} "
              f"(interval to {rows['ci_high'].max():.3f}), relative max {rows['relative'].max():.3f}", flush=True)
    out["apart.max_relative"] = float(max(apart(result, m)["relative"].max() for m in MEASURES
                                          if apart(result, m)["relative"].notna().any()))
    return out


def apart(result: pd.DataFrame, measure: str) -> pd.DataFrame:
    """The rows of one measure for the pairs of A or B with an actor that shares nothing with them on it."""
    others = ["C"] if measure in NARRATIVE_MEASURES else ["C", "D", "E"]
    rows = result[result["measure"] == measure]
    return rows[(rows["actor_a"].isin(["A", "B"]) & rows["actor_b"].isin(others))
                | (rows["actor_b"].isin(["A", "B"]) & rows["actor_a"].isin(others))]
