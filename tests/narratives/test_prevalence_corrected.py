"""Document reviews (CLI, import with FILE:LINE errors, one transaction) and prevalence corrected from them."""

from __future__ import annotations

import csv
import json
import math
import shutil

import pytest
from typer.testing import CliRunner

from lockstep.errors import InputError
from lockstep.cli.narratives import app
from lockstep.narratives.corrected import CorrectedQuery, corrected_prevalence
from lockstep.narratives.prevalence import HitQuery
from lockstep.narratives.review import import_reviews, review_document
from lockstep.narratives.sampling import SampleOptions, draw_sample, sample_documents, write_review_file
from lockstep.narratives.tables import document_reviews
from lockstep.narratives.tagging import tag
from tests.narratives.conftest import build_store, sample_documents as documents


@pytest.fixture(scope="module")
def tagged_store(tmp_path_factory, backend):
    store = build_store(tmp_path_factory.mktemp("corrected") / "corpus.duckdb", documents())
    tag(store)
    yield store
    store.close()


@pytest.fixture()
def corpus(tagged_store):
    """The tagged store with no samples or reviews left over from another test."""
    for table in ("narrative_document_reviews", "narrative_sample_members", "narrative_samples"):
        tagged_store.con.execute(f"DROP TABLE IF EXISTS {table}")
    return tagged_store


def review_count(corpus) -> int:
    return len(document_reviews(corpus.con))


def level_one(corpus, **kw):
    return corrected_prevalence(corpus, CorrectedQuery(hits=HitQuery(level=1, period="all"), **kw))


def test_without_reviews_every_share_is_raw_and_says_uncorrected(corpus):
    table = level_one(corpus)
    assert len(table) and not table["corrected"].any()
    assert table["note"].str.startswith("uncorrected: no review sample").all()
    assert (table["share"] == table["raw_share"]).all() and table["ci_low"].isna().all()
    rt = table[(table["actor"] == "RT") & (table["narrative"] == "west-subversion")].iloc[0]
    assert rt["raw_share"] == pytest.approx(1 / 3, abs=1e-4) and rt["documents"] == 1 and rt["actor_documents"] == 3


def test_corrected_shares_match_the_hand_computed_answer(corpus):
    sample = draw_sample(corpus, SampleOptions(per_stratum=10, seed=3))
    docs = sample_documents(corpus.con, sample.sample_id).set_index("doc_id")
    bbc = docs[docs["actor"] == "BBC"].index.tolist()
    # BBC's weather reports: the reviewer finds a world-order narrative in two, none in the other eight
    for doc_id in bbc[:2]:
        review_document(corpus, doc_id, "world-order", coder="anna")
    for doc_id in bbc[2:]:
        review_document(corpus, doc_id, "", coder="anna")
    # RT: every unit reviewed; the colour-revolution story carries its narrative (SemEval-free id), the bridge none
    review_document(corpus, "en-colour", ["west-subversion.colour-revolutions"], coder="anna")
    review_document(corpus, "en-bridge", "none", coder="anna")
    review_document(corpus, "ru-sanctions-rt", "URW: Negative Consequences for the West", coder="anna")
    table = level_one(corpus).set_index(["actor", "narrative"])

    world = table.loc[("BBC", "world-order")]
    assert world["corrected"] and world["raw_share"] == 0 and world["reviewed"] == 10
    assert world["share"] == pytest.approx(0.2)                         # 0 + 45 x 2/10, over 45
    per_unit = (2.5 / 12 + 0.5 / 12 - (2 / 12) ** 2) * 10 / 12        # Agresti-Min, power 1 (nothing flagged)
    assert world["ci_high"] == pytest.approx(0.2 + 1.959964 * math.sqrt(35 / 45 * per_unit / 10), abs=1e-4)
    assert world["ci_low"] == 0 and world["review_misses"] == 2 and world["review_carrying"] == 2
    # a narrative flagged elsewhere that no BBC review shows: estimated 0, with what 10 reviews can rule out
    other = table.loc[("BBC", "west-subversion")]
    assert other["share"] == 0 and other["ci_high"] > 0 and "can rule out" in other["note"]

    # RT reviewed whole: the shares are the reviewed truth, exactly
    colour = table.loc[("RT", "west-subversion")]
    assert colour["share"] == colour["ci_low"] == colour["ci_high"] == pytest.approx(1 / 3, abs=1e-4)
    consequences = table.loc[("RT", "urw.consequences-west")]
    assert consequences["share"] == pytest.approx(1 / 3, abs=1e-4) and consequences["reviewed"] == 3
    # TASS and Xinhua have no reviews: raw, uncorrected, said so
    tass = table.loc[("TASS", "west-subversion")]
    assert not tass["corrected"] and "too few reviews" in tass["note"] and tass["share"] == tass["raw_share"]


def test_too_few_reviews_and_a_coder_filter(corpus):
    sample = draw_sample(corpus, SampleOptions(per_stratum=10, seed=4))
    bbc = sample.members.loc[sample.members["actor"] == "BBC", "doc_id"].tolist()
    for doc_id in bbc[:4]:
        review_document(corpus, doc_id, "world-order", coder="boris")
    # 4 reviews of 10 drawn: BBC stays uncorrected, and uncorrected rows list only what the detector flags (nothing)
    assert level_one(corpus).query("actor == 'BBC'").empty
    relaxed = level_one(corpus, min_reviews=4).set_index(["actor", "narrative"])
    assert relaxed.loc[("BBC", "world-order"), "share"] == pytest.approx(1.0)
    assert level_one(corpus, min_reviews=4, coder="nobody").query("actor == 'BBC'").empty


def test_import_a_filled_review_file(corpus, tmp_path):
    sample = draw_sample(corpus, SampleOptions(per_stratum=10, seed=3))
    path = write_review_file(sample_documents(corpus.con, sample.sample_id), tmp_path / "review.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["actor"] == "RT":
            row["reviewed"] = "x"
            row["labels"] = "URW: Blaming the war on others rather than the invader" if row["doc_id"] == "en-colour" \
                else ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = import_reviews(corpus, path, coder="carla")
    assert (report.written, report.carries_none, report.not_reviewed) == (3, 2, len(rows) - 3)
    stored = document_reviews(corpus.con).set_index("doc_id")
    assert json.loads(stored.loc["en-colour", "labels"]) == ["urw.blaming-others"]
    assert json.loads(stored.loc["en-bridge", "labels"]) == []           # carries none, not "not reviewed"
    assert "weather-0-0-0" not in stored.index or stored.loc["weather-0-0-0", "coder"] != "carla"


def test_bad_import_names_file_and_line_and_writes_nothing(corpus, tmp_path):
    good = '{"doc_id": "en-colour", "labels": ["west-subversion"], "coder": "dan"}'
    unknown_doc = '{"doc_id": "no-such-doc", "labels": [], "coder": "dan"}'
    path = tmp_path / "reviews.jsonl"
    path.write_text(good + "\n\n" + unknown_doc + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{path}:3: no document 'no-such-doc'"):
        import_reviews(corpus, path)
    assert review_count(corpus) == 0
    table = tmp_path / "reviews.csv"
    table.write_text('doc_id,labels,note\nen-colour,west-subversion,"a note\nover two lines"\n'
                     "en-bridge,west-subversion;not-a-narrative,\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{table}:4: label 'not-a-narrative' is not in the codebook"):
        import_reviews(corpus, table, coder="dan")
    assert review_count(corpus) == 0
    table.write_text("doc_id,labels,reviewed\nen-colour,world-order,maybe\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{table}:2: reviewed 'maybe'"):
        import_reviews(corpus, table, coder="dan")
    table.write_text("doc_id,labels\nen-colour,world-order\n", encoding="utf-8")
    with pytest.raises(InputError, match="coder name"):
        import_reviews(corpus, table)
    table.write_text("doc,narratives\nen-colour,world-order\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{table}:1: the header needs `doc_id` and `labels`"):
        import_reviews(corpus, table, coder="dan")
    assert review_count(corpus) == 0


def test_cli_sample_review_and_corrected_prevalence(corpus, tmp_path):
    corpus.con.execute("CHECKPOINT")
    db = tmp_path / "copy.duckdb"
    shutil.copy(corpus.path, db)
    runner = CliRunner()
    review_file = tmp_path / "to-review.csv"
    result = runner.invoke(app, ["sample", "--db", str(db), "--per-stratum", "10", "--seed", "3",
                                 "--output", str(review_file)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review-docs", "--db", str(db), "--doc", "en-colour", "--labels",
                                 "west-subversion.colour-revolutions", "--coder", "eve"])
    assert result.exit_code == 0 and "en-colour" in result.output
    result = runner.invoke(app, ["review-docs", "--db", str(db), "--doc", "en-colour", "--labels", "bogus",
                                 "--coder", "eve"])
    assert isinstance(result.exception, InputError) and "bogus" in str(result.exception)
    result = runner.invoke(app, ["review-docs", "--db", str(db), "--coder", "eve", "--limit", "2"],
                           input="none\nq\n")
    assert result.exit_code == 0 and "stored: carries none" in result.output
    out = tmp_path / "corrected.csv"
    result = runner.invoke(app, ["prevalence", "--db", str(db), "--corrected", "--level", "1", "--period", "all",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"narrative", "actor", "period", "raw_share", "share", "ci_low", "ci_high", "reviewed"} <= set(rows[0])
    assert any(r["note"].startswith("too few reviews") for r in rows)
    result = runner.invoke(app, ["samples", "--db", str(db)])
    assert result.exit_code == 0 and "s3-" in result.output
