"""End to end in a real headless chromium (Debian's /usr/bin/chromium driven by Playwright): every page loads,
a chart point leads to its concordance lines and on to a document, a narrative tag is accepted, and a hostile
document runs nothing. Screenshots go to artifacts/screenshots/ (kept by CI).

Set up with scripts/install_browser.sh (apt chromium + pip playwright; no browser download)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.web.serving import ARGS, BROWSER_MARKS, CHROMIUM, SHOTS, serving

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(store_path, tmp_path_factory):
    """The dashboard with review on, over a copy of the test store, served by uvicorn on 127.0.0.1."""
    copy = tmp_path_factory.mktemp("browser") / "corpus.duckdb"
    shutil.copy(store_path, copy)
    with serving(copy) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright "
                                         "(scripts/install_browser.sh)")
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.dialogs, tab.errors = [], []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def load(page, url: str) -> None:
    page.goto(url)
    if page.locator(".panel[data-src]").count():
        page.wait_for_selector("body[data-panels-loaded]")
    if page.locator("div.chart[data-figure]").count():
        page.wait_for_selector("div.chart[data-rendered]")


def click_point(page, chart_selector: str) -> None:
    """Click the first bar/marker of a Plotly chart where a user would (Plotly listens on its drag layer)."""
    point = page.locator(f"{chart_selector} g.point path, {chart_selector} g.points path").first
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_every_page_loads_without_errors(page, server, hostile_id):
    pages = {"overview": "/", "search": "/search?q=sovereignty", "document": f"/documents/{hostile_id}",
             "terms": "/terms?term=sovereignty", "narratives": "/narratives?narrative=world-order",
             "alignment": "/alignment?actors=RT&actors=Xinhua&actors=BBC&actor_a=RT&actor_b=Xinhua"}
    for name, path in pages.items():
        load(page, server + path)
        assert page.locator("main h1").first.is_visible(), name
        assert not page.locator(".panel[data-loaded=error]").count(), name
        shot(page, f"dashboard-{name}")
    assert page.errors == [] and page.dialogs == []


def test_chart_point_leads_to_concordance_and_document(page, server):
    load(page, server + "/terms?term=sovereignty")
    click_point(page, "#panel-collocates div.chart")
    page.wait_for_function("location.hash.startsWith('#ev-')")
    anchor = page.evaluate("location.hash.slice(1)")
    evidence = page.locator(f"[id='{anchor}']")
    assert evidence.is_visible()
    assert evidence.locator("table.kwic tbody tr").count() > 0
    shot(page, "terms-collocate-concordance")
    link = evidence.locator("a.doc-link").first
    doc_href = link.get_attribute("href")
    link.click()
    page.wait_for_selector("#doc-title")
    assert doc_href.split("#")[0] in page.url
    assert page.locator("p.para-text").count() > 0
    shot(page, "document-from-concordance")
    assert page.errors == []


def test_report_chart_links_to_its_lines(page, report_file):
    page.goto(report_file.as_uri())
    page.wait_for_selector("div.chart[data-rendered]")
    click_point(page, "#sec-overview div.chart")
    page.wait_for_function("location.hash.startsWith('#ev-')")
    anchor = page.evaluate("location.hash.slice(1)")
    assert page.locator(f"[id='{anchor}']").is_visible()
    assert page.locator(f"[id='{anchor}'] tr[data-doc]").count() > 0
    shot(page, "report-overview-evidence")
    assert page.errors == [] and page.dialogs == []


def test_accept_a_narrative_tag(page, server):
    load(page, server + "/narratives?narrative=world-order&status=pending")
    page.fill("#coder", "ann")
    box = page.locator("#panel-evidence .review-box").first
    hit = box.get_attribute("data-hit")
    box.locator("button[data-decision=accept]").click()
    page.wait_for_selector(f".review-box[data-hit='{hit}'][data-status=accepted]")
    assert "accepted by ann" in box.locator(".status").inner_text()
    shot(page, "narratives-review")
    stored = page.evaluate("fetch('/api/narratives/evidence?narrative=world-order&status=accepted')"
                           ".then(r => r.json())")
    assert hit in {line["hit_id"] for line in stored["evidence"][0]["lines"]}


def test_hostile_document_runs_nothing(page, server, hostile_id, report_file):
    for url in (f"{server}/documents/{hostile_id}", f"{server}/search?q=onerror", f"{server}/",
                report_file.as_uri()):
        page.goto(url)
        page.wait_for_timeout(300)
        assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.goto(f"{server}/documents/{hostile_id}")
    assert "<script>alert(1)</script>" in page.locator("#doc-title").inner_text()
    assert page.dialogs == [], page.dialogs
    shot(page, "hostile-document")


INJECT = """() => new Promise(resolve => {
  const seen = [];
  document.addEventListener("securitypolicyviolation", e => seen.push(e.violatedDirective));
  const s = document.createElement("script");
  s.textContent = "window.__injected = 1";
  document.body.appendChild(s);
  setTimeout(() => resolve({ran: window.__injected === 1, violations: seen}), 200);
})"""


def test_pages_work_under_the_policy_and_it_blocks_injected_script(page, server, report_file):
    """Charts render and panels load under the Content-Security-Policy (no violation reported), while a script
    injected into the page (as hostile text that slipped past escaping would be) is refused."""
    for url in (server + "/terms?term=sovereignty", server + "/", report_file.as_uri()):
        page.goto(url)
        page.wait_for_selector("div.chart[data-rendered]")
        result = page.evaluate(INJECT)
        assert result["ran"] is False and result["violations"], url
    refused = [e for e in page.errors if "Content Security Policy" in e]
    assert len(refused) == 3 and len(page.errors) == 3, page.errors  # the three injections, nothing else


@pytest.fixture(scope="module")
def report_file(store_path, tmp_path_factory) -> Path:
    from lockstep.report.make import make_report
    from lockstep.report.options import ReportOptions

    copy = tmp_path_factory.mktemp("browser-report") / "corpus.duckdb"
    shutil.copy(store_path, copy)
    out = copy.parent / "report.html"
    make_report(copy, out, ReportOptions(sections=("overview", "terms")))
    return out
