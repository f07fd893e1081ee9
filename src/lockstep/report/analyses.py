"""Find the analysis modules (terms, narratives, align) at run time.

They are optional parts of the package built separately: when one is absent, or lacks the function a section
needs, the section says so in the report instead of showing anything made up.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class AnalysisMissing(Exception):
    """An analysis module or function the section needs is not available; the message says which."""


def analysis(module: str, *functions: str) -> ModuleType:
    """Import `lockstep.<module>` and check it offers `functions`, or raise AnalysisMissing with a clear reason."""
    try:
        mod = importlib.import_module(f"lockstep.{module}")
    except ImportError as exc:
        raise AnalysisMissing(f"the {module} analysis (lockstep.{module}) is not available in this installation "
                              f"({exc})") from exc
    lacking = [name for name in functions if not hasattr(mod, name)]
    if lacking:
        raise AnalysisMissing(f"the {module} analysis (lockstep.{module}) does not provide "
                              f"{', '.join(lacking)} yet")
    return mod
