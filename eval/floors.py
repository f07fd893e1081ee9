"""The floors in eval/floors.json and the common end of an eval script over a flat dict of figures.

A floor must sit above what a trivial predictor scores on the same data in the same run: predicting nothing,
the majority label set, or matching keywords only; and the baselines a section names after what they are: the
detector's raw share and the reviews alone (prevalence), the first capitalised name (speakers), lingua alone and
the outlet's main language (language), every document alone and identical normalised text (dedup), no
lemmatisation, whitespace splitting and the tokenizer before (names), the nominal rate (lead-lag null). A figure
`<a>.<system>.<b>` has its trivial counterparts at `<a>.<trivial>.<b>` for each name in TRIVIAL (any position of the
dotted key); `--check` fails when a floor is at or below one of them, so a floor that a detector finding nothing
would pass cannot stay in floors.json, and a floor with no trivial predictor measured beside it fails too.

Some checks are requirements rather than quality figures (every exact copy found, no name changed by the
tokenizer): a trivial predictor may meet them as well. They sit in a section's `invariants` object, are checked
like floors, and are not compared with the trivial predictors.

A floor on an interval's coverage (a key ending in `.coverage`) is a validity check, not a contest: the trivial
interval [0, 1] covers everything, so coverage is not compared with trivial predictors; instead such a floor needs
a floor on the same interval's sharpness (`<key without .coverage>.sharpness`, 1 - mean width, which [0, 1] scores
0) beside it, else `--check` fails.
"""

from __future__ import annotations

import json
from pathlib import Path

FLOORS = Path(__file__).resolve().parent / "floors.json"
TRIVIAL = ("nothing", "majority", "keyword_only", "raw", "reviews_only", "first_name", "none", "main", "exact_hash",
           "nominal", "identity", "whitespace", "old")
VALIDITY = ".coverage"   # floors on these are validity checks (see above)


def section_entries(section: str) -> dict:
    return json.loads(FLOORS.read_text()).get(section, {}) if FLOORS.exists() else {}


def section_floors(section: str) -> dict[str, float]:
    """The quality floors of one section of eval/floors.json (none when the file is missing)."""
    return {k: v for k, v in section_entries(section).items() if k != "invariants"}


def section_invariants(section: str) -> dict[str, float]:
    """The requirements of one section: met like floors, not compared with trivial predictors."""
    return dict(section_entries(section).get("invariants", {}))


def trivial_figures(key: str, figures: dict) -> dict[str, float]:
    """The figures of trivial predictors measured for the same data and measure as `key` ({} when none)."""
    parts = key.split(".")
    if any(part in TRIVIAL for part in parts):
        return {}
    out = {}
    for i in range(len(parts)):
        for name in TRIVIAL:
            other = ".".join([*parts[:i], name, *parts[i + 1:]])
            if isinstance(figures.get(other), (int, float)) and not isinstance(figures.get(other), bool):
                out[other] = float(figures[other])
    return out


def not_above_trivial(section: str, figures: dict, floors: dict[str, float] | None = None) -> list[str]:
    """One line per floor at or below a trivial predictor's figure in `figures`, and per coverage floor without a
    sharpness floor beside it."""
    floors = section_floors(section) if floors is None else floors
    out = [f"{section} floor {key} {floor} is not above the trivial {other} = {value}"
           for key, floor in floors.items() if not key.endswith(VALIDITY)
           for other, value in trivial_figures(key, figures).items() if floor <= value]
    return out + [f"{section} floor {key} pins coverage without a width: add a floor on "
                  f"{key.removesuffix(VALIDITY)}.sharpness" for key in floors
                  if key.endswith(VALIDITY) and f"{key.removesuffix(VALIDITY)}.sharpness" not in floors]


def without_trivial(section: str, figures: dict, floors: dict[str, float] | None = None) -> list[str]:
    """One line per floor with no trivial predictor measured beside it: it cannot show that it guards anything."""
    floors = section_floors(section) if floors is None else floors
    return [f"{section} floor {key} has no trivial predictor measured beside it (one of {', '.join(TRIVIAL)} in "
            "place of a part of its key); make it an invariant or measure one" for key in floors
            if not key.endswith(VALIDITY) and not trivial_figures(key, figures)]


def below_floors(section: str, results: dict, floors: dict[str, float] | None = None,
                 invariants: dict[str, float] | None = None) -> list[str]:
    """One line per figure under its floor or invariant, and per floor not above a trivial predictor; `floors`
    narrows which floors apply (all of the section's, and its invariants, by default)."""
    if floors is None:
        floors, invariants = section_floors(section), section_invariants(section)
    under = [f"{section} {k} {results.get(k)} < floor {v}" for k, v in floors.items() if results.get(k, 0) < v]
    under += [f"{section} {k} {results.get(k)} < required {v}" for k, v in (invariants or {}).items()
              if results.get(k, 0) < v]
    return under + not_above_trivial(section, results, floors)


def flat_figures(results: dict, prefix: str = "") -> dict[str, float]:
    """The numbers of a results file as dotted keys: its `headline` when it has one, else every nested number."""
    if not prefix and isinstance(results.get("headline"), dict):
        return dict(results["headline"])
    out: dict[str, float] = {}
    for key, value in results.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flat_figures(value, dotted + "."))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[dotted] = value
    return out


def finish(section: str, results: dict, path: Path, failures: list[str]) -> int:
    """Write the figures to `path`, print them and any failure; the exit status (1 when a floor is not met)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1))
    width = max((len(k) for k in results), default=0)
    for key, value in results.items():
        print(f"{section} {key:{width}s} {value}")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


def finish_nested(section: str, results: dict, path: Path, failures: list[str]) -> int:
    """`finish` for a nested results file: all of it written, its headline figures printed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0
