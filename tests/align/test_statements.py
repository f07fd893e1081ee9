"""Statements and speakers in English, Russian and Chinese, linked to the officials registry."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lockstep.align.officials import load_officials, parse_officials
from lockstep.align.statements import extract_statements
from lockstep.errors import ConfigError

CASES = [
    ("Foreign Minister Wang Yi insisted that China would never accept unilateral sanctions.", "en",
     "Wang Yi", "reported", "China would never accept unilateral sanctions"),
    ("«Запад ведет тотальную войну против России», — заявила Мария Захарова.", "ru",
     "Maria Zakharova", "quote", "Запад ведет тотальную войну против России"),
    ("毛宁表示，中方坚决反对美方的错误做法。", "zh", "Mao Ning", "reported", "中方坚决反对美方的错误做法"),
    ("外交部发言人汪文斌在例行记者会上说，美方应当停止干涉中国内政。", "zh", "Wang Wenbin", "reported",
     "美方应当停止干涉中国内政"),
    ("Lavrov: West is waging total hybrid war on Russia", "en", "Sergey Lavrov", "colon",
     "West is waging total hybrid war on Russia"),
    ("#zakharova : frankly speaking, we are tired of lies about russian hackers", "en", "Maria Zakharova",
     "colon", "frankly speaking, we are tired of lies about russian hackers"),
    ("Zakharova says Kiev regime is preparing provocation", "en", "Maria Zakharova", "reported",
     "Kiev regime is preparing provocation"),
    ("Песков заявил, что Кремль не видит предпосылок для переговоров.", "ru", "Dmitry Peskov", "reported",
     "Кремль не видит предпосылок для переговоров"),
    ("По словам Захаровой, Запад продолжает поставки оружия.", "ru", "Maria Zakharova", "according",
     "Запад продолжает поставки оружия"),
    ("\"We will never accept this,\" said Wang Yi.", "en", "Wang Yi", "quote", "We will never accept this"),
    ("“美方应当停止干涉中国内政”，王毅说。", "zh", "Wang Yi", "quote", "美方应当停止干涉中国内政"),
    ("China firmly opposes US arms sales to Taiwan, says FM spokesperson Zhao Lijian", "en", "Zhao Lijian",
     "reported", "China firmly opposes US arms sales to Taiwan"),
    ("Russia's Lavrov: NATO expansion is a threat", "en", "Sergey Lavrov", "colon", "NATO expansion is a threat"),
]


@pytest.mark.parametrize("text, lang, official, form, content", CASES)
def test_statement_speaker_form_and_content(text, lang, official, form, content):
    found = extract_statements(text, lang)
    assert len(found) == 1
    st = found[0]
    assert (st.official, st.form, st.content) == (official, form, content)
    assert text[st.start : st.end] == content  # offsets point at the content


@pytest.mark.parametrize("text", ["Putin and Xi meet in Samarkand", "Chinese FM Wang Yi holds talks with Lavrov",
                                  "习近平会见普京", "Лавров прибыл в Пекин"])
def test_mentions_without_speech_are_not_statements(text):
    assert extract_statements(text) == []


def test_unregistered_speakers_are_kept_without_official():
    found = extract_statements("Olaf Scholz said that Germany would send more weapons.", "en")
    assert [(s.speaker, s.official, s.content) for s in found] == [
        ("Olaf Scholz", None, "Germany would send more weapons")]


def test_offsets_in_multi_sentence_paragraph():
    text = "Talks ended on Friday. Mao Ning said the US should stop provoking. Nothing else happened."
    (st,) = extract_statements(text, "en")
    assert text[st.start : st.end] == "the US should stop provoking"


def test_registry_resolves_every_language_and_case():
    registry = load_officials()
    assert registry.resolve("Wang Yi").name == "Wang Yi"
    assert registry.resolve("王毅").name == "Wang Yi"
    assert registry.resolve("Захаровой").name == "Maria Zakharova"
    assert registry.resolve("Небензей").name == "Vassily Nebenzia"
    assert registry.resolve("Nobody Inparticular") is None
    names = set(registry.officials)
    for person in ("Vladimir Putin", "Sergey Lavrov", "Maria Zakharova", "Dmitry Peskov", "Sergei Shoigu",
                   "Dmitry Medvedev", "Vassily Nebenzia", "Xi Jinping", "Wang Yi", "Qin Gang", "Mao Ning",
                   "Wang Wenbin", "Zhao Lijian", "Hua Chunying", "Lin Jian", "Li Qiang"):
        assert person in names
        assert all(registry.officials[person].forms(lang) for lang in ("en", "ru", "zh"))


def test_user_registry_extends_and_errors_name_the_file(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("officials:\n  - name: Josep Borrell\n    country: EU\n    names:\n"
                     "      en: [Josep Borrell, Borrell]\n      ru: [Жозеп Боррель, Боррель]\n", encoding="utf-8")
    registry = load_officials(str(extra))
    assert registry.resolve("Борреля").name == "Josep Borrell"
    (st,) = extract_statements("Боррель заявил, что ЕС продолжит помощь.", "ru", registry)
    assert st.official == "Josep Borrell"
    with pytest.raises(ConfigError, match="bad.yaml"):
        parse_officials(tmp_path / "bad.yaml", "officials:\n  - [unclosed\n")


def test_unregistered_russian_speaker():
    (st,) = extract_statements("Олаф Шольц заявил, что Германия продолжит поставки.", "ru")
    assert (st.speaker, st.official, st.content) == ("Олаф Шольц", None, "Германия продолжит поставки")


# ---- issue 19: real inputs whose speakers were missed or wrong (tests/data/statements/cases.csv) -------------------

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "statements" / "cases.csv"


def real_cases() -> list[dict]:
    with CASES_FILE.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("case", real_cases(), ids=lambda c: f"{c['outlet']}-{c['speaker']}")
def test_real_statements_find_their_speaker(case):
    found = extract_statements(case["text"], case["lang"])
    first = next(s for s in found if case["speaker"] in (s.official, s.speaker))
    assert first.content == case["content"]
    assert case["text"][first.start : first.end] == first.content
    assert not any("Leyen" in s.speaker for s in found)  # "Von der Leyen's remarks were ..." is not her statement


def test_a_possessive_is_not_a_speaker_and_remarks_is_a_noun():
    assert extract_statements("Von der Leyen's remarks were driven by the EU's desire to prolong the war.",
                              "en") == []


def test_speaker_search_finds_headline_attributions(tmp_path):
    from lockstep.align.reuse import StatementOptions, find_statements
    from tests.align.builders import build_store, doc

    rows = [c for c in real_cases() if "Wang Yi" in c["text"]]
    corpus = build_store(tmp_path / "s.duckdb", [doc(c["text"], c["outlet"], c["date"]) for c in rows])
    try:
        frame = find_statements(corpus, StatementOptions(speaker="Wang Yi", reuse=False))
    finally:
        corpus.close()
    assert set(frame["outlet"]) == {c["outlet"] for c in rows}  # RT names him twice: "Chinese FM", then by name
    assert set(frame["official"]) == {"Wang Yi"}


def test_generic_sources_and_topics_are_not_speakers():
    for text in ("Explosions occur again in Bahrain’s capital — TV", "Worker shortage in U.S. far from over: report",
                 "Afghanistan: The Taliban sniper now working behind a desk"):
        assert extract_statements(text, "en") == [], text
