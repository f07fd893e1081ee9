"""The `lockstep` command line: one module per command group, one grammar.

Every command that reads a store takes `--db`; every command that lists rows takes `--output/-o` (CSV, Parquet,
JSON or JSONL by suffix); date filters are `--since/--until` (YYYY-MM-DD); actor filters are `--actor`, repeatable
and comma-separated (`--actor RT --actor CGTN` = `--actor RT,CGTN`). The shared options live in
`lockstep.cli.options`. Commands parse arguments and call library functions; no analysis here.
"""

from lockstep.cli.main import app, main

__all__ = ["app", "main"]
