"""Statements and speakers in English, Russian and Chinese, linked to the officials registry."""

from __future__ import annotations

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
