"""Numbers for reading: how a table cell shows a value (the data keep the value itself).

* p-values never read 0 and never claim more than their resolution: a permutation or surrogate p at its floor
  (1 / (draws + 1)) reads "< 0.005", an analytic p below 0.0001 reads "< 0.0001";
* %DIFF against a reference that never uses the term is infinite in the measure's own terms (the formula divides by
  the 1e-18 stand-in for zero): it reads "∞", not 2.074e+17;
* other numbers get four significant digits without exponents, and thousands separators from 10,000 on.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

P_COLUMNS = frozenset({"p", "p_value", "p_adjusted", "p_distinct", "ll_p", "chi2_p", "chi2_yates_p"})
ANALYTIC_FLOOR = 1e-4
UNBOUNDED = 1e15  # |%DIFF| from here on comes from a zero reference frequency


def is_p_column(column: str) -> bool:
    return column in P_COLUMNS or column.endswith("_p")


def p_text(p: float, floor: float | None = None) -> str:
    """A p-value as read: '< floor' at the resolution of its draws, '< 0.0001' for a tiny analytic p."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    if floor is not None and floor == floor and p <= floor * (1 + 1e-9):
        return f"< {rounded_up(floor)}"
    if p < ANALYTIC_FLOOR:
        return "< 0.0001"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.4f}"


def rounded_up(value: float) -> str:
    """One significant digit, rounded up (a p at most 0.004975 is below 0.005), written without an exponent."""
    exponent = math.floor(math.log10(value))
    digit = math.ceil(round(value / 10**exponent, 9))
    return np.format_float_positional(digit * 10.0**exponent, trim="-")


def number_text(value: float) -> str:
    """Four significant digits, no exponent; thousands separators from 10,000 on; ∞ for unbounded values."""
    if math.isnan(value):
        return ""
    if math.isinf(value) or abs(value) >= UNBOUNDED:
        return "∞" if value > 0 else "−∞"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    if value == int(value) and abs(value) < 10_000:
        return str(int(value))
    return np.format_float_positional(value, precision=4, fractional=False, trim="-")


def display(value: Any, column: str = "", floor: float | None = None) -> str:
    """How one table cell reads."""
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}" if abs(int(value)) >= 10_000 else str(int(value))
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if is_p_column(column):
            return p_text(value, floor)
        return number_text(value)
    return str(value)


def display_cell(row: Mapping[str, Any], column: str, floors: Mapping[str, float] | None = None) -> str:
    """A cell of a row: a p column reads against the floor given for it, or the row's own `p_floor`."""
    floor = (floors or {}).get(column)
    if floor is None and is_p_column(column):
        floor = row.get("p_floor")
    return display(row.get(column), column, floor)


def readable(frame, columns: tuple[str, ...] = ("pdiff",)):
    """A copy of a table for printing, its p columns and `columns` as read (the data written to files keep the
    numbers)."""
    chosen = [c for c in frame.columns if is_p_column(c) or c in columns]
    if not chosen:
        return frame
    return frame.assign(**{c: [display(v, c) for v in frame[c].tolist()] for c in chosen})
