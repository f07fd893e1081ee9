"""Alignment quality with known answers: planted reprints, hand translations, documented lead–lag cases, the first
view against the BBC control, and the lead–lag test on unrelated real series.

    python eval/alignment.py [--check] [--only measures,crosslingual,translated,leads,firstview,leadnull]

Sections (one module each):
* measures (alignment_measures.py): the four measures on a planted reprint of real Channel One leads;
* crosslingual, translated (alignment_echoes.py): cross-lingual echoes and the key terms of a translated reprint,
  on hand translations of real en/ru/zh headlines;
* leads, leadnull (alignment_leads.py): who named a story first in documented 2022 cases, and how often the
  lead–lag test calls unrelated real series related;
* firstview (alignment_firstview.py): what the first alignment view shows on the 2022 headlines with the BBC.

Every figure names its part: `tuning` (rows that informed what is scored: reported, never floored), `seen`
(looked at before a choice, not held out: reported, never floored) and `test` (nothing was chosen on it). Baselines
of the same run sit beside each system: the trivial predictors of eval/floors.py (TRIVIAL: `nothing`, `none`,
`majority`, `keyword_only`, `nominal`, ...) are compared with every floor, the others by RIVALS below. --check
fails when a figure is below its floor in eval/floors.json or an invariant is not met, when a floor is not above
its baselines or has no trivial predictor beside it, or when a floor sits on a tuning or seen figure.

Writes eval/results/alignment.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from alignment_echoes import crosslingual, translated
from alignment_firstview import firstview
from alignment_leads import leadnull, leads
from alignment_measures import measures
from floors import below_floors, finish, section_floors, trivial_figures

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "eval" / "results" / "alignment.json"
SECTIONS = {"measures": measures, "crosslingual": crosslingual, "translated": translated, "leads": leads,
            "firstview": firstview, "leadnull": leadnull}
UNSCORED_PARTS = ("tuning", "seen")

# Baselines a floor must be above besides floors.py's trivial predictors: a part of the floor's key -> {the key's
# last part: the names that replace that part in the baselines' keys}. lockstep's echoes are not compared with the
# systems that only drop or keep links of its own candidates (no_margin, no_check): they are ablations, not trivial
# predictors, and on the 48 held-out translations lockstep's precision (0.97) is above no_margin's (0.92) but its
# 90 % lower bound is not (see README); both are reported beside it.
RIVALS = {
    "lockstep": {"recall": ("nearest_in_time",), "precision": ("nearest_in_time",)},
    "meaning": {"pair": ("spelling",)},
    "blocks": {"specificity": ("shuffled_steps", "circular_shift")},
    "first_view": {metric: ("narratives_jsd.value",) for metric in ("bloc_auc", "state_auc", "gap")},
}

def rival_figures(key: str, results: dict) -> dict[str, float]:
    """The baselines of RIVALS measured for the same data and measure as `key`."""
    parts = key.split(".")
    out = {}
    for i, part in enumerate(parts):
        for rival in RIVALS.get(part, {}).get(parts[-1], ()):
            other = ".".join([*parts[:i], rival, *parts[i + 1:]])
            if other in results:
                out[other] = results[other]
    return out


def evaluate(sections: list[str]) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sections:
            print(f"- {name}", flush=True)
            figures = SECTIONS[name](Path(tmp))
            results.update({f"{name}.{k}": round(float(v), 4) for k, v in figures.items()})
    return results


def check(results: dict) -> list[str]:
    """Failures of the floors and invariants of the sections that ran (`--only` leaves the others unchecked)."""
    ran = {k.split(".")[0] for k in results}
    entries = section_floors("alignment")
    floors = {k: v for k, v in entries.items() if k != "invariants" and k.split(".")[0] in ran}
    invariants = {k: v for k, v in entries.get("invariants", {}).items() if k.split(".")[0] in ran}
    failures = below_floors("alignment", results, floors)
    failures += [f"alignment {k} {results.get(k)} < required {v}" for k, v in invariants.items()
                 if results.get(k, 0) < v]
    failures += [f"alignment floor {k} sits on a {k.split('.')[1]} figure: floors belong to test parts"
                 for k in floors if k.split(".")[1] in UNSCORED_PARTS]
    failures += [f"alignment floor {k} {v} is not above the baseline {other} = {value}"
                 for k, v in floors.items() for other, value in rival_figures(k, results).items() if v <= value]
    unguarded = [k for k in floors if not trivial_figures(k, results)]
    failures += [f"alignment floor {k} has no trivial predictor measured beside it" for k in unguarded]
    print(f"alignment: {len(floors) - len(unguarded)} of {len(floors)} floors have a trivial predictor measured "
          f"beside them; {len(invariants)} invariants")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    chosen = [s for s in SECTIONS if not args.only or s in args.only.split(",")]
    results = evaluate(chosen)
    return finish("alignment", results, RESULTS, check(results) if args.check else [])


if __name__ == "__main__":
    sys.exit(main())
