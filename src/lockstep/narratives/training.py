"""`lockstep narratives train`: read labelled examples, compute their features, fit and store a learned detector.

    examples = labelled.read_semeval("semeval/EN", codebook)          # or read_table / read_reviews
    model = training.train(examples, codebook, TrainOptions())         # pure: nothing stored
    training.train_and_store(corpus, examples, TrainOptions())         # fitted and saved, versioned

Features come from the paragraphs of every example (embedded once, in batches, with a progress bar) and the
zero-shot detector's scores of the same paragraphs; see `learned.py` for the learner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from lockstep.enrich.embeddings import Embedder
from lockstep.ui import progress_bar
from lockstep.enrich.embeddings import get_backend
from lockstep.errors import InputError
import lockstep.narratives.learned as learned
from lockstep.narratives.calibrate import thresholds_for
from lockstep.narratives.codebook import Codebook, load_codebook
from lockstep.narratives.detect import DetectOptions, Detector
from lockstep.narratives.labelled import Example, check_examples, data_hash, only_languages

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

MAX_CHARS = 2000
BATCH = 512


@dataclass(slots=True, kw_only=True)
class TrainOptions:
    codebook_files: list[str | Path] = field(default_factory=list)
    include_default: bool = True
    only: str | None = None                 # narrative id prefix
    languages: list[str] = field(default_factory=list)   # only examples in these languages
    backend: str = "use-multilingual-v3"
    workers: int = 1
    detect: DetectOptions = field(default_factory=DetectOptions)
    learn: learned.LearnOptions = field(default_factory=learned.LearnOptions)
    progress: bool = False


@dataclass(slots=True)
class Features:
    """Per example: paragraph vectors and zero-shot paragraph scores; stacked document features."""

    vectors: list[np.ndarray]
    zero_shot: list[np.ndarray]
    documents: np.ndarray
    zero_shot_documents: np.ndarray
    seconds: dict[str, float]


def codebook_for(options: TrainOptions) -> Codebook:
    return load_codebook(options.codebook_files, include_default=options.include_default).subset(options.only)


def zero_shot_detector(codebook: Codebook, backend, options: DetectOptions, corpus: "Corpus | None" = None) -> Detector:
    return Detector(codebook, backend, options, thresholds_for(corpus, codebook, options))


def embed_paragraphs(texts: list[str], backend_name: str, workers: int, progress: bool) -> np.ndarray:
    clipped = [t[:MAX_CHARS] for t in texts]
    parts = []
    with Embedder(backend_name, workers) as embedder, progress_bar(progress, len(clipped)) as tick:
        for start in range(0, len(clipped), BATCH):
            parts.append(embedder.embed(clipped[start:start + BATCH]))
            tick(len(parts[-1]))
    return np.vstack(parts) if parts else np.zeros((0, embedder.backend.dim), dtype=np.float32)


def features(examples: Sequence[Example], detector: Detector, options: TrainOptions,
             vectors: np.ndarray | None = None) -> Features:
    """Features of `examples` (pass `vectors`, one per paragraph in order, to reuse embeddings)."""
    texts = [p for ex in examples for p in ex.paragraphs]
    languages = [ex.language for ex in examples for _ in ex.paragraphs]
    started = time.perf_counter()
    if vectors is None:
        vectors = embed_paragraphs(texts, options.backend, options.workers, options.progress)
    embedded = time.perf_counter() - started
    zs = detector.score(texts, vectors, languages).combined
    bounds = np.cumsum([0, *[len(ex.paragraphs) for ex in examples]])
    par_vectors = [vectors[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    par_zs = [zs[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    docs = learned.document_features(par_vectors, par_zs)
    seconds = {"embedding": embedded, "features": time.perf_counter() - started - embedded}
    return Features(par_vectors, par_zs, docs, learned.zero_shot_document(par_zs), seconds)


def fit(examples: Sequence[Example], codebook: Codebook, feats: Features, detector: Detector,
        options: TrainOptions) -> learned.LearnedModel:
    y, k = learned.targets([ex.labels for ex in examples], [ex.known for ex in examples], codebook, detector.ids)
    languages = np.array([str(ex.language) for ex in examples])
    model = learned.fit(feats.documents, feats.zero_shot_documents, y, k, detector.ids, detector.thresholds,
                        options.learn, languages=languages, codebook=codebook)
    model.codebook_version, model.embedding_model = codebook.version, options.backend
    model.data_hash = data_hash(examples)
    return model


def train(examples: list[Example], codebook: Codebook, options: TrainOptions | None = None,
          corpus: "Corpus | None" = None) -> learned.LearnedModel:
    """Fit a learned detector on `examples` (nothing is stored); `model.cv` holds the figures."""
    options = options or TrainOptions()
    examples = only_languages(examples, options.languages)
    check_examples(examples)
    if len(examples) < 2 * options.learn.folds:
        raise InputError(f"{examples[0].source.rsplit(':', 1)[0]}: {len(examples)} labelled examples; "
                         f"{options.learn.folds}-fold cross-validation needs at least {2 * options.learn.folds}")
    started = time.perf_counter()
    detector = zero_shot_detector(codebook, get_backend(options.backend), options.detect, corpus)
    feats = features(examples, detector, options)
    fitted = time.perf_counter()
    model = fit(examples, codebook, feats, detector, options)
    model.cv = {**learned.cv_summary(model), "documents": len(examples),
                "paragraphs": int(sum(len(ex.paragraphs) for ex in examples)),
                "languages": count_languages(examples),
                "seconds": {**{k: round(v, 2) for k, v in feats.seconds.items()},
                            "fit": round(time.perf_counter() - fitted, 2),
                            "total": round(time.perf_counter() - started, 2)}}
    return model


def count_languages(examples: Sequence[Example]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ex in examples:
        out[str(ex.language)] = out.get(str(ex.language), 0) + 1
    return out


def train_and_store(corpus: "Corpus", examples: list[Example], options: TrainOptions | None = None,
                    source: str = "") -> learned.LearnedModel:
    """Train and save the model in the store under a new version; returns it (with `version` set)."""
    import lockstep.narratives.models as models

    options = options or TrainOptions()
    model = train(examples, codebook_for(options), options, corpus)
    models.save(corpus, model, source)
    return model


def cv_frame(model: learned.LearnedModel) -> "pd.DataFrame":
    """One row per narrative with labelled positives: arm, threshold, cross-validated F1 of both arms."""
    import pandas as pd

    rows = [{"narrative": n, **v} for n, v in model.cv.get("per_narrative", {}).items()]
    return pd.DataFrame(rows, columns=["narrative", "arm", "positives", "threshold", "cv_f1_linear", "cv_f1_zero_shot"])
