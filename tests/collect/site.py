"""A small news site on 127.0.0.1 for collector tests: feeds, sitemaps, articles and misbehaving pages."""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SLOW_S = 1.5
HUGE = 200_000          # bytes; tests cap responses well below this


def article(n: int | str) -> bytes:
    return (f"<!doctype html><html><head><title>Article {n}</title></head><body><article><h1>Article {n}</h1>"
            f"<p>Paragraph of article {n} about the grain corridor.</p></article></body></html>").encode()


GOOD_ITEMS = [("/articles/1", "Mon, 05 Feb 2024 10:00:00 GMT"), ("/articles/2", "Tue, 03 Mar 2020 10:00:00 GMT"),
              ("/private/secret", "Mon, 05 Feb 2024 11:00:00 GMT"), ("/moved", ""), ("/gzipped", "")]
TROUBLE_ITEMS = [("/slow", ""), ("/loop", ""), ("/huge", ""), ("/huge-stream", ""), ("/flaky", ""),
                 ("/broken", ""), ("/image.png", ""), ("/missing", "")]


def rss_of(base: str, items: list[tuple[str, str]]) -> bytes:
    body = "".join(f"<item><title>{p}</title><link>{base}{p}</link>"
                   + (f"<pubDate>{d}</pubDate>" if d else "") + "</item>" for p, d in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{body}</channel></rss>'.encode()


def rss(base: str) -> bytes:
    return rss_of(base, GOOD_ITEMS)


def trouble(base: str) -> bytes:
    return rss_of(base, TROUBLE_ITEMS)


def atom(base: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
            f'<entry><title>3</title><link rel="alternate" type="text/html" href="{base}/articles/3"/>'
            f'<published>2024-02-06T08:00:00Z</published></entry>'
            f'<entry><title>1 again</title><link href="/articles/1"/><updated>2024-02-05T10:00:00Z</updated>'
            f'</entry></feed>').encode()


def sitemap_index(base: str) -> bytes:
    return (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f'<sitemap><loc>{base}/news-sitemap.xml</loc><lastmod>2024-02-07</lastmod></sitemap>'
            f'<sitemap><loc>{base}/old-sitemap.xml</loc><lastmod>2019-01-01</lastmod></sitemap>'
            f'</sitemapindex>').encode()


def news_sitemap(base: str) -> bytes:
    urls = "".join(
        f'<url><loc>{base}/articles/{n}</loc><news:news><news:publication>'
        f'<news:name>Site</news:name><news:language>en</news:language></news:publication>'
        f'<news:publication_date>{d}</news:publication_date><news:title>{n}</news:title></news:news></url>'
        for n, d in ((4, "2024-02-07T09:00:00+00:00"), (5, "2024-02-07T10:00:00+00:00")))
    return (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>').encode()


def old_sitemap(base: str) -> bytes:
    return (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f'<url><loc>{base}/articles/old</loc><lastmod>2019-01-01</lastmod></url></urlset>').encode()


HOME = (b'<!doctype html><html><head><title>Site</title>'
        b'<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>Home</body></html>')
BARE_HOME = b"<!doctype html><html><head><title>Site</title></head><body>Home</body></html>"


def robots(base: str) -> bytes:
    return f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap_index.xml\n".encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        site: Site = self.server.site  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        site.hits[path] += 1
        site.agents.add(self.headers.get("User-Agent", ""))
        base = site.base
        xml = {"/feed.rss": rss, "/trouble.rss": trouble, "/atom.xml": atom, "/sitemap_index.xml": sitemap_index,
               "/news-sitemap.xml": news_sitemap, "/old-sitemap.xml": old_sitemap}
        if path in xml:
            return self.send(200, xml[path](base), "application/xml")
        if path == "/robots.txt":
            return self.send(200, robots(base), "text/plain")
        if path == "/":
            return self.send(200, HOME if site.home_feed else BARE_HOME, "text/html; charset=utf-8")
        if path.startswith(("/articles/", "/private/")):
            return self.send(200, article(path.rsplit("/", 1)[-1]), "text/html; charset=utf-8")
        if path == "/slow":
            time.sleep(SLOW_S)
            return self.send(200, article("slow"), "text/html")
        if path in ("/loop", "/loop2"):
            return self.redirect("/loop2" if path == "/loop" else "/loop")
        if path == "/moved":
            return self.redirect("/articles/moved-here")
        if path == "/to-private":  # allowed by robots.txt, but redirects into /private/, which is not
            return self.redirect("/private/after-redirect")
        if path == "/huge":
            return self.send(200, b"x" * HUGE, "text/html")
        if path == "/huge-stream":
            return self.stream_without_length()
        if path == "/flaky":
            first = site.hits[path] == 1
            return self.send(503, b"busy", "text/plain") if first else self.send(200, article("flaky"), "text/html")
        if path == "/broken":
            return self.send(500, b"broken", "text/plain")
        if path == "/gzipped":
            return self.send(200, gzip.compress(article("gzipped")), "text/html", {"Content-Encoding": "gzip"})
        if path == "/image.png":
            return self.send(200, b"\x89PNG....", "image/png")
        return self.send(404, b"not found", "text/plain")

    def send(self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def stream_without_length(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for _ in range(HUGE // 10_000):
                self.wfile.write(b"y" * 10_000)
        except OSError:
            pass   # the collector hung up at its size cap


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass   # clients hanging up at their caps are expected here


class Site:
    """Serve the site on a random port of 127.0.0.1 in a background thread."""

    def __init__(self, home_feed: bool = True) -> None:
        self.home_feed = home_feed
        self.hits: Counter[str] = Counter()
        self.agents: set[str] = set()
        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.site = self  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Site":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path
