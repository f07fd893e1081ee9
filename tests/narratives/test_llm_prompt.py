"""The LLM detector's pure parts: the prompt built from the codebook, the answer's validation, finding quotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lockstep.narratives import llm_answer, llm_prompt
from lockstep.narratives.codebook import load_codebook
from lockstep.narratives.llm_batches import Pending, pack
from lockstep.narratives.llm_evidence import locate

ROOT = Path(__file__).resolve().parents[2]
SEED = (ROOT / "sample" / "seeds" / "000_f4fae667b6a03989.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def book():
    return load_codebook()


def test_system_prompt_carries_the_codebook_tree(book):
    prompt = llm_prompt.build(book)
    lines = prompt.system.splitlines()
    for nid in llm_prompt.offered(book):
        narrative = book.narratives[nid]
        line = next(l for l in lines if l.lstrip().startswith(f"- {nid}: "))
        assert narrative.title in line
        assert line.startswith("  " * (book.level(nid) - 1) + "- ")        # sub-narratives indented under parents
    sub = book.narratives["urw.war-fears.wwiii"]
    line = next(l for l in lines if "- urw.war-fears.wwiii:" in l)
    assert sub.claims["en"][0] in line and sub.claims["ru"][0] in line   # English first, then Russian
    assert lines.index(next(l for l in lines if "- urw.war-fears:" in l)) < lines.index(line)
    assert any(l.startswith("Domain: semeval2025_urw (URW)") for l in lines)
    assert "urw.war-fears.other" not in prompt.system                   # "Other" is the narrative alone
    assert "urw.war-fears.other" in book.narratives


def test_schema_offers_exactly_the_prompt_ids(book):
    prompt = llm_prompt.build(book)
    enum = prompt.schema["properties"]["hits"]["items"]["properties"]["narrative"]["enum"]
    assert set(enum) == prompt.offered == set(llm_prompt.offered(book))
    assert len(enum) == len(book.narratives) - sum(n.endswith(".other") for n in book.narratives)


def test_prompt_version_follows_the_codebook_and_the_examples(book, tmp_path):
    base = llm_prompt.build(book).version
    assert llm_prompt.build(load_codebook()).version == base
    assert llm_prompt.build(book, llm_prompt.PromptOptions(examples_per_narrative=0)).version != base
    extra = tmp_path / "mine.yaml"
    extra.write_text('codebook: mine\nversion: "1"\nnarratives:\n  - id: security.nato-expansion\n'
                     '    claims: {en: ["NATO keeps moving east towards Russia\'s borders."]}\n', encoding="utf-8")
    changed = llm_prompt.build(load_codebook([extra]))
    assert changed.version != base and "NATO keeps moving east" in changed.system


def test_user_message_numbers_paragraphs_across_documents():
    calls = pack([Pending("a", "k1", "First  paragraph\nof A."), Pending("a", "k2", "Second of A."),
                  Pending("b", "k3", "Only paragraph of B.")], batch_chars=4000)
    assert len(calls) == 1
    message = calls[0].user_message()
    assert "[1] First paragraph of A." in message and "[3] Only paragraph of B." in message
    assert message.index("Text 1") < message.index("[1]") < message.index("Text 2") < message.index("[3]")
    headlines = pack([Pending(d, d, f"Headline {d}") for d in "abc"], 4000)[0].user_message()
    assert "Text" not in headlines.replace("Label these paragraphs.", "")


def test_pack_respects_the_budget_and_keeps_order():
    paragraphs = [Pending(f"d{i // 3}", str(i), "x" * (100 + i)) for i in range(30)]
    calls = pack(paragraphs, 500)
    assert [p.key for c in calls for p in c.paragraphs] == [p.key for p in paragraphs]
    assert all(c.chars <= 500 for c in calls)
    assert len(pack([Pending("big", "1", "y" * 2000)], 500)) == 1      # a longer paragraph goes alone


def test_estimate_tokens_by_script():
    assert llm_prompt.estimate_tokens("a" * 400) == 100
    assert llm_prompt.estimate_tokens("д" * 300) == 100
    assert llm_prompt.estimate_tokens("颜色革命" * 25) == 100


# ---- quotes ------------------------------------------------------------------------------------------------------


def test_locate_finds_exact_and_lightly_changed_quotes_in_real_text():
    exact = "China and Russia have always been the pillars of peace and stability in the world."
    start, end = locate(exact, SEED)
    assert SEED[start:end] == exact
    # straight quotes for curly ones, a lower-case first letter, spaces for a line break, an elided middle
    changed = "joining forces against 'color revolutions,' and fighting all types of false information"
    start, end = locate(changed, SEED)
    assert SEED[start:end] == ("joining forces against ‘color revolutions,’ and fighting all types of false "
                               "information")
    elided = "Russia & China must work together ... Western-backed 'color revolutions'"
    start, end = locate(elided, SEED)
    assert SEED[start:end].startswith("Russia & China must work together") and SEED[start:end].endswith("revolutions")
    assert locate("RUSSIA & CHINA MUST   WORK\ntogether", SEED) is not None


def test_locate_rejects_paraphrases_inventions_and_scraps():
    assert locate("China and Russia are the pillars of world peace and stability", SEED) is None   # paraphrase
    assert locate("NATO has annexed the Moon", SEED) is None
    assert locate("the", SEED) is None                                                   # too short to mean anything
    assert locate("", SEED) is None
    assert locate("...", SEED) is None


# ---- answers --------------------------------------------------------------------------------------------------------


def test_parse_keeps_valid_hits_and_counts_the_rest(book):
    offered = set(llm_prompt.offered(book))
    reply = json.dumps({"hits": [
        {"paragraph": 1, "narrative": "west-subversion.colour-revolutions", "quote": "color revolutions",
         "confidence": 0.8},
        {"paragraph": 2, "narrative": "aliens.run-kyiv", "quote": "x", "confidence": 0.9},
        {"paragraph": 7, "narrative": "history", "quote": "x", "confidence": 0.9},
        {"paragraph": 1, "narrative": "history", "confidence": 0.9},
        {"paragraph": 2, "narrative": "history", "quote": "Victory", "confidence": 3},
        {"paragraph": 2, "narrative": "history", "quote": "Victory"}]})
    answer = llm_answer.parse(f"```json\n{reply}\n```", offered, paragraphs=2)
    assert [h.narrative for h in answer.hits[1]] == ["west-subversion.colour-revolutions"]
    assert answer.hits[2][0].confidence == 1.0                       # left out: counts as certain
    assert answer.dropped == {"unknown narrative": 1, "no such paragraph": 1, "invalid item": 2}


@pytest.mark.parametrize("content, expected", [
    ("Sure! Here are the narratives: colour revolutions", "not JSON"),
    ('{"hits": [{"paragraph": 1,', "not JSON"),
    ('{"labels": []}', "expected an object with a list `hits`"),
    ('{"hits": "none"}', "expected an object with a list `hits`"),
    ("[1, 2]", "expected an object with a list `hits`, got list"),
    ('"hits"', "expected an object with a list `hits`, got str"),
])
def test_parse_rejects_malformed_answers(book, content, expected):
    with pytest.raises(llm_answer.MalformedAnswer, match=expected):
        llm_answer.parse(content, set(llm_prompt.offered(book)), paragraphs=1)


def test_parse_skips_reasoning_blocks(book):
    content = '<think>The paragraph says {"maybe"}...</think>\n{"hits": []}'
    assert llm_answer.parse(content, set(llm_prompt.offered(book)), paragraphs=1).hits == {}
