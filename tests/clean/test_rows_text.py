"""Table cells to paragraphs: runs of spaces collapse the same way in one pass or in pieces, on real text too."""

from __future__ import annotations

import random
import re
import sys
import tracemalloc
from pathlib import Path

import pytest

from lockstep.clean.rows import collapse_spaces, normalise_paragraphs

SEEDS = Path(__file__).resolve().parents[2] / "sample" / "seeds"


def one_pass(text: str) -> str:
    """The substitution as it was: every run of spaces, tabs and no-break spaces, each single space included."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return "\n\n".join(line for line in lines if line)


@pytest.mark.parametrize("chars", [1, 2, 7, 64, 1 << 16])
def test_pieces_collapse_runs_as_one_pass_does(chars):
    rng = random.Random(chars)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += ["".join(rng.choice("ab \t\u00a0\n\r.Я中") for _ in range(rng.randint(0, 300))) for _ in range(300)]
    for text in texts:
        lines = text.replace("\r", "\n").split("\n")
        assert [collapse_spaces(line, chars) for line in lines] == [re.sub(r"[ \t\u00a0]+", " ", ln) for ln in lines]
        assert normalise_paragraphs(text) == one_pass(text)


def test_a_long_cell_is_not_split_into_a_list_of_its_words():
    seeds = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    cell = " ".join(seeds.split()) * 40  # ~1M characters of real prose on one line, single spaces
    tracemalloc.start()
    try:
        text = normalise_paragraphs(cell + "  \t end")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert text == cell + " end"
    # the result and two copies (3.0x its size here); the one-pass substitution listed every word (7.4x)
    assert peak < 4 * sys.getsizeof(text)
