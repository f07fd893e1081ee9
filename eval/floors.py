"""The floors in eval/floors.json and the common end of an eval script over a flat dict of figures."""

from __future__ import annotations

import json
from pathlib import Path

FLOORS = Path(__file__).resolve().parent / "floors.json"


def section_floors(section: str) -> dict[str, float]:
    """The floors of one section of eval/floors.json (none when the file is missing)."""
    return json.loads(FLOORS.read_text()).get(section, {}) if FLOORS.exists() else {}


def below_floors(section: str, results: dict, floors: dict[str, float] | None = None) -> list[str]:
    """One line per figure under its floor; `floors` narrows which floors apply (all of the section by default)."""
    floors = section_floors(section) if floors is None else floors
    return [f"{section} {k} {results.get(k)} < floor {v}" for k, v in floors.items() if results.get(k, 0) < v]


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
