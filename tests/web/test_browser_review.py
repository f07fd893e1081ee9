"""The document review form in a real headless chromium: tick narratives (or "carries none"), save, see the
corrected prevalence. Screenshots go to artifacts/screenshots/. Set up with scripts/install_browser.sh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lockstep
from tests.web.serving import ARGS, BROWSER_MARKS, CHROMIUM, SHOTS, serving
from lockstep.narratives.sampling import SampleOptions, draw_sample

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(store_path, tmp_path_factory):
    """The dashboard with review on, over a copy of the test store holding a review sample."""
    copy = tmp_path_factory.mktemp("browser-review") / "corpus.duckdb"
    shutil.copy(store_path, copy)
    with lockstep.open(copy) as corpus:
        draw_sample(corpus, SampleOptions(per_stratum=100, seed=1))
    with serving(copy) as url:
        yield url


@pytest.fixture()
def page():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright "
                                         "(scripts/install_browser.sh)")
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000})
        tab = context.new_page()
        tab.errors = []
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
        tab.set_default_timeout(60_000)
        yield tab
        browser.close()


def test_review_documents_in_the_form_then_see_the_corrected_share(server, page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{server}/narratives?actors=BBC&limit=50")
    page.wait_for_selector("body[data-panels-loaded=true]")
    page.fill("#coder", "ann")
    forms = page.locator("#panel-documents form.doc-review-form")
    assert forms.count() > 0
    first = forms.nth(0)
    first.locator("button[type=submit]").click()                       # nothing ticked: refused in the page
    assert "carries none" in first.locator(".save-status").inner_text()
    first.locator("input[value='world-order']").check()
    first.locator("input[name=none]").check()                          # "none" unticks the narratives
    assert not first.locator("input[value='world-order']").is_checked()
    first.locator("input[value='world-order']").check()
    assert not first.locator("input[name=none]").is_checked()
    first.locator("button[type=submit]").click()
    first.locator(".save-status", has_text="saved:").wait_for()
    page.evaluate("document.getElementById('panel-documents').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "document-review-form.png"))
    bbc = page.locator("#panel-documents article.doc-review:has(header:has-text('BBC')) form.doc-review-form")
    for k in range(bbc.count()):
        form = bbc.nth(k)
        if form.locator(".save-status").inner_text().startswith("saved"):
            continue
        form.locator("input[name=none]").check()
        form.locator("button[type=submit]").click()
        form.locator(".save-status", has_text="saved:").wait_for()
    page.goto(f"{server}/narratives?actors=BBC")
    page.wait_for_selector("body[data-panels-loaded=true]")
    panel = page.locator("#panel-corrected")
    assert "Prevalence corrected for detector error" in panel.inner_text()
    assert panel.locator(".chart[data-rendered=true]").count() == 1
    panel.screenshot(path=str(SHOTS / "corrected-prevalence.png"))
    assert not page.errors, page.errors
