"""Every answer of the dashboard carries the security headers: pages, JSON twins, panels, static files, errors.
The static report carries a Content-Security-Policy meta tag whose hashes match exactly its inline scripts."""

from __future__ import annotations

import base64
import html
import hashlib
import re

import pytest

from lockstep.web.app import SECURITY_HEADERS

PATHS = ["/", "/search?q=sovereignty", "/terms?term=sovereignty", "/narratives", "/alignment",
         "/api/overview", "/api/search?q=sovereignty", "/api/openapi.json", "/static/app.js", "/static/app.css",
         "/static/plotly.min.js", "/documents/no-such-document", "/api/documents/no-such-document",
         "/api/search?since=yesterday"]


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_has_the_security_headers(client, path):
    response = client.get(path)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (path, name)


def test_the_policy_allows_no_inline_script_and_no_other_origin():
    policy = dict(part.split(" ", 1) for part in SECURITY_HEADERS["Content-Security-Policy"].split("; "))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'"
    assert not any("http" in value or "*" in value or "unsafe-eval" in value for value in policy.values())


def test_dashboard_pages_have_no_inline_script_to_block(client, hostile_id):
    for path in ("/", f"/documents/{hostile_id}", "/terms?term=sovereignty", "/search?q=onerror"):
        html = client.get(path).text
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S):
            assert "src=" in attrs or 'type="application/json"' in attrs, (path, attrs, body[:80])
        assert not re.search(r"\son[a-z]+\s*=", re.sub(r"<script.*?</script>", "", html, flags=re.S)), path


def test_report_policy_hashes_exactly_its_inline_scripts(report_html):
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', report_html)
    assert meta, "the report carries a CSP meta tag"
    policy = dict(part.split(" ", 1) for part in html.unescape(meta.group(1)).split("; "))
    assert policy["default-src"] == "'none'" and "unsafe-inline" not in policy["script-src"]
    executable = [body for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", report_html, flags=re.S)
                  if "application/json" not in attrs]
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
              for body in executable}
    assert len(executable) >= 2 and set(policy["script-src"].split()) == hashes


@pytest.fixture(scope="module")
def report_html(store_path, tmp_path_factory) -> str:
    import shutil

    from lockstep.report.make import make_report
    from lockstep.report.options import ReportOptions

    copy = tmp_path_factory.mktemp("csp-report") / "corpus.duckdb"
    shutil.copy(store_path, copy)
    out = copy.parent / "report.html"
    make_report(copy, out, ReportOptions(sections=("overview",)))
    return out.read_text(encoding="utf-8")
