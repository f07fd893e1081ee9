"""`make eval`: every quality evaluation in one run, each against its pinned floors in eval/floors.json.

    python eval/run.py [--check] [--only extraction,dedup,narratives,alignment,prevalence,llm,names,language,statements]

Runs eval/<name>.py for each evaluation present, prints its figures, and with --check exits 1 when any
figure falls below its floor, or when any floor is at or below a trivial predictor (nothing, the majority set,
keyword-only) measured in the same run, read from every section's eval/results/<name>.json (eval/floors.py;
CI runs `make eval-check`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from floors import flat_figures, not_above_trivial, section_floors, trivial_figures, without_trivial

HERE = Path(__file__).resolve().parent
EVALUATIONS = ("extraction", "dedup", "narratives", "alignment", "prevalence", "llm", "names", "language", "statements")   # llm: skipped unless an endpoint is set
SHARED = HERE.parents[1] / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a figure drops below its floor")
    parser.add_argument("--only", default="", help="comma-separated evaluations to run")
    args = parser.parse_args()
    names = [n for n in (args.only.split(",") if args.only else EVALUATIONS) if (HERE / f"{n}.py").exists()]
    if not SHARED.exists():
        print(f"evaluations need the labelled real data in {SHARED}: not found", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        command = [sys.executable, str(HERE / f"{name}.py")] + (["--check"] if args.check else [])
        if subprocess.run(command).returncode != 0:
            failed.append(name)
        print(f"== {name}: {time.perf_counter() - started:.0f} s", flush=True)
    if args.check:
        failed += [name for name in names if name not in failed and not trivial_check(name)]
    if failed:
        print(f"below floors or failed: {', '.join(failed)}")
    return 1 if failed else 0


def trivial_check(name: str) -> bool:
    """Every floor of a section above the trivial predictors of its latest results; prints what it found."""
    path = HERE / "results" / f"{name}.json"
    floors = section_floors(name)
    if not path.exists():
        print(f"== {name}: no {path.name}" + (f": its {len(floors)} floors cannot be compared" if floors else ""))
        return not floors
    figures = flat_figures(json.loads(path.read_text(encoding="utf-8")))
    compared = [k for k in floors if trivial_figures(k, figures)]
    failures = not_above_trivial(name, figures, floors) + without_trivial(name, figures, floors)
    for failure in failures:
        print("FAIL", failure)
    print(f"== {name}: {len(compared)} of {len(floors)} floors have a trivial predictor measured beside them, "
          f"{len(failures)} not above it")
    return not failures


if __name__ == "__main__":
    sys.exit(main())
