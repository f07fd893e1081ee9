"""Learned detectors kept in the store, versioned: no pickle, arrays as FLOAT[] and figures as JSON.

narrative_models          version `v<n>-<hash>`, codebook version, embedding model, training data hash, source,
                          alpha, narratives (JSON, the zero-shot feature order), CV figures (JSON), created_at,
                          settings (JSON: language-centred, parent-gated)
narrative_model_weights   one row per (version, narrative): arm (linear | zero-shot), threshold, weights, bias,
                          language_bias (JSON: the intercept per language of a language-centred model)
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import numpy as np

from lockstep.errors import InputError
import lockstep.narratives.tables as tables
from lockstep.narratives.learned import Arm, LearnedModel
from lockstep.store import tables as store_tables

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

def ensure_tables(corpus: "Corpus") -> bool:
    """Create the tables (False on a read-only store without them)."""
    return tables.ensure_model_tables(corpus.con, read_only=getattr(corpus, "read_only", False))


def new_version(corpus: "Corpus", model: LearnedModel) -> str:
    count = tables.model_count(corpus.con)
    digest = hashlib.sha1(f"{model.codebook_version}|{model.data_hash}|{model.embedding_model}|{count}".encode())
    return f"v{count + 1}-{digest.hexdigest()[:8]}"


def save(corpus: "Corpus", model: LearnedModel, source: str = "") -> str:
    """Store `model` under a new version (set on the model) and return it."""
    ensure_tables(corpus)
    model.version = new_version(corpus, model)
    header = [model.version, model.codebook_version, model.embedding_model, model.data_hash, source, model.alpha,
              json.dumps(model.narratives), json.dumps(model.cv, ensure_ascii=False),
              json.dumps({"centred": model.centred, "gated": model.gated})]
    rows = [(model.version, a.narrative, a.kind, a.threshold,
             a.weights.astype(float).tolist() if a.weights is not None else None, a.bias, a.positives,
             json.dumps(a.language_bias) if a.language_bias else None)
            for a in model.arms.values()]
    tables.insert_model(corpus.con, header, rows)
    return model.version


def list_models(corpus: "Corpus") -> "pd.DataFrame":
    """Every stored model, newest first, with its CV figures."""
    import pandas as pd

    columns = ["version", "created_at", "codebook_version", "embedding_model", "data_hash", "documents", "linear",
               "cv_macro_f1_chosen", "cv_macro_f1_zero_shot", "source"]
    if not ensure_tables(corpus):
        return pd.DataFrame(columns=columns)
    rows = tables.model_rows(corpus.con)
    out = []
    for version, created, book, emb, data, cv, source in rows:
        figures = json.loads(cv or "{}")
        out.append({"version": version, "created_at": created, "codebook_version": book, "embedding_model": emb,
                    "data_hash": data, "documents": figures.get("documents"), "linear": figures.get("linear"),
                    "cv_macro_f1_chosen": figures.get("cv_macro_f1_chosen"),
                    "cv_macro_f1_zero_shot": figures.get("cv_macro_f1_zero_shot"), "source": source})
    return pd.DataFrame(out, columns=columns)


def latest_version(corpus: "Corpus", codebook_version: str | None = None) -> str | None:
    """The newest model (for this codebook version, when given), or None."""
    if not ensure_tables(corpus):
        return None
    return tables.newest_model(corpus.con, codebook_version)


def has_column(corpus: "Corpus", table: str, column: str) -> bool:
    """Whether a store's table has a column (stores written before it was added, opened read-only, lack it)."""
    return store_tables.has_column(corpus.con, table, column)


def load(corpus: "Corpus", version: str) -> LearnedModel:
    """The stored model `version` (a unique prefix is enough)."""
    if not ensure_tables(corpus):
        raise InputError(f"{corpus.path}: no learned narrative models (run `lockstep narratives train`)")
    settings = "settings" if has_column(corpus, "narrative_models", "settings") else "NULL"
    language_bias = "language_bias" if has_column(corpus, "narrative_model_weights", "language_bias") else "NULL"
    found = tables.models_by_version_prefix(corpus.con, version, settings)
    if len(found) != 1:
        raise InputError(f"{corpus.path}: {'no' if not found else 'more than one'} learned model {version!r} "
                         "(see `lockstep narratives models`)")
    name, book, emb, data, alpha, narratives, cv, settings = found[0]
    arms = {}
    for nid, kind, threshold, weights, bias, positives, language_bias in tables.model_arms(corpus.con, name,
                                                                                          language_bias):
        vector = np.asarray(weights, dtype=np.float32) if weights is not None else None
        arms[nid] = Arm(nid, kind, float(threshold), vector, float(bias or 0.0), int(positives or 0),
                        language_bias=json.loads(language_bias) if language_bias else {})
    order = json.loads(narratives)
    dim = next(((len(a.weights) - len(order)) // 2 for a in arms.values() if a.weights is not None), 0)
    flags = json.loads(settings or "{}")
    return LearnedModel(order, arms, float(alpha), dim, json.loads(cv or "{}"), name, book, emb, data,
                        centred=bool(flags.get("centred")), gated=bool(flags.get("gated")))
