"""The compact duplicate index: the same clusters whether recent additions are folded or not, and the same
clusters after the index is reloaded from the store."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import lockstep
from lockstep.dedup import keyindex
from lockstep.dedup.clusters import DedupIndex
from lockstep.dedup.fingerprint import minhash_bytes, text_hash
from tests.conftest import DATA


@pytest.fixture(scope="module")
def leads() -> list[str]:
    """Real Russian news leads (Channel One), long enough for word shingles."""
    table = pd.read_csv(DATA / "corpus/ru-state-media/1tv_news_leads_ru.csv.gz", nrows=3000)
    texts = [t for t in table["content"].dropna() if len(t.split()) >= 20]
    distinct = {text_hash(t): t for t in reversed(texts)}  # one text per normalised form
    return list(reversed(distinct.values()))[:300]


def reprint(text: str) -> str:
    """An edited reprint: a credit line added, a line break flattened."""
    return "По сообщению агентства: " + text.replace("\n", " ")


def assign_all(index: DedupIndex, docs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [index.assign(doc_id, text_hash(text), minhash_bytes(text)) for doc_id, text in docs]


def corpus_of(leads: list[str]) -> list[tuple[str, str]]:
    docs = [(f"{i:016x}", text) for i, text in enumerate(leads)]
    docs += [(f"{i + 1000:016x}", reprint(text)) for i, text in enumerate(leads[:50])]
    docs += [(f"{i + 2000:016x}", text) for i, text in enumerate(leads[50:70])]
    return docs


def test_reprints_and_copies_join_their_originals(leads):
    results = assign_all(DedupIndex(), corpus_of(leads))
    hows = [how for _, how in results]
    assert hows.count("exact") == 20
    assert hows.count("near") >= 45  # edited reprints of 50 leads
    assert all(cluster == f"{i:016x}" for i, (cluster, _) in enumerate(results[len(leads):len(leads) + 50])
               if results[len(leads) + i][1] == "near")


def test_folding_recent_additions_changes_nothing(leads):
    expected = assign_all(DedupIndex(), corpus_of(leads))
    index = DedupIndex()
    index.bands.fold_every = index.known.fold_every = index.by_text.fold_every = 7
    assert assign_all(index, corpus_of(leads)) == expected
    assert index.bands.n_recent < 7 and len(index.bands.keys) > 0


def test_a_batch_matches_one_by_one_assignment(leads):
    docs = corpus_of(leads)
    expected = assign_all(DedupIndex(), docs)
    index = DedupIndex()
    first = index.assign_batch([d for d, _ in docs[:150]], [text_hash(t) for _, t in docs[:150]],
                               [minhash_bytes(t) for _, t in docs[:150]])
    index.bands.fold()
    rest = index.assign_batch([d for d, _ in docs[150:]], [text_hash(t) for _, t in docs[150:]],
                              [minhash_bytes(t) for _, t in docs[150:]])
    assert first + rest == expected


def test_key_index_returns_every_row_of_a_key():
    index = keyindex.KeyIndex()
    for row, key in enumerate([5, 9, 5, 1, 5, 9]):
        index.add(key, row)
    index.fold()
    index.add(9, 6)
    assert sorted(index.get(5)) == [0, 2, 4] and sorted(index.get(9)) == [1, 5, 6]
    assert index.get(7) == set()  # an absent key
    assert index.recent_rows([9, 2, 8]) == {6}  # added after the last fold
    assert index.stored_rows(np.array([[9, 2], [8, 5]], dtype=np.uint64)) == {0: {1, 5}, 1: {0, 2, 4}}


def test_reloaded_index_knows_the_store(tmp_path, leads):
    db = tmp_path / "c.duckdb"
    table = tmp_path / "leads.jsonl"
    table.write_text("\n".join(json.dumps({"title": f"Lead {i}", "text": t, "published": "2022-03-01"},
                                          ensure_ascii=False) for i, t in enumerate(leads[:100])), encoding="utf-8")
    with lockstep.open(db) as corpus:
        corpus.ingest([table])
        corpus.con.execute("SELECT id FROM documents")  # a result left open on the connection
        index = DedupIndex.load(corpus.con)
        stored = corpus.con.execute("SELECT id, text FROM documents ORDER BY rowid").fetchall()
    assert len(index.ids) == len(stored) == 100
    assert all(index.knows(doc_id) for doc_id, _ in stored)
    assert index.assign(stored[3][0], text_hash(stored[3][1]), None) == (stored[3][0], "known")
    assert index.assign("f" * 16, text_hash(stored[5][1]), None) == (stored[5][0], "exact")
    cluster, how = index.assign("e" * 16, text_hash(reprint(stored[7][1])), minhash_bytes(reprint(stored[7][1])))
    assert (cluster, how) == (stored[7][0], "near")


def test_ingest_caps_the_store_memory_then_restores_it(tmp_path):
    from lockstep.store.writer import capped_memory

    with lockstep.open(tmp_path / "m.duckdb") as corpus:
        before = corpus.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        with capped_memory(corpus.con, "256MB"):
            assert corpus.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == "244.1 MiB"
        assert corpus.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == before
        with pytest.raises(ValueError, match="give a size"):
            with capped_memory(corpus.con, "1GB'; DROP TABLE documents; --"):
                pass
