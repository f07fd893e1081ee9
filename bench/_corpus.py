"""Synthetic but realistic benchmark inputs built from the real text in ../shared/corpus.

Articles are assembled from real material: People's Daily full texts (zh), Channel One news leads (ru), Kremlin
transcript sentences (en), with real headlines for titles and for the page furniture (related links, teasers).
`html_page` wraps an article in the chrome a scraped news page carries (head scripts and styles, navigation,
breadcrumbs, share buttons, an inline "read also" box, tags, related links, comments, newsletter box, footer,
cookie banner). `articles` yields an endless stream with planted exact reprints and near-duplicates.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import random
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
csv.field_size_limit(sys.maxsize)

OUTLETS = {  # language -> (outlet, domain) choices; domains are in the actor registry
    "zh": [("People's Daily", "people.com.cn"), ("Xinhua", "xinhuanet.com"), ("CCTV", "cctv.com")],
    "ru": [("Channel One", "1tv.ru"), ("TASS", "tass.ru"), ("RIA Novosti", "ria.ru"), ("Rossiyskaya Gazeta", "rg.ru")],
    "en": [("Kremlin", "en.kremlin.ru"), ("RT", "rt.com"), ("TASS", "tass.com"), ("Global Times", "globaltimes.cn"),
           ("CGTN", "cgtn.com"), ("China Daily", "chinadaily.com.cn")],
}
AUTHORS = ["Li Wei", "Wang Fang", "Anna Petrova", "Sergei Ivanov", "John Miller", "Zhang Min", "Olga Smirnova"]
COMMENTERS = ["reader42", "truth_seeker", "Ivan K.", "maple_leaf", "observer", "Mei", "old_soldier"]


@dataclass(slots=True)
class Article:
    language: str
    outlet: str
    domain: str
    title: str
    date: str  # YYYY-MM-DD
    paragraphs: list[str]
    author: str = ""
    kind: str = "original"  # original | reprint | near
    serial: int = 0
    related: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://{self.domain}/news/{self.date.replace('-', '/')}/{self.serial:07d}.html"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    def row(self) -> dict:
        """A news-archive row; no language column, so language detection runs as it would on scraped text."""
        return {"title": self.title, "text": self.text, "published": self.date, "outlet": self.outlet,
                "url": self.url, "author": self.author}


# ---- real text pools ---------------------------------------------------------------------------------------------


def read_csv(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


@lru_cache(maxsize=1)
def pools() -> dict[str, list]:
    """Real texts: zh articles, ru leads, en transcript sentences (by transcript), headlines by language."""
    zh = []
    for path in sorted((CORPUS / "peoples-daily-zh" / "data").glob("*.csv.gz")):
        for row in read_csv(path):
            paras = [p.strip() for p in (row.get("body") or "").splitlines() if len(p.strip()) > 20]
            if len(paras) >= 2 and row.get("date"):
                zh.append((row["title"].strip(), row["date"][:10], paras))
    ru = []
    for i, row in enumerate(read_csv(CORPUS / "ru-state-media" / "1tv_news_leads_ru.csv.gz")):
        content = " ".join((row.get("content") or "").split())
        if len(content) > 60 and row.get("date"):
            ru.append((row["title"].strip(), row["date"][:10], content))
        if i >= 60_000:
            break
    transcripts: dict[str, tuple[str, list[str]]] = {}
    for path in sorted((CORPUS / "putin-sentences" / "data" / "sentences").glob("sentences_*.csv")):
        if path.stem.count("_") != 1:  # the plain sentence files, not the labelled variants
            continue
        for row in read_csv(path):
            doc = transcripts.setdefault(row["source_doc_id"], (row["date"][:10], []))
            if row["sentence"] not in doc[1]:
                doc[1].append(" ".join(row["sentence"].split()))
    en = [(date, sents) for date, sents in transcripts.values() if len(sents) >= 3]
    headlines_en = [r["title"] for r in read_csv(CORPUS / "ru-state-media" / "headlines_rt_tass_kremlin_mfa_sputnik_mod.csv.gz")
                    if r.get("title") and r.get("outlet") in ("rt", "tass", "kremlin")]
    headlines_en += [r["headline"] for r in read_csv(CORPUS / "cn-state-media-2022" / "headlines.csv.gz") if r.get("headline")]
    return {"zh": zh, "ru": ru, "en": en, "headlines_en": headlines_en,
            "headlines_ru": [t for t, _, _ in ru], "headlines_zh": [t for t, _, _ in zh]}


# ---- articles ------------------------------------------------------------------------------------------------


def compose(language: str, rng: random.Random, serial: int) -> Article:
    """A new article from real text, varied so that replicated corpora are not copies of the pool."""
    p = pools()
    outlet, domain = rng.choice(OUTLETS[language])
    if language == "zh":  # a window of one article and a paragraph of another
        title, date, paras = rng.choice(p["zh"])
        start = rng.randrange(max(1, len(paras) - 2))
        body = paras[start:start + rng.randint(2, 10)]
        body.insert(rng.randint(1, len(body)), rng.choice(rng.choice(p["zh"])[2]))
    elif language == "ru":  # a lead and a few more leads, as a news round-up
        title, date, lead = rng.choice(p["ru"])
        body = [lead] + [rng.choice(p["ru"])[2] for _ in range(rng.randint(2, 6))]
    else:  # a run of transcript sentences with a few from another transcript
        date, sentences = rng.choice(p["en"])
        title = rng.choice(p["headlines_en"])
        start = rng.randrange(max(1, len(sentences) - 4))
        chosen = sentences[start:start + rng.randint(3, 12)]
        other = rng.choice(p["en"])[1]
        at = rng.randrange(len(other))
        chosen[rng.randint(1, len(chosen)):0] = other[at:at + rng.randint(1, 3)]
        body = [" ".join(chosen[i:i + 3]) for i in range(0, len(chosen), 3)]
    related = rng.sample(p[f"headlines_{language}"], 16)
    return Article(language, outlet, domain, title, date, body, rng.choice(AUTHORS), serial=serial, related=related)


def articles(seed: int = 7, dup_rate: float = 0.05, near_rate: float = 0.03,
             languages: tuple[str, ...] = ("en", "en", "ru", "zh")) -> Iterator[Article]:
    """An endless stream: mostly new articles; `dup_rate` exact reprints and `near_rate` edited reprints of an
    earlier article under another outlet (the same story syndicated)."""
    rng = random.Random(seed)
    recent: list[Article] = []
    serial = 0
    while True:
        serial += 1
        roll = rng.random()
        if recent and roll < dup_rate + near_rate:
            source = rng.choice(recent)
            outlet, domain = rng.choice(OUTLETS[source.language])
            paragraphs = list(source.paragraphs)
            kind = "reprint"
            if roll >= dup_rate:
                kind = "near"
                paragraphs[-1] = paragraphs[-1] + (" 来源：新华社。" if source.language == "zh" else " (Agencies contributed.)")
            article = replace(source, outlet=outlet, domain=domain, paragraphs=paragraphs, kind=kind, serial=serial)
        else:
            article = compose(rng.choice(languages), rng, serial)
            recent.append(article)
            if len(recent) > 500:
                recent.pop(0)
        yield article


# ---- page chrome ---------------------------------------------------------------------------------------------

STYLE = ("body{font-family:Georgia,serif;margin:0;color:#222}.nav a{padding:0 8px;color:#fff}.share button{margin:2px}"
         ".related li{margin:4px 0}.cookie{position:fixed;bottom:0;background:#333;color:#eee}") * 6
SCRIPT = ("window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());"
          "gtag('config','G-XXXX');(function(){var s=document.createElement('script');s.async=true;"
          "s.src='https://cdn.example.com/ads.js';document.head.appendChild(s)})();") * 40  # ~10 KB, as tag managers
SECTIONS = ["Home", "World", "Politics", "Economy", "Society", "Military", "Culture", "Sport", "Opinion", "Video",
            "Photos", "Russia", "China", "Asia-Pacific", "Europe", "Americas"]


def html_page(article: Article, rng: random.Random) -> str:
    e = html.escape
    paras = [f"<p>{e(p)}</p>" for p in article.paragraphs]
    if len(paras) > 2:
        teaser = e(article.related[0])
        paras.insert(len(paras) // 2, f'<div class="read-also"><b>Read also:</b> <a href="/n/{rng.randrange(10**6)}">'
                                      f"{teaser}</a></div>")
    nav = "".join(f'<a href="/{s.lower()}">{s}</a>' for s in SECTIONS)
    related = "".join(f'<li><a href="/n/{rng.randrange(10**6)}">{e(t)}</a></li>' for t in article.related[1:9])
    most_read = "".join(f'<li><a href="/n/{rng.randrange(10**6)}"><img src="/img/{rng.randrange(10**6)}.jpg" alt="">'
                        f'{e(t)}</a> <span class="views">{rng.randint(100, 99999)}</span></li>' for t in article.related[9:])
    comments = "".join(
        f'<div class="comment"><span class="user">{rng.choice(COMMENTERS)}</span> <time>{rng.randint(1, 59)} min ago'
        f'</time><p>{e(rng.choice(article.related))}? Totally agree.</p><a href="#">Reply</a></div>'
        for _ in range(rng.randint(2, 6)))
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
                     "datePublished": f"{article.date}T09:{rng.randint(10, 59)}:00+03:00",
                     "author": {"@type": "Person", "name": article.author},
                     "publisher": {"@type": "Organization", "name": article.outlet}}, ensure_ascii=False)
    return f"""<!DOCTYPE html>
<html lang="{article.language}"><head><meta charset="utf-8"><title>{e(article.title)} - {e(article.outlet)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{e(article.title)}"><meta property="og:site_name" content="{e(article.outlet)}">
<meta property="og:url" content="{article.url}"><meta property="article:published_time" content="{article.date}T09:00:00+03:00">
<meta name="author" content="{e(article.author)}"><link rel="canonical" href="{article.url}">
<style>{STYLE}</style><script>{SCRIPT}</script>
<script type="application/ld+json">{ld}</script></head>
<body><div class="cookie">We use cookies to improve your experience. <button>Accept</button> <a href="/privacy">Privacy policy</a></div>
<header><div class="logo"><a href="/">{e(article.outlet)}</a></div><nav class="nav">{nav}</nav>
<form class="search"><input name="q" placeholder="Search"><button>Go</button></form></header>
<div class="breadcrumbs"><a href="/">Home</a> / <a href="/world">World</a> / <span>{e(article.title[:40])}</span></div>
<main><article><h1>{e(article.title)}</h1>
<div class="byline">By <a href="/authors/{rng.randrange(999)}">{e(article.author)}</a> · <time datetime="{article.date}">{article.date}</time></div>
<div class="share"><button>Facebook</button><button>Twitter</button><button>Telegram</button><button>VK</button><button>Copy link</button></div>
{''.join(paras)}
<div class="tags">Tags: <a href="/tag/1">{e(SECTIONS[rng.randrange(len(SECTIONS))])}</a> <a href="/tag/2">Diplomacy</a></div>
</article>
<aside class="related"><h3>Related</h3><ul>{related}</ul></aside>
<aside class="most-read"><h3>Most read</h3><ol>{most_read}</ol></aside>
<section class="comments"><h3>Comments ({rng.randint(3, 300)})</h3>{comments}<form><textarea></textarea><button>Post</button></form></section>
<div class="newsletter">Subscribe to our newsletter <input type="email"><button>Subscribe</button></div></main>
<footer><nav>{nav}</nav><p>© {article.date[:4]} {e(article.outlet)}. All rights reserved. Reproduction only with a link to the source.</p>
<a href="/about">About us</a> <a href="/contacts">Contacts</a> <a href="/ads">Advertising</a></footer>
<script>window.__STATE__={json.dumps({"related": article.related, "section": SECTIONS}, ensure_ascii=False)};</script>
<script>{SCRIPT[:2000]}</script></body></html>"""


def write_pages(folder: Path, n: int, seed: int = 7) -> dict:
    """n HTML pages under folder/pages/ (1,000 per subfolder); returns counts of planted duplicates."""
    rng = random.Random(seed + 1)
    counts = {"original": 0, "reprint": 0, "near": 0, "bytes": 0}
    stream = articles(seed)
    for i in range(n):
        article = next(stream)
        target = folder / "pages" / f"{i // 1000:04d}" / f"page_{i:07d}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        data = html_page(article, rng).encode()
        target.write_bytes(data)
        counts[article.kind] += 1
        counts["bytes"] += len(data)
    return counts


def write_jsonl(folder: Path, n: int, seed: int = 7, shard: int = 10_000) -> dict:
    """n documents as JSONL shards (the form of a news archive export) under folder/docs/."""
    counts = {"original": 0, "reprint": 0, "near": 0, "bytes": 0}
    stream = articles(seed)
    folder = folder / "docs"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    while written < n:
        size = min(shard, n - written)
        buffer = io.StringIO()
        for _ in range(size):
            article = next(stream)
            buffer.write(json.dumps(article.row(), ensure_ascii=False) + "\n")
            counts[article.kind] += 1
        data = buffer.getvalue().encode()
        (folder / f"shard_{written // shard:05d}.jsonl").write_bytes(data)
        counts["bytes"] += len(data)
        written += size
    return counts
