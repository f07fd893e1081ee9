"""collect() against a local site: feeds, sitemaps, site roots, and the WARC it writes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator

from lockstep.collect import USER_AGENT, collect
from lockstep.errors import InputError

from .conftest import with_


def warc_records(path):
    with path.open("rb") as fh:
        return [(r.rec_type, r.rec_headers, r.http_headers, r.content_stream().read()) for r in ArchiveIterator(fh)]


def paths(urls, site):
    return sorted(u.removeprefix(site.base) for u in urls)


def test_feeds_and_sitemaps_yield_articles_in_standard_warc(site, options):
    report = collect([site.url("/feed.rss"), site.url("/atom.xml"), site.url("/sitemap_index.xml")], options)

    assert paths([f.url for f in report.fetched], site) == [
        "/articles/1", "/articles/2", "/articles/3", "/articles/4", "/articles/5", "/articles/old",
        "/gzipped", "/moved"]
    assert paths(report.sources, site) == [
        "/atom.xml", "/feed.rss", "/news-sitemap.xml", "/old-sitemap.xml", "/sitemap_index.xml"]
    assert site.hits["/articles/1"] == 1          # listed by RSS and Atom, fetched once
    records = warc_records(options.output)
    assert records[0][0] == "warcinfo"
    assert all(headers.protocol == "WARC/1.1" for _, headers, _, _ in records)
    responses = {h.get_header("WARC-Target-URI"): (http, body) for kind, h, http, body in records if kind == "response"}
    assert set(responses) == {f.final_url for f in report.fetched}
    http, body = responses[site.url("/articles/3")]
    assert http.get_statuscode() == "200" and http.get_header("Content-Type").startswith("text/html")
    assert b"<h1>Article 3</h1>" in body
    assert sum(kind == "request" for kind, *_ in records) == len(responses)


def test_response_records_say_where_the_page_was_listed_and_when(site, options):
    collect([site.url("/sitemap_index.xml")], options)

    listed = {h.get_header("WARC-Target-URI"): (h.get_header("Lockstep-Listed-In"), h.get_header("Lockstep-Listed-Date"))
              for kind, h, _, _ in warc_records(options.output) if kind == "response"}
    assert listed[site.url("/articles/4")] == (site.url("/news-sitemap.xml"), "2024-02-07T09:00:00+00:00")
    assert listed[site.url("/articles/old")] == (site.url("/old-sitemap.xml"), "2019-01-01T00:00:00+00:00")


def test_gzip_body_is_stored_decoded_and_redirect_stored_under_final_url(site, options):
    report = collect([site.url("/feed.rss")], options)

    moved = next(f for f in report.fetched if f.url.endswith("/moved"))
    assert moved.final_url == site.url("/articles/moved-here")
    responses = {h.get_header("WARC-Target-URI"): (http, body)
                 for kind, h, http, body in warc_records(options.output) if kind == "response"}
    http, body = responses[site.url("/gzipped")]
    assert b"Article gzipped" in body
    assert http.get_header("Content-Encoding") is None
    assert http.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert http.get_header("Content-Length") == str(len(body))


def test_site_root_follows_announced_feed_and_is_not_stored(site, options):
    report = collect([site.url("/")], options)

    assert paths([f.url for f in report.fetched], site) == ["/articles/1", "/articles/3"]
    assert site.url("/atom.xml") in report.sources


def test_site_root_without_feed_falls_back_to_robots_sitemaps(options):
    from .site import Site

    with Site(home_feed=False) as bare:
        report = collect([bare.url("/")], options)
        assert paths([f.url for f in report.fetched], bare) == [
            "/articles/4", "/articles/5", "/articles/old"]


def test_a_page_target_is_stored_as_is(site, options):
    report = collect([site.url("/articles/9")], options)

    assert [f.url for f in report.fetched] == [site.url("/articles/9")]
    assert site.hits["/articles/9"] == 1


def test_since_skips_old_items_and_old_child_sitemaps(site, options):
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    report = collect([site.url("/feed.rss"), site.url("/sitemap_index.xml")], with_(options, since=since))

    assert paths(report.skipped_for("before since"), site) == ["/articles/2", "/old-sitemap.xml"]
    assert site.hits["/old-sitemap.xml"] == 0 and site.hits["/articles/2"] == 0
    assert site.url("/articles/4") in {f.url for f in report.fetched}
    assert site.url("/moved") in {f.url for f in report.fetched}      # undated items are kept


def test_robots_txt_is_respected_unless_switched_off(site, options, tmp_path):
    report = collect([site.url("/feed.rss")], options)
    assert report.skipped_for("robots") == [site.url("/private/secret")]
    assert site.hits["/private/secret"] == 0
    assert site.hits["/robots.txt"] == 1

    report = collect([site.url("/feed.rss")], with_(options, respect_robots=False,
                                                     output=tmp_path / "all.warc.gz"))
    assert site.url("/private/secret") in {f.url for f in report.fetched}


def test_robots_txt_is_checked_on_every_redirect_hop(site, options):
    report = collect([site.url("/to-private")], options)

    assert not report.fetched
    [skip] = report.skipped
    assert skip.reason == "robots" and "redirects to" in skip.detail and "/private/after-redirect" in skip.detail
    assert site.hits["/to-private"] == 1 and site.hits["/private/after-redirect"] == 0  # never requested


def test_user_agent_names_the_crawler(site, options):
    collect([site.url("/atom.xml")], options)
    assert site.agents == {USER_AGENT}


def test_max_pages_caps_pages_written(site, options):
    report = collect([site.url("/feed.rss"), site.url("/atom.xml")], with_(options, max_pages=2))

    assert len(report.fetched) == 2
    assert len(report.skipped_for("max pages")) >= 1
    assert len(warc_records(options.output)) == 1 + 2 * 2


def test_no_targets_or_bad_output_is_a_clear_input_error(options, tmp_path):
    with pytest.raises(InputError, match="at least one"):
        collect(["  "], options)
    with pytest.raises(InputError, match="warc.gz"):
        collect(["http://127.0.0.1/"], with_(options, output=tmp_path / "pages.csv"))
    with pytest.raises(InputError, match="per_host_rate"):
        collect(["http://127.0.0.1/"], with_(options, per_host_rate=0))


def test_lockstep_ingest_reader_reads_the_output(site, options):
    from lockstep.sources.warc import read_warc

    collect([site.url("/atom.xml")], options)
    records = list(read_warc(options.output, "sha", opener=lambda: options.output.open("rb")))

    assert sorted(r.url for r in records) == [site.url("/articles/1"), site.url("/articles/3")]
    assert all(b"grain corridor" in r.data for r in records)
