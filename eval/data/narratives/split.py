"""Which hand-labelled paragraphs are fitted on and which are scored (deterministic).

Writes parts.csv (id, part, first_split):

* `codebook-source`: the paragraphs of the seed pages (../shared/corpus/seeds). The default codebook's example
  claims were written from these pages (some word for word), so they are in no part that is scored or tuned on;
* `tune`: every other row of the first sample (paragraphs.csv). Everything the evaluation fits or chooses
  (thresholds, the per-language shift and how both are fitted, the detector's lexical weight and whether
  descriptions count as claims, the learned detector, the majority label set; the packaged thresholds in
  src/lockstep/data/codebook/thresholds.json) is fitted on these rows only. All of them were looked at while the
  detector and the codebook were configured (GUIDE.md), so none may be scored;
* `test`: the fresh batch (fresh/paragraphs.csv, fresh/labels.csv), labelled and committed before any detector
  ran on it; scored and never fitted on.

`first_split` keeps the split this file made before the fresh batch existed (half of every stratum, source x
carries a narrative, fixed seed): the rows its `test` half held were scored then, and looked at.

    python eval/data/narratives/split.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 18


def first_split(paragraphs: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """The first sample's split of issue 18's first pass: tune / test halves per source x carries a narrative."""
    frame = paragraphs.merge(labels, on="id", validate="one_to_one")
    part = pd.Series("", index=frame.index)
    part[frame["source"].str.startswith("seed:")] = "codebook-source"
    rng = np.random.default_rng(SEED)
    rest = frame[part == ""]
    for _key, group in rest.groupby([rest["source"], rest["labels"] != ""], sort=True):
        order = rng.permutation(len(group))
        part[group.index[order]] = np.where(np.arange(len(group)) % 2 == 0, "tune", "test")
    return pd.DataFrame({"id": frame["id"], "first_split": part})


def parts(first: pd.DataFrame, first_labels: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    old = first_split(first, first_labels)
    old["part"] = np.where(old["first_split"] == "codebook-source", "codebook-source", "tune")
    new = pd.DataFrame({"id": fresh["id"], "part": "test", "first_split": ""})
    out = pd.concat([old[["id", "part", "first_split"]], new], ignore_index=True)
    assert out["id"].is_unique, "an id in both batches"
    return out


def main() -> None:
    first = pd.read_csv(HERE / "paragraphs.csv")
    labels = pd.read_csv(HERE / "labels.csv", keep_default_na=False)
    fresh = pd.read_csv(HERE / "fresh" / "paragraphs.csv")
    fresh_labels = pd.read_csv(HERE / "fresh" / "labels.csv", keep_default_na=False)
    out = parts(first, labels, fresh)
    out.to_csv(HERE / "parts.csv", index=False)
    rows = pd.concat([first, fresh])[["id", "language"]].merge(pd.concat([labels, fresh_labels])[["id", "labels"]])
    summary = out.merge(rows, on="id")
    summary["positive"] = summary["labels"] != ""
    print(summary.groupby(["part", "language"]).agg(rows=("id", "size"), positive=("positive", "sum")))


if __name__ == "__main__":
    main()
