"""`lockstep narratives discover`: recurring content the codebook does not explain.

1. Paragraphs with no hit above threshold (in the latest tagged codebook version) and at least `min_chars`
   characters are the unexplained pool; above `max_paragraphs` a deterministic sample is drawn (ordered by a
   hash of doc id and paragraph index, so the same corpus gives the same sample).
2. Their cached embeddings are reduced with PCA (`dims`, fixed random state) and clustered with
   sklearn's HDBSCAN — deterministic for the same input order. Paragraphs in no cluster are outliers; their
   share is always reported.
3. Each cluster is labelled with distinctive terms (class-based TF-IDF over the clusters), representative
   paragraphs (nearest the centroid), the actors and languages that carry it and the date it first appears.
4. A run is stored (narrative_clusters, narrative_cluster_members) so `promote` can turn a cluster into a
   draft codebook entry.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lockstep.enrich.embeddings import EmbeddingOptions, backend_name, batch_to_frame, compute_missing
from lockstep.errors import InputError
import lockstep.narratives.tables as tables
from lockstep.store.corpus import DocumentFilter

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from lockstep.store.corpus import Corpus

WORD = re.compile(r"[^\W\d_]{3,}")
HAN = re.compile(r"[\u4e00-\u9fff]")
RU_STOP = set("""и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было
вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам
ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз
тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее
сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про
всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более
всегда конечно всю между это также заявил заявила которые который которая которых году года время однако""".split())
ZH_STOP = {"我们", "他们", "一个", "没有", "这个", "就是", "不是", "自己", "什么", "可以", "已经", "以及", "进行",
           "通过", "同时", "这些", "这样", "因为", "所以", "但是", "如果", "还是", "以来", "方面", "工作", "问题"}


@dataclass(slots=True, kw_only=True)
class DiscoverOptions:
    filters: "DocumentFilter | None" = None
    version: str | None = None          # which tagging counts as "explained" (default: the latest)
    embedding: EmbeddingOptions = field(default_factory=EmbeddingOptions)
    min_chars: int = 40
    max_paragraphs: int = 20_000
    dims: int = 32
    min_cluster_size: int = 8
    min_samples: int | None = None
    terms: int = 8
    representatives: int = 3
    seed: int = 0
    assign_outliers: float | None = None  # assign an outlier to the nearest cluster when cosine >= this
    store: bool = True


@dataclass(slots=True)
class Discovery:
    run_id: str
    clusters: "pd.DataFrame"        # one row per cluster
    members: "pd.DataFrame"         # doc_id, idx, cluster (-1 = outlier), probability
    paragraphs: int                 # in the unexplained pool that was clustered
    explained: int                  # paragraphs explained by the codebook (not clustered)
    outlier_share: float            # in no cluster, after optional assignment of outliers
    hdbscan_outlier_share: float | None = None   # before that assignment

    def summary(self) -> "pd.DataFrame":
        import pandas as pd

        clustered = int((self.members["cluster"] >= 0).sum()) if len(self.members) else 0
        return pd.DataFrame([("run id", self.run_id), ("paragraphs explained by the codebook", self.explained),
                             ("unexplained paragraphs clustered", self.paragraphs),
                             ("clusters", len(self.clusters)), ("paragraphs in clusters", clustered),
                             ("outlier share (in no cluster)", round(self.outlier_share, 4)),
                             ("outlier share before assigning outliers",
                              round(self.hdbscan_outlier_share if self.hdbscan_outlier_share is not None
                                    else self.outlier_share, 4))], columns=["", "value"])


def discover(corpus: "Corpus", options: DiscoverOptions | None = None) -> Discovery:
    """Cluster the paragraphs the codebook does not explain; returns clusters, members and the outlier share."""
    import pandas as pd

    options = options or DiscoverOptions()
    tables.ensure_tables(corpus)
    compute_missing(corpus, options.filters, options.embedding)
    pool, vectors, explained = unexplained_pool(corpus, options)
    empty_members = pd.DataFrame({"doc_id": [], "idx": [], "cluster": [], "probability": []})
    if len(pool) < max(options.min_cluster_size * 2, 5):
        share = 1.0 if len(pool) else 0.0
        return Discovery(run_key(pool, options), empty_clusters(), empty_members, len(pool), explained, share, share)
    labels, probabilities, reduced = cluster(vectors, options)
    hdbscan_outliers = float((labels < 0).mean())
    if options.assign_outliers is not None:
        labels = assign_outliers(labels, reduced, options.assign_outliers)
    members = pd.DataFrame({"doc_id": pool["doc_id"], "idx": pool["idx"], "cluster": labels,
                            "probability": np.round(probabilities, 4)})
    clusters = describe(pool, labels, reduced, options)
    run_id = run_key(pool, options)
    result = Discovery(run_id, clusters, members, len(pool), explained, float((labels < 0).mean()),
                       hdbscan_outliers)
    if options.store:
        store_run(corpus, result)
    return result


def unexplained_pool(corpus: "Corpus", options: DiscoverOptions) -> tuple["pd.DataFrame", np.ndarray, int]:
    version = options.version or tables.latest_version(corpus) or ""
    where, params = (options.filters or DocumentFilter()).where("d")
    model = backend_name(options.embedding)
    explained = tables.explained_paragraph_count(corpus.con, where, params, version)
    table = tables.unexplained_paragraphs(corpus.con, where, params, version, model=model, min_chars=options.min_chars,
                                          seed=options.seed, limit=options.max_paragraphs)
    _keys, vectors = batch_to_frame(table)
    pool = table.drop_columns(["vector"]).to_pandas()
    order = np.lexsort((pool["idx"].to_numpy(), pool["doc_id"].to_numpy()))
    return pool.iloc[order].reset_index(drop=True), vectors[order] if len(pool) else vectors, int(explained)


def cluster(vectors: np.ndarray, options: DiscoverOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.cluster import HDBSCAN
    from sklearn.decomposition import PCA

    dims = max(2, min(options.dims, vectors.shape[0] - 1, vectors.shape[1]))
    reduced = PCA(n_components=dims, svd_solver="full", random_state=options.seed).fit_transform(vectors)
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-12)
    model = HDBSCAN(min_cluster_size=options.min_cluster_size, min_samples=options.min_samples,
                    cluster_selection_method="leaf", copy=True)
    labels = model.fit_predict(reduced)
    return relabel(labels), model.probabilities_, reduced


def assign_outliers(labels: np.ndarray, reduced: np.ndarray, min_similarity: float) -> np.ndarray:
    """Outliers join the cluster with the most similar centroid when the cosine reaches `min_similarity`."""
    ids = sorted(int(c) for c in set(labels.tolist()) if c >= 0)
    if not ids:
        return labels
    centroids = np.vstack([reduced[labels == c].mean(axis=0) for c in ids])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    out = labels.copy()
    outliers = np.flatnonzero(labels < 0)
    sims = reduced[outliers] @ centroids.T
    best = sims.argmax(axis=1)
    keep = sims[np.arange(len(outliers)), best] >= min_similarity
    out[outliers[keep]] = np.array(ids)[best[keep]]
    return out


def relabel(labels: np.ndarray) -> np.ndarray:
    """Clusters numbered by size (largest = 0), ties by first member: stable names run to run."""
    sizes = Counter(int(x) for x in labels if x >= 0)
    first = {int(x): i for i, x in reversed(list(enumerate(labels))) if x >= 0}
    order = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(int(x), -1) for x in labels], dtype=np.int64)


def describe(pool: "pd.DataFrame", labels: np.ndarray, reduced: np.ndarray, options: DiscoverOptions) -> "pd.DataFrame":
    import pandas as pd

    ids = sorted(int(c) for c in set(labels.tolist()) if c >= 0)
    token_lists = [tokens(t, lang) for t, lang in zip(pool["text"], pool["language"])]
    terms = distinctive_terms(token_lists, labels, ids, options.terms)
    rows = []
    for cid in ids:
        mask = labels == cid
        part = pool[mask]
        centroid = reduced[mask].mean(axis=0)
        nearest = np.argsort(-(reduced[mask] @ centroid), kind="stable")[: options.representatives]
        reps = [{"doc_id": part.iloc[i]["doc_id"], "idx": int(part.iloc[i]["idx"]), "text": part.iloc[i]["text"][:400]}
                for i in nearest]
        rows.append({"cluster": cid, "size": int(mask.sum()), "terms": ", ".join(terms[cid]),
                     "actors": shares(part["actor"]), "languages": shares(part["language"]),
                     "first_seen": part["published_at"].min(), "representative": reps[0]["text"] if reps else "",
                     "representatives": json.dumps(reps, ensure_ascii=False)})
    return pd.DataFrame(rows, columns=empty_clusters().columns)


def empty_clusters() -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(columns=["cluster", "size", "terms", "actors", "languages", "first_seen", "representative",
                                 "representatives"])


def shares(values: "pd.Series", top: int = 4) -> str:
    counts = values.fillna("?").value_counts()
    total = counts.sum()
    return ", ".join(f"{k} {v / total:.0%}" for k, v in counts.head(top).items())


def tokens(text: str, language: str | None) -> list[str]:
    if language == "zh" or (language is None and HAN.search(text)):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)

        return [w for w in jieba.lcut(text) if len(w) >= 2 and HAN.search(w) and w not in ZH_STOP]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return [w for w in (m.group().lower() for m in WORD.finditer(text))
            if w not in ENGLISH_STOP_WORDS and w not in RU_STOP]


def distinctive_terms(token_lists: list[list[str]], labels: np.ndarray, ids: list[int], n: int) -> dict[int, list[str]]:
    """Class-based TF-IDF: term frequency in the cluster x log(1 + average cluster size / term frequency overall)."""
    per_cluster = {cid: Counter() for cid in ids}
    for toks, label in zip(token_lists, labels):
        if label >= 0:
            per_cluster[int(label)].update(set(toks))
    overall = Counter()
    for counts in per_cluster.values():
        overall.update(counts)
    average = sum(sum(c.values()) for c in per_cluster.values()) / max(len(ids), 1)
    out = {}
    for cid, counts in per_cluster.items():
        size = max(int((labels == cid).sum()), 1)
        scored = [(c / size * math.log(1 + average / overall[t]), t) for t, c in counts.items() if c >= 2]
        out[cid] = [t for _s, t in sorted(scored, key=lambda x: (-x[0], x[1]))[:n]]
    return out


def run_key(pool: "pd.DataFrame", options: DiscoverOptions) -> str:
    digest = hashlib.sha1()
    digest.update(repr((options.dims, options.min_cluster_size, options.min_samples, options.seed,
                        options.max_paragraphs, options.min_chars, options.assign_outliers)).encode())
    for doc_id, idx in zip(pool["doc_id"], pool["idx"]):
        digest.update(f"{doc_id}:{idx};".encode())
    return digest.hexdigest()[:12]


def store_run(corpus: "Corpus", result: Discovery) -> None:
    clusters = []
    for row in result.clusters.to_dict(orient="records"):
        first = row["first_seen"]
        clusters.append({**row, "first_seen": None if first is None or (isinstance(first, float) and math.isnan(first))
                         or str(first) == "NaT" else first})
    tables.store_discovery_run(corpus.con, result.run_id, clusters, result.members.assign(run_id=result.run_id))


# ---- promote --------------------------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Promotion:
    narrative_id: str
    title: str
    parent: str | None = None
    run_id: str | None = None      # default: the latest discovery run
    examples: int = 5


def promote(corpus: "Corpus", cluster_id: int, promotion: Promotion, path: str | Path) -> dict[str, Any]:
    """Write cluster `cluster_id` of a discovery run as a draft narrative into the codebook file `path`
    (created, or appended to); returns the entry. Validate and edit it before relying on it."""
    import yaml

    from lockstep.narratives.codebook import check_file, draft_yaml

    tables.ensure_tables(corpus)
    run_id = promotion.run_id or latest_run(corpus)
    row = tables.discovered_cluster(corpus.con, run_id, cluster_id)
    if row is None:
        raise InputError(f"no cluster {cluster_id} in discovery run {run_id!r} (run `lockstep narratives discover`)")
    terms, actors, languages, reps = row
    examples = member_examples(corpus, run_id, cluster_id, promotion.examples)
    entry: dict[str, Any] = {"id": promotion.narrative_id, "title": promotion.title}
    if promotion.parent:
        entry["parent"] = promotion.parent
    entry["status"] = "draft"
    entry["description"] = (f"DRAFT from discovery run {run_id}, cluster {cluster_id} (actors: {actors}; "
                            f"languages: {languages}). Distinctive terms: {terms}. Rewrite this description.")
    entry["claims"] = examples
    path = Path(path)
    if path.exists():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        data.setdefault("narratives", []).append(entry)
        text = draft_yaml(data["narratives"], name=data.get("codebook", "draft"), version=str(data.get("version", "0.1")))
    else:
        text = draft_yaml([entry])
    path.write_text(text, encoding="utf-8")
    problems = check_file(path)
    if problems:
        raise InputError(f"the draft written to {path} does not validate: {problems[0]}")
    return entry


def member_examples(corpus: "Corpus", run_id: str, cluster_id: int, n: int) -> dict[str, list[str]]:
    """The cluster's most confident paragraphs as example claims, grouped by language."""
    rows = tables.confident_members(corpus.con, run_id, cluster_id, n)
    out: dict[str, list[str]] = {}
    for language, text in rows:
        out.setdefault(language or "en", []).append(text[:300])
    return out


def latest_run(corpus: "Corpus") -> str:
    row = tables.latest_discovery_run(corpus.con)
    if row is None:
        raise InputError("no discovery run in this store (run `lockstep narratives discover` first)")
    return row[0]
