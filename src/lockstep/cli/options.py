"""The options every command shares, defined once: the store, the output file, dates, actors, language.

`--actor` is repeatable and comma-separated everywhere (`--actor RT --actor CGTN` = `--actor RT,CGTN`); `--actors`
is accepted as the same option for older scripts.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, Optional

import typer

DB_DEFAULT = "corpus.duckdb"
DB = typer.Option(DB_DEFAULT, "--db", help="The DuckDB store.")
OUTPUT = typer.Option(None, "--output", "-o", help="Write the full table to CSV/Parquet/JSON/JSONL (by suffix).")
SINCE = typer.Option(None, "--since", help="Published on or after (YYYY-MM-DD).")
UNTIL = typer.Option(None, "--until", help="Published before (YYYY-MM-DD).")
LANG = typer.Option(None, "--lang", help="Only this language (ISO 639-1 code).")


def actor_names(values: Optional[list[str]]) -> Optional[list[str]]:
    """`["RT,CGTN", "BBC"]` -> `["RT", "CGTN", "BBC"]`; None when no actor was given."""
    names = [name.strip() for value in values or [] for name in value.split(",") if name.strip()]
    return names or None


def actor_option(help_text: str = "Only these actors (repeatable or comma-separated: --actor RT,CGTN).",
                 required: bool = False) -> Any:
    """The `--actor` option (alias `--actors`), values split at commas."""
    return typer.Option(... if required else None, "--actor", "--actors", help=help_text, callback=split_actors)


def split_actors(values: Optional[list[str]]) -> Optional[list[str]]:
    return actor_names(values)


ACTOR = actor_option()


def default(options_class: type, name: str) -> Any:
    """The default of one field of an options dataclass, so that a command's default is the library's."""
    for field in fields(options_class):
        if field.name == name:
            if field.default is not MISSING:
                return field.default
            if field.default_factory is not MISSING:  # type: ignore[misc]
                return field.default_factory()  # type: ignore[misc]
            raise ValueError(f"{options_class.__name__}.{name} has no default")
    raise ValueError(f"{options_class.__name__} has no field {name}")
