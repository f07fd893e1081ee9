"""What the tags say: narrative prevalence by actor x period, first appearance per actor, top evidence,
and the hits themselves (each with its codebook version) for export.

A document carries a narrative when at least one of its paragraphs has a hit above threshold.

Reprints (documents.cluster_id groups a document with its exact and near duplicates):
- `per-actor` (default): a story counts once per actor — ten copies inside one ecosystem are one item, but
  when outlet B reprints outlet A, B did publish it and it counts for B too (DESIGN: "reprints count once
  within an actor, and once per actor across actors");
- `first`: only the first member of each cluster counts (documents.duplicate_of IS NULL), for corpus-wide
  counts where a syndicated story should count once in total;
- `all`: every copy counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lockstep.errors import InputError
import lockstep.narratives.evidence_list as evidence_list
import lockstep.narratives.tables as tables
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

PERIODS = ("day", "week", "month", "quarter", "year", "all")
REPRINTS = ("per-actor", "first", "all")


@dataclass(slots=True, kw_only=True)
class HitQuery:
    """Which hits an output looks at."""

    filters: "DocumentFilter | None" = None
    narrative: str | None = None     # an id or an id prefix ("west-subversion", "urw")
    level: int | None = None         # 1 = narratives, 2 = sub-narratives
    version: str | None = None       # codebook version; default: the latest tagged
    reprints: str = "per-actor"
    period: str = "month"


def hit_where(corpus: "Corpus", query: HitQuery, alias: str = "h") -> tuple[str, list[Any]]:
    """WHERE clause over narrative_hits joined to documents `d`: version, narrative, level, filters."""
    if query.reprints not in REPRINTS:
        raise InputError(f"--reprints {query.reprints!r}: use one of {', '.join(REPRINTS)}")
    version = query.version or tables.latest_version(corpus)
    if version is None:
        raise InputError("nothing is tagged yet: run `lockstep narratives tag` first")
    where, params = (query.filters or DocumentFilter()).where("d")
    clauses, out = [where, f"{alias}.codebook_version = ?"], [*params, version]
    if query.narrative:
        clauses.append(f"({alias}.narrative = ? OR {alias}.narrative LIKE ?)")
        out += [query.narrative, f"{query.narrative}.%"]
    if query.level:
        clauses.append(f"{alias}.level = ?")
        out.append(query.level)
    if query.reprints == "first":
        clauses.append("d.duplicate_of IS NULL")
    return " AND ".join(clauses), out


def period_sql(period: str) -> str:
    if period not in PERIODS:
        raise InputError(f"--period {period!r}: use one of {', '.join(PERIODS)}")
    if period == "all":
        return "'all'"
    return f"strftime(date_trunc('{period}', d.published_at), '%Y-%m-%d')"


def unit_sql(reprints: str) -> str:
    """What one counted item is: a cluster per actor, or a document."""
    return "COALESCE(d.cluster_id, d.id)" if reprints == "per-actor" else "d.id"


def prevalence(corpus: "Corpus", query: HitQuery | None = None) -> "pd.DataFrame":
    """Per actor, period and narrative: documents carrying it, the actor's documents that period, and the share."""
    query = query or HitQuery()
    where, params = hit_where(corpus, query)
    period, unit = period_sql(query.period), unit_sql(query.reprints)
    base_where, base_params = (query.filters or DocumentFilter()).where("d")
    if query.reprints == "first":
        base_where += " AND d.duplicate_of IS NULL"
    version = query.version or tables.latest_version(corpus)
    return tables.prevalence_rows(corpus.con, where, params, base_where, base_params, period=period, unit=unit,
                                  version=version)


def first_appearance(corpus: "Corpus", query: HitQuery | None = None) -> "pd.DataFrame":
    """For each narrative and actor: the earliest dated paragraph carrying it, with its hit and text."""
    query = query or HitQuery()
    where, params = hit_where(corpus, query)
    return tables.first_hits(corpus.con, where, params)


def evidence(corpus: "Corpus", query: HitQuery | None = None, *, limit: int = 20,
             include_candidates: bool = False) -> "pd.DataFrame":
    """The strongest paragraphs for the selected narratives, with the evidence spans quoted from the text; each
    hit once (a sub-narrative names its `parent`; see evidence_list) with the measured `precision` of its band."""
    query = query or HitQuery()
    where, params = hit_where(corpus, query)
    above = "" if include_candidates else "h.above AND "
    version = query.version or tables.latest_version(corpus)
    frame = evidence_list.once(tables.strongest_hits(corpus.con, where, params, above=above, limit=limit),
                               tables.parents(corpus.con, version))
    frame["spans"] = [quote_spans(doc, ev) for doc, ev in zip(frame["document_text"], frame["evidence"])]
    return evidence_list.with_precision(frame.drop(columns=["document_text"]))


def quote_spans(document_text: str, evidence_json: str) -> str:
    """The evidence spans as quoted text: `phrase «…»; similar «…»`."""
    parts = []
    for item in json.loads(evidence_json or "[]"):
        parts.append(f"{item['kind']} «{document_text[item['start']:item['end']]}»")
    return "; ".join(parts)


def hits(corpus: "Corpus", query: HitQuery | None = None, *, include_candidates: bool = False) -> "pd.DataFrame":
    """The hits (for export): one row per paragraph and narrative with score, threshold, evidence and the
    codebook version that produced it."""
    query = query or HitQuery()
    where, params = hit_where(corpus, query)
    above = "" if include_candidates else "h.above AND "
    return tables.hit_rows(corpus.con, where, params, above=above)


def document_narratives(corpus: "Corpus", query: HitQuery | None = None) -> "pd.DataFrame":
    """Document-level tags: each document with each narrative it carries, its best score and paragraph count."""
    query = query or HitQuery()
    where, params = hit_where(corpus, query)
    return tables.document_narrative_rows(corpus.con, where, params)
