"""Human review of tags: accept or reject a hit, by a named coder, with the time recorded in the store.

    review_tag(corpus, "3f2a9c01d2e4b5a6", "accept", coder="anna")
    queue = review_queue(corpus, ReviewQueue(coder="anna", narrative="west-subversion", limit=20))

A coder's second decision on the same hit replaces the first. Decisions feed `calibrate.recalibrate` and
`agreement.agreement`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lockstep.errors import InputError
from lockstep.narratives import tables

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
    cur = corpus.con.execute("SELECT hit_id, doc_id, idx, narrative, codebook_version FROM narrative_hits "
                             "WHERE hit_id = ? OR hit_id LIKE ? LIMIT 2", [hit_id, f"{hit_id}%"])
    rows = cur.fetchall()
    if not rows:
        raise InputError(f"no narrative hit {hit_id!r} (run `lockstep narratives tag`, ids are in `evidence`)")
    if len(rows) > 1:
        raise InputError(f"hit id prefix {hit_id!r} is ambiguous; give more characters")
    return dict(zip([c[0] for c in cur.description], rows[0]))


def review_tag(corpus: "Corpus", hit_id: str, decision: str, coder: str, note: str | None = None) -> dict:
    """Record `coder`'s decision ("accept" or "reject") on a hit; returns the stored review."""
    if not coder or not coder.strip():
        raise InputError("a review needs a coder name (--coder NAME)")
    hit = find_hit(corpus, hit_id)
    value = normalise_decision(decision)
    corpus.con.execute(
        "INSERT OR REPLACE INTO narrative_reviews (hit_id, coder, decision, doc_id, idx, narrative, codebook_version,"
        " note, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
        [hit["hit_id"], coder.strip(), value, hit["doc_id"], hit["idx"], hit["narrative"], hit["codebook_version"], note])
    return {**hit, "coder": coder.strip(), "decision": value, "note": note}


def review_queue(corpus: "Corpus", queue: ReviewQueue | None = None) -> "pd.DataFrame":
    """Hits to review with their paragraph text and evidence."""
    queue = queue or ReviewQueue()
    version = queue.version or tables.latest_version(corpus)
    clauses, params = ["h.codebook_version = ?"], [version]
    if queue.narrative:
        clauses.append("(h.narrative = ? OR h.narrative LIKE ?)")
        params += [queue.narrative, f"{queue.narrative}.%"]
    if not queue.include_candidates:
        clauses.append("h.above")
    if queue.coder:
        clauses.append("NOT EXISTS (SELECT 1 FROM narrative_reviews r WHERE r.hit_id = h.hit_id AND r.coder = ?)")
        params.append(queue.coder)
    order = "abs(h.score - h.threshold), h.hit_id" if queue.order == "uncertain" else "h.score DESC, h.hit_id"
    sql = ("SELECT h.hit_id, h.narrative, h.score, h.threshold, h.above, d.actor, d.published, p.text, h.claim, "
           "h.evidence, h.doc_id, h.idx, p.start_char FROM narrative_hits h "
           "JOIN paragraphs p ON p.doc_id = h.doc_id AND p.idx = h.idx JOIN documents d ON d.id = h.doc_id "
           f"WHERE {' AND '.join(clauses)} ORDER BY {order} LIMIT {int(queue.limit)}")
    return corpus.con.execute(sql, params).df()


def reviews(corpus: "Corpus") -> "pd.DataFrame":
    """Every decision: hit, narrative, coder, decision, time, codebook version."""
    tables.ensure_tables(corpus)
    return corpus.con.execute("SELECT hit_id, narrative, doc_id, idx, coder, decision, note, reviewed_at, "
                              "codebook_version FROM narrative_reviews ORDER BY reviewed_at, hit_id").df()
