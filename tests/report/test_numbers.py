"""How numbers read in report and dashboard tables: p-values against their resolution, no exponents, no 0 for p."""

from __future__ import annotations

import math

import pandas as pd

from lockstep.report.numbers import display, display_cell, number_text, p_text, readable


def test_p_values_never_read_zero_nor_finer_than_their_draws():
    assert p_text(1 / 201, floor=1 / 201) == "< 0.005"      # 200 surrogates can give no less
    assert p_text(1 / 1001, floor=1 / 1001) == "< 0.001"
    assert p_text(1 / 101, floor=1 / 101) == "< 0.01"
    assert p_text(0.02, floor=1 / 201) == "0.020"
    assert p_text(0.0) == "< 0.0001" and p_text(3e-7) == "< 0.0001"   # an analytic p that underflowed
    assert p_text(0.00042) == "0.0004" and p_text(0.5) == "0.500"
    assert display_cell({"p_value": 1 / 1001, "p_floor": 1 / 1001}, "p_value") == "< 0.001"
    assert display_cell({"p_distinct": 1 / 101}, "p_distinct", {"p_distinct": 1 / 101}) == "< 0.01"


def test_large_and_small_numbers_read_without_exponents():
    assert number_text(2.074e17) == "∞" and number_text(-3e16) == "−∞"   # %DIFF against a zero reference
    assert number_text(12345.678) == "12,346" and number_text(3.14159) == "3.142"
    assert number_text(0.0000312) == "0.0000312" and "e" not in number_text(1.5e-7)
    assert math.isnan(float("nan")) and number_text(float("nan")) == ""
    assert display(12345) == "12,345" and display(True) == "yes" and display(None) == ""


def test_printed_tables_read_like_the_report():
    frame = pd.DataFrame({"term": ["hina", "wales"], "pdiff": [2.074e17, 153.2], "p_adjusted": [0.0, 0.0312],
                          "ll": [12.5, 3.1]})
    shown = readable(frame)
    assert shown["pdiff"].tolist() == ["∞", "153.2"] and shown["p_adjusted"].tolist() == ["< 0.0001", "0.031"]
    assert shown["ll"].tolist() == [12.5, 3.1]  # other columns keep their numbers
