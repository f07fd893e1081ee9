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
from lockstep.narratives.learned import Arm, LearnedModel

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

DDL = [
    """CREATE TABLE IF NOT EXISTS narrative_models (
        version VARCHAR PRIMARY KEY, codebook_version VARCHAR, embedding_model VARCHAR, data_hash VARCHAR,
        source VARCHAR, alpha DOUBLE, narratives VARCHAR, cv VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS narrative_model_weights (
        version VARCHAR, narrative VARCHAR, arm VARCHAR, threshold DOUBLE, weights FLOAT[], bias DOUBLE,
        positives INTEGER, PRIMARY KEY (version, narrative))""",
]


def ensure_tables(corpus: "Corpus") -> bool:
    """Create the tables (False on a read-only store without them)."""
    if getattr(corpus, "read_only", False):
        return bool(corpus.con.execute("SELECT count(*) FROM information_schema.tables "
                                       "WHERE table_name = 'narrative_models'").fetchone()[0])
    for ddl in DDL:
        corpus.con.execute(ddl)
    corpus.con.execute("ALTER TABLE narrative_models ADD COLUMN IF NOT EXISTS settings VARCHAR")
    corpus.con.execute("ALTER TABLE narrative_model_weights ADD COLUMN IF NOT EXISTS language_bias VARCHAR")
    return True


def new_version(corpus: "Corpus", model: LearnedModel) -> str:
    count = corpus.con.execute("SELECT count(*) FROM narrative_models").fetchone()[0]
    digest = hashlib.sha1(f"{model.codebook_version}|{model.data_hash}|{model.embedding_model}|{count}".encode())
    return f"v{count + 1}-{digest.hexdigest()[:8]}"


def save(corpus: "Corpus", model: LearnedModel, source: str = "") -> str:
    """Store `model` under a new version (set on the model) and return it."""
    ensure_tables(corpus)
    model.version = new_version(corpus, model)
    corpus.con.execute("INSERT INTO narrative_models (version, codebook_version, embedding_model, data_hash, source, "
                       "alpha, narratives, cv, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [model.version, model.codebook_version, model.embedding_model, model.data_hash, source,
                        model.alpha, json.dumps(model.narratives), json.dumps(model.cv, ensure_ascii=False),
                        json.dumps({"centred": model.centred, "gated": model.gated})])
    rows = [(model.version, a.narrative, a.kind, a.threshold,
             a.weights.astype(float).tolist() if a.weights is not None else None, a.bias, a.positives,
             json.dumps(a.language_bias) if a.language_bias else None)
            for a in model.arms.values()]
    corpus.con.executemany("INSERT INTO narrative_model_weights (version, narrative, arm, threshold, weights, bias, "
                           "positives, language_bias) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return model.version


def list_models(corpus: "Corpus") -> "pd.DataFrame":
    """Every stored model, newest first, with its CV figures."""
    import pandas as pd

    columns = ["version", "created_at", "codebook_version", "embedding_model", "data_hash", "documents", "linear",
               "cv_macro_f1_chosen", "cv_macro_f1_zero_shot", "source"]
    if not ensure_tables(corpus):
        return pd.DataFrame(columns=columns)
    rows = corpus.con.execute("SELECT version, created_at, codebook_version, embedding_model, data_hash, cv, source "
                              "FROM narrative_models ORDER BY created_at DESC, version DESC").fetchall()
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
    sql = "SELECT version FROM narrative_models"
    params: list = []
    if codebook_version:
        sql, params = sql + " WHERE codebook_version = ?", [codebook_version]
    row = corpus.con.execute(sql + " ORDER BY created_at DESC, version DESC LIMIT 1", params).fetchone()
    return row[0] if row else None


def has_column(corpus: "Corpus", table: str, column: str) -> bool:
    """Whether a store's table has a column (stores written before it was added, opened read-only, lack it)."""
    return bool(corpus.con.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND "
                                   "column_name = ?", [table, column]).fetchone()[0])


def load(corpus: "Corpus", version: str) -> LearnedModel:
    """The stored model `version` (a unique prefix is enough)."""
    if not ensure_tables(corpus):
        raise InputError(f"{corpus.path}: no learned narrative models (run `lockstep narratives train`)")
    settings = "settings" if has_column(corpus, "narrative_models", "settings") else "NULL"
    language_bias = "language_bias" if has_column(corpus, "narrative_model_weights", "language_bias") else "NULL"
    found = corpus.con.execute("SELECT version, codebook_version, embedding_model, data_hash, alpha, narratives, cv, "
                               f"{settings} FROM narrative_models WHERE version = ? OR version LIKE ? LIMIT 2",
                               [version, f"{version}%"]).fetchall()
    if len(found) != 1:
        raise InputError(f"{corpus.path}: {'no' if not found else 'more than one'} learned model {version!r} "
                         "(see `lockstep narratives models`)")
    name, book, emb, data, alpha, narratives, cv, settings = found[0]
    arms = {}
    for nid, kind, threshold, weights, bias, positives, language_bias in corpus.con.execute(
            f"SELECT narrative, arm, threshold, weights, bias, positives, {language_bias} FROM narrative_model_weights "
            "WHERE version = ?", [name]).fetchall():
        vector = np.asarray(weights, dtype=np.float32) if weights is not None else None
        arms[nid] = Arm(nid, kind, float(threshold), vector, float(bias or 0.0), int(positives or 0),
                        language_bias=json.loads(language_bias) if language_bias else {})
    order = json.loads(narratives)
    dim = next(((len(a.weights) - len(order)) // 2 for a in arms.values() if a.weights is not None), 0)
    flags = json.loads(settings or "{}")
    return LearnedModel(order, arms, float(alpha), dim, json.loads(cv or "{}"), name, book, emb, data,
                        centred=bool(flags.get("centred")), gated=bool(flags.get("gated")))
