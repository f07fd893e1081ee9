"""Writing analysis results where people can open them: CSV, Parquet, JSON, or a rich table."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from lockstep.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from rich.console import Console

FORMATS = ("csv", "parquet", "json", "jsonl")
WIDE_COLUMNS = {"title", "text", "left", "right", "line", "paragraph", "claim", "evidence"}


def format_of(path: str | Path, explicit: str | None = None) -> str:
    fmt = (explicit or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f"{path}: unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def write_table(df: "pd.DataFrame", path: str | Path, fmt: str | None = None) -> Path:
    """Write a DataFrame as CSV, Parquet, JSON (array of objects) or JSONL, chosen by suffix or `fmt`."""
    path = Path(path)
    fmt = format_of(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.to_csv(path, index=False)
    elif fmt == "parquet":
        df.to_parquet(path, index=False)
    elif fmt == "json":
        path.write_text(json.dumps(records(df), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    else:
        with path.open("w", encoding="utf-8") as fh:
            for row in records(df):
                fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
    return path


def records(df: "pd.DataFrame") -> list[dict[str, Any]]:
    """Rows as plain dicts with NaN/NaT turned into None (JSON has no NaN)."""
    out = []
    for row in df.to_dict(orient="records"):
        out.append({k: clean_value(v) for k, v in row.items()})
    return out


def clean_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        try:
            import pandas as pd

            if pd.isna(value):
                return None
        except (TypeError, ValueError):
            pass
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def print_table(df: "pd.DataFrame", *, title: str | None = None, max_rows: int = 50,
                max_width: int = 80) -> None:
    """Print a DataFrame as a rich table on a terminal (long cells cut, the row count shown); off a terminal
    (a file or a pipe) as tab-separated lines with whole cells (`print_lines`)."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        print_lines(console, [list(row.values()) for row in records(df.head(max_rows))], title=title,
                    header=[str(c) for c in df.columns])
        if len(df) > max_rows:
            console.file.write(f"# {len(df) - max_rows} more rows; use --output FILE to get them all\n")
        return
    table = Table(title=title, show_lines=False)
    rows = [[short(v, max_width) for v in row.values()] for row in records(df.head(max_rows))]
    names = [str(c) for c in df.columns]
    natural = [min(20, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
    wide = [n in WIDE_COLUMNS for n in names]
    narrow_total = sum(w for w, is_wide in zip(natural, wide) if not is_wide)
    budget = console.width - narrow_total - 3 * len(names) - 1
    wide_width = max(10, min(max_width, budget // max(1, sum(wide))))  # narrow before a column is left out
    widths = [wide_width if is_wide else width for width, is_wide in zip(natural, wide)]
    shown = columns_that_fit(widths, console.width)
    for i in range(shown):
        justify = "right" if names[i] == "left" else "left"
        table.add_column(names[i], overflow="ellipsis", no_wrap=True, min_width=widths[i], max_width=widths[i],
                         justify=justify)
    if "left" in names[:shown]:  # a concordance's left context keeps its end, next to the match
        at, width = names.index("left"), widths[names.index("left")]
        for row in rows:
            row[at] = row[at] if len(row[at]) <= width else "…" + row[at][len(row[at]) - width + 1:]
    for row in rows:
        table.add_row(*row[:shown])
    console.print(table)
    if shown < len(names):
        console.print(f"[dim]not shown at this terminal width: {', '.join(names[shown:])}; use --output FILE or a "
                      "wider terminal (COLUMNS=200)[/dim]", highlight=False)
    if len(df) > max_rows:
        console.print(f"[dim]{len(df) - max_rows} more rows; use --output FILE to get them all[/dim]")


def print_lines(console: "Console", rows: Iterable[Sequence[Any]], *, title: str | None = None,
                header: Sequence[str] | None = None) -> None:
    """A table for logs: a `# title` line, the header, then one line per row with its cells separated by tabs
    (tabs and line breaks inside a cell become spaces), so each row can be found with grep. Rich decides what a
    terminal is: TTY_COMPATIBLE=1 forces the boxed tables into a pipe, TTY_COMPATIBLE=0 these lines onto a terminal."""
    out = console.file
    if title:
        out.write(f"# {title}\n")
    if header:
        out.write("\t".join(header) + "\n")
    for row in rows:
        out.write("\t".join(cell(value) for value in row) + "\n")
    out.flush()


def cell(value: Any) -> str:
    """One value on one line, whole: None as empty, floats to 4 significant digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return " ".join(str(value).replace("\t", " ").splitlines())


def columns_that_fit(widths: list[int], total: int) -> int:
    """How many leading columns fit in `total` characters (each also takes 3 for its border and padding); at least
    one. The rest are named under the table rather than squeezed to nothing."""
    used, count = 1, 0
    for width in widths:
        used += width + 3
        if used > total and count:
            break
        count += 1
    return count


def short(value: Any, width: int) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    text = str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
