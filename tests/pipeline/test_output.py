"""Tables: on a terminal, a table wider than the terminal names the columns it leaves out instead of squeezing
them; off a terminal (a file, a pipe) every row is one tab-separated line with whole cells."""

from __future__ import annotations

import pandas as pd

from lockstep.output import print_table


def as_terminal(monkeypatch) -> None:
    """rich treats the captured output as a terminal (TTY_COMPATIBLE) without colour codes (TERM=dumb)."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TERM", "dumb")


def test_columns_beyond_the_terminal_are_named_not_squeezed(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    as_terminal(monkeypatch)
    frame = pd.DataFrame({f"column_{i:02d}": [f"value {i}" * 2, "x"] for i in range(12)})
    print_table(frame, title="wide")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    header = next(line for line in lines if "column_00" in line)
    shown = [name for name in frame.columns if name in header]
    assert shown == list(frame.columns[: len(shown)]) and 2 <= len(shown) < 12
    assert "value 0value 0" in out                                   # whole cells, not cut to nothing
    note = " ".join(out.split("not shown at this terminal width:")[1].split())
    assert all(name in note for name in frame.columns[len(shown):])


def test_a_table_that_fits_shows_every_column(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    as_terminal(monkeypatch)
    frame = pd.DataFrame({"term": ["суверенитет"], "freq": [3], "per_10k": [1.25]})
    print_table(frame)
    out = capsys.readouterr().out
    assert "суверенитет" in out and "1.25" in out and "not shown" not in out


def test_a_concordance_keeps_the_words_next_to_the_match(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    as_terminal(monkeypatch)
    left = "Россия защищает свой государственный суверенитет и не отступит от курса, заявил"
    frame = pd.DataFrame({"actor": ["TASS"], "left": [left], "match": ["министр"], "right": ["в понедельник " * 5]})
    print_table(frame)
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "министр" in line)
    assert "заявил │ министр" in row and "…" in row.split("│")[2]       # the end of the left context, cut before
    assert "Россия" not in row


def test_off_a_terminal_each_row_is_one_tab_separated_line(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    path = "/data/crawls/2022/state-media/a-long-folder-name/truncated.warc.gz"
    frame = pd.DataFrame({"input": [path, "b.txt"], "reason": ["truncated WARC\tat record 3", "empty file"],
                          "score": [0.123456, None]})
    print_table(frame, title="skipped", max_rows=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["# skipped", "input\treason\tscore", f"{path}\ttruncated WARC at record 3\t0.1235",
                     "# 1 more rows; use --output FILE to get them all"]
