"""Small input files built by tests: HTML pages, WARC archives, tables, in several encodings."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

ARTICLE_EN = [
    "Foreign Minister Wang Yi said on Sunday that China and Russia would deepen their comprehensive strategic "
    "partnership of coordination for a new era, and oppose any attempt at a colour revolution.",
    "He told reporters in Beijing that the two countries would continue to support each other on issues of "
    "core interest, including sovereignty, security and development, and would reject bloc confrontation.",
    "Analysts in Moscow said the statement confirmed a pattern seen since February, when the two leaders met "
    "at the opening of the Winter Olympics and signed a long joint statement on international relations.",
]


def html_page(title: str, paragraphs: list[str], *, date: str = "2022-03-07", site: str = "Xinhua",
              url: str = "https://english.news.cn/20220307/a.html") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head><title>{title}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{date}T10:30:00+08:00">
<link rel="canonical" href="{url}"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/china">China</a></nav>
<article><h1>{title}</h1>{body}</article>
<footer>Copyright Xinhua. All rights reserved. <a href="/about">About us</a></footer></body></html>"""


def warc_bytes(pages: list[tuple[str, str]], *, gz: bool = True) -> bytes:
    """A WARC with one response record per (url, html) page, written with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gz)
    for url, html in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()), http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


def jsonl_bytes(rows: list[dict]) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode() + b"\n"


def write(path: Path, data: bytes | str, *, gz: bool = False) -> Path:
    raw = data.encode() if isinstance(data, str) else data
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path
