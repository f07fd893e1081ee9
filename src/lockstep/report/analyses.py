"""The error an analysis section raises when what it needs is not available.

The analysis modules (terms, narratives, align) used to be found at run time through string imports here; they
are plain imports now (issue 21), so the import graph shows every dependency. The report, the dashboard's panels
and its review endpoint still turn an :class:`AnalysisMissing` into a note instead of a traceback.
"""

from __future__ import annotations


class AnalysisMissing(Exception):
    """An analysis module or function the section needs is not available; the message says which."""
