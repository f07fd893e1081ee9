"""Duplicate clusters: exact (same normalised text) and near (MinHash LSH) matches against the whole store.

The index lives in the ingesting process (the only writer) and is loaded once from the `fingerprints` and
`documents` tables, so re-ingests and later ingests cluster against everything already stored. After an
ingest, `point_to_earliest` makes every member's `duplicate_of` the cluster's earliest known publication.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

import duckdb
import numpy as np

from lockstep.dedup.bands import band_keys, band_shape
from lockstep.dedup.fingerprint import LONG, NUM_PERM, SHORT
from lockstep.dedup.keyindex import KeyIndex, Rows, hex_key64, key64
from lockstep.dedup.tables import point_to_earliest, stored_signatures

THRESHOLD = 0.5  # estimated Jaccard of shingle sets for texts of 15 words or more
SHORT_THRESHOLD = 0.8  # headlines and other short texts: near-identical only
LSH_MARGIN = 0.7
SIGNATURE_BYTES = 9 + 4 * NUM_PERM  # length class, numbers key, uint32 MinHash values
LOAD_CHUNK = 100_000


@dataclass(slots=True, frozen=True)
class Probe:
    """A new document's signature, unpacked from its fingerprint bytes."""

    length: int  # LONG, SHORT or MEDIUM
    numbers: int
    values: np.ndarray  # NUM_PERM uint32

    @classmethod
    def from_bytes(cls, data: bytes) -> "Probe":
        return cls(data[0], int.from_bytes(data[1:9], "little"), np.frombuffer(data[9:], dtype=np.uint32))


@dataclass(slots=True)
class Lookup:
    """A document's keys and the rows already found under them in the folded arrays."""

    id_key: int
    text_key: int
    band_keys: list[int] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    texts: set[int] = field(default_factory=set)
    bands: set[int] = field(default_factory=set)


@dataclass(slots=True)
class DedupIndex:
    """Every stored document as a row: its id, its cluster's row, its signature; exact matches by text hash,
    near ones by LSH bands then the estimated Jaccard (see `best_match`)."""

    threshold: float = THRESHOLD
    short_threshold: float = SHORT_THRESHOLD
    ids: list[str] = field(default_factory=list)  # row -> doc id
    cluster: array = field(default_factory=lambda: array("q"))  # row -> row of the cluster's first document
    length: array = field(default_factory=lambda: array("B"))
    numbers: array = field(default_factory=lambda: array("Q"))
    signatures: Rows = field(default_factory=lambda: Rows(NUM_PERM, np.uint32))
    known: KeyIndex = field(default_factory=KeyIndex)  # doc id key -> row
    by_text: KeyIndex = field(default_factory=KeyIndex)  # text hash key -> rows
    bands: KeyIndex = field(default_factory=KeyIndex)  # band key -> rows
    shape: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        # LSH finds candidates below the decision threshold, so pairs just above it are not lost to banding
        self.shape = band_shape(self.threshold * LSH_MARGIN)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, threshold: float = THRESHOLD) -> "DedupIndex":
        index = cls(threshold=threshold)
        cursor = con.cursor()  # its own result stream: a query left open on `con` must not block the load
        try:
            for batch in stored_signatures(cursor, LOAD_CHUNK):
                index.load_batch(batch.to_pydict())
        finally:
            cursor.close()
        return index

    def load_batch(self, columns: dict[str, list]) -> None:
        start, ids = len(self.ids), columns["id"]
        rows = np.arange(start, start + len(ids), dtype=np.int64)
        blobs = [b if b is not None and len(b) == SIGNATURE_BYTES else None for b in columns["minhash"]]
        packed = np.frombuffer(b"".join(b or bytes(SIGNATURE_BYTES) for b in blobs), dtype=np.uint8)
        packed = packed.reshape(len(ids), SIGNATURE_BYTES)
        values = np.ascontiguousarray(packed[:, 9:]).view(np.uint32)
        self.ids.extend(ids)
        self.cluster.extend(columns["cluster_row"])
        self.length.extend(packed[:, 0].tolist())
        self.numbers.extend(np.ascontiguousarray(packed[:, 1:9]).view("<u8").ravel().tolist())
        self.signatures.extend(values)
        self.known.add_many(np.array([key64(i) for i in ids], dtype=np.uint64), rows)
        self.by_text.add_many(np.array([hex_key64(h) for h in columns["text_hash"]], dtype=np.uint64), rows)
        banded = np.array([b is not None and first for b, first in zip(blobs, columns["first_of_text"])], dtype=bool)
        if banded.any():
            keys = band_keys(values[banded], *self.shape)
            self.bands.add_many(keys.ravel(), np.repeat(rows[banded], keys.shape[1]))

    def knows(self, doc_id: str) -> bool:
        return self.row_of(doc_id) is not None

    def row_of(self, doc_id: str) -> int | None:
        for row in self.known.get(key64(doc_id)):
            if self.ids[row] == doc_id:
                return row
        return None

    def assign(self, doc_id: str, thash: str, signature_bytes: bytes | None) -> tuple[str, str]:
        """Cluster id for a new document and how it matched: 'new', 'exact', 'near' or 'known'."""
        return self.assign_batch([doc_id], [thash], [signature_bytes])[0]

    def assign_batch(self, ids: list[str], hashes: list[str], signatures: list[bytes | None]) -> list[tuple[str, str]]:
        """`assign` for a batch in order (a document may match one earlier in the same batch); keys and the
        lookups in the folded arrays are computed for the whole batch at once."""
        probes = [Probe.from_bytes(b) if b else None for b in signatures]
        lookups = [Lookup(key64(doc_id), hex_key64(thash)) for doc_id, thash in zip(ids, hashes)]
        known = self.known.stored_rows(np.array([[x.id_key] for x in lookups], dtype=np.uint64))
        texts = self.by_text.stored_rows(np.array([[x.text_key] for x in lookups], dtype=np.uint64))
        signed = [i for i, probe in enumerate(probes) if probe]
        if signed:
            keys = band_keys(np.stack([probes[i].values for i in signed]), *self.shape)
            stored = self.bands.stored_rows(keys)
            for j, i in enumerate(signed):
                lookups[i].band_keys, lookups[i].bands = keys[j].tolist(), stored.get(j, set())
        for i, lookup in enumerate(lookups):
            lookup.ids, lookup.texts = known.get(i, set()), texts.get(i, set())
        results = [self.assign_one(doc_id, probe, lookup) for doc_id, probe, lookup in zip(ids, probes, lookups)]
        for index in (self.bands, self.known, self.by_text):
            index.fold_if_full()
        return results

    def assign_one(self, doc_id: str, probe: Probe | None, lookup: "Lookup") -> tuple[str, str]:
        row = next((r for r in lookup.ids | self.known.recent_rows([lookup.id_key]) if self.ids[r] == doc_id), None)
        if row is not None:
            return self.ids[self.cluster[row]], "known"
        same_text = lookup.texts | self.by_text.recent_rows([lookup.text_key])
        if same_text:
            cluster = self.cluster[min(same_text)]
            self.add_row(doc_id, cluster, None)
            return self.ids[cluster], "exact"
        match = self.best_match(probe, lookup.bands | self.bands.recent_rows(lookup.band_keys)) if probe else None
        row = self.add_row(doc_id, self.cluster[match] if match is not None else len(self.ids), probe)
        self.by_text.add(lookup.text_key, row)
        self.bands.add_keys(lookup.band_keys, row)
        return self.ids[self.cluster[row]], "new" if match is None else "near"

    def add_row(self, doc_id: str, cluster_row: int, probe: Probe | None) -> int:
        row = len(self.ids)
        self.ids.append(doc_id)
        self.cluster.append(cluster_row)
        self.length.append(probe.length if probe else 0)
        self.numbers.append(probe.numbers if probe else 0)
        self.signatures.append(probe.values if probe else 0)
        self.known.add(key64(doc_id), row)
        return row

    def best_match(self, probe: Probe, found: set[int]) -> int | None:
        """Of the candidate rows (sharing a band), the most similar above the threshold (the strict one if
        either text is short; ties go to the earliest stored); unless both are long articles, it must also
        carry the same numbers."""
        if not found:
            return None
        rows = np.array(sorted(found), dtype=np.int64)
        lengths = np.array([self.length[r] for r in rows.tolist()])
        same_numbers = np.array([self.numbers[r] == probe.numbers for r in rows.tolist()])
        both_long = (lengths == LONG) & (probe.length == LONG)
        scores = (self.signatures.take(rows) == probe.values).mean(axis=1)
        strict = (lengths == SHORT) | (probe.length == SHORT)
        needed = np.where(strict, self.short_threshold, self.threshold)
        good = (both_long | same_numbers) & (scores >= needed)
        if not good.any():
            return None
        return int(rows[np.argmax(np.where(good, scores, -1.0))])
