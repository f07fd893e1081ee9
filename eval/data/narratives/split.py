"""Split the hand-labelled paragraphs into a tuning part and a test part (deterministic: a fixed seed).

Writes parts.csv (id, part):

* `codebook-source`: the paragraphs of the seed pages (../shared/corpus/seeds). The default codebook's example
  claims were written from these pages (some word for word), so they are in no part that is scored or tuned on;
* `tune`: half of every other stratum (source x carries a narrative or not): everything the evaluation fits or
  chooses (thresholds, the per-language shift and its shrinkage, the learned detector, the majority label set)
  is fitted on these rows only; the packaged thresholds (src/lockstep/data/codebook/thresholds.json) too;
* `test`: the other half, scored and never fitted on.

    python eval/data/narratives/split.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 18


def parts(paragraphs: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    frame = paragraphs.merge(labels, on="id", validate="one_to_one")
    part = pd.Series("", index=frame.index)
    part[frame["source"].str.startswith("seed:")] = "codebook-source"
    rng = np.random.default_rng(SEED)
    rest = frame[part == ""]
    for _key, group in rest.groupby([rest["source"], rest["labels"] != ""], sort=True):
        order = rng.permutation(len(group))
        part[group.index[order]] = np.where(np.arange(len(group)) % 2 == 0, "tune", "test")
    return pd.DataFrame({"id": frame["id"], "part": part})


def main() -> None:
    paragraphs = pd.read_csv(HERE / "paragraphs.csv")
    labels = pd.read_csv(HERE / "labels.csv", keep_default_na=False)
    out = parts(paragraphs, labels)
    out.to_csv(HERE / "parts.csv", index=False)
    summary = out.merge(paragraphs[["id", "language"]], on="id").merge(labels[["id", "labels"]], on="id")
    summary["positive"] = summary["labels"] != ""
    print(summary.groupby(["part", "language"]).agg(rows=("id", "size"), positive=("positive", "sum")))


if __name__ == "__main__":
    main()
