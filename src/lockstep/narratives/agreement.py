"""Inter-coder agreement on reviewed tags: Cohen's kappa (two coders) and Krippendorff's alpha (nominal,
any number of coders, missing decisions allowed), per narrative.

Both are undefined (NaN) when every decision is the same label: there is no variation to agree on; the
table then still shows the observed agreement.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING, Hashable, Sequence

import lockstep.narratives.tables as tables

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa for two coders' labels on the same items."""
    if len(first) != len(second):
        raise ValueError("both coders must label the same items")
    n = len(first)
    if n == 0:
        return math.nan
    observed = sum(a == b for a, b in zip(first, second)) / n
    count_a, count_b = Counter(first), Counter(second)
    expected = sum(count_a[label] * count_b[label] for label in set(count_a) | set(count_b)) / (n * n)
    if expected == 1.0:
        return math.nan
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Sequence[Sequence[Hashable | None]]) -> float:
    """Krippendorff's alpha, nominal metric. `units`: for each item, the labels of the coders (None = missing)."""
    pairs: Counter = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, j in ((i, j) for i in range(m) for j in range(m) if i != j):
            pairs[(values[i], values[j])] += 1 / (m - 1)
    totals: Counter = Counter()
    for (c, _k), weight in pairs.items():
        totals[c] += weight
    n = sum(totals.values())
    if n <= 1:
        return math.nan
    disagree_observed = sum(w for (c, k), w in pairs.items() if c != k)
    disagree_expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if disagree_expected == 0:
        return math.nan
    return 1 - (n - 1) * disagree_observed / disagree_expected


def agreement(corpus: "Corpus", coders: Sequence[str] | None = None) -> "pd.DataFrame":
    """Per narrative: items, coders, observed agreement, Cohen's kappa (mean over coder pairs), Krippendorff's
    alpha over all coders. Only hits decided by at least two coders count."""
    import pandas as pd

    tables.ensure_tables(corpus)
    frame = tables.review_decisions(corpus.con)
    if coders:
        frame = frame[frame["coder"].isin(coders)]
    rows = []
    for narrative, group in frame.groupby("narrative"):
        wide = group.pivot_table(index="hit_id", columns="coder", values="decision", aggfunc="last")
        wide = wide[wide.notna().sum(axis=1) >= 2]
        if wide.empty:
            continue
        rows.append(agreement_row(str(narrative), wide))
    columns = ["narrative", "items", "coders", "observed", "cohen_kappa", "krippendorff_alpha"]
    return pd.DataFrame(rows, columns=columns)


def agreement_row(narrative: str, wide: "pd.DataFrame") -> dict:
    names = list(wide.columns)
    kappas, observed = [], []
    for a, b in combinations(names, 2):
        both = wide[[a, b]].dropna()
        if len(both):
            kappas.append(cohen_kappa(both[a].tolist(), both[b].tolist()))
            observed.append((both[a] == both[b]).mean())
    units = [[None if isinstance(v, float) and math.isnan(v) else v for v in row] for row in wide.itertuples(index=False)]
    valid = [k for k in kappas if not math.isnan(k)]
    return {"narrative": narrative, "items": len(wide), "coders": len(names),
            "observed": round(float(sum(observed) / len(observed)), 4) if observed else math.nan,
            "cohen_kappa": round(sum(valid) / len(valid), 4) if valid else math.nan,
            "krippendorff_alpha": round(krippendorff_alpha(units), 4)}
