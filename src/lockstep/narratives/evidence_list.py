"""Evidence as analysts see it: each hit once, and how often hits like it are wrong.

Once: a sub-narrative implies its narrative, so the detector stores a hit for both (prevalence counts documents
per narrative at either level). An evidence list shows each hit once: in a paragraph, the most specific narratives
above threshold, each naming its parent (`parent`; two sub-narratives of one parent are two hits); a parent
appears on its own only when none of its sub-narratives clears its threshold in that paragraph. A candidate below
threshold shows only when nothing of its top-level narrative is above threshold there.

How often wrong: `src/lockstep/data/codebook/precision.json`, written by `make eval` (eval/narratives.py
--write-thresholds), holds the measured precision of zero-shot hits by score band (score minus threshold) on
the hand-labelled test paragraphs that the packaged thresholds were not fitted on, with the counts and a 90 %
interval. `with_precision` puts that beside each hit; learned hits get none (their scores are on another scale:
`lockstep narratives models --version V` shows the model's cross-validated F1 per narrative).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

PRECISION = "precision.json"


def chain(narrative: str, parents: Mapping[str, str | None]) -> list[str]:
    """The narrative and its ancestors, nearest first."""
    out, seen = [narrative], {narrative}
    while (parent := parents.get(out[-1])) and parent not in seen:
        out.append(parent)
        seen.add(parent)
    return out


def once(frame: "pd.DataFrame", parents: Mapping[str, str | None]) -> "pd.DataFrame":
    """The rows of hits (`doc_id`, `idx`, `narrative`, `above`) an evidence list shows (module docstring), with
    `parent` (the narrative's parent id, None for a top-level one) added; the kept rows keep their order."""
    import pandas as pd

    if frame.empty:
        return frame.assign(parent=pd.Series([], index=frame.index, dtype=object))
    narratives, above = frame["narrative"].tolist(), frame["above"].astype(bool).tolist()
    keys = list(zip(frame["doc_id"].tolist(), frame["idx"].tolist()))
    lineages = [chain(nid, parents) for nid in narratives]
    ancestors_above: dict[tuple, set[str]] = {}     # per paragraph: ancestors of narratives above threshold
    ancestors_any: dict[tuple, set[str]] = {}       # ... of every listed narrative
    tops_above: dict[tuple, set[str]] = {}          # ... top-level narratives with something above threshold
    for key, lineage, up in zip(keys, lineages, above):
        ancestors_any.setdefault(key, set()).update(lineage[1:])
        if up:
            ancestors_above.setdefault(key, set()).update(lineage[1:])
            tops_above.setdefault(key, set()).add(lineage[-1])
    keep = [lineage[0] not in ancestors_above.get(key, set()) if up else
            lineage[-1] not in tops_above.get(key, set()) and lineage[0] not in ancestors_any.get(key, set())
            for key, lineage, up in zip(keys, lineages, above)]
    kept = frame[keep].copy()
    kept["parent"] = pd.Series([parents.get(n) for n in kept["narrative"]], index=kept.index, dtype=object)
    return kept


# ---- measured precision ----------------------------------------------------------------------------------------


def packaged_precision_path() -> Path:
    return Path(str(resources.files("lockstep") / "data" / "codebook" / PRECISION))


@lru_cache(maxsize=1)
def packaged_bands() -> dict:
    path = packaged_precision_path()
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def band_for(margin: float, bands: dict | None = None) -> dict | None:
    """The measured band holding a zero-shot hit's margin (score - threshold), or None."""
    for band in (packaged_bands() if bands is None else bands).get("bands", []):
        high = band["margin_high"]
        if band["margin_low"] <= margin and (high is None or margin < high):
            return band
    return None


def precision_note(score: float, threshold: float, detector: str | None, bands: dict | None = None) -> str:
    """What is known of how often hits like this one are right, with where the figure comes from."""
    if detector and detector.startswith("learned:"):
        return (f"learned hit: no measured precision for its score; its model's cross-validated F1 is in "
                f"`lockstep narratives models --version {detector.split(':', 1)[1]}`")
    bands = packaged_bands() if bands is None else bands
    band = band_for(score - threshold, bands)
    if band is None or not band["hits"]:
        return "no measured precision for hits this far below threshold"
    low, top = band["interval_90"]
    times = "time" if band["right"] == 1 else "times"
    return (f"{band_words(band)} were right {band['right']} {times} of {band['hits']} (precision "
            f"{band['precision']:.2f}, 90 % interval {low:.2f}–{top:.2f}) on {bands.get('measured_on', 'labelled data')}"
            " with the default codebook and packaged thresholds")


def band_words(band: dict) -> str:
    """`hits 0.05 to 0.10 above the threshold`, `hits 0.10 or more above ...`, `candidates up to 0.10 below ...`."""
    low, high = band["margin_low"], band["margin_high"]
    if high is None:
        return f"hits {low:.2f} or more above the threshold"
    if high <= 0:
        return f"candidates up to {-low:.2f} below the threshold"
    return f"hits {low:.2f} to {high:.2f} above the threshold"


def with_precision(frame: "pd.DataFrame", bands: dict | None = None) -> "pd.DataFrame":
    """`precision` (the measured precision of the hit's band, NaN where none) and `precision_note` added to hit
    rows with `score`, `threshold` and optionally `detector`."""
    bands = packaged_bands() if bands is None else bands
    detectors = frame["detector"].tolist() if "detector" in frame else [None] * len(frame)
    found = [None if (d or "").startswith("learned:") else band_for(s - t, bands)
             for s, t, d in zip(frame["score"], frame["threshold"], detectors)]
    return frame.assign(
        precision=[b["precision"] if b else None for b in found],
        precision_note=[precision_note(s, t, d, bands) for s, t, d in zip(frame["score"], frame["threshold"],
                                                                           detectors)])
