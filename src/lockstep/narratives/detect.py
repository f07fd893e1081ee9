"""Scoring paragraphs against the codebook: semantic similarity to example claims plus lexical evidence.

For every paragraph and narrative:

    semantic = max cosine similarity between the paragraph embedding and the narrative's example claims
               (claims in any language: a Russian paragraph is compared with English claims too); the
               narrative's description counts as one more claim (`definitions`)
    score    = semantic + lexical_weight if a phrase or pattern of the narrative occurs in the paragraph,
               + the language's shift (cross-lingual similarities run lower: a Russian paragraph's best match
               with mostly English claims scores below an English one saying the same; fitted on labels)
    parent   = max(own score, children's scores)   (a sub-narrative implies its narrative)

A paragraph carries a narrative when score >= the narrative's calibrated threshold. This module is pure:
it takes texts and vectors and returns arrays and hit records; `tagging.py` runs it over a store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from lockstep.enrich.embeddings import EmbeddingBackend
from lockstep.narratives.codebook import Codebook
from lockstep.narratives.lexical import Lexicon, Match

DEFAULT_THRESHOLD = 0.6
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


@dataclass(slots=True, kw_only=True)
class DetectOptions:
    """How scores are combined. `aggregate`: "max" or "top2" (mean of the two most similar claims)."""

    aggregate: str = "max"
    lexical_weight: float = 0.25
    semantic: bool = True       # False gives the keyword-only detector
    lexical: bool = True
    default_threshold: float = DEFAULT_THRESHOLD
    candidate_margin: float = 0.10   # keep candidates this far below the threshold (for review/recalibration)
    max_candidates: int = 8          # per paragraph
    definitions: bool = True         # a narrative's description is one more claim (narratives with claims)
    language_shift: dict[str, float] | None = None   # added to semantic scores per language; None: packaged


@dataclass(slots=True)
class Scores:
    """Scores of a batch of paragraphs: arrays (n_paragraphs, n_narratives) and lexical matches."""

    semantic: np.ndarray
    combined: np.ndarray
    best_claim: np.ndarray        # index into Detector.claims of the most similar claim, -1 when none
    matches: list[dict[str, list[Match]]]


@dataclass(slots=True)
class Hit:
    """One narrative found (or a candidate) in one paragraph."""

    row: int                  # paragraph position in the batch
    narrative: str
    score: float
    semantic: float
    threshold: float
    above: bool
    claim: str | None
    evidence: list[dict] = field(default_factory=list)
    detector: str = "zero-shot"   # or learned:<model version>


class Detector:
    """A codebook compiled for detection: claim embeddings, lexicon, parent links, thresholds."""

    def __init__(self, codebook: Codebook, backend: EmbeddingBackend | None, options: DetectOptions | None = None,
                 thresholds: dict[str, float] | None = None):
        self.codebook = codebook
        self.options = options or DetectOptions()
        self.backend = backend
        self.ids = list(codebook.narratives)
        self.column = {nid: i for i, nid in enumerate(self.ids)}
        self.claims = [(nid, lang, text) for nid in self.ids for lang, text in self.claims_of(codebook.narratives[nid])]
        self.claim_owner = np.array([self.column[c[0]] for c in self.claims], dtype=np.int64)
        self.claim_vectors = self.embed_claims()
        self.lexicon = Lexicon(codebook)
        self.children = self.child_columns()
        self.thresholds = np.array([(thresholds or {}).get(nid, self.options.default_threshold) for nid in self.ids],
                                   dtype=np.float32)
        self.scopes = {self.column[n.id]: set(n.actors) for n in codebook.narratives.values() if n.actors}
        self.shift = self.options.language_shift
        if self.shift is None:
            from lockstep.narratives.calibrate import packaged_language_shift

            self.shift = packaged_language_shift(self.options)

    def claims_of(self, narrative) -> list[tuple[str, str]]:
        claims = narrative.all_claims()
        if self.options.definitions and claims and narrative.description:
            claims.append(("en", narrative.description))
        return claims

    # ---- setup --------------------------------------------------------------------------------------------
    def embed_claims(self) -> np.ndarray:
        if not self.claims or self.backend is None or not self.options.semantic:
            return np.zeros((len(self.claims), getattr(self.backend, "dim", 1)), dtype=np.float32)
        return self.backend.embed([text for _nid, _lang, text in self.claims])

    def child_columns(self) -> list[tuple[int, np.ndarray]]:
        """(parent column, descendant columns) for every narrative with children, deepest parents first."""
        out = []
        for nid in sorted(self.ids, key=lambda n: -self.codebook.level(n)):
            kids = [self.column[c] for c in self.ids if nid in self.codebook.ancestors(c)]
            if kids:
                out.append((self.column[nid], np.array(kids, dtype=np.int64)))
        return out

    def set_thresholds(self, thresholds: dict[str, float]) -> None:
        for nid, value in thresholds.items():
            if nid in self.column:
                self.thresholds[self.column[nid]] = value

    # ---- scoring ------------------------------------------------------------------------------------------
    def score(self, texts: Sequence[str], vectors: np.ndarray | None, languages: Sequence[str | None],
              actors: Sequence[str | None] | None = None) -> Scores:
        n, m = len(texts), len(self.ids)
        semantic, best = self.semantic_scores(vectors, n)
        for parent, kids in self.children:
            np.maximum(semantic[:, parent], semantic[:, kids].max(axis=1), out=semantic[:, parent])
        combined = semantic.copy()
        matches: list[dict[str, list[Match]]] = [{} for _ in range(n)]
        if self.options.lexical:
            for row, (text, lang) in enumerate(zip(texts, languages)):
                for match in self.lexicon.find(text, lang):
                    matches[row].setdefault(match.narrative, []).append(match)
                for nid in matches[row]:
                    col = self.column[nid]
                    if self.options.semantic:
                        combined[row, col] = max(combined[row, col], 0.0) + self.options.lexical_weight
                    else:
                        combined[row, col] = 1.0
        if self.options.semantic and self.shift:
            shifts = np.array([self.shift.get(lang or "", 0.0) for lang in languages], dtype=np.float32)
            combined += shifts[:, None]
        for parent, kids in self.children:
            np.maximum(combined[:, parent], combined[:, kids].max(axis=1), out=combined[:, parent])
        if self.scopes and actors is not None:
            for col, allowed in self.scopes.items():
                outside = np.array([a not in allowed for a in actors], dtype=bool)
                combined[outside, col] = -1.0
        assert combined.shape == (n, m)
        return Scores(semantic, combined, best, matches)

    def semantic_scores(self, vectors: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
        m = len(self.ids)
        semantic = np.full((n, m), -1.0, dtype=np.float32)
        best = np.full((n, m), -1, dtype=np.int64)
        if vectors is None or not self.options.semantic or not self.claims or n == 0:
            if not self.options.semantic:
                semantic[:] = 0.0
            return semantic, best
        sims = vectors @ self.claim_vectors.T                       # (n, n_claims)
        for col in np.unique(self.claim_owner):
            idx = np.flatnonzero(self.claim_owner == col)
            block = sims[:, idx]
            arg = block.argmax(axis=1)
            best[:, col] = idx[arg]
            if self.options.aggregate == "top2" and len(idx) > 1:
                top = np.partition(block, len(idx) - 2, axis=1)[:, -2:]
                semantic[:, col] = top.mean(axis=1)
            else:
                semantic[:, col] = block[np.arange(n), arg]
        return semantic, best

    # ---- hits ---------------------------------------------------------------------------------------------
    def hits(self, scores: Scores) -> list[Hit]:
        """Hits above threshold and candidates within `candidate_margin` below it, at most `max_candidates`
        per paragraph, best first."""
        floor = self.thresholds - self.options.candidate_margin
        rows, cols = np.nonzero(scores.combined >= floor[None, :])
        out: list[Hit] = []
        order = np.lexsort((-scores.combined[rows, cols], rows))
        kept_per_row: dict[int, int] = {}
        for k in order:
            row, col = int(rows[k]), int(cols[k])
            if kept_per_row.get(row, 0) >= self.options.max_candidates:
                continue
            kept_per_row[row] = kept_per_row.get(row, 0) + 1
            out.append(self.make_hit(scores, row, col))
        return out

    def make_hit(self, scores: Scores, row: int, col: int) -> Hit:
        nid = self.ids[col]
        claim_col = self.evidence_column(scores, row, col)
        claim_idx = int(scores.best_claim[row, claim_col])
        claim = self.claims[claim_idx][2] if claim_idx >= 0 else None
        score = float(scores.combined[row, col])
        evidence = [{"kind": m.kind, "start": m.start, "end": m.end, "match": m.phrase, "narrative": m.narrative}
                    for m in self.matches_for(scores, row, col)]
        return Hit(row=row, narrative=nid, score=round(score, 4), semantic=round(float(scores.semantic[row, col]), 4),
                   threshold=float(self.thresholds[col]), above=bool(score >= self.thresholds[col]),
                   claim=claim, evidence=evidence)

    def evidence_column(self, scores: Scores, row: int, col: int) -> int:
        """The column whose claim explains a hit: itself, or for a parent the best-scoring descendant."""
        for parent, kids in self.children:
            if parent == col:
                candidates = np.concatenate([[col], kids])
                return int(candidates[np.argmax(scores.combined[row, candidates])])
        return col

    def matches_for(self, scores: Scores, row: int, col: int) -> list[Match]:
        nid = self.ids[col]
        own = list(scores.matches[row].get(nid, []))
        prefix = nid + "."
        own.extend(m for key, ms in scores.matches[row].items() if key.startswith(prefix) for m in ms)
        return own


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the sentences in `text` (split after . ! ? and their CJK forms)."""
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()] or [(0, len(text))]


def best_sentence(backend: EmbeddingBackend, text: str, claim_vector: np.ndarray) -> tuple[int, int, float]:
    """The sentence of `text` most similar to a claim: (start, end, similarity)."""
    spans = sentence_spans(text)
    if len(spans) == 1:
        return spans[0][0], spans[0][1], float("nan")
    vectors = backend.embed([text[s:e] for s, e in spans])
    sims = vectors @ claim_vector
    k = int(np.argmax(sims))
    return spans[k][0], spans[k][1], float(sims[k])
