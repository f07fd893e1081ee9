"""Tokenisation, normalisation and lemmas per language (lockstep.enrich.tokens)."""

from __future__ import annotations

from lockstep.enrich.tokens import (TokenOptions, is_stopword, lemmatize, normalize_form, sentence_spans,
                                    tokenize)


def test_offsets_point_at_the_original_text():
    text = "«Суверенитет» — ＮＡＴＯ don’t win-win.\n\nThe U.S. backs it. 美国搞颜色革命。"
    tokens = tokenize(text, "ru", TokenOptions(phrases=("颜色革命",)))
    for start, end, form in zip(tokens.start, tokens.end, tokens.form):
        assert normalize_form(text[start:end]) == form
    assert "nato" in tokens.form            # full-width letters normalised, offsets kept
    assert "don't" in tokens.form           # typographic apostrophe made plain
    assert "win-win" in tokens.form and "u.s." in tokens.form
    assert "颜色革命" in tokens.form          # the phrase dictionary keeps it one token
    assert tokens.paragraph[-1] == 1


def test_russian_inflections_share_a_lemma():
    forms = ["суверенитет", "суверенитета", "суверенитетом", "суверенитете"]
    assert {lemmatize(f, "ru") for f in forms} == {"суверенитет"}
    assert {lemmatize(f, "ru", TokenOptions(russian_lemmatizer="simplemma")) for f in forms} == {"суверенитет"}
    assert lemmatize(normalize_form("цветных"), "ru") == "цветной"


def test_yo_folding_is_an_option():
    assert normalize_form("Ёлки") == "елки"
    assert normalize_form("Ёлки", fold_yo=False) == "ёлки"


def test_sentences_ignore_abbreviations():
    text = "Mr. Smith met the U.S. envoy. They agreed! 会议开始。双方同意。"
    spans = [text[s:e].strip() for s, e in sentence_spans(text)]
    assert spans == ["Mr. Smith met the U.S. envoy.", "They agreed!", "会议开始。", "双方同意。"]


def test_stop_words_per_language():
    assert is_stopword("the", "en") and is_stopword("и", "ru") and is_stopword("的", "zh")
    assert is_stopword("2022", "en")
    assert not is_stopword("sovereignty", "en") and not is_stopword("суверенитет", "ru")
