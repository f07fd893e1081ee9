"""`lockstep collect` on the command line: registered, thin, and its outputs."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from lockstep.cli import app

runner = CliRunner()


def test_collect_command_writes_warc_and_report(site, tmp_path):
    out, log = tmp_path / "pages.warc.gz", tmp_path / "outcomes.json"
    result = runner.invoke(app, ["collect", site.url("/feed.rss"), "--output", str(out), "--allow-private",
                                 "--rate", "500", "--since", "2024-01-01", "--report", str(log)])

    assert result.exit_code == 0, result.output
    rows = {row["url"].removeprefix(site.base): row["outcome"] for row in json.loads(log.read_text())}
    assert rows == {"/articles/1": "fetched", "/moved": "fetched", "/gzipped": "fetched",
                    "/articles/2": "before since", "/private/secret": "robots"}
    assert out.exists()
    assert "fetched" in result.output and "robots" in result.output


def test_collect_refuses_loopback_by_default_and_says_so_in_its_exit_status(site, tmp_path):
    result = runner.invoke(app, ["collect", site.url("/feed.rss"), "--output", str(tmp_path / "p.warc.gz")])

    assert result.exit_code == 1  # nothing could be fetched
    assert "private address" in result.output
    assert sum(site.hits.values()) == 0


def test_exit_status_is_zero_when_pages_were_written_or_nothing_was_new(site, tmp_path):
    args = ["collect", site.url("/articles/1"), "--output", str(tmp_path / "p.warc.gz"), "--allow-private",
            "--rate", "500"]
    assert runner.invoke(app, args).exit_code == 0  # written
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "already fetched" in again.output  # nothing new: not a failure
    missing = runner.invoke(app, [*args[:1], site.url("/missing"), *args[2:]])
    assert missing.exit_code == 1 and "http error" in missing.output


def test_bad_since_is_a_one_line_input_error(tmp_path):
    from lockstep.cli.collect import parse_since
    from lockstep.errors import InputError

    import pytest

    with pytest.raises(InputError, match="--since"):
        parse_since("last tuesday")
    assert parse_since("2024-02-05").isoformat() == "2024-02-05T00:00:00+00:00"
