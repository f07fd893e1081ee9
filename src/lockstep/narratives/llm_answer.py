"""Reading a model's answer: JSON out of the reply text, checked against the answer schema, hit by hit.

The whole answer must be a JSON object with a list `hits` (else it is malformed: the call is retried, then its
documents are skipped with the reason). Each hit is then checked on its own and a bad one is dropped and counted
under its reason, so one wrong item does not cost the paragraph's other labels:

    invalid item          not an object with an integer `paragraph`, a string `narrative` and `quote`, and a
                          `confidence` between 0 and 1 (a missing confidence counts as 1, for servers that cannot
                          enforce the schema and models that leave it out)
    unknown narrative     an id the codebook does not offer
    no such paragraph     a paragraph number outside the call

Whether the quote occurs in the text is checked later, against the paragraph (`llm_evidence.locate`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)
THINKING = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)


class AnswerHit(BaseModel):
    """One label as the model gives it."""

    model_config = ConfigDict(extra="ignore", strict=False)

    paragraph: int
    narrative: str
    quote: str
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)


class MalformedAnswer(ValueError):
    """The reply is not a JSON object with a list `hits`; the message says what it is instead."""


@dataclass(slots=True)
class Answer:
    """The valid hits of one reply, by paragraph number (1-based), and the count of dropped ones by reason."""

    hits: dict[int, list[AnswerHit]] = field(default_factory=dict)
    dropped: Counter = field(default_factory=Counter)


def json_text(content: str) -> str:
    """The JSON part of a reply: without reasoning blocks and Markdown fences, from the first `{` to the last `}`."""
    text = FENCE.sub("", THINKING.sub("", content or "")).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start:end + 1] if start >= 0 and end > start else text


def parse(content: str, offered: set[str], paragraphs: int) -> Answer:
    """Validate a reply for a call of `paragraphs` paragraphs; raises MalformedAnswer."""
    try:
        data = json.loads(json_text(content))
    except json.JSONDecodeError as exc:
        raise MalformedAnswer(f"not JSON ({exc.msg} at character {exc.pos})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        shape = type(data).__name__ if not isinstance(data, dict) else f"an object with keys {sorted(data)[:5]}"
        raise MalformedAnswer(f"expected an object with a list `hits`, got {shape}")
    answer = Answer()
    for item in data["hits"]:
        try:
            hit = AnswerHit.model_validate(item)
        except ValidationError:
            answer.dropped["invalid item"] += 1
            continue
        if hit.narrative not in offered:
            answer.dropped["unknown narrative"] += 1
        elif not 1 <= hit.paragraph <= paragraphs:
            answer.dropped["no such paragraph"] += 1
        else:
            answer.hits.setdefault(hit.paragraph, []).append(hit)
    return answer
