"""Narrative prevalence corrected for the detector's errors, from reviews of a random sample of documents.

    table = corrected_prevalence(corpus, CorrectedQuery(hits=HitQuery(level=1, period="month")))

For every group (actor x period, and language with `by_language`) and narrative: `raw_share` is the detector's share
(as `prevalence`), `share` the difference (prediction-powered) estimate — the detector's share plus the mean of
(review - detector) over the group's reviewed documents, stratum by stratum (`estimators.difference_estimate`) —
and `ci_low`, `ci_high` its interval, which carries both the sampling of documents and the detector's errors.
`reviewed` counts the reviewed units behind it; `review_carrying`, `review_misses`, `review_false_alarms` say what
the reviews found (carrying the narrative; of those, missed by the detector; flagged by it but not carrying it).

Reviews come from one sample (`sampling.draw_sample`; the newest unless `sample_id` is given): a review of a document
outside it is not used, because the correction needs documents drawn at random. A group is corrected only when each
of its strata (actor x language [x the sample's period]) holds at least `min_reviews` reviews (MIN_REVIEWS, measured
by eval/prevalence.py: below it the intervals cover the truth too rarely); otherwise its rows show the raw share,
`corrected` false and a note saying why. With no reviews at all every row is the raw share, labelled uncorrected.
Review labels count with their parents (a sub-narrative implies its narrative).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from lockstep.errors import InputError
import lockstep.narratives.tables as tables
from lockstep.narratives.estimators import VARIANCES, Cell, Estimate, difference_estimate, tuned_power
from lockstep.narratives.prevalence import HitQuery, hit_where, period_sql
from lockstep.narratives.sampling import find_sample, frame_where, stratum_period
from lockstep.store.corpus import Corpus, DocumentFilter

MIN_REVIEWS = 10
ESTIMATORS = ("tuned", "difference", "reviews")
CELL_KEY = ["actor", "language", "period", "stratum_period"]
COUNTS = ["flagged", "reviewed_flagged", "reviewed_carrying", "reviewed_both"]
COLUMNS = ["narrative", "title", "actor", "period", "language", "documents", "actor_documents", "raw_share", "share",
           "ci_low", "ci_high", "reviewed", "review_carrying", "review_misses", "review_false_alarms", "power",
           "corrected", "note"]


@dataclass(slots=True, kw_only=True)
class CorrectedQuery:
    """Which prevalence to correct, with which reviews."""

    hits: HitQuery = field(default_factory=HitQuery)
    sample_id: str | None = None       # the review sample (default: the newest)
    coder: str | None = None           # only this coder's reviews (default: each document's latest review)
    by_language: bool = False          # groups are actor x period x language
    confidence: float = 0.95
    min_reviews: int = MIN_REVIEWS     # per stratum of a group
    variance: str = "agresti-min"      # or "plain" (see estimators)
    estimator: str = "tuned"           # tuned (PPI++) | difference (PPI) | reviews (the reviews alone)


@dataclass(slots=True)
class Reviews:
    """The reviewed units of a sample and the narratives their reviews name (with parents), and what was left."""

    sample: dict | None
    units: list[tuple[str, str]]
    labels: list[tuple[str, str, str]]
    unknown_labels: int = 0


def ancestors(parents: dict[str, str | None], narrative: str) -> list[str]:
    out, seen = [], {narrative}
    parent = parents.get(narrative)
    while parent and parent not in seen:
        out.append(parent)
        seen.add(parent)
        parent = parents.get(parent)
    return out


def selected(narrative: str, levels: dict[str, int], query: HitQuery) -> bool:
    """Whether a narrative is among those the hit query looks at (level, id or id prefix)."""
    if query.level and levels.get(narrative) != query.level:
        return False
    return not query.narrative or narrative == query.narrative or narrative.startswith(query.narrative + ".")


def sample_reviews(corpus: Corpus, query: CorrectedQuery, version: str) -> Reviews:
    if tables.sample_record(corpus.con, None) is None:
        return Reviews(None, [], [])
    sample = find_sample(corpus.con, query.sample_id)
    if sample["reprints"] != query.hits.reprints:
        raise InputError(f"sample {sample['sample_id']} counts units as --reprints {sample['reprints']}: run with "
                         f"--reprints {sample['reprints']}, or draw a sample with --reprints {query.hits.reprints}")
    rows = tables.codebook_rows(corpus.con, version)
    parents = {nid: parent for nid, _t, parent, _l, _s in rows}
    levels = {nid: level for nid, _t, _p, level, _s in rows}
    units, labels, unknown = [], [], 0
    for actor, unit, _doc_id, raw in tables.reviewed_units(corpus.con, sample["sample_id"], query.coder):
        units.append((actor, unit))
        for label in json.loads(raw):
            if label not in parents:
                unknown += 1
                continue
            labels += [(actor, unit, n) for n in {label, *ancestors(parents, label)} if selected(n, levels, query.hits)]
    return Reviews(sample, units, labels, unknown)


def corrected_prevalence(corpus: Corpus, query: CorrectedQuery | None = None) -> pd.DataFrame:
    """Per narrative and group: raw share, corrected share with its interval, and the reviews behind it."""
    query = query or CorrectedQuery()
    if query.estimator not in ESTIMATORS:
        raise InputError(f"--estimator {query.estimator!r}: use one of {', '.join(ESTIMATORS)}")
    if query.variance not in VARIANCES:
        raise InputError(f"variance {query.variance!r}: use one of {', '.join(VARIANCES)}")
    if not 0 < query.confidence < 1:
        raise InputError(f"--confidence {query.confidence}: give a level between 0 and 1, e.g. 0.95")
    version = query.hits.version or tables.latest_version_read(corpus.con)
    if version is None:
        raise InputError("nothing is tagged yet: run `lockstep narratives tag` first")
    hits = HitQuery(filters=query.hits.filters, narrative=query.hits.narrative, level=query.hits.level,
                    version=version, reprints=query.hits.reprints, period=query.hits.period)
    reviews = sample_reviews(corpus, replace(query, hits=hits), version)
    sizes, counts = tables.prevalence_cells(
        corpus.con, frame_where(hits.filters or DocumentFilter(), hits.reprints), hit_where(corpus, hits),
        unit=tables.unit_expression(hits.reprints), period=period_sql(hits.period),
        stratum_period=stratum_period(reviews.sample["period"] if reviews.sample else None),
        reviewed=reviews.units, labels=reviews.labels)
    titles = {nid: title for nid, title, *_ in tables.codebook_rows(corpus.con, version)}
    rows = estimate_rows(sizes, counts, query, no_sample=reviews.sample is None)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["title"] = [titles.get(n, n) for n in frame["narrative"]]
    for column in ("actor", "language"):
        frame[column] = frame[column].replace({"": None})
    if not query.by_language:
        frame = frame.drop(columns=["language"])
    frame = frame.sort_values(["period", "actor", "share", "narrative"], ascending=[True, True, False, True],
                              na_position="last", kind="stable").reset_index(drop=True)
    frame.attrs.update(sample_id=reviews.sample["sample_id"] if reviews.sample else None,
                       unknown_labels=reviews.unknown_labels, codebook_version=version)
    return frame


def estimate_rows(sizes: pd.DataFrame, counts: pd.DataFrame, query: CorrectedQuery, *,
                  no_sample: bool) -> list[dict[str, Any]]:
    """One row per group and narrative: in a corrected group every narrative found anywhere (by the detector or
    the reviews), so a narrative the detector never flags there still gets its estimate; in an uncorrected group
    the narratives the detector flags there."""
    group_cols = ["actor", "period"] + (["language"] if query.by_language else [])
    sizes, counts = keyed(sizes), keyed(counts)
    by_cell = {(tuple(values[:4]), values[4]): values[5:] for values in
               zip(*(counts[c] for c in [*CELL_KEY, "narrative", *COUNTS]))}
    everywhere = sorted(counts["narrative"].unique()) if len(counts) else []
    planned = []
    for group, cells in sizes.groupby(group_cols, sort=True, dropna=False):
        keys = [tuple(r) for r in cells[CELL_KEY].itertuples(index=False)]
        base = list(zip(cells["units"].astype(int), cells["reviewed"].astype(int)))
        here = set(keys)
        flagged_here = sorted({n for (key, n), c in by_cell.items() if key in here and c[0] > 0})
        enough = all(n >= min(u, max(1, query.min_reviews)) for u, n in base)
        for narrative in (everywhere if enough else flagged_here):
            planned.append((group if isinstance(group, tuple) else (group,), narrative,
                            [cell_of(units, reviewed, by_cell.get((key, narrative)))
                             for key, (units, reviewed) in zip(keys, base)]))
    powers = detector_powers(planned, query.estimator, query.min_reviews)
    rows = []
    for group, narrative, cells in planned:
        estimate = difference_estimate(cells, power=powers[narrative], confidence=query.confidence,
                                       variance=query.variance, min_reviews=query.min_reviews)
        rows.append(row_of(dict(zip(group_cols, group)), narrative, cells, estimate, powers[narrative], no_sample))
    return rows


def detector_powers(planned: list[tuple[tuple, str, list[Cell]]], estimator: str,
                    min_reviews: int) -> dict[str, float]:
    """How much of the detector each narrative's estimates use: 1 (difference), 0 (reviews only), or tuned on
    the reviewed units of the narrative in every stratum with enough reviews (PPI++)."""
    cells: dict[str, list[Cell]] = {}
    for _group, narrative, group_cells in planned:
        cells.setdefault(narrative, []).extend(c for c in group_cells if c.reviewed >= min(c.units, min_reviews))
    fixed = {"difference": 1.0, "reviews": 0.0}
    return {n: fixed[estimator] if estimator in fixed else tuned_power(c) for n, c in cells.items()}


def keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """Cell keys as plain strings (a missing period is '' here, None in the output)."""
    frame = frame.copy()
    for column in CELL_KEY:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), "")
    return frame


def cell_of(units: int, reviewed: int, counts: tuple | None) -> Cell:
    """A cell from its sizes and the narrative's counts there (flagged, reviewed_flagged, reviewed_carrying,
    reviewed_both), zeros when the narrative does not occur in it."""
    flagged, reviewed_flagged, carrying, both = (int(v) for v in counts) if counts is not None else (0, 0, 0, 0)
    return Cell(units=units, flagged=flagged, reviewed=reviewed, reviewed_flagged=reviewed_flagged,
                reviewed_carrying=carrying, reviewed_both=both)


def row_of(group: dict, narrative: str, cells: list[Cell], estimate: Estimate, power: float,
           no_sample: bool) -> dict[str, Any]:
    carrying = sum(c.reviewed_carrying for c in cells)
    note = estimate.note
    if no_sample:
        note = "uncorrected: no review sample (draw one with `lockstep narratives sample` and review it)"
    elif estimate.corrected and carrying == 0 and sum(c.reviewed_flagged for c in cells) == 0:
        note = (f"no reviewed document carries it or is flagged: the interval is what {estimate.reviewed} "
                "reviews can rule out")
    return {"narrative": narrative, "title": None, "actor": group.get("actor"),
            "period": group.get("period") or None, "language": group.get("language"),
            "documents": sum(c.flagged for c in cells), "actor_documents": sum(c.units for c in cells),
            "raw_share": round(estimate.raw, 4), "share": round(estimate.share, 4),
            "ci_low": rounded(estimate.low), "ci_high": rounded(estimate.high), "reviewed": estimate.reviewed,
            "review_carrying": carrying, "review_misses": sum(c.misses for c in cells),
            "review_false_alarms": sum(c.false_alarms for c in cells),
            "power": round(power, 3) if estimate.corrected else None, "corrected": estimate.corrected,
            "note": note}


def rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)
