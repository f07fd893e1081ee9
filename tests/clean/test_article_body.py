"""The fast path for clearly structured pages: it reads them right, and it declines every page it is unsure of."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from trafilatura.utils import load_html

from lockstep.clean.article_body import article_body
from lockstep.clean.html import HtmlOptions, extract_html

BENCHMARK = Path(__file__).resolve().parents[1] / "data" / "corpus" / "extraction-benchmark"
STRUCTURED = "08f793762792"  # a benchmark page with one <article> of plain paragraphs
SENTENCE = "The minister said the talks would continue next week in the capital, with both delegations present. "
STORY = [SENTENCE * 2, "Officials on both sides described the first round as constructive and open. " * 2,
         "A joint statement is expected once the experts have finished their work on the draft. " * 2]


def _page(article: str, outside: str = "") -> str:
    return (f"<html><head><title>Talks go on</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<main>{article}{outside}</main><footer><p>All rights reserved.</p></footer></body></html>")


def _article(*blocks: str) -> str:
    return "<article><h1>Talks go on</h1>" + "".join(blocks) + "</article>"


def _paragraphs(html: str) -> list[str] | None:
    body = article_body(load_html(html))
    return body.paragraphs if body is not None else None


def _f1(gold: str, predicted: str) -> float:
    true, pred = Counter(re.findall(r"\w+", gold)), Counter(re.findall(r"\w+", predicted))
    hit = sum((true & pred).values())
    return 2 * hit / (sum(true.values()) + sum(pred.values())) if hit else 0.0


def test_real_structured_page_is_read_as_well_as_trafilatura_reads_it() -> None:
    gold = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    key = next(k for k in gold if k.startswith(STRUCTURED))
    html = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
    paragraphs = article_body(load_html(html))
    assert paragraphs is not None
    fast = extract_html(html)[0]
    full = extract_html(html, options=HtmlOptions(structured_pages=False))[0]
    fast_f1, full_f1 = _f1(gold[key]["articleBody"], fast.text), _f1(gold[key]["articleBody"], full.text)
    assert fast_f1 > 0.95 and fast_f1 >= full_f1
    assert (fast.title, fast.author, fast.published, fast.outlet, fast.url) == (
        full.title, full.author, full.published, full.outlet, full.url)


def test_furniture_inside_the_article_is_left_out() -> None:
    html = _page(_article(
        "<div class='byline'>By Anna Petrova · 9 March 2021</div>",
        "<div class='share'><button>Facebook</button><a href='/tg'>Telegram</a></div>",
        f"<p>{STORY[0]}</p>",
        "<div class='read-also'><b>Read also:</b> <a href='/n/1'>Another story entirely</a></div>",
        f"<p>{STORY[1]}<br>{STORY[2]}</p>",
        "<p><a href='/n/2'>A cross-link standing alone as a paragraph</a></p>",
        "<ul><li>first point of the plan</li><li>second point</li></ul>",
        "<figure><img src='x.jpg'><figcaption>Photo: agency</figcaption></figure>",
        "<div class='tags'>Tags: <a href='/t/1'>Diplomacy</a></div>",
    ))
    body = article_body(load_html(html))
    assert body is not None
    assert body.paragraphs == ["Talks go on", STORY[0].strip(), STORY[1].strip(), STORY[2].strip(),
                               "- first point of the plan", "- second point"]
    assert [(r.reason, r.text) for r in body.removed] == [
        ("byline", "By Anna Petrova · 9 March 2021"),
        ("share/subscribe prompt", "Facebook Telegram"),
        ("cross-link", "Read also: Another story entirely"),
        ("cross-link", "A cross-link standing alone as a paragraph"),
        ("tags", "Tags: Diplomacy"),
    ]


def test_removed_furniture_is_kept_with_the_document() -> None:
    html = _page(_article("<div class='share'><a href='/tg'>Telegram</a></div>", *(f"<p>{s}</p>" for s in STORY)))
    doc = extract_html(html)[0]
    assert [(r.reason, r.text) for r in doc.removed] == [("title repeated in the body", "Talks go on"),
                                                         ("share/subscribe prompt", "Telegram")]


def test_container_named_by_its_class_on_a_page_without_article_element() -> None:
    html = _page(f"<div class='article-body'>{''.join(f'<p>{s}</p>' for s in STORY)}</div>")
    assert _paragraphs(html) == [s.strip() for s in STORY]
    two = _page("".join(f"<div class='article-body'><p>{s}</p><p>{s}</p></div>" for s in STORY))
    assert _paragraphs(two) is None


@pytest.mark.parametrize("html", [
    _page(_article(f"<p>{STORY[0]}</p>") + _article(f"<p>{STORY[1]}</p>")),  # a listing of several stories
    _page(_article("<p>Too short to be sure.</p>", "<p>Really.</p>")),
    _page(_article(f"<p>{STORY[0]}</p><table><tr><td>1</td><td>2</td></tr></table><p>{STORY[1]}</p>")),
    _page(_article(f"<p>{STORY[0]}</p><div>{STORY[1]} {STORY[2]}</div><p>{STORY[0]}</p>".replace("<div>", "<div><b>x</b> "))),
    _page(_article(f"<p>{STORY[0]}</p>"), "".join(f"<p>{s}</p>" for s in STORY * 2)),  # the article is a teaser
    _page(_article(f"<p>{STORY[0]}</p><div class='related'>{' '.join(STORY)}</div>")),  # mostly furniture
    _page(f"<div>{''.join(f'<p>{s}</p>' for s in STORY)}</div>"),  # no container at all
])
def test_unclear_pages_are_left_to_trafilatura(html: str) -> None:
    assert _paragraphs(html) is None


def test_declined_page_still_gets_its_text_from_trafilatura() -> None:
    html = _page(f"<div class='story'>{''.join(f'<p>{s}</p>' for s in STORY)}</div>")
    assert _paragraphs(html) is None
    assert extract_html(html)[0].text.startswith(STORY[0].strip())
