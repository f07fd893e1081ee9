"""Resuming: a second run adds nothing already collected, and a torn WARC tail is repaired."""

from __future__ import annotations

from warcio.archiveiterator import ArchiveIterator

from lockstep.collect import collect
from lockstep.collect.state import state_path


def responses(path):
    with path.open("rb") as fh:
        return [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "response"]


def test_second_run_fetches_nothing_new(site, options):
    targets = [site.url("/feed.rss"), site.url("/atom.xml")]
    first = collect(targets, options)
    size = options.output.stat().st_size
    hits = dict(site.hits)

    second = collect(targets, options)

    assert len(first.fetched) == 5 and second.fetched == []
    assert sorted(second.skipped_for("already fetched")) == sorted(f.url for f in first.fetched)
    assert options.output.stat().st_size == size
    pages = [p for p in hits if p.startswith(("/articles/", "/moved", "/gzipped"))]
    assert all(site.hits[p] == hits[p] for p in pages)          # no page asked for again
    assert site.hits["/feed.rss"] == 2                          # feeds are read again for new items


def test_resume_from_the_warc_alone(site, options):
    collect([site.url("/feed.rss")], options)
    state_path(options.output).unlink()

    second = collect([site.url("/feed.rss")], options)

    assert second.fetched == []
    assert site.hits["/articles/1"] == 1
    assert len(responses(options.output)) == 4     # /moved asked again, but its target is not written twice


def test_new_items_are_added_to_the_same_file(site, options):
    collect([site.url("/atom.xml")], options)
    report = collect([site.url("/feed.rss")], options)

    assert site.url("/articles/1") in report.skipped_for("already fetched")
    assert sorted(responses(options.output)) == sorted(
        site.url(p) for p in ["/articles/1", "/articles/3", "/articles/2", "/articles/moved-here", "/gzipped"])


def test_torn_last_record_is_cut_and_page_fetched_again(site, options):
    collect([site.url("/atom.xml")], options)
    with options.output.open("rb") as fh:
        records = ArchiveIterator(fh)
        last_response = [records.get_record_offset() for r in records if r.rec_type == "response"][-1]
    with options.output.open("r+b") as fh:
        fh.truncate(last_response + 60)             # a crash in the middle of the last page's record
    state_path(options.output).unlink()

    report = collect([site.url("/atom.xml")], options)

    assert len(report.fetched) == 1
    assert sorted(responses(options.output)) == [site.url("/articles/1"), site.url("/articles/3")]
    assert options.output.stat().st_size > last_response + 60      # cut, then appended after


def test_an_output_that_is_not_a_gzip_warc_is_never_truncated(site, options):
    import pytest

    from lockstep.errors import InputError

    options.output.write_bytes(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\n" * 10)
    before = options.output.read_bytes()
    with pytest.raises(InputError, match="not a gzip WARC"):
        collect([site.url("/atom.xml")], options)
    assert options.output.read_bytes() == before
