"""Feed and sitemap parsing on small documents built here."""

from __future__ import annotations

from datetime import datetime, timezone

from lockstep.collect.discover import discover, feed_alternates, parse_date

BASE = "http://news.example/"


def test_rss1_rdf_feed_items_and_dc_dates():
    body = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            b'<item rdf:about="http://news.example/a"><title>A</title><dc:date>2024-02-01T10:00:00+03:00</dc:date>'
            b'</item></rdf:RDF>')
    found = discover(body, BASE + "rdf")

    assert found.kind == "feed"
    assert [(link.url, link.published.isoformat()) for link in found.pages] == [
        ("http://news.example/a", "2024-02-01T10:00:00+03:00")]


def test_rss_guid_permalink_when_link_is_missing():
    body = (b'<rss><channel><item><guid>http://news.example/g</guid></item>'
            b'<item><guid isPermaLink="false">http://news.example/not-a-link</guid></item></channel></rss>')
    assert [link.url for link in discover(body, BASE).pages] == ["http://news.example/g"]


def test_html_announces_feeds_relative_to_the_page():
    page = (b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss">'
            b'<link rel="alternate" type="text/html" hreflang="ru" href="/ru/">'
            b'<link rel="Alternate" type="application/atom+xml" href="atom.xml"></head><body></body></html>')
    assert feed_alternates(page, "http://news.example/world/") == [
        "http://news.example/rss", "http://news.example/world/atom.xml"]


def test_entities_are_not_expanded():
    body = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<rss><channel><item><link>http://news.example/&xxe;</link></item></channel></rss>')
    found = discover(body, BASE)
    assert all("root:" not in link.url for link in found.pages)


def test_dates_from_feeds_and_sitemaps():
    assert parse_date("Mon, 05 Feb 2024 10:00:00 GMT") == datetime(2024, 2, 5, 10, tzinfo=timezone.utc)
    assert parse_date("2024-02-05") == datetime(2024, 2, 5, tzinfo=timezone.utc)
    assert parse_date("2024-02-05T10:00:00Z") == datetime(2024, 2, 5, 10, tzinfo=timezone.utc)
    assert parse_date("yesterday") is None and parse_date("") is None


def test_unknown_documents_are_other():
    assert discover(b"%PDF-1.7 ...", BASE, "application/pdf").kind == "other"
    assert discover(b"<html><body>hi</body></html>", BASE, "text/html").kind == "html"


def test_gzipped_sitemap_file_is_unpacked():
    import gzip

    body = gzip.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                         b'<url><loc>http://news.example/z</loc></url></urlset>')
    found = discover(body, BASE + "sitemap.xml.gz", "application/x-gzip")
    assert found.kind == "sitemap" and [link.url for link in found.pages] == ["http://news.example/z"]
