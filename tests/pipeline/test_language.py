"""Language identification on real text of the languages lockstep's users meet."""

from __future__ import annotations

import csv
import gzip

import pytest

from lockstep.enrich.language import detect_language
from tests.conftest import DATA


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
def test_detects_language_of_short_texts(text, code):
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
