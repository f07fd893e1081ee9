"""Measures with known answers, on real Channel One leads: B reprints A five days later with one framing sentence
added, C writes about other things and carries no narrative, D and E publish other leads (lockstep.testing,
which the alignment evaluation builds the same corpus with, from the full shared file; here from the tests' slice)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.align.builders import SHARED, build_store

from lockstep.align.drilldown import DrillOptions, drill
from lockstep.align.alignment_index import MEASURES, AlignOptions, alignment
from lockstep.testing import planted_corpus, tag

LEADS = SHARED / "corpus" / "ru-state-media" / "1tv_news_leads_ru.csv.gz"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    if not LEADS.exists():
        pytest.fail(f"the slice of the Channel One leads is missing: {LEADS}")
    docs, hits = planted_corpus(LEADS)
    corpus = build_store(tmp_path_factory.mktemp("planted") / "planted.duckdb", docs)
    tag(corpus, hits)
    yield corpus
    corpus.close()


@pytest.fixture(scope="module")
def result(planted):
    return alignment(planted, AlignOptions(actors=["A", "B", "C", "D"], period="all", n_boot=100, n_perm=100))


def row(result, a, b, measure):
    rows = result[(result["actor_a"] == a) & (result["actor_b"] == b) & (result["measure"] == measure)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("measure", list(MEASURES))
def test_a_reprint_scores_near_the_top(result, measure):
    reprint = row(result, "A", "B", measure)
    assert reprint["value"] >= 0.8
    # at least as alike as one source with itself: not distinguishable from one outlet split in two
    assert reprint["relative"] >= 0.95 and reprint["p_distinct"] > 0.5


@pytest.mark.parametrize("measure", ["terms_cosine", "phrases_shared"])
def test_independent_outlets_score_far_below_the_reprint(result, measure):
    for a, b in (("A", "C"), ("B", "C"), ("A", "D"), ("B", "D")):
        assert row(result, a, b, measure)["value"] < 0.3


def test_narratives_tell_the_outlet_without_them_apart(result):
    """D carries the same narratives as A at about the same rates (the same rule on the same kind of leads), so it
    stays close on narratives; C, with none, does not."""
    reprint = row(result, "A", "B", "narratives_jsd")["value"]
    for a in ("A", "B"):
        assert row(result, a, "C", "narratives_jsd")["value"] < reprint - 0.1
        assert row(result, a, "D", "narratives_jsd")["value"] > row(result, a, "C", "narratives_jsd")["value"]


@pytest.mark.parametrize("measure", ["terms_cosine", "narratives_jsd"])
def test_an_outlet_writing_about_other_things_is_distinct(result, measure):
    for a in ("A", "B"):
        cell = row(result, a, "C", measure)
        assert cell["relative"] < 0.9 and cell["p_distinct"] < 0.05


def test_an_actor_without_narratives_is_a_distribution_too(planted, result):
    from lockstep.align.inputs import narrative_hits

    tagged = set(narrative_hits(planted, None, 1)["doc_id"])
    c_docs = set(planted.con.execute("SELECT id FROM documents WHERE actor = 'C'").df()["id"])
    assert not tagged & c_docs  # C really has no narrative hit
    cell = row(result, "A", "C", "narratives_jsd")
    assert not np.isnan(cell["value"]) and 0 < cell["value"] < 1 and cell["note"] == ""


def test_shared_terms_are_not_weighed_away(planted):
    """The reprinted words drive the reprint pair's cosine: they are key for both against the other actors."""
    terms = drill(planted, DrillOptions(actors=("A", "B"), period="all", period_kind="all", on="terms",
                                        top=10**6)).terms
    assert terms.head(20)["shared"].all()
    assert terms.loc[terms["shared"], "contribution"].sum() >= 0.8  # the contributions sum to the cosine


def test_a_cell_without_features_says_why(make_store, day0):
    from tests.align.builders import doc

    docs = [doc("Один два три.", "a", day0, language="ru", actor="A") for _ in range(1)]
    docs += [doc(f"Слово{k} новость{k}.", outlet, day0, language="ru", actor=outlet.upper())
             for k in range(12) for outlet in ("b", "c")]
    docs += [doc(f"Пусто {k}.", "a", day0, language="ru", actor="A") for k in range(12)]
    corpus = make_store(docs)
    result = alignment(corpus, AlignOptions(actors=["A", "B"], on="terms", period="all", n_boot=0, n_perm=0,
                                            min_count=5))
    phrases = row(result, "A", "B", "phrases_shared")
    assert np.isnan(phrases["value"]) and "no phrase is distinctive" in phrases["note"]
