"""HTML main-text extraction on real benchmark pages, scored against their human gold text."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from lockstep.clean.html import extract_html

BENCHMARK = Path(__file__).resolve().parents[1] / "data" / "corpus" / "extraction-benchmark"
PAGES = [
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "05844573ca7e1fba714d715bb11ca08c26e25328999c74a1cb3bc8a0e4399f0f",
    "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
]


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def _f1(gold: str, predicted: str) -> float:
    true, pred = _tokens(gold), _tokens(predicted)
    hit = sum((true & pred).values())
    if not hit:
        return 0.0
    precision, recall = hit / sum(pred.values()), hit / sum(true.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def gold() -> dict[str, dict[str, str]]:
    return json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("key", PAGES)
def test_main_text_matches_gold(key: str, gold: dict[str, dict[str, str]]) -> None:
    html = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
    docs = extract_html(html, url=gold[key]["url"])
    assert len(docs) == 1
    doc = docs[0]
    assert _f1(gold[key]["articleBody"], doc.text) > 0.8
    assert doc.title
    assert "\n\n" in doc.text
    assert doc.url and doc.url.startswith("http")


def test_metadata_of_a_wsj_page(gold: dict[str, dict[str, str]]) -> None:
    html = gzip.decompress((BENCHMARK / "html" / f"{PAGES[0]}.html.gz").read_bytes())
    doc = extract_html(html)[0]
    assert doc.title.startswith("Google Stadia, Microsoft xCloud, Apple Arcade")
    assert doc.author == "Sarah E Needleman"
    assert doc.outlet == "Wall Street Journal"
    assert doc.published == "2019-11-19T13:03:00+00:00"
    assert (doc.published_precision, doc.published_source) == ("second", "metadata")
    assert not doc.text.startswith(doc.title)


def test_page_without_article_gives_nothing() -> None:
    page = "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a> <a href='/a'>About</a></nav></body></html>"
    assert extract_html(page) == []
    assert extract_html(b"") == []
    assert extract_html("   ") == []


def test_day_only_date_keeps_day_precision() -> None:
    body = "".join(f"<p>{'This is a sentence of the story that goes on for a while. ' * 4}</p>" for _ in range(5))
    page = (
        "<html><head><title>A story</title><meta property='article:published_time' content='2021-03-09'>"
        f"</head><body><article><h1>A story</h1>{body}</article></body></html>"
    )
    doc = extract_html(page)[0]
    assert (doc.published, doc.published_precision, doc.published_source) == ("2021-03-09", "day", "metadata")


def test_chinese_article_of_few_paragraphs_is_kept() -> None:
    """Chinese has no spaces between words: the minimum length counts Han characters, not blank-separated words."""
    paragraphs = ["北京理工大学作为我们党创办的第一所理工科大学，在各个历史时期始终发扬红色传统，牢牢坚持党的领导，坚持办学正确政治方向。" * 2,
                  "新时代加速推进双一流建设，为学校事业发展奠定坚实基础，就要以党的政治建设为统领，进一步创新纪检监察体制机制。" * 2]
    page = ("<html><head><title>抓好高校党建工作</title></head><body><div class='content'>"
            + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></body></html>")
    docs = extract_html(page)
    assert len(docs) == 1 and docs[0].text.startswith("北京理工大学")


@pytest.mark.parametrize("key", PAGES)
def test_plain_pages_parse_to_trafilaturas_tree(key: str) -> None:
    from lxml import etree
    from trafilatura.utils import load_html

    from lockstep.clean.html import _parse, _plain_utf8_page

    html = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes())
    assert _plain_utf8_page(html)
    assert etree.tostring(_parse(html)) == etree.tostring(load_html(html))


def test_pages_needing_repair_or_decoding_go_through_trafilaturas_loader() -> None:
    from lockstep.clean.html import _plain_utf8_page

    body = "<p>Министр иностранных дел заявил, что переговоры продолжатся на следующей неделе в столице.</p>" * 3
    page = f"<html><head><meta charset='windows-1251'><title>Переговоры</title></head><body><article>{body}</article></body></html>"
    assert not _plain_utf8_page(page.encode("cp1251"))
    assert not _plain_utf8_page(page.replace("<p>", "<p>\x01").encode())
    assert not _plain_utf8_page(b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/x.dtd">\n' + page.encode())
    assert extract_html(page.encode("cp1251"))[0].text.startswith("Министр иностранных дел")


@pytest.mark.parametrize(("head", "expected"), [
    ("<meta property='article:published_time' content='2021-03-09T11:05:00+03:00'>", ("2021-03-09T11:05:00+03:00", "second")),
    ("<meta name='pubdate' content='2021-03-09'>", ("2021-03-09T08:30:00+00:00", "second")),  # the time comes from JSON-LD
    ("", ("2021-03-09T08:30:00+00:00", "second")),
])
def test_published_time_from_head_meta_or_json_ld(head: str, expected: tuple[str, str]) -> None:
    body = "".join(f"<p>{'This is a sentence of the story that goes on for a while. ' * 4}</p>" for _ in range(5))
    ld = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", ' \
         '"datePublished": "2021-03-09T08:30:00Z"}</script>'
    page = f"<html><head><title>A story</title>{head}</head><body><article><h1>A story</h1>{body}</article>{ld}</body></html>"
    doc = extract_html(page)[0]
    assert (doc.published, doc.published_precision) == expected


def test_meta_tag_reader_agrees_with_trafilaturas() -> None:
    """page_meta reads the head's <meta> tags with trafilatura's rules, in one pass; same fields as its reader."""
    from trafilatura.metadata import examine_meta

    from lockstep.clean.html import _parse
    from lockstep.clean.page_meta import _meta_tags

    built = ("<html><head><meta name='twitter:site' content='@newsdesk'><meta itemprop='headline' content='Talks'>"
             "<meta property='article:author' content='Anna Petrova'><meta name='author' content='By <b>Li Wei</b>'>"
             "<meta name='twitter:url' content='https://example.org/a'><meta property='og:site_name' content=' '>"
             "</head><body><p>x</p></body></html>")
    pages = [gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes()) for key in PAGES] + [built.encode()]
    for html in pages:
        ours, theirs = _meta_tags(_parse(html)), examine_meta(_parse(html))
        assert (ours.title, ours.author, ours.url, ours.sitename) == (theirs.title, theirs.author, theirs.url, theirs.sitename)
    assert _meta_tags(_parse(built.encode())).author == "Anna Petrova; Li Wei"


@pytest.mark.parametrize(("extra", "tail", "paywalled"), [
    ('<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>', "", True),
    ('<meta itemprop="isAccessibleForFree" content="False">', "", True),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": true}</script>', "", False),
    ("", "<p>Subscribe to continue reading.</p>", True),
    ("", "", False),
])
def test_paywalled_pages_are_flagged(extra: str, tail: str, paywalled: bool) -> None:
    body = "".join(f"<p>{'This is a sentence of the story that goes on for a while. ' * 4}</p>" for _ in range(5))
    page = f"<html><head><title>A story</title></head><body><article><h1>A story</h1>{body}{tail}</article>{extra}</body></html>"
    doc = extract_html(page)[0]
    assert doc.paywalled is paywalled
    assert "Subscribe" not in doc.text
    assert [r.reason for r in doc.removed if r.reason == "paywall notice"] == (["paywall notice"] if tail else [])
