"""Language identification on real text of the languages lockstep's users meet, with the outlet's languages from
the actor registry as a prior (real headlines in tests/data/language, origin in tests/data/README.md)."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from lockstep.actors import load_registry, parse_actor_file
from lockstep.enrich.language import detect_language
from lockstep.errors import ConfigError
from tests.conftest import DATA

HEADLINES = Path(__file__).resolve().parents[1] / "data" / "language" / "headlines.csv"


def headlines() -> list[dict]:
    with HEADLINES.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(("text", "code"), [
    ("Министр иностранных дел России Сергей Лавров заявил о многополярном мире", "ru"),
    ("Міністр закордонних справ України заявив, що переговори тривають", "uk"),
    ("外交部发言人毛宁表示，中方坚定支持俄方维护国家主权", "zh"),
    ("Der Bundeskanzler sagte heute in Berlin, die Sanktionen blieben bestehen", "de"),
    ("Polska i Niemcy podpisały umowę o współpracy gospodarczej", "pl"),
    ("Dnes ráno prezident podepsal zákon o státním rozpočtu", "cs"),
    ("Xi meets Putin in Beijing", "en"),
    ("12:30 — 14:40", None),
])
def test_detects_language_of_short_texts_without_a_prior(text, code):
    assert detect_language(text) == code


def test_english_headlines_are_english():
    with gzip.open(DATA / "corpus" / "cn-state-media-2022" / "headlines.csv.gz", "rt") as fh:
        headlines = [row["headline"] for _, row in zip(range(400), csv.DictReader(fh))]
    found = [detect_language(h) for h in headlines]
    assert found.count("en") / len(found) >= 0.97


def test_russian_leads_are_russian():
    with gzip.open(DATA / "corpus" / "ru-state-media" / "1tv_news_leads_ru.csv.gz", "rt") as fh:
        leads = [row["content"] for _, row in zip(range(200), csv.DictReader(fh))]
    assert [detect_language(t) for t in leads].count("ru") >= 198


@pytest.mark.parametrize("row", headlines(), ids=lambda r: f"{r['outlet']}-{r['date']}-{r['language']}")
def test_outlet_languages_decide_short_real_headlines(row):
    languages = load_registry().by_name(row["actor"]).languages
    assert detect_language(row["text"], languages) == row["language"]


def test_the_prior_fixes_what_detection_alone_got_wrong():
    rows = headlines()
    wrong_before = [r for r in rows if r["without_prior"] != r["language"]]
    assert len(wrong_before) >= 10  # the real failures: "1 killed, 42 injured after bus explodes in Shenyang" -> sv
    assert all(detect_language(r["text"]) == r["without_prior"] for r in wrong_before)


def test_russian_and_chinese_texts_of_outlets_that_publish_in_english_are_found():
    english_and_chinese = ("en", "zh")  # Global Times, China Daily
    assert detect_language("Министр иностранных дел России Сергей Лавров заявил о многополярном мире",
                           english_and_chinese) == "ru"
    assert detect_language("外交部发言人毛宁表示，中方坚定支持俄方维护国家主权", ("en",)) == "zh"


def test_a_secondary_language_of_the_outlet_is_found_and_long_foreign_text_is_strong_evidence():
    rt = load_registry().by_name("RT").languages
    assert "de" in rt and rt[0] == "en"
    assert detect_language("Der Bundeskanzler sagte heute in Berlin, die Sanktionen gegen Russland blieben "
                           "bestehen, solange der Krieg andauere", rt) == "de"
    long_german = ("Der Bundeskanzler sagte heute in Berlin, die Sanktionen gegen Russland blieben bestehen, solange "
                   "der Krieg in der Ukraine andauere, und die Regierung werde weitere Hilfen beschließen.")
    assert detect_language(long_german, ("en", "zh")) == "de"      # an outsider, but on strong evidence
    assert detect_language("Die Regierung plant neue Steuern", ("en", "zh")) == "en"  # a headline: the outlet's


def test_actor_languages_are_validated(tmp_path):
    bad = tmp_path / "mine.yaml"
    with pytest.raises(ConfigError, match="mine.yaml.*languages"):
        parse_actor_file(bad, "actors:\n  - name: X\n    languages: [english]\n")
    (actor,) = parse_actor_file(bad, "actors:\n  - name: X\n    languages: [en, ru]\n")
    assert actor.languages == ("en", "ru")
