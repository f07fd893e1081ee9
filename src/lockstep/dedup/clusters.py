"""Duplicate clusters: exact (same normalised text) and near (MinHash LSH) matches against the whole store.

The index lives in the ingesting process (the only writer) and is loaded once from the `fingerprints` and
`documents` tables, so re-ingests and later ingests cluster against everything already stored. After an
ingest, `point_to_earliest` makes every member's `duplicate_of` the cluster's earliest known publication.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from lockstep.dedup.fingerprint import LONG, NUM_PERM, Signature, signature_from_bytes

THRESHOLD = 0.5  # estimated Jaccard of shingle sets for texts of 15 words or more
SHORT_THRESHOLD = 0.8  # headlines and other short texts: near-identical only
LSH_MARGIN = 0.7


@dataclass(slots=True)
class DedupIndex:
    threshold: float = THRESHOLD
    short_threshold: float = SHORT_THRESHOLD
    by_hash: dict[str, str] = field(default_factory=dict)  # text_hash -> cluster id
    cluster_of: dict[str, str] = field(default_factory=dict)  # doc id -> cluster id
    lsh: object = None
    signatures: dict[str, object] = field(default_factory=dict)
    short: set[str] = field(default_factory=set)
    numbers: dict[str, bytes] = field(default_factory=dict)
    long: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        from datasketch import MinHashLSH

        # LSH finds candidates below the decision threshold, so pairs just above it are not lost to banding
        self.lsh = MinHashLSH(threshold=self.threshold * LSH_MARGIN, num_perm=NUM_PERM)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, threshold: float = THRESHOLD) -> "DedupIndex":
        index = cls(threshold=threshold)
        for doc_id, cluster, thash in con.execute("SELECT id, cluster_id, text_hash FROM documents").fetchall():
            index.cluster_of[doc_id] = cluster or doc_id
            index.by_hash.setdefault(thash, cluster or doc_id)
        cur = con.execute("SELECT doc_id, minhash FROM fingerprints")
        while rows := cur.fetchmany(10_000):
            for doc_id, blob in rows:
                index.add_signature(doc_id, signature_from_bytes(blob))
        return index

    def add_signature(self, doc_id: str, signature: Signature) -> None:
        if signature.short:
            self.short.add(doc_id)
        self.numbers[doc_id] = signature.numbers
        if signature.length == LONG:
            self.long.add(doc_id)
        if doc_id not in self.signatures:
            self.signatures[doc_id] = signature.minhash
            self.lsh.insert(doc_id, signature.minhash)

    def assign(self, doc_id: str, thash: str, signature_bytes: bytes | None) -> tuple[str, str]:
        """Cluster id for a new document and how it matched: 'new', 'exact' or 'near'."""
        if doc_id in self.cluster_of:
            return self.cluster_of[doc_id], "known"
        if thash in self.by_hash:
            cluster = self.by_hash[thash]
            self.cluster_of[doc_id] = cluster
            return cluster, "exact"
        self.by_hash[thash] = doc_id
        cluster, how = doc_id, "new"
        if signature_bytes:
            signature = signature_from_bytes(signature_bytes)
            match = self.best_match(signature)
            if match:
                cluster, how = self.cluster_of[match], "near"
                self.by_hash[thash] = cluster
            self.add_signature(doc_id, signature)
        self.cluster_of[doc_id] = cluster
        return cluster, how

    def best_match(self, signature: Signature) -> str | None:
        """The most similar stored document above the threshold (the strict one if either text is short); unless
        both are long articles, it must also carry the same numbers."""
        best, best_score = None, 0.0
        for candidate in self.lsh.query(signature.minhash):
            both_long = signature.length == LONG and candidate in self.long
            if not both_long and self.numbers[candidate] != signature.numbers:
                continue  # templated short stories differ in their numbers; reprints keep them
            score = signature.minhash.jaccard(self.signatures[candidate])
            needed = self.short_threshold if signature.short or candidate in self.short else self.threshold
            if score >= needed and score > best_score:
                best, best_score = candidate, score
        return best


def point_to_earliest(con: duckdb.DuckDBPyConnection) -> None:
    """Set duplicate_of to the earliest-published member of each cluster (ties: first stored)."""
    con.execute(
        """
        WITH ranked AS (
            SELECT id, cluster_id,
                   first_value(id) OVER (PARTITION BY cluster_id
                       ORDER BY published_at NULLS LAST, ingested_at, id) AS first_id
            FROM documents)
        UPDATE documents SET duplicate_of = CASE WHEN ranked.first_id = documents.id THEN NULL
                                                 ELSE ranked.first_id END
        FROM ranked WHERE ranked.id = documents.id
          AND documents.duplicate_of IS DISTINCT FROM
              (CASE WHEN ranked.first_id = documents.id THEN NULL ELSE ranked.first_id END)
        """
    )
