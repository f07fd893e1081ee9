"""Human review of tags: accept or reject a hit, by a named coder, with the time recorded in the store.

    review_tag(corpus, "3f2a9c01d2e4b5a6", "accept", coder="anna")
    queue = review_queue(corpus, ReviewQueue(coder="anna", narrative="west-subversion", limit=20))

A coder's second decision on the same hit replaces the first. Decisions feed `calibrate.recalibrate` and
`agreement.agreement`.

Document reviews (which narratives a document carries, for `prevalence --corrected`):

    review_document(corpus, "3f2a9c01d2e4b5a6", ["world-order.multipolarity"], coder="anna")   # [] = carries none
    report = import_reviews(corpus, "reviewed.csv", coder="anna")    # doc_id + labels (+ reviewed, coder, note)
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lockstep.errors import InputError
import lockstep.narratives.tables as tables
from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.labelled import jsonl_rows, resolve_label

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

DECISIONS = {"accept": "accept", "a": "accept", "yes": "accept", "y": "accept",
             "reject": "reject", "r": "reject", "no": "reject", "n": "reject"}


@dataclass(slots=True, kw_only=True)
class ReviewQueue:
    """Which hits to put in front of a coder."""

    coder: str | None = None        # leave out hits this coder already decided
    narrative: str | None = None    # an id or id prefix
    version: str | None = None      # codebook version (default: the latest tagged)
    include_candidates: bool = True  # also hits just below their threshold
    order: str = "uncertain"        # uncertain (closest to the threshold first) | score
    limit: int = 50


def normalise_decision(decision: str) -> str:
    value = DECISIONS.get(decision.strip().lower())
    if value is None:
        raise InputError(f"decision {decision!r}: use accept or reject")
    return value


def find_hit(corpus: "Corpus", hit_id: str) -> dict:
    """The hit with this id (a unique prefix is enough)."""
    tables.ensure_tables(corpus)
    rows = tables.hits_by_id_prefix(corpus.con, hit_id)
    if not rows:
        raise InputError(f"no narrative hit {hit_id!r} (run `lockstep narratives tag`, ids are in `evidence`)")
    if len(rows) > 1:
        raise InputError(f"hit id prefix {hit_id!r} is ambiguous; give more characters")
    return rows[0]


def review_tag(corpus: "Corpus", hit_id: str, decision: str, coder: str, note: str | None = None) -> dict:
    """Record `coder`'s decision ("accept" or "reject") on a hit; returns the stored review."""
    if not coder or not coder.strip():
        raise InputError("a review needs a coder name (--coder NAME)")
    hit = find_hit(corpus, hit_id)
    value = normalise_decision(decision)
    tables.store_review(corpus.con, hit, coder.strip(), value, note)
    return {**hit, "coder": coder.strip(), "decision": value, "note": note}


def review_queue(corpus: "Corpus", queue: ReviewQueue | None = None) -> "pd.DataFrame":
    """Hits to review with their paragraph text and evidence."""
    queue = queue or ReviewQueue()
    version = queue.version or tables.latest_version(corpus)
    return tables.review_queue_rows(corpus.con, version, narrative=queue.narrative,
                                    include_candidates=queue.include_candidates, not_by=queue.coder,
                                    uncertain_first=queue.order == "uncertain", limit=queue.limit)


def reviews(corpus: "Corpus") -> "pd.DataFrame":
    """Every decision: hit, narrative, coder, decision, time, codebook version."""
    tables.ensure_tables(corpus)
    return tables.all_reviews(corpus.con)


# ---- document reviews: which narratives a (sampled) document carries ------------------------------------------
#
# A tag review says whether one hit is right; a document review says which narratives a document carries, hit or
# not, so it also finds what the detector missed. Labels are codebook ids or SemEval names; an empty list means the
# reviewer read the document and it carries none, which is not the same as not reviewed (no row). A coder's new
# review of a document replaces their earlier one. `prevalence --corrected` uses the reviews of sampled documents.

TRUE_WORDS = {"x", "yes", "y", "true", "1", "done", "✓"}
FALSE_WORDS = {"", "no", "n", "false", "0"}


@dataclass(slots=True, frozen=True)
class ReviewLabels:
    """Resolves codebook ids and SemEval label names (case-insensitive) of a codebook version to ids."""

    version: str | None
    names: dict[str, str]
    parents: dict[str, str | None]
    titles: dict[str, str]

    def resolve(self, raw: str, where: str) -> str | None:
        return resolve_label(self.names, raw, where, self.version or "packaged")

    def resolve_all(self, labels: str | list | tuple, where: str) -> list[str]:
        """Sorted codebook ids of a ';'-joined cell or a list; [] for none."""
        parts = list(labels) if isinstance(labels, (list, tuple)) else str(labels).split(";")
        if len(parts) > 1 and any(not str(p).strip() for p in parts):
            raise InputError(f"{where}: empty label in {labels!r} (labels are joined by ';')")
        return sorted({lab for lab in (self.resolve(str(p), where) for p in parts) if lab})


def review_labels(con) -> ReviewLabels:
    """The label names of the latest tagged codebook version (the packaged codebook when nothing is tagged)."""
    version = tables.latest_version_read(con)
    rows = tables.codebook_rows(con, version)
    if not rows:
        book = load_codebook()
        version = book.version
        rows = [(n.id, n.title, n.parent, book.level(n.id), n.semeval) for n in book.narratives.values()]
    names = {nid.lower(): nid for nid, *_ in rows}
    names.update({semeval.lower(): nid for nid, _t, _p, _l, semeval in rows if semeval})
    return ReviewLabels(version, names, {nid: parent for nid, _t, parent, *_ in rows},
                        {nid: title or nid for nid, title, *_ in rows})


def check_coder(coder: str | None, where: str = "") -> str:
    if not coder or not str(coder).strip():
        raise InputError(f"{where + ': ' if where else ''}a review needs a coder name (--coder NAME)")
    return str(coder).strip()


def review_document(corpus: "Corpus", doc_id: str, labels: str | list, coder: str, *, note: str | None = None,
                    source: str = "cli") -> dict:
    """Record that `coder` read document `doc_id` and found these narratives in it ([] or "" = none)."""
    coder = check_coder(coder)
    index = review_labels(corpus.con)
    found = index.resolve_all(labels, f"document {doc_id}")
    if not tables.existing_documents(corpus.con, [doc_id]):
        raise InputError(f"no document {doc_id!r} in {corpus.path}")
    row = {"doc_id": doc_id, "coder": coder, "labels": json.dumps(found), "codebook_version": index.version,
           "source": source, "note": note}
    tables.write_document_reviews(corpus, [row])
    return {**row, "labels": found}


@dataclass(slots=True)
class ImportReport:
    """What an import of document reviews did."""

    path: str
    written: int = 0
    not_reviewed: int = 0           # rows left for later (blank `reviewed`, or JSON labels null)
    carries_none: int = 0
    outside_sample: int = 0         # reviewed documents no sample holds: stored, not used by the correction

    def frame(self) -> "pd.DataFrame":
        import pandas as pd

        return pd.DataFrame([("reviews written", self.written), ("of them: carries none", self.carries_none),
                             ("rows not reviewed yet (skipped)", self.not_reviewed),
                             ("documents in no review sample (stored, not used by --corrected)", self.outside_sample)],
                            columns=["", self.path])


def import_reviews(corpus: "Corpus", path: str | Path, coder: str | None = None) -> ImportReport:
    """Read a CSV or JSONL of `doc_id` + `labels` (optional `reviewed`, `coder`, `note`) and store every review
    in one transaction; any unknown document, label or value stops the import with FILE:LINE and writes nothing."""
    path = Path(path)
    rows = read_review_rows(path)
    index = review_labels(corpus.con)
    report, parsed, seen = ImportReport(str(path)), [], {}
    for lineno, row in rows:
        where = f"{path}:{lineno}"
        review = parse_review_row(row, where, index, coder)
        if review is None:
            report.not_reviewed += 1
            continue
        key = (review["doc_id"], review["coder"])
        if key in seen:
            raise InputError(f"{where}: document {review['doc_id']} is reviewed again by {review['coder']} "
                             f"(first at line {seen[key]})")
        seen[key] = lineno
        parsed.append((where, {**review, "codebook_version": index.version, "source": f"import:{path.name}"}))
    known = tables.existing_documents(corpus.con, [r["doc_id"] for _w, r in parsed])
    for where, review in parsed:
        if review["doc_id"] not in known:
            raise InputError(f"{where}: no document {review['doc_id']!r} in {corpus.path}")
    report.written = tables.write_document_reviews(corpus, [r for _w, r in parsed])
    report.carries_none = sum(r["labels"] == "[]" for _w, r in parsed)
    report.outside_sample = len({r["doc_id"] for _w, r in parsed} - tables.sampled_documents(corpus.con))
    return report


def parse_review_row(row: dict, where: str, index: ReviewLabels, coder: str | None) -> dict | None:
    """One row as a review, or None when the row is marked not reviewed yet."""
    doc_id = str(row.get("doc_id") or "").strip()
    if not doc_id:
        raise InputError(f"{where}: no doc_id (every row needs `doc_id` and `labels`)")
    if "reviewed" in row:
        mark = str(row["reviewed"] if row["reviewed"] is not None else "").strip().lower()
        if mark not in TRUE_WORDS | FALSE_WORDS and row["reviewed"] is not True and row["reviewed"] is not False:
            raise InputError(f"{where}: reviewed {row['reviewed']!r}: use x (read) or leave it empty (not yet)")
        if row["reviewed"] is False or mark in FALSE_WORDS:
            return None
    if "labels" not in row:
        raise InputError(f"{where}: no `labels` field (codebook ids or SemEval names joined by ';', empty = none)")
    if row["labels"] is None:
        return None
    labels = index.resolve_all(row["labels"], where)
    who = check_coder(row.get("coder") or coder, where)
    return {"doc_id": doc_id, "coder": who, "labels": json.dumps(labels), "note": row.get("note") or None}


def read_review_rows(path: Path) -> list[tuple[int, dict]]:
    """(line, row) pairs of a CSV (the line a row starts on) or JSONL file."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return jsonl_rows(path)
    out = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"doc_id", "labels"} <= set(reader.fieldnames):
            raise InputError(f"{path}:1: the header needs `doc_id` and `labels` columns (found {reader.fieldnames})")
        start = reader.line_num + 1
        for row in reader:
            out.append((start, row))
            start = reader.line_num + 1
    return out
