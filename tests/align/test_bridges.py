"""Term bridges across Latin and Cyrillic, query expansion, and what they do to alignment across languages."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.align.builders import doc

from lockstep.align.bridges import embedding_bridges, expand_forms, family_forms, script_bridges, skeleton
from lockstep.align.alignment_index import AlignOptions, alignment


def test_names_and_cognates_bridge_and_other_words_do_not():
    links = script_bridges(["пелоси", "pelosi", "краматорск", "kramatorsk", "тайвань", "taiwan", "президент",
                            "president", "санкции", "sanctions", "война", "world", "россия", "russia"])
    assert links["пелоси"] == links["pelosi"] == "~pelosi"
    assert links["краматорск"] == links["kramatorsk"]
    assert links["тайвань"] == links["taiwan"] and links["президент"] == links["president"]
    assert not {"война", "world", "санкции", "sanctions"} & set(links)  # translations, not spellings
    assert skeleton("Байден") == skeleton("Biden")


def test_words_that_translate_each_other_bridge_by_meaning_and_near_misses_do_not():
    counts = {"ru": {"сотрудничество": 9, "оружие": 7, "президент": 5, "тайвань": 4, "погода": 1},
              "en": {"cooperation": 8, "weapon": 6, "president": 5, "thailand": 3, "weather": 4},
              "zh": {"合作": 6}}
    links = embedding_bridges(counts)
    assert links["сотрудничество"] == links["cooperation"] == links["合作"] == "≈cooperation"
    assert links["оружие"] == links["weapon"] == "≈weapon"
    assert links["президент"] == links["president"]
    assert "тайвань" not in links and "thailand" not in links      # nearest neighbours, but below 0.8
    assert "погода" not in links                                   # used once: too rare to bridge
    assert embedding_bridges({"en": counts["en"]}) == {}            # one language: nothing to bridge


def test_a_query_in_one_language_finds_the_other_script():
    vocabulary = ["краматорске", "краматорска", "кран", "биолабораторий", "биология", "pelosi", "pelican",
                  "буче", "буча", "бухта"]
    assert "краматорск*" in expand_forms(["Kramatorsk"], vocabulary)
    assert expand_forms(["biolab*"], vocabulary) == ["biolab*", "биолаб*"]
    assert "pelosi*" in expand_forms(["Пелоси"], vocabulary) and "pelican*" not in expand_forms(["Пелоси"], vocabulary)
    assert not any(f.startswith("бух") for f in expand_forms(["Bucha"], vocabulary))


def test_term_families_expand_a_query_into_every_language():
    forms = family_forms(["sovereignty"])
    assert "суверенитет" in forms and "主权" in forms


@pytest.mark.parametrize("bridges", [True, False])
def test_bridges_let_a_russian_outlet_share_names_with_an_english_one(make_store, bridges):
    english = ["Pelosi arrives in Taiwan", "Kramatorsk station strike", "Zelensky addresses parliament"]
    russian = ["Пелоси прибыла на Тайвань", "Удар по вокзалу Краматорска", "Зеленский выступил в парламенте"]
    other = ["Football results of the week", "Weather turns colder", "Museum opens new hall"]
    docs = []
    for k in range(36):
        when = datetime(2022, 4, 1 + k % 28, 9)
        docs.append(doc(english[k % 3], "a", when))
        docs.append(doc(russian[k % 3], "tass", when, language="ru"))
        docs.append(doc(other[k % 3] + f" {k}", "bbc", when))
    corpus = make_store(docs)
    result = alignment(corpus, AlignOptions(actors=["A", "TASS"], on="terms", n_boot=0, n_perm=0, families=False,
                                            bridges=bridges))
    value = result.loc[result["measure"] == "terms_cosine", "value"].iloc[0]
    assert (value > 0.5) if bridges else value == pytest.approx(0.0)


def test_leads_with_a_query_in_one_language_find_the_first_in_the_other(make_store, day0):
    from datetime import timedelta

    from lockstep.align.leadlag import LeadOptions, leads

    docs = [doc("Удар по вокзалу в Краматорске: Минобороны опровергает", "1tv", day0, language="ru",
                actor="Channel One")]
    docs += [doc(f"Kramatorsk station strike: update {k}", "cgtn", day0 + timedelta(hours=10 + k)) for k in range(3)]
    docs += [doc(f"Weather turns colder {k}", "bbc", day0 + timedelta(hours=k)) for k in range(3)]
    corpus = make_store(docs)
    expanded = leads(corpus, LeadOptions(terms=["Kramatorsk"], n_surrogates=10))
    assert expanded.first_use["actor"].iloc[0] == "Channel One" and "краматорск*" in expanded.item
    plain = leads(corpus, LeadOptions(terms=["Kramatorsk"], n_surrogates=10, expand=False))
    assert list(plain.first_use["actor"]) == ["CGTN"]
