"""What the first alignment view shows on the real 2022 headlines with the BBC as a control: the pairs of state
actors of one bloc (Russian, Chinese) should read apart from the pairs with the BBC.

Narratives are tagged zero-shot, and each actor needs the report's 5 documents in a period. For the view the report
and dashboard show first (`align.index.FIRST_VIEW`) and, measured in the same run, every other measure and
presentation (narratives_jsd values were the view before), and `nothing` (one value in every cell): `bloc_auc` =
the chance that a pair within a bloc reads higher than a pair with the BBC, `state_auc` the same for every state
pair (Russian–Chinese ones included), `gap` = the difference of their means as a share of the view's colour scale
(0 to the highest pair), `pairs_shown` = pairs with a value.

Parts: `tuning`, July 2022, chose the view; `seen`, August 2022, was looked at together with July before the
choice, so it is not held out (reported, not floored); `test`, 1–7 September 2022, was looked at by nobody before
it was scored here: the BBC and Chinese headline sets end on 7 September, so every actor is cut to those seven days
and the week is one period.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lockstep.testing import store_of
from alignment_data import as_doc, headline_rows
from lockstep.align.alignment_index import FIRST_VIEW, MEASURES, AlignOptions, alignment, first_view
from lockstep.narratives.tagging import TagOptions, tag

ACTORS = ["RT", "MFA Russia", "Channel One", "CGTN", "Xinhua", "Global Times", "China Daily", "BBC"]
BLOC = {**{a: "ru" for a in ("RT", "Kremlin", "MFA Russia", "Channel One")},
        **{a: "cn" for a in ("CGTN", "Global Times", "Xinhua", "China Daily")}}
STORES = {  # window [since, until), alignment period, {part: period label in the result (None: the only one)}
    "jul-aug": ("2022-07-01", "2022-09-01", "month", {"tuning": "2022-07", "seen": "2022-08"}),
    "sep": ("2022-09-01", "2022-09-08", "all", {"test": None}),
}


def firstview(work: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, (since, until, period, parts) in STORES.items():
        result = aligned(work / f"firstview-{name}.duckdb", since, until, period)
        shown = first_view(result)
        print(f"  {name}: first view {shown[0]} {shown[1]} (of {', '.join(' '.join(v) for v in FIRST_VIEW)})")
        for part, label in parts.items():
            frame = result if label is None else result[result["period"] == label]
            out.update({f"{part}.{k}": v for k, v in part_figures(frame, shown, f"{part} {label or since}").items()})
    return out


def aligned(path: Path, since: str, until: str, period: str) -> pd.DataFrame:
    docs = [as_doc(text, outlet, when, lang) for text, outlet, lang, when in headline_rows(since, until)]
    corpus = store_of(path, docs)
    try:
        tag(corpus, TagOptions())
        return alignment(corpus, AlignOptions(actors=ACTORS, period=period, n_boot=50, n_perm=100, min_units=5))
    finally:
        corpus.close()


def part_figures(frame: pd.DataFrame, shown: tuple[str, str], label: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for measure in MEASURES:
        for column in ("value", "relative"):
            figures = view_separation(frame[frame["measure"] == measure], column)
            name = "first_view" if (measure, column) == shown else f"{measure}.{column}"
            out.update({f"{name}.{k}": v for k, v in figures.items()})
            print(f"  {label:12s} {measure:15s} {column:8s} " + ", ".join(f"{k} {v:.3f}" for k, v in figures.items()),
                  flush=True)
    constant = frame[frame["measure"] == shown[0]].assign(**{shown[1]: 1.0})
    out.update({f"nothing.{k}": v for k, v in view_separation(constant, shown[1]).items()
                if k in ("bloc_auc", "state_auc", "gap")})
    return out


def view_separation(frame: pd.DataFrame, column: str) -> dict[str, float]:
    """How far the pairs within a state bloc read from the pairs with the BBC on one view of the matrix."""
    kinds = [pair_kind(a, b) for a, b in zip(frame["actor_a"], frame["actor_b"])]
    values = frame[column].to_numpy(float)
    bloc = values[[k == "bloc" for k in kinds]]
    state = values[[k in ("bloc", "cross") for k in kinds]]
    control = values[[k == "control" for k in kinds]]
    bloc, state, control = (v[~np.isnan(v)] for v in (bloc, state, control))
    top = np.nanmax(values) if np.isfinite(values).any() else float("nan")
    return {"bloc_auc": auc(bloc, control), "state_auc": auc(state, control),
            "gap": (bloc.mean() - control.mean()) / top if len(bloc) and len(control) and top > 0 else 0.0,
            "pairs_shown": float(np.isfinite(values).sum()), "bloc_pairs": float(len(bloc)),
            "control_pairs": float(len(control))}


def pair_kind(a: str, b: str) -> str:
    if "BBC" in (a, b):
        return "control"
    return "bloc" if BLOC.get(a) == BLOC.get(b) else "cross"


def auc(higher: np.ndarray, lower: np.ndarray) -> float:
    """The chance that a value of `higher` exceeds one of `lower` (ties count half); 0.5 when either is empty."""
    if not len(higher) or not len(lower):
        return 0.5
    diff = np.subtract.outer(np.asarray(higher), np.asarray(lower))
    return float((diff > 0).mean() + 0.5 * (diff == 0).mean())
