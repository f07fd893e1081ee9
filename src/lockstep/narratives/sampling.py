"""A reproducible random sample of documents for review, stratified by actor and language (and period).

    sample = draw_sample(corpus, SampleOptions(per_stratum=30, seed=1, period="month"))
    write_review_file(sample_documents(corpus, sample.sample_id), "to-review.csv")

What is sampled are the units prevalence counts (`--reprints`): by default a story once per actor (a duplicate
cluster inside one actor), shown to reviewers as its first document; with `all` every document; with `first` only
each cluster's first document. Strata are actor x language, and x period when the sample is drawn `--period`
(draw it by the period you will report prevalence by: each reported group then has its own reviews).

In every stratum the units are ranked by md5(seed | actor | unit): a random order that the seed reproduces and
that does not depend on which other documents the store holds. The first max(per_stratum, ceil(fraction x size))
units are drawn (all of a smaller stratum). A larger sample with the same seed contains the smaller one, so more
reviews can be added by drawing again. The sample (seed, options, every unit's stratum, stratum size and inclusion
probability) is stored in the store (`narrative_samples`, `narrative_sample_members`); drawing the same options
again gives the same sample id and the same units.

Reviewers should review in the order given (`position`: the first unit of every stratum, then the second, ...):
the reviewed part of each stratum is then itself a random sample of it, which the correction needs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from lockstep.errors import InputError
import lockstep.narratives.tables as tables
from lockstep.narratives.prevalence import PERIODS, REPRINTS, period_sql
from lockstep.output import write_table
from lockstep.store.corpus import Corpus, DocumentFilter

EXCERPT_CHARS = 1200
REVIEW_COLUMNS = ["position", "doc_id", "actor", "language", "published", "stratum_period", "title", "excerpt",
                  "detector", "reviewed", "labels", "sample_id"]


@dataclass(slots=True, kw_only=True)
class SampleOptions:
    """How many units to draw from each stratum, and from which documents."""

    filters: DocumentFilter = field(default_factory=DocumentFilter)
    per_stratum: int = 30           # units drawn in each stratum (all of a smaller one)
    fraction: float = 0.0           # or this share of each stratum, when it is more
    seed: int = 0
    period: str | None = None       # also stratify by day | week | month | quarter | year
    reprints: str = "per-actor"     # what one unit is (see `prevalence`)


@dataclass(slots=True)
class Sample:
    """A drawn sample: its id and the units it holds, with their strata."""

    sample_id: str
    options: SampleOptions
    members: pd.DataFrame
    units: int
    strata: int

    def summary(self) -> pd.DataFrame:
        """Per stratum: its size, the units drawn and the inclusion probability."""
        frame = self.members.groupby(["actor", "language", "period"], dropna=False).agg(
            stratum_units=("stratum_units", "first"), sampled=("doc_id", "size"),
            inclusion=("inclusion", "first")).reset_index()
        frame["inclusion"] = frame["inclusion"].round(4)
        return frame


def check_options(options: SampleOptions) -> None:
    if options.per_stratum < 0 or not 0.0 <= options.fraction <= 1.0:
        raise InputError("--per-stratum must be 0 or more and --fraction between 0 and 1")
    if options.per_stratum == 0 and options.fraction == 0.0:
        raise InputError("give --per-stratum N or --fraction F (or both): the sample would be empty")
    if options.period is not None and options.period not in PERIODS[:-1]:
        raise InputError(f"--period {options.period!r}: use one of {', '.join(PERIODS[:-1])}")
    if options.reprints not in REPRINTS:
        raise InputError(f"--reprints {options.reprints!r}: use one of {', '.join(REPRINTS)}")


def frame_where(filters: DocumentFilter, reprints: str) -> tuple[str, list]:
    """The documents a sample (or a corrected prevalence) is drawn from: the filters, and with `first` only
    each duplicate cluster's first document."""
    where, params = filters.where("d")
    if reprints == "first":
        where += " AND d.duplicate_of IS NULL"
    return where, params


def stratum_period(period: str | None) -> str:
    """The SQL of a unit's stratum period (its representative document `d`): 'all' when not stratified by one."""
    return period_sql(period) if period else "'all'"


def sample_id_for(options: SampleOptions) -> str:
    """The same options give the same id (and, the store unchanged, the same units)."""
    described = json.dumps({**asdict(options), "filters": asdict(options.filters)}, sort_keys=True, default=str)
    return f"s{options.seed}-{hashlib.sha1(described.encode()).hexdigest()[:8]}"


def draw_sample(corpus: Corpus, options: SampleOptions | None = None) -> Sample:
    """Draw the stratified sample and record it in the store (replacing one drawn with the same options)."""
    options = options or SampleOptions()
    check_options(options)
    members = tables.draw_members(corpus, frame_where(options.filters, options.reprints),
                                  tables.unit_expression(options.reprints), stratum_period(options.period),
                                  options.seed, options.per_stratum, options.fraction)
    if members.empty:
        raise InputError(f"{corpus.path}: no documents match these filters: nothing to sample")
    sample_id = sample_id_for(options)
    strata = members.groupby(["actor", "language", "period"]).ngroups
    units = int(members.groupby(["actor", "language", "period"])["stratum_units"].first().sum())
    tables.store_sample(corpus, {
        "sample_id": sample_id, "seed": options.seed, "period": options.period, "reprints": options.reprints,
        "per_stratum": options.per_stratum, "fraction": options.fraction,
        "filters": json.dumps(asdict(options.filters), sort_keys=True), "strata": strata, "units": units,
        "codebook_version": tables.latest_version(corpus), "sampled": len(members)}, members)
    return Sample(sample_id, options, members, units, strata)


def find_sample(con, sample_id: str | None) -> dict:
    """The stored sample with this id (a unique prefix is enough), or the newest one."""
    record = tables.sample_record(con, sample_id)
    if record is None:
        raise InputError(f"no review sample {sample_id!r} in the store (see `lockstep narratives samples`)"
                         if sample_id else "no review sample in the store: draw one with `lockstep narratives sample`")
    if record.get("ambiguous"):
        raise InputError(f"sample id prefix {sample_id!r} is ambiguous; give more characters")
    return record


def sample_documents(con, sample_id: str | None = None, *, status: str | None = None, coder: str | None = None,
                     level: int | None = None, limit: int | None = None,
                     actors: list[str] | None = None) -> pd.DataFrame:
    """The sample's documents in review order with an excerpt, the detector's narratives and the review so far
    (`labels`: a JSON list, [] = carries none, empty = not reviewed); `status` pending | reviewed."""
    record = find_sample(con, sample_id)
    version = tables.latest_version_read(con)
    frame = tables.sample_members(con, record["sample_id"], version, reprints=record["reprints"], coder=coder,
                                  status=status, level=level, limit=limit, actors=actors)
    frame["excerpt"] = [excerpt(t) for t in frame["text"]]
    frame["sample_id"] = record["sample_id"]
    return frame


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def review_file_frame(documents: pd.DataFrame) -> pd.DataFrame:
    """The columns reviewers fill: `reviewed` (x once read) and `labels` (codebook ids or SemEval names joined
    by ';'; empty on a reviewed row = carries none)."""
    frame = documents.copy()
    frame["reviewed"] = ["x" if isinstance(v, str) else "" for v in frame["labels"]]
    frame["labels"] = [";".join(json.loads(v)) if isinstance(v, str) else "" for v in frame["labels"]]
    frame["published"] = frame["published"].astype("string")
    return frame[REVIEW_COLUMNS]


def write_review_file(documents: pd.DataFrame, path: str | Path) -> Path:
    """Write the sample for reviewers as CSV, JSONL, JSON or Parquet (by suffix)."""
    return write_table(review_file_frame(documents), path)
