"""Review samples: stratified by actor and language (and period), reproducible, stored with their inclusion
probabilities, written for reviewers as CSV/JSONL."""

from __future__ import annotations

import csv
import json

import pytest

from lockstep.errors import InputError
from lockstep.narratives.sampling import (REVIEW_COLUMNS, SampleOptions, draw_sample, sample_documents,
                                          write_review_file)
from lockstep.narratives.tables import samples
from lockstep.narratives.tagging import tag
from lockstep.store.corpus import DocumentFilter
from tests.narratives.conftest import build_store, sample_documents as documents


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, backend):
    store = build_store(tmp_path_factory.mktemp("sampling") / "corpus.duckdb", documents())
    tag(store)
    yield store
    store.close()


def strata(sample) -> dict[tuple[str, str, str], tuple[int, int]]:
    frame = sample.summary()
    return {(r.actor, r.language, r.period): (r.stratum_units, r.sampled) for r in frame.itertuples()}


def test_strata_sizes_and_inclusion_probabilities(corpus):
    sample = draw_sample(corpus, SampleOptions(per_stratum=10, seed=3))
    # BBC and Sky: 45 English documents each; RT: 2 English + 1 Russian; TASS: its three Russian documents are
    # two stories (an exact reprint inside TASS counts once); Xinhua: 1 Chinese
    assert strata(sample) == {("BBC", "en", "all"): (45, 10), ("Sky", "en", "all"): (45, 10),
                              ("RT", "en", "all"): (2, 2), ("RT", "ru", "all"): (1, 1),
                              ("TASS", "ru", "all"): (2, 2), ("Xinhua", "zh", "all"): (1, 1)}
    stored = corpus.con.execute("SELECT actor, language, inclusion, count(*) FROM narrative_sample_members "
                                "WHERE sample_id = ? GROUP BY ALL", [sample.sample_id]).fetchall()
    assert {(a, lang): (round(p, 4), n) for a, lang, p, n in stored}[("BBC", "en")] == (round(10 / 45, 4), 10)
    tass = corpus.con.execute("SELECT doc_id FROM narrative_sample_members WHERE sample_id = ? AND actor = 'TASS' "
                              "ORDER BY doc_id", [sample.sample_id]).fetchall()
    assert [r[0] for r in tass] == ["ru-colour", "ru-sanctions"]    # the cluster's first document stands for it
    listed = samples(corpus.con).set_index("sample_id")
    assert listed.loc[sample.sample_id, "sampled"] == 26 and listed.loc[sample.sample_id, "units"] == 96


def test_same_seed_same_sample_larger_contains_smaller_other_seed_differs(corpus):
    first = draw_sample(corpus, SampleOptions(per_stratum=5, seed=7))
    again = draw_sample(corpus, SampleOptions(per_stratum=5, seed=7))
    assert first.sample_id == again.sample_id
    assert set(first.members["doc_id"]) == set(again.members["doc_id"])
    larger = draw_sample(corpus, SampleOptions(per_stratum=12, seed=7))
    assert set(first.members["doc_id"]) < set(larger.members["doc_id"])
    other = draw_sample(corpus, SampleOptions(per_stratum=5, seed=8))
    bbc = lambda s: set(s.members.loc[s.members["actor"] == "BBC", "doc_id"])  # noqa: E731
    assert bbc(other) != bbc(first) and len(bbc(other)) == 5
    # the row for a sample drawn again is replaced, not added
    assert (samples(corpus.con)["sample_id"] == first.sample_id).sum() == 1


def test_fraction_period_and_filters(corpus):
    sample = draw_sample(corpus, SampleOptions(per_stratum=1, fraction=0.2, seed=1, period="month",
                                               filters=DocumentFilter(actor=["BBC"])))
    sizes = strata(sample)
    # BBC's weather reports fall in January, February and March 2022, 15 a month: 20 % is 3
    assert sizes == {("BBC", "en", f"2022-0{m}-01"): (15, 3) for m in (1, 2, 3)}


def test_review_file_lists_documents_in_review_order(corpus, tmp_path):
    sample = draw_sample(corpus, SampleOptions(per_stratum=3, seed=2))
    docs = sample_documents(corpus.con, sample.sample_id)
    assert docs["position"].is_monotonic_increasing and docs["labels"].isna().all()
    colour = docs.set_index("doc_id").loc["en-colour"]
    assert "west-subversion.colour-revolutions" in colour["detector"].split(";")
    path = write_review_file(docs, tmp_path / "review.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == REVIEW_COLUMNS and len(rows) == len(docs)
    assert {r["labels"] for r in rows} == {""} and {r["reviewed"] for r in rows} == {""}
    jsonl = write_review_file(docs, tmp_path / "review.jsonl")
    first = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert first["doc_id"] == docs["doc_id"][0] and first["labels"] == "" and first["sample_id"] == sample.sample_id


def test_bad_sample_options_are_refused(corpus):
    with pytest.raises(InputError, match="per-stratum N or --fraction"):
        draw_sample(corpus, SampleOptions(per_stratum=0))
    with pytest.raises(InputError, match="--period 'fortnight'"):
        draw_sample(corpus, SampleOptions(period="fortnight"))
    with pytest.raises(InputError, match="no documents match"):
        draw_sample(corpus, SampleOptions(filters=DocumentFilter(actor=["Nobody"])))
    with pytest.raises(InputError, match="no review sample 'nope'"):
        sample_documents(corpus.con, "nope")
