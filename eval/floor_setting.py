"""Floors set from honest figures with their uncertainty in mind (issue 18 review, finding 7).

A floor 0.02 under a figure whose bootstrap standard deviation is 0.07–0.12 fails on noise: any change, however
harmless, can trip it, which pushes developers to look at test figures after every change. So a floor is

    max(the lower end of the figure's 90 % bootstrap interval, rounded down to 0.01,
        the best trivial predictor of the same run + MARGIN, rounded up to 0.01)

and only where that is at or below the figure; otherwise the figure gets no floor, and the reason is kept
(`skipped`). A floor therefore never sits at or below a trivial predictor (eval/floors.py checks it again), and a
figure within noise of a trivial predictor is guarded only against falling to it.

    floors, skipped = propose(figures, intervals, candidates)    # {key: floor}, {key: why not}
    write_section("narratives", floors)                          # eval/floors.json, that section only
"""

from __future__ import annotations

import json
import math

from floors import FLOORS, trivial_figures

MARGIN = 0.01


def round_down(value: float) -> float:
    return math.floor(round(value * 100, 6)) / 100


def round_up(value: float) -> float:
    return math.ceil(round(value * 100, 6)) / 100


def floor_for(figure: float, low: float, trivial: dict[str, float]) -> tuple[float | None, str]:
    """(floor, why) for one figure: `low` the lower end of its interval, `trivial` {key: figure} measured beside it."""
    if not trivial:
        return None, "no trivial predictor measured beside it"
    name, best = max(trivial.items(), key=lambda item: item[1])
    floor = max(round_down(low), round_up(best + MARGIN))
    if floor > figure + 1e-9:
        return None, f"{figure:.4f} is not {MARGIN} above the trivial {name} = {best:.4f}"
    why = ("interval's lower end" if round_down(low) >= round_up(best + MARGIN)
           else f"trivial {name} {best:.4f} + {MARGIN} (the interval reaches down to {low:.4f})")
    return floor, why


def propose(figures: dict[str, float], intervals: dict[str, dict], candidates: list[str]
            ) -> tuple[dict[str, float], dict[str, str], dict[str, str]]:
    """Floors for the candidate figures: ({key: floor}, {key: why not}, {key: what set the floor})."""
    floors, skipped, basis = {}, {}, {}
    for key in candidates:
        if key not in figures or key not in intervals:
            skipped[key] = "no figure or interval"
            continue
        floor, why = floor_for(float(figures[key]), float(intervals[key]["low"]), trivial_figures(key, figures))
        if floor is None:
            skipped[key] = why
        else:
            floors[key], basis[key] = floor, why
    return floors, skipped, basis


def write_section(section: str, floors: dict[str, float]) -> None:
    """Replace one section of eval/floors.json, keeping the others and their order."""
    data = json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.exists() else {}
    data[section] = floors
    FLOORS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
