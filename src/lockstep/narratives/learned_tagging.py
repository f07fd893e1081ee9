"""Tagging a store with a learned detector: which model, whole documents per chunk, document-level hits.

Narratives whose arm is zero-shot keep the zero-shot paragraph hits (with the model's thresholds). Narratives
whose arm is linear are decided per document from the document features; the hit sits on the paragraph that
best explains the narrative (one evidence span covers that paragraph, a second one the sentence most similar to
the narrative's closest claim) and names `learned:<version>`. A
sub-narrative decided by the model implies its parent; when the parent has no hit of its own, it gets one too (a
parent-gated model decides a sub-narrative only where its parent is decided). Documents carry their language, so a
language-centred model uses each language's intercept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import numpy as np

from lockstep.errors import InputError
import lockstep.narratives.learned as learned
import lockstep.narratives.models as models
from lockstep.narratives.codebook import Codebook
from lockstep.narratives.detect import Detector, Hit, Scores

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus


def resolve(corpus: "Corpus", codebook: Codebook, choice: str, embedding_model: str) -> learned.LearnedModel | None:
    """The learned model to tag with, or None for zero-shot."""
    if choice == "zero-shot":
        return None
    if choice in ("auto", "learned"):
        version = models.latest_version(corpus, codebook.version)
        if version is None:
            if choice == "auto":
                return None
            other = models.latest_version(corpus)
            hint = f" (the newest, {other}, was trained for another codebook version)" if other else ""
            raise InputError(f"{corpus.path}: no learned model for codebook {codebook.version}{hint}; "
                             "run `lockstep narratives train`")
    else:
        version = choice
    model = models.load(corpus, version)
    if model.codebook_version != codebook.version:
        raise InputError(f"model {model.version} was trained with codebook {model.codebook_version}, "
                         f"not {codebook.version}: retrain it (`lockstep narratives train`)")
    if model.embedding_model != embedding_model:
        raise InputError(f"model {model.version} uses embeddings {model.embedding_model}, not {embedding_model}")
    return model


def use_thresholds(detector: Detector, model: learned.LearnedModel) -> None:
    detector.set_thresholds({n: a.threshold for n, a in model.arms.items() if a.kind == "zero-shot"})


def whole_documents(chunks: Iterator[tuple["pd.DataFrame", np.ndarray]]) -> Iterator[tuple["pd.DataFrame", np.ndarray]]:
    """Re-cut chunks (ordered by document) so no document is split between two."""
    import pandas as pd

    held: tuple["pd.DataFrame", np.ndarray] | None = None
    for frame, vectors in chunks:
        if held is not None:
            frame = pd.concat([held[0], frame], ignore_index=True)
            vectors = np.vstack([held[1], vectors])
        last = frame["doc_id"].iloc[-1]
        cut = int(np.argmax(frame["doc_id"].to_numpy() == last))
        held = (frame.iloc[cut:].reset_index(drop=True), vectors[cut:])
        if cut:
            yield frame.iloc[:cut].reset_index(drop=True), vectors[:cut]
    if held is not None and len(held[0]):
        yield held


def hits(model: learned.LearnedModel, detector: Detector, chunk: "pd.DataFrame", vectors: np.ndarray,
         scores: Scores, zero_shot_hits: list[Hit]) -> list[Hit]:
    """Zero-shot hits of zero-shot arms plus the learned document hits of this chunk."""
    linear = {model.narratives[c] for c in model.linear_columns()}
    kept = [h for h in zero_shot_hits if h.narrative not in linear]
    doc_ids = chunk["doc_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]])
    bounds = list(zip(starts, [*starts[1:], len(doc_ids)]))
    columns = [detector.column[n] for n in model.narratives]
    zs = scores.combined[:, columns]
    feats = learned.document_features([vectors[a:b] for a, b in bounds], [zs[a:b] for a, b in bounds])
    languages = chunk["language"].to_numpy()[starts]
    decisions, doc_scores, thresholds = learned.decide(model, feats, learned.zero_shot_document(
        [zs[a:b] for a, b in bounds]), detector.codebook, languages=languages)
    linear_cols = np.zeros(len(model.narratives), dtype=bool)
    linear_cols[model.linear_columns()] = True
    has = np.zeros_like(decisions)
    column = {n: j for j, n in enumerate(model.narratives)}
    for h in kept:
        if h.above and h.narrative in column:
            has[np.searchsorted(starts, h.row, side="right") - 1, column[h.narrative]] = True
    wanted = (linear_cols[None, :] & (doc_scores >= thresholds[None, :] - detector.options.candidate_margin)) | \
        (decisions & ~linear_cols[None, :] & ~has)
    texts = chunk["text"].tolist()
    for d, col in zip(*np.nonzero(wanted)):
        a, b = bounds[d]
        row = a + learned.evidence_paragraph(model, int(col), vectors[a:b], zs[a:b])
        hit = document_hit(model, int(col), row, float(doc_scores[d, col]), float(zs[row, col]),
                           float(thresholds[col]), bool(decisions[d, col]), len(texts[row]))
        hit.claim = closest_claim(detector, scores, row, columns[col])
        kept.append(hit)
    return kept


def closest_claim(detector: Detector, scores: Scores, row: int, col: int) -> str | None:
    """The claim of the narrative or of one of its sub-narratives most similar to the paragraph."""
    kids = next((k for parent, k in detector.children if parent == col), np.array([], dtype=np.int64))
    candidates = [c for c in [*kids.tolist(), col] if scores.best_claim[row, c] >= 0]   # ties: the child
    if not candidates:
        return None
    best = max(candidates, key=lambda c: scores.semantic[row, c])
    return detector.claims[int(scores.best_claim[row, best])][2]


def document_hit(model: learned.LearnedModel, col: int, row: int, score: float, semantic: float, threshold: float,
                 above: bool, length: int) -> Hit:
    return Hit(row=row, narrative=model.narratives[col], score=round(score, 4), semantic=round(semantic, 4),
               threshold=round(threshold, 4), above=above, claim=None,
               evidence=[{"kind": "learned", "start": 0, "end": length, "match": model.version}],
               detector=f"learned:{model.version}")
