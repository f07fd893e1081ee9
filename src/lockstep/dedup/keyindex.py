"""Compact in-memory indexes for the duplicate finder: 64-bit keys mapped to integer rows.

A `KeyIndex` is a multimap held as one sorted pair of numpy arrays (12 bytes an entry) plus a small dict of
recent additions, folded into the arrays every `fold_every` entries with a linear merge. Lookups are binary
searches. A million documents with 32 LSH bands cost ~400 MB here, where Python sets and dicts per band (as in
datasketch's MinHashLSH) cost ~10 KB a document.

`Rows` is a growable table of fixed-width numpy rows (signatures, flags) kept in blocks, so growing it never
copies what is stored.
"""

from __future__ import annotations

import hashlib

import numpy as np

FOLD_EVERY = 200_000
BLOCK = 1 << 16


def key64(text: str) -> int:
    """A 64-bit key for a string (doc id): the first 8 bytes of its BLAKE2b digest."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def hex_key64(hex_digest: str) -> int:
    """A 64-bit key for a hex digest that is already a hash (text hash): its first 16 hex digits."""
    return int(hex_digest[:16], 16)


class KeyIndex:
    """uint64 key -> rows (several rows may share a key)."""

    def __init__(self, fold_every: int = FOLD_EVERY) -> None:
        self.keys = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int32)
        # a key's first recent row, then any further ones: a dict of ints only is not tracked by the garbage
        # collector, where millions of small lists made every collection walk them all
        self.recent: dict[int, int] = {}
        self.more: dict[int, list[int]] = {}
        self.n_recent = 0
        self.fold_every = fold_every

    def __len__(self) -> int:
        return len(self.keys) + self.n_recent

    def add(self, key: int, row: int) -> None:
        self.add_keys([key], row)

    def add_keys(self, keys: list[int], row: int) -> None:
        """Add one row under several keys; call `fold_if_full` once a batch is done."""
        recent = self.recent
        for key in keys:
            if recent.setdefault(key, row) != row:
                self.more.setdefault(key, []).append(row)
        self.n_recent += len(keys)

    def fold_if_full(self) -> None:
        if self.n_recent >= self.fold_every:
            self.fold()

    def add_many(self, keys: np.ndarray, rows: np.ndarray) -> None:
        """Bulk add (loading a store): sorted once, then merged."""
        order = np.argsort(keys, kind="stable")
        self.merge(keys[order].astype(np.uint64), rows[order].astype(np.int32))

    def get(self, key: int) -> set[int]:
        lo, hi = np.searchsorted(self.keys, np.uint64(key), side="left"), np.searchsorted(
            self.keys, np.uint64(key), side="right")
        return set(self.rows[lo:hi].tolist()) | self.recent_rows([key])

    def stored_rows(self, keys: np.ndarray) -> dict[int, set[int]]:
        """For a (n, k) array of keys: {i: rows stored under any key of row i} from the sorted arrays only
        (what was folded before this batch). The keys are searched in sorted order, which keeps the binary
        searches in cache."""
        flat = keys.ravel()
        order = np.argsort(flat)
        lo = np.searchsorted(self.keys, flat[order], side="left")
        inside = lo < len(self.keys)
        hit = np.zeros(len(flat), dtype=bool)
        hit[inside] = self.keys[lo[inside]] == flat[order][inside]
        found: dict[int, set[int]] = {}
        for at in np.flatnonzero(hit).tolist():
            start, key = int(lo[at]), flat[order[at]]
            end = int(np.searchsorted(self.keys, key, side="right"))
            found.setdefault(int(order[at]) // keys.shape[1], set()).update(self.rows[start:end].tolist())
        return found

    def recent_rows(self, keys: list[int]) -> set[int]:
        found = {row for row in map(self.recent.get, keys) if row is not None}
        if self.more:
            for key in keys:
                found.update(self.more.get(key, ()))
        return found

    def fold(self) -> None:
        """Move the recent additions into the sorted arrays (one linear merge)."""
        if not self.recent:
            return
        keys = np.fromiter(self.recent.keys(), dtype=np.uint64, count=len(self.recent))
        rows = np.fromiter(self.recent.values(), dtype=np.int32, count=len(self.recent))
        if self.more:
            keys = np.concatenate([keys, np.array([k for k, more in self.more.items() for _ in more], np.uint64)])
            rows = np.concatenate([rows, np.array([r for more in self.more.values() for r in more], np.int32)])
        self.recent, self.more, self.n_recent = {}, {}, 0
        order = np.argsort(keys, kind="stable")
        self.merge(keys[order], rows[order])

    def merge(self, keys: np.ndarray, rows: np.ndarray) -> None:
        at = np.searchsorted(self.keys, keys, side="right")
        self.keys = np.insert(self.keys, at, keys)
        self.rows = np.insert(self.rows, at, rows)


class Rows:
    """A growable table of fixed-width rows of one dtype, stored in blocks of 65,536 rows."""

    def __init__(self, width: int, dtype) -> None:
        self.width, self.dtype = width, np.dtype(dtype)
        self.blocks: list[np.ndarray] = []
        self.n = 0

    def __len__(self) -> int:
        return self.n

    def append(self, values: np.ndarray) -> int:
        if self.n % BLOCK == 0:
            self.blocks.append(np.zeros((BLOCK, self.width), dtype=self.dtype))
        self.blocks[-1][self.n % BLOCK] = values
        self.n += 1
        return self.n - 1

    def extend(self, values: np.ndarray) -> None:
        """Append many rows at once (loading a store)."""
        done = 0
        while done < len(values):
            if self.n % BLOCK == 0:
                self.blocks.append(np.zeros((BLOCK, self.width), dtype=self.dtype))
            at = self.n % BLOCK
            count = min(BLOCK - at, len(values) - done)
            self.blocks[-1][at : at + count] = values[done : done + count]
            self.n += count
            done += count

    def take(self, rows: np.ndarray) -> np.ndarray:
        return np.stack([self.blocks[r >> 16][r & (BLOCK - 1)] for r in rows.tolist()])
