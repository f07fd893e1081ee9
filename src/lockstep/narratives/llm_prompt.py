"""The prompt the LLM detector sends: the codebook as instructions, the paragraphs to label, the answer's schema.

Two messages per call:

* **system** — the labelling rules (those of the hand-labelling guide, eval/data/narratives/GUIDE.md: the text must
  convey the claim, a topic is not enough, the most specific entry, several or none) and the codebook as a tree,
  domain > narrative > sub-narrative, each entry with its id, title, description and up to
  `examples_per_narrative` example claims (English first, then the other languages in turn). Identical for every
  call of a run, so servers that cache a shared prompt prefix (vLLM prefix caching, llama.cpp's prompt cache, the
  hosted APIs' automatic prompt caching) pay for it once.
* **user** — the paragraphs, numbered [1], [2], ... across the call and grouped under "Text 1", "Text 2" when they
  come from different documents.

The answer is one JSON object, `{"hits": [{"paragraph", "narrative", "quote", "confidence"}]}`, described by
`answer_schema` (the narrative is one of the codebook's ids) and restated in the system prompt, so a server that
cannot enforce a schema still gets the format. "<Narrative>: Other" entries (no claims of their own) are not
offered: the rules say to give the narrative itself when none of its sub-narratives fits, which is what they mean.

`prompt_version` hashes the template, the system prompt and the schema: the cache of answers is keyed by it, so
any change to the codebook or to this module's wording re-labels what it touches, and nothing else does.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from lockstep.narratives.codebook import Codebook, Narrative

TEMPLATE = "lockstep-narratives-llm/1"
EXAMPLE_ORDER = ("en", "ru", "zh")

RULES = """\
You are an analyst who labels news text with the narratives of a codebook (version {version}).

Rules:
1. Label a narrative only when the paragraph itself conveys the claim: in its own voice, or by reporting a \
speaker who makes the claim without the text distancing itself from it. Commentary that describes a narrative \
from outside does not carry it.
2. A topic is not enough. "Russia and China to strengthen cooperation" is a topic, not the claim that their \
partnership is a pillar of world stability; "NATO chief visits Kyiv" does not say that NATO expansion threatens \
Russia.
3. Use the most specific entry: give a sub-narrative when one fits; give a narrative itself only when the \
paragraph clearly carries it but none of its sub-narratives fits. Do not add the parent of a sub-narrative you give.
4. A paragraph may carry several narratives, or none. Most paragraphs of ordinary news carry none.
5. For every label, quote the words of that paragraph that carry it, copied exactly and in the paragraph's \
language (do not translate, correct or shorten words), one sentence or less.
6. confidence: your probability, from 0 to 1, that the label is right.
7. Answer with one JSON object and nothing else:
{{"hits": [{{"paragraph": <paragraph number>, "narrative": "<codebook id>", "quote": "<exact words>", \
"confidence": <0 to 1>}}]}}
Leave out paragraphs that carry no narrative; answer {{"hits": []}} when none does.

Codebook: domain > narrative > sub-narrative. Each line: id: title. Description. Example claims follow "e.g.".
"""


@dataclass(slots=True, kw_only=True)
class PromptOptions:
    """How much of the codebook goes into the prompt."""

    examples_per_narrative: int = 2     # example claims per entry (0: titles and descriptions only)
    descriptions: bool = True


def offered(codebook: Codebook) -> list[str]:
    """The ids the model may answer with: every entry except the claim-less "<narrative>: Other" ones."""
    return [n.id for n in codebook.narratives.values() if not (n.id.endswith(".other") and not n.claims)]


def domain_of(codebook: Codebook, narrative: Narrative) -> str:
    """A top-level narrative's domain: the codebook file it was defined in, with the SemEval prefix if any."""
    stem = Path(narrative.source.rsplit(":", 1)[0]).stem if narrative.source else "codebook"
    prefix = narrative.semeval.split(":", 1)[0].strip() if narrative.semeval else ""
    return f"{stem} ({prefix})" if prefix else stem


def examples(narrative: Narrative, limit: int) -> list[str]:
    """Up to `limit` example claims, taking English, Russian, Chinese (then any other language) in turn."""
    langs = [*[l for l in EXAMPLE_ORDER if l in narrative.claims], *sorted(set(narrative.claims) - set(EXAMPLE_ORDER))]
    queues = [list(narrative.claims[l]) for l in langs]
    out: list[str] = []
    while len(out) < limit and any(queues):
        for queue in queues:
            if queue and len(out) < limit:
                out.append(queue.pop(0))
    return out


def entry_line(codebook: Codebook, narrative: Narrative, options: PromptOptions) -> str:
    indent = "  " * (codebook.level(narrative.id) - 1)
    text = f"{indent}- {narrative.id}: {narrative.title}."
    if options.descriptions and narrative.description:
        text += " " + " ".join(narrative.description.split())
    shown = examples(narrative, options.examples_per_narrative)
    if shown:
        text += " e.g. " + " | ".join(f'"{c}"' for c in shown)
    return text


def codebook_text(codebook: Codebook, options: PromptOptions) -> str:
    keep = set(offered(codebook))
    lines: list[str] = []
    domain = None
    for narrative in codebook.narratives.values():
        if narrative.id not in keep:
            continue
        if narrative.parent is None and domain_of(codebook, narrative) != domain:
            domain = domain_of(codebook, narrative)
            lines.append(f"\nDomain: {domain}")
        lines.append(entry_line(codebook, narrative, options))
    return "\n".join(lines).strip() + "\n"


def system_prompt(codebook: Codebook, options: PromptOptions | None = None) -> str:
    return RULES.format(version=codebook.version) + "\n" + codebook_text(codebook, options or PromptOptions())


def answer_schema(codebook: Codebook) -> dict:
    """The JSON schema of an answer (also sent as `response_format` where the server accepts one)."""
    hit = {"type": "object", "additionalProperties": False,
           "properties": {"paragraph": {"type": "integer"}, "narrative": {"type": "string", "enum": offered(codebook)},
                          "quote": {"type": "string"}, "confidence": {"type": "number"}},
           "required": ["paragraph", "narrative", "quote", "confidence"]}
    return {"type": "object", "additionalProperties": False, "required": ["hits"],
            "properties": {"hits": {"type": "array", "items": hit}}}


def user_message(documents: list[list[str]]) -> str:
    """The paragraphs to label, numbered from 1 across the call, grouped under "Text k" when the call holds several
    documents and one of them has several paragraphs (one-paragraph documents, such as headlines, need no header)."""
    lines, number = ["Label these paragraphs."], 0
    grouped = len(documents) > 1 and any(len(d) > 1 for d in documents)
    for k, paragraphs in enumerate(documents, start=1):
        if grouped:
            lines.append(f"\nText {k}")
        for text in paragraphs:
            number += 1
            lines.append(f"[{number}] " + " ".join(text.split()))
    return "\n".join(lines)


def prompt_version(system: str, schema: dict) -> str:
    digest = hashlib.sha1(f"{TEMPLATE}\n{system}\n{json.dumps(schema, sort_keys=True)}".encode()).hexdigest()
    return f"{TEMPLATE}#{digest[:10]}"


def estimate_tokens(text: str) -> int:
    """A rough token count for budgeting (the real one comes from the server's `usage`): about 4 characters a
    token in Latin script, 3 in Cyrillic and other alphabets, 1 per Chinese/Japanese/Korean character."""
    latin = other = cjk = 0
    for char in text:
        if ord(char) < 0x250:
            latin += 1
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            cjk += 1
        else:
            other += 1
    return round(latin / 4 + other / 3 + cjk)


@dataclass(slots=True, frozen=True)
class Prompt:
    """Everything about the prompt that is the same for every call of a run."""

    system: str
    schema: dict
    version: str
    offered: frozenset[str]


def build(codebook: Codebook, options: PromptOptions | None = None) -> Prompt:
    system, schema = system_prompt(codebook, options), answer_schema(codebook)
    return Prompt(system, schema, prompt_version(system, schema), frozenset(offered(codebook)))
