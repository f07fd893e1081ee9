"""Tokenisation, normalisation and lemmas per language (lockstep.enrich.tokens)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lockstep.enrich.tokens import (TOKENIZER_VERSION, TokenOptions, is_stopword, lemmas_of, lemmatize,
                                    normalize_form, sentence_spans, tokenize, tokenize_query)


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


# ---- issue 19: names and abbreviations keep their identity (real headlines in tests/data/names) --------------------

NAMES = Path(__file__).resolve().parents[1] / "data" / "names" / "headlines.csv"


def name_rows() -> list[dict]:
    with NAMES.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def lemmas_in(text: str, lang: str) -> dict[str, set[str]]:
    tokens = tokenize(text, lang)
    out: dict[str, set[str]] = {}
    for (start, end), lemma in zip(zip(tokens.start, tokens.end), lemmas_of(tokens)):
        out.setdefault(text[start:end], set()).add(lemma)
    return out


@pytest.mark.parametrize("row", name_rows(), ids=lambda r: f"{r['lang']}-{r['word']}-{r['date']}")
def test_real_headlines_keep_names_and_still_lemmatise_words(row):
    found = lemmas_in(row["text"], row["lang"])
    assert found.get(row["word"]) == {row["lemma"]}, (row["shows"], found)


def test_dotted_abbreviations_are_never_cut_inside_a_word():
    for text, expected in [("US admiral hypes ‘China militarization’ in S.China Sea", ["s.", "china", "sea"]),
                           ("Anhui county in E.China in closed management", ["e.", "china"]),
                           ("tensions in the S. China Sea", ["s.", "china", "sea"]),
                           ("ответ министра с.в.лаврова по итогам", ["с.в.", "лаврова"]),
                           ("The U.S.-China talks", ["u.s.", "china", "talks"])]:
        forms = tokenize(text, None).form
        assert all(f in forms for f in expected), (text, forms)
        assert "hina" not in forms and "s.c" not in forms and "аврова" not in forms


def test_us_and_u_s_are_one_lemma_and_not_a_stop_word():
    lemmas = lemmas_in("U.S. and US warn WHO; they told us", "en")
    assert lemmas["U.S."] == lemmas["US"] == {"US"}
    assert lemmas["WHO"] == {"WHO"} and lemmas["us"] == {"we"}
    assert not is_stopword("US", "en") and is_stopword("we", "en")


def test_headline_in_capitals_is_read_as_lower_case():
    tokens = tokenize("UKRAINE WAR LATEST: NATO SAYS MORE", "en")
    assert set(tokens.case) == {"lower"}
    assert "say" in lemmas_of(tokens)


def test_typed_names_find_the_name_and_lower_case_the_word():
    assert [lemmatize(f, lang, None, case) for f, lang, case in tokenize_query("Wales")] == ["wales"]
    assert [lemmatize(f, lang, None, case) for f, lang, case in tokenize_query("states")] == ["state"]
    assert [lemmatize(f, lang, None, case) for f, lang, case in tokenize_query("United States")] == \
        ["united", "states"]


def test_an_index_built_by_another_tokenizer_version_is_rebuilt(tmp_path):
    import json

    import lockstep
    from lockstep.terms.token_index import ensure_index, stored_meta

    rows = [r for r in name_rows() if r["outlet"] == "bbc"]
    path = tmp_path / "bbc.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["outlet", "date", "text"])
        writer.writerows([r["outlet"], r["date"], r["text"]] for r in rows)
    corpus = lockstep.open(tmp_path / "c.duckdb")
    try:
        corpus.ingest([path])
        ensure_index(corpus)
        lemmas = {r[0] for r in corpus.con.execute("SELECT lemma FROM term_lemmas").fetchall()}
        assert "wales" in lemmas and "wale" not in lemmas
        # an index written by the tokenizer before issue 19: its stored settings carry no version, "Wales" -> "wale"
        options = json.loads(stored_meta(corpus)["token_options"])
        options.pop("version")
        corpus.con.execute("UPDATE term_meta SET value = ? WHERE key = 'token_options'", [json.dumps(options)])
        corpus.con.execute("UPDATE term_lemmas SET lemma = 'wale' WHERE lemma = 'wales'")
        corpus._term_store_fingerprint = None
        corpus._term_index_signature = None
        ensure_index(corpus)
        lemmas = {r[0] for r in corpus.con.execute("SELECT lemma FROM term_lemmas").fetchall()}
        assert "wales" in lemmas and "wale" not in lemmas
        assert json.loads(stored_meta(corpus)["token_options"])["version"] == TOKENIZER_VERSION
    finally:
        corpus.close()


def test_web_addresses_give_no_tokens():
    # a real Russian MFA Telegram post (ru-state-media, mfa), as the shared set has it
    text = "press release on foreign minister sergey lavrov’s visit to india http://www.mid.ru/en/foreign_policy/news"
    forms = tokenize(text, "en").form
    assert forms[-1] == "india" and not {"http", "www", "mid", "ru", "en"} & set(forms)
