"""Alignment between actors: how closely they move together, who leads, what they echo, whose words travel.

    from lockstep.align import AlignOptions, alignment, alignment_matrix, drill, DrillOptions
    result = alignment(corpus, AlignOptions(actors=["RT", "CGTN", "BBC"], period="month"))
    cell = drill(corpus, DrillOptions(actors=("RT", "CGTN"), period="2022-03"))
    leads = lead_lag(corpus, LeadOptions(terms=["denazif*", "денацификац*"]))
    chains = echoes(corpus, EchoOptions(since="2022-02-01")).chains
    said = find_statements(corpus, StatementOptions(speaker="Wang Yi"))

Every function returns DataFrames (or a small dataclass of DataFrames); the CLI and the report are views on them.
Names resolve lazily, so importing the package does not load numpy-heavy modules until they are used.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

EXPORTS = {
    "AlignOptions": "alignment_index", "alignment": "alignment_index", "alignment_matrix": "alignment_index",
    "alignment_series": "alignment_index",
    "MEASURES": "alignment_index",
    "DrillOptions": "drilldown", "Drill": "drilldown", "drill": "drilldown",
    "LeadOptions": "leadlag", "LeadResult": "leadlag", "leads": "leadlag",
    "EchoOptions": "chains", "Echoes": "chains", "find_echoes": "chains", "stored_chains": "chains",
    "StatementOptions": "reuse", "find_statements": "reuse",
    "extract_statements": "statements", "Statement": "statements",
    "load_officials": "officials", "officials_table": "officials",
}
ALIASES = {"lead_lag": ("leadlag", "leads"), "echoes": ("chains", "find_echoes")}

__all__ = sorted([*EXPORTS, *ALIASES])


def __getattr__(name: str) -> Any:
    if name in EXPORTS:
        return getattr(import_module(f"lockstep.align.{EXPORTS[name]}"), name)
    if name in ALIASES:
        module, attr = ALIASES[name]
        return getattr(import_module(f"lockstep.align.{module}"), attr)
    raise AttributeError(f"module 'lockstep.align' has no attribute {name!r}")
