"""Echo chains on constructed corpora with known reprints, edits and translations (en -> ru -> zh)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.align.builders import days, doc

from lockstep.align import shingles
from lockstep.align.crosslingual import anchors, lexical_check
from lockstep.align.chains import EchoOptions, find_echoes, stored_chains
from lockstep.dedup.fingerprint import normalise_text

from tests.align.parallel import PARALLEL  # noqa: E402  (our own en/ru/zh translations)

UNRELATED = [
    ("Heavy rain flooded several streets in the city centre and the river rose above its banks overnight.", "en"),
    ("Футбольный клуб объявил о подписании контракта с новым главным тренером на три сезона.", "ru"),
    ("今年夏天，许多游客前往海边城市度假，酒店预订量大幅增加。", "zh"),
    ("The central bank left interest rates unchanged and said inflation would ease next year.", "en"),
    ("Ученые обнаружили в Антарктиде новый вид рыб, способный жить при очень низких температурах.", "ru"),
    ("Engineers finished repairing the old bridge two weeks ahead of schedule, the mayor's office said.", "en"),
]


def chain_corpus(day0) -> list[dict]:
    docs = []
    for k, (en, ru, zh) in enumerate(PARALLEL[:3]):
        start = days(day0, 10 * k)
        docs.append(doc(en, "mfa", start))
        docs.append(doc(ru, "tass", days(start, 0.5), language="ru"))
        docs.append(doc(zh, "xinhua", days(start, 1.25), language="zh"))
    # a verbatim reprint and an edited reprint of the first statement by other outlets
    docs.append(doc(PARALLEL[0][0], "cgtn", days(day0, 0.2)))
    edited = PARALLEL[0][0].replace("said on Monday", "said Monday").replace("firmly opposes", "opposes")
    docs.append(doc(edited, "rt", days(day0, 2.0)))
    # the same text by the same outlet is not an echo; one far outside the window is not either
    docs.append(doc(PARALLEL[2][0], "mfa", days(day0, 20.3)))
    docs.append(doc(PARALLEL[1][0], "bbc", days(day0, 60)))
    for n, (text, lang) in enumerate(UNRELATED):
        docs.append(doc(text, ["bbc", "rt", "xinhua"][n % 3], days(day0, 3 * n + 0.7), language=lang))
    return docs


@pytest.fixture()
def echoes(make_store, day0, backend):
    corpus = make_store(chain_corpus(day0))
    return corpus, find_echoes(corpus, EchoOptions(window_days=7))


def test_translation_chains_in_time_order(echoes):
    _, result = echoes
    paths = sorted(result.chains["path"])
    # statement 1: verbatim reprint, translations, an edited reprint; statements 2 and 3: en -> ru -> zh
    assert paths == ["mfa -> cgtn -> tass -> xinhua -> rt", "mfa -> tass -> xinhua", "mfa -> tass -> xinhua"]
    for _, chain in result.chains[result.chains["path"] == "mfa -> tass -> xinhua"].iterrows():
        assert chain["languages"] == "en,ru,zh" and chain["kinds"] == "translation"
        assert chain["span_hours"] == pytest.approx(30.0) and chain["n_outlets"] == 3


def test_member_links_and_lags(echoes):
    _, result = echoes
    members = result.members
    chain = members[members["chain_id"] == members.loc[members["outlet"] == "cgtn", "chain_id"].iloc[0]]
    by_outlet = chain.set_index("outlet")
    assert by_outlet.loc["mfa", "kind"] == "first" and by_outlet.loc["mfa", "lag_hours"] == 0
    assert by_outlet.loc["cgtn", "kind"] == "verbatim"
    assert by_outlet.loc["rt", "kind"] == "near" and by_outlet.loc["rt", "lag_hours"] == pytest.approx(48)
    assert by_outlet.loc["tass", "kind"] == "translation"
    assert by_outlet.loc["xinhua", "kind"] == "translation"
    assert list(chain["position"]) == list(range(len(chain)))


def test_unrelated_and_out_of_window_paragraphs_are_not_echoes(echoes):
    _, result = echoes
    texts = set(result.members["text"])
    assert not texts & {t for t, _ in UNRELATED}
    # the BBC copy 60 days later is outside the 7-day window
    assert "bbc" not in set(result.members["outlet"])


def test_chains_are_stored_once_per_paragraph(echoes):
    corpus, result = echoes
    stored = stored_chains(corpus)
    assert len(stored) == len(result.members)
    assert stored.groupby("chain_id").size().to_dict() == result.members.groupby("chain_id").size().to_dict()
    assert corpus.con.execute("SELECT count(*) FROM echo_runs").fetchone()[0] == 1


def test_lexical_kinds_only_need_no_embeddings(make_store, day0):
    corpus = make_store(chain_corpus(day0))
    result = find_echoes(corpus, EchoOptions(kinds=("verbatim", "near"), store=False))
    assert list(result.chains["path"]) == ["mfa -> cgtn -> rt"]
    assert "embed" not in result.timings


def test_minhash_estimates_jaccard():
    a = normalise_text(PARALLEL[0][0])
    b = normalise_text(PARALLEL[0][0].replace("firmly opposes", "opposes"))
    sigs = shingles.signatures(shingles.shingle_hashes([a, b, a]))
    est = shingles.estimated_jaccard(sigs, np.array([[0, 1], [0, 2]]))
    grams = [{x.replace(" ", "")[i : i + 4] for i in range(len(x.replace(" ", "")) - 3)} for x in (a, b)]
    true = len(grams[0] & grams[1]) / len(grams[0] | grams[1])
    assert est[0] == pytest.approx(true, abs=0.1) and est[1] == 1.0
    bands, rows = shingles.band_rows(0.6)
    assert bands * rows <= shingles.NUM_PERM and 1 - (1 - 0.6**rows) ** bands >= 0.98


def test_lexical_check_rejects_contradicting_numbers_and_officials():
    en = anchors("Zakharova said NATO expanded for 30 years.")
    ru = anchors("Захарова заявила, что НАТО расширялось 30 лет.")
    wrong_number = anchors("Захарова заявила, что НАТО расширялось 25 лет.")
    wrong_person = anchors("Лавров заявил, что НАТО расширялось 30 лет.")
    ok, shared = lexical_check(en, ru)
    assert ok and shared >= 2
    assert not lexical_check(en, wrong_number)[0]
    assert not lexical_check(en, wrong_person)[0]


def test_every_parallel_pair_is_a_translation_link(make_store, day0, backend):
    docs = []
    for k, triplet in enumerate(PARALLEL):
        for n, (text, outlet, lang) in enumerate(zip(triplet, ("mfa", "tass", "xinhua"), ("en", "ru", "zh"))):
            docs.append(doc(text, outlet, days(day0, 9 * k + 0.3 * n), language=lang))
    corpus = make_store(docs)
    result = find_echoes(corpus, EchoOptions(kinds=("translation",), store=False))
    assert len(result.chains) == len(PARALLEL)
    assert (result.chains["n_members"] == 3).all() and (result.chains["path"] == "mfa -> tass -> xinhua").all()


def test_templated_headlines_with_other_numbers_are_not_echoes(make_store, day0):
    template = "Chinese mainland records {} new confirmed COVID-19 cases, health authority says"
    docs = [doc(template.format(151), "cgtn", day0), doc(template.format(38), "xinhua", days(day0, 1)),
            doc(template.format(151), "chinadaily", days(day0, 0.5)),
            doc(template.format(151).replace(", health authority says", ""), "globaltimes", days(day0, 0.7))]
    result = find_echoes(make_store(docs), EchoOptions(kinds=("verbatim", "near"), store=False))
    assert list(result.chains["path"]) == ["cgtn -> chinadaily -> globaltimes"]


def test_weaker_cross_language_matches_are_labelled_cross_lingual(echoes):
    _, result = echoes
    links = result.links
    assert set(links["kind"]) <= {"verbatim", "near", "translation", "cross-lingual"}
    assert (links.loc[links["kind"] == "translation", "similarity"] >= 0.7).all()
    assert (links.loc[links["kind"] == "cross-lingual", "similarity"] < 0.7).all()


def test_borderline_estimates_are_checked_exactly():
    texts = [normalise_text(PARALLEL[0][0]), normalise_text(PARALLEL[0][0].replace("firmly opposes", "opposes"))]
    shingled = shingles.shingle_hashes(texts)
    pairs = np.array([[0, 1]])
    exact = shingles.exact_near_threshold(shingled, pairs, np.array([0.55]), 0.6)[0]
    grams = [{t.replace(" ", "")[i : i + 4] for i in range(len(t.replace(" ", "")) - 3)} for t in texts]
    assert exact == pytest.approx(len(grams[0] & grams[1]) / len(grams[0] | grams[1]), abs=0.01)
    assert shingles.exact_near_threshold(shingled, pairs, np.array([0.95]), 0.6)[0] == 0.95  # far: kept
