"""Detection: cross-lingual semantic matching, lexical evidence with correct offsets, multi-label, stored hits."""

from __future__ import annotations

import json

import numpy as np

from lockstep.narratives.calibrate import packaged_thresholds
from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.detect import DetectOptions, Detector, sentence_spans
from lockstep.narratives.lexical import Lexicon

ENGLISH_ONLY = """codebook: english-only
version: "1"
narratives:
  - id: subversion
    title: The West subverts other countries
    description: Unrest abroad is organised by Western governments.
  - id: subversion.colour-revolutions
    parent: subversion
    title: The West backs colour revolutions
    description: Protests are engineered by the West to change governments.
    claims:
      en:
        - The West is organising colour revolutions to overthrow governments it does not like.
        - The protests were a coup orchestrated and financed by Washington.
  - id: climate
    title: Climate
    description: Climate change is a hoax.
    claims:
      en:
        - Climate change is a hoax invented by scientists to get funding.
"""

RUSSIAN = "Вашингтон профинансировал уличные протесты, чтобы свергнуть законное правительство страны."
CHINESE = "西方国家在他国策划街头抗议和政变，企图推翻不听话的政府，这就是所谓的颜色革命。"
UNRELATED = "The minister opened a new bridge over the river on Friday."


def test_russian_and_chinese_paragraphs_match_english_claims(tmp_path, backend):
    path = tmp_path / "english.yaml"
    path.write_text(ENGLISH_ONLY, encoding="utf-8")
    book = load_codebook([path], include_default=False)
    detector = Detector(book, backend, DetectOptions(lexical=False))   # semantic evidence only
    texts = [RUSSIAN, CHINESE, UNRELATED]
    scores = detector.score(texts, backend.embed(texts), ["ru", "zh", "en"])
    col = detector.column["subversion.colour-revolutions"]
    sims = scores.semantic[:, col]
    assert sims[0] > sims[2] + 0.2 and sims[1] > sims[2] + 0.2
    assert scores.semantic[0, col] > scores.semantic[0, detector.column["climate"]]
    default = packaged_thresholds()["default"]             # the threshold fitted on the labelled data
    detector.set_thresholds({"subversion.colour-revolutions": default, "subversion": default, "climate": default})
    found = {(h.row, h.narrative) for h in detector.hits(scores) if h.above}
    assert {(0, "subversion.colour-revolutions"), (1, "subversion.colour-revolutions")} <= found
    assert (0, "subversion") in found            # a sub-narrative implies its narrative
    assert not any(row == 2 for row, _n in found)


def test_tagged_store_has_cross_lingual_hits_with_version(tagged):
    corpus, report = tagged
    rows = corpus.con.execute("SELECT doc_id, narrative, above, codebook_version, model FROM narrative_hits").df()
    above = rows[rows["above"]]
    for doc_id in ("en-colour", "ru-colour", "zh-colour"):
        assert ((above["doc_id"] == doc_id) & (above["narrative"] == "west-subversion.colour-revolutions")).any(), doc_id
    assert set(rows["codebook_version"]) == {report.codebook_version}
    assert set(rows["model"]) == {"use-multilingual-v3"}
    sanctions = above[above["doc_id"] == "ru-sanctions"]["narrative"]
    assert {"war-and-sanctions.sanctions-backfire", "urw.consequences-west.sanctions-backfire"} <= set(sanctions)
    assert not (above["doc_id"].str.startswith("weather")).any()


def test_evidence_offsets_point_into_the_document_text(tagged):
    corpus, _report = tagged
    rows = corpus.con.execute("SELECT h.doc_id, h.idx, h.evidence, d.text, p.start_char, p.end_char "
                              "FROM narrative_hits h JOIN documents d ON d.id = h.doc_id "
                              "JOIN paragraphs p ON p.doc_id = h.doc_id AND p.idx = h.idx WHERE h.above").fetchall()
    phrase_spans = similar_spans = 0
    lexicon = Lexicon(load_codebook())
    for doc_id, idx, evidence, text, start, end in rows:
        for item in json.loads(evidence):
            assert start <= item["start"] < item["end"] <= end
            quoted = text[item["start"]:item["end"]]
            if item["kind"] == "phrase":
                phrase_spans += 1
                assert lexicon.find(quoted, None), quoted
            else:
                similar_spans += 1
                assert quoted.strip() and item["match"]
    assert phrase_spans and similar_spans
    # the English document's hit sits in its second paragraph, on the sentence about the colour revolution
    (evidence, text) = corpus.con.execute(
        "SELECT h.evidence, d.text FROM narrative_hits h JOIN documents d ON d.id = h.doc_id WHERE h.doc_id = "
        "'en-colour' AND h.narrative = 'west-subversion.colour-revolutions'").fetchone()
    spans = {text[e["start"]:e["end"]] for e in json.loads(evidence)}
    assert "colour revolution" in spans
    assert all(e["start"] > text.index("\n\n") for e in json.loads(evidence))


def test_lexicon_handles_inflection_case_and_chinese():
    lexicon = Lexicon(load_codebook())
    text = "Запад снова устраивает ЦВЕТНЫЕ революции; о цветной революции говорили и раньше."
    found = [m for m in lexicon.find(text, "ru") if m.narrative == "west-subversion.colour-revolutions"]
    assert [text[m.start:m.end] for m in found] == ["ЦВЕТНЫЕ революции", "цветной революции"]
    english = lexicon.find("Western-backed 'color revolutions' and a colour revolution", "en")
    assert sum(m.narrative == "west-subversion.colour-revolutions" for m in english) >= 2
    chinese = lexicon.find("西方策动颜色革命。", "zh")
    assert [(m.start, m.end) for m in chinese if m.narrative.endswith("colour-revolutions")] == [(4, 8)]


def test_keyword_only_detector_needs_a_phrase(backend):
    book = load_codebook()
    detector = Detector(book, None, DetectOptions(semantic=False))
    scores = detector.score([CHINESE, "Fight the political virus together.", RUSSIAN], None, ["zh", "en", "ru"])
    hits = {(h.row, h.narrative) for h in detector.hits(scores) if h.above}
    assert (0, "west-subversion.colour-revolutions") in hits
    assert (1, "information-war.political-virus") in hits
    assert not any(row == 2 for row, _n in hits)      # the paraphrase without a codebook phrase needs semantics
    assert np.isfinite(scores.combined).all()


def test_sentence_spans():
    text = "First sentence. Second one! 第三句。第四句"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["First sentence.", "Second one!", "第三句。", "第四句"]
