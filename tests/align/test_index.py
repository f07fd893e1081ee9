"""The alignment index on a constructed corpus whose alignment is known: B speaks its own language in March and
copies A's vocabulary and narratives from April; C never does."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest
from tests.align.builders import doc

from lockstep.align.drilldown import DrillOptions, drill
from lockstep.align.alignment_index import AlignOptions, alignment, alignment_matrix, alignment_series
from lockstep.errors import InputError

HOSTILE = ["sanctions", "hegemony", "sovereignty", "provocation", "interference", "bloc", "unilateral", "bullying"]
HOSTILE_PHRASES = ["colour revolution", "cold war mentality", "zero-sum game"]
DEVELOP = ["vaccine", "harvest", "railway", "tourism", "exports", "innovation", "satellite", "investment"]
DEVELOP_PHRASES = ["rural revitalization", "green energy", "high-speed rail"]
LOCAL = ["football", "weather", "concert", "election", "museum", "traffic", "housing", "theatre"]
LOCAL_PHRASES = ["city council", "school holidays", "bus strike"]
COMMON = ["officials", "report", "week", "country", "people", "plan", "talks", "new"]
TOPICS = {"hostile": (HOSTILE, HOSTILE_PHRASES, ["west-hostility", "sovereignty"]),
          "develop": (DEVELOP, DEVELOP_PHRASES, ["development"]),
          "local": (LOCAL, LOCAL_PHRASES, ["domestic"])}


def headline(rng, topic: str) -> tuple[str, str]:
    words, phrases, narratives = TOPICS[topic]
    parts = list(rng.choice(words, 4)) + list(rng.choice(COMMON, 2)) + [str(rng.choice(phrases))]
    rng.shuffle(parts)
    return " ".join(parts).capitalize() + ".", str(rng.choice(narratives))


def constructed(seed: int = 7, per_month: int = 40) -> tuple[list[dict], list[tuple[str, str]]]:
    rng = np.random.default_rng(seed)
    docs, hits = [], []
    plan = {"a": ["hostile"] * 3, "b": ["develop", "hostile", "hostile"], "c": ["local"] * 3,
            "bbc": ["local", "develop", "hostile"], "tass": ["local"] * 3, "cgtn": ["develop"] * 3}
    for month in range(3):
        for outlet, topics in plan.items():
            for k in range(per_month):
                text, narrative = headline(rng, topics[month])
                d = doc(text, outlet, datetime(2022, 3 + month, 1 + k % 28, 8 + k % 10, k))
                docs.append(d)
                hits.append((d["id"], narrative))
    return docs, hits


def tag(corpus, hits: list[tuple[str, str]]) -> None:
    """Store narrative hits in the narratives module's table layout (above threshold, level 1, one version)."""
    from lockstep.narratives.tables import ensure_tables

    ensure_tables(corpus)  # the narratives module's own table layout
    rows = [(f"{d}-{n}", d, 0, n, 1, 0.9, 0.9, 0.5, True, None, None, "test-1", "test") for d, n in hits]
    rows.append(("below", hits[0][0], 0, "below-threshold", 1, 0.1, 0.1, 0.5, False, None, None, "test-1", "test"))
    corpus.con.executemany("INSERT INTO narrative_hits (hit_id, doc_id, idx, narrative, level, score, semantic, "
                           "threshold, above, claim, evidence, codebook_version, model) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from tests.align.builders import build_store

    docs, hits = constructed()
    corpus = build_store(tmp_path_factory.mktemp("index") / "index.duckdb", docs)
    tag(corpus, hits)
    yield corpus
    corpus.close()


@pytest.fixture(scope="module")
def result(store):
    return alignment(store, AlignOptions(actors=["A", "B", "C"], n_boot=100, n_perm=100))


def cell(result, period, a, b, measure):
    rows = result[(result["period"] == period) & (result["actor_a"] == a) & (result["actor_b"] == b)
                  & (result["measure"] == measure)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize("measure", ["narratives_mix", "narratives_jsd", "terms_cosine", "phrases_shared"])
def test_convergence_is_recovered(result, measure):
    before, after = cell(result, "2022-03", "A", "B", measure), cell(result, "2022-05", "A", "B", measure)
    control = cell(result, "2022-05", "A", "C", measure)
    margin = 0.15 if measure == "phrases_shared" else 0.3  # random word pairs repeat and dilute the share
    assert after["value"] > before["value"] + margin
    assert after["value"] > control["value"] + margin
    # after convergence B is indistinguishable from A: near the permutation baseline, not significantly distinct
    assert after["relative"] > 0.8 and after["p_distinct"] > 0.05
    # before, and for the control, the difference is significant, or nothing is shared at all (terms, phrases: in
    # May other actors use both A's and C's words, so against that reference neither has many key terms)
    assert before["p_distinct"] < 0.05
    assert control["p_distinct"] < 0.05 or control["value"] < 0.05
    for row in (before, after, control):
        assert row["ci_low"] <= row["value"] <= row["ci_high"]


def test_narrative_similarity_values(result):
    assert cell(result, "2022-03", "A", "B", "narratives_jsd")["value"] == pytest.approx(0.0, abs=1e-9)
    assert cell(result, "2022-04", "A", "B", "narratives_jsd")["value"] > 0.9


def test_narrative_mix_separates_what_silence_hides(tmp_path):
    """When most documents carry no narrative, '(no narrative)' dominates narratives_jsd and every pair reads alike;
    the mix over the documents that carry one still tells A's hostile narratives from C's domestic ones."""
    from tests.align.builders import build_store

    docs, hits = constructed()
    corpus = build_store(tmp_path / "sparse.duckdb", docs)
    tag(corpus, hits[::5])  # one document in five carries its narrative
    try:
        result = alignment(corpus, AlignOptions(actors=["A", "B", "C"], n_boot=50, n_perm=50, min_units=5))
    finally:
        corpus.close()
    jsd, mix = cell(result, "2022-05", "A", "C", "narratives_jsd"), cell(result, "2022-05", "A", "C", "narratives_mix")
    assert jsd["value"] > 0.7 and mix["value"] < 0.05
    assert cell(result, "2022-05", "A", "B", "narratives_mix")["value"] > 0.8
    assert mix["coverage_a"] == pytest.approx(0.2, abs=0.05) and mix["coverage_b"] == pytest.approx(0.2, abs=0.05)
    assert np.isnan(cell(result, "2022-05", "A", "C", "terms_cosine")["coverage_a"])  # coverage is a narrative figure


def test_every_missing_cell_says_why(tmp_path):
    from tests.align.builders import build_store

    docs, hits = constructed()
    late = [doc(f"Late starter headline {k} about sanctions and hegemony.", "d", datetime(2022, 3 if k < 3 else 4,
                1 + k % 28, 9), actor="D") for k in range(45)]
    few_hits = [(d["id"], "west-hostility") for d in late[3:9]]
    corpus = build_store(tmp_path / "thin.duckdb", docs + late)
    tag(corpus, hits + few_hits)
    try:
        result = alignment(corpus, AlignOptions(actors=["A", "D"], n_boot=20, n_perm=20))
    finally:
        corpus.close()
    # D has 3 documents in March: the pair is not dropped from March, its rows say why
    march = result[(result["period"] == "2022-03")]
    assert set(march["measure"]) == {"narratives_mix", "narratives_jsd", "terms_cosine", "phrases_shared"}
    assert march["value"].isna().all() and (march["n_b"] == 3).all()
    assert march["note"].str.contains("D has 3 documents in 2022-03 \\(fewer than --min-docs 10\\)").all()
    # in May D has no document at all
    may = result[result["period"] == "2022-05"]
    assert len(may) == 4 and may["note"].str.contains("D has 0 documents in 2022-05").all()
    # in April D has 42 documents but only 6 carry a narrative: no mix, and the note says so
    mix = cell(result, "2022-04", "A", "D", "narratives_mix")
    assert np.isnan(mix["value"]) and "D: 6 of 42 documents carry a narrative (fewer than 10)" in mix["note"]
    assert mix["coverage_b"] == pytest.approx(6 / 42)
    assert not np.isnan(cell(result, "2022-04", "A", "D", "terms_cosine")["value"])
    assert result.loc[result["value"].isna(), "note"].str.len().gt(0).all()


def test_matrix_and_series_views(result):
    matrix = alignment_matrix(result, "terms_cosine", "2022-05")
    assert list(matrix.index) == ["A", "B", "C"] and matrix.loc["A", "A"] == 1.0
    assert matrix.loc["A", "B"] == matrix.loc["B", "A"] > matrix.loc["A", "C"]
    series = alignment_series(result, "terms_cosine")
    assert list(series["period"]) == ["2022-03", "2022-04", "2022-05"]
    assert {"A ~ B", "A ~ C", "B ~ C"} <= set(series.columns)


def test_seeded_runs_are_reproducible(store, result):
    again = alignment(store, AlignOptions(actors=["A", "B", "C"], n_boot=100, n_perm=100))
    assert again.equals(result)


def test_drill_down_names_the_drivers(store):
    cellar = drill(store, DrillOptions(actors=("A", "B"), period="2022-05"))
    shared_terms = set(cellar.terms.loc[cellar.terms["shared"], "term"])
    vocabulary = HOSTILE + COMMON + " ".join(HOSTILE_PHRASES).split()
    # lemmas of the shared vocabulary, and term families standing for its concepts
    assert {"@colour-revolution", "@hegemony", "@sovereignty"} <= shared_terms
    assert all(term.startswith("@") or any(word.startswith(term) for word in vocabulary) for term in shared_terms)
    assert cellar.terms["contribution"].sum() == pytest.approx(
        cell(alignment(store, AlignOptions(actors=["A", "B"], n_boot=0, n_perm=0)), "2022-05", "A", "B",
             "terms_cosine")["value"], rel=1e-6)
    shared_phrases = set(cellar.phrases.loc[cellar.phrases["shared"], "phrase"])
    assert any("@cold-war-mentality" in p or "@colour-revolution" in p or "@zero-sum" in p for p in shared_phrases)
    assert set(cellar.narratives["narrative"]) == {"west-hostility", "sovereignty"}
    paragraphs = cellar.paragraphs
    assert set(paragraphs["actor"]) == {"A", "B"} and (paragraphs["n_drivers"] > 0).all()
    row = paragraphs.iloc[0]
    text = store.document(row["doc_id"])["text"]
    assert text[row["start_char"] : row["end_char"]] == row["text"]


def test_bad_input_is_one_line(store):
    with pytest.raises(InputError, match="Nobody"):
        alignment(store, AlignOptions(actors=["A", "Nobody"]))
    with pytest.raises(InputError, match="period"):
        alignment(store, AlignOptions(actors=["A", "B"], period="fortnight"))
    with pytest.raises(InputError, match="no documents"):
        drill(store, DrillOptions(actors=("A", "B"), period="1999-01"))


def test_term_families_align_actors_across_languages(make_store):
    rng = np.random.default_rng(3)
    english = ["sovereignty", "hegemony", "colour revolution", "sanctions", "strategic partnership"]
    russian = ["суверенитет", "гегемония", "цветная революция", "санкции", "стратегическое партнерство"]
    other = ["football", "weather", "concert", "museum", "traffic"]
    docs = []
    for k in range(30):
        when = datetime(2022, 3, 1 + k % 28, 9)
        docs.append(doc(" ".join(rng.choice(english, 3)), "a", when))
        docs.append(doc(" ".join(rng.choice(russian, 3)), "tass", when, language="ru"))
        docs.append(doc(" ".join(rng.choice(other, 3)) + " news", "bbc", when))
    corpus = make_store(docs)
    with_families = alignment(corpus, AlignOptions(actors=["A", "TASS"], on="terms", n_boot=0, n_perm=0))
    without = alignment(corpus, AlignOptions(actors=["A", "TASS"], on="terms", n_boot=0, n_perm=0, families=False))
    assert cell(with_families, "2022-03", "A", "TASS", "terms_cosine")["value"] > 0.3
    assert cell(without, "2022-03", "A", "TASS", "terms_cosine")["value"] == pytest.approx(0.0)


def test_hits_table_without_codebook_tables_is_read_directly(make_store):
    from lockstep.align.inputs import has_narratives, narrative_hits

    docs, hits = constructed(per_month=3)
    corpus = make_store(docs)
    assert not has_narratives(corpus)
    corpus.con.execute("CREATE TABLE narrative_hits (doc_id VARCHAR, idx INTEGER, narrative VARCHAR, level INTEGER, "
                       "above BOOLEAN, codebook_version VARCHAR, tagged_at TIMESTAMP)")
    corpus.con.executemany("INSERT INTO narrative_hits VALUES (?, 0, ?, 1, ?, 'v', now())",
                           [(d, n, i % 2 == 0) for i, (d, n) in enumerate(hits)])
    frame = narrative_hits(corpus, level=1)
    assert len(frame) == (len(hits) + 1) // 2 and set(frame.columns) == {"doc_id", "idx", "narrative"}


def test_package_names_stay_functions_after_submodules_are_imported():
    """`lockstep.align.drill` is the function even once every submodule has been imported (no shadowing)."""
    import importlib
    import pkgutil

    import lockstep.align as align

    for module in pkgutil.iter_modules(align.__path__):
        importlib.import_module(f"lockstep.align.{module.name}")
    for name in align.__all__:
        value = getattr(align, name)
        assert callable(value) or isinstance(value, (tuple, dict, list, frozenset, set)), name
        assert not isinstance(value, type(align)), f"lockstep.align.{name} is a module"


def test_first_view_is_the_narrative_mix_relative_to_its_baseline(result, store):
    from lockstep.align.alignment_index import first_view

    assert first_view(result) == ("narratives_mix", "relative")
    terms_only = alignment(store, AlignOptions(actors=["A", "B", "C"], on="terms", n_boot=10, n_perm=10))
    assert first_view(terms_only) == ("terms_cosine", "relative")
