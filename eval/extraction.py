"""Main-text extraction quality on the Zyte article-extraction benchmark (181 real pages with human gold).

    python eval/extraction.py [--check] [--limit N]

Scores, measured in the same run:

* HTML: ``lockstep.clean.html.extract_html`` next to trafilatura in the mode lockstep itself calls it
  (``fast=True``: no readability/jusText fallback), with and without its metadata extraction (lockstep always
  extracts title, author, date and site), in its slower default mode (with fallbacks), and Resiliparse's
  main-content extraction where it is installed (``pip install resiliparse``; no metadata), all with
  ``include_comments=False`` as the benchmark's own runner; with pages per CPU-second of each (the extractors
  take turns page by page, so load from other processes falls on all alike) and lockstep's ratio to each.
* Plain text: ``lockstep.clean.scraped.clean_scraped`` on ``text/*.txt`` (the same pages as a naive scraper
  saves them), next to jusText and trafilatura run on that text wrapped as ``<p>`` paragraphs.

The trivial predictor ``raw`` is measured beside them: for HTML all visible text of the page with no extraction,
for plain text every line kept. Recall alone is no guard (``raw`` keeps everything), so the floors sit on precision
and F1, at the 5th percentile of 1,000 resamples of pages (``*_p05``), and above ``raw``.

These 181 pages are the *development* set of the cleaner: its cue lists and fast path were written while these
figures were watched (commits cite them), so they are not held-out figures; no second gold set is available here.
Speed is reported but has no floor: the speed target lives in ``bench/`` (``make bench``, against trafilatura in the
mode lockstep calls it).

Token scores follow the benchmark's ``evaluate.py``: ``\\w+`` tokens, 4-token shingles counted as a
multiset, true/false positives and false negatives normalised per page, precision and recall averaged over
pages, F1 from the two averages. Line scores for plain text: a page line is *gold* when its normalised text
is a whole gold paragraph, or has at least 5 tokens and occurs in the normalised gold body; precision and
recall of the lines the cleaner kept are micro-averaged over all pages.

Writes ``eval/results/extraction.json``; with ``--check`` exits 1 when a lockstep figure falls below its
floor in ``eval/floors.json`` (key ``"extraction"``).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT.parent / "shared" / "corpus" / "extraction-benchmark"
RESULTS = ROOT / "eval" / "results" / "extraction.json"
FLOORS = ROOT / "eval" / "floors.json"
TOKEN = re.compile(r"\w+")
SHINGLE = 4
MIN_LINE_TOKENS = 5


@dataclass(slots=True)
class Page:
    key: str
    gold: str
    html: str
    text: str


@dataclass(slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def load_pages(limit: int | None = None) -> list[Page]:
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        raw_html = gzip.decompress((BENCHMARK / "html" / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
        text = (BENCHMARK / "text" / f"{key}.txt").read_text(encoding="utf-8")
        pages.append(Page(key, truth[key].get("articleBody", ""), raw_html, text))
    return pages


# --- token shingle scores (the benchmark's definition) ---------------------------------------------


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)) if tokens[i : i + SHINGLE])


def page_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn) over shingles, normalised so that every page weighs the same."""
    true, pred = shingles(gold), shingles(predicted)
    tp, fp, fn = sum((true & pred).values()), sum((pred - true).values()), sum((true - pred).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def token_score(counts: list[tuple[float, float, float]]) -> Score:
    precision = statistics.mean(_ratio(tp, fp, fn, fp) for tp, fp, fn in counts if tp + fp > 0)
    recall = statistics.mean(_ratio(tp, fp, fn, fn) for tp, fp, fn in counts if tp + fn > 0)
    return Score(precision, recall, _f1(precision, recall))


def _ratio(tp: float, fp: float, fn: float, miss: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + miss) if tp + miss else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def bootstrap_low(counts: list[tuple[float, float, float]], resamples: int = 1000, seed: int = 0) -> dict[str, float]:
    """5th percentiles of token precision and F1 over resamples of pages: the lower end of a 90 % interval,
    where the floors sit."""
    rng = random.Random(seed)
    scores = [token_score(rng.choices(counts, k=len(counts))) for _ in range(resamples)]
    low = resamples // 20
    return {"precision_p05": sorted(s.precision for s in scores)[low], "f1_p05": sorted(s.f1 for s in scores)[low]}


# --- line scores for plain text ---------------------------------------------------------------------


def norm(text: str) -> str:
    return " ".join(TOKEN.findall(text.lower()))


def gold_lines(page: Page) -> tuple[list[str], set[str]]:
    """The page's normalised lines and which of them belong to the gold article."""
    body = f" {norm(page.gold)} "
    paragraphs = {norm(p) for p in page.gold.splitlines() if p.strip()}
    lines = [norm(line) for line in page.text.splitlines() if norm(line)]
    gold = {ln for ln in lines if ln in paragraphs or (len(ln.split()) >= MIN_LINE_TOKENS and f" {ln} " in body)}
    return lines, gold


def line_counts(page: Page, predicted: str) -> tuple[int, int, int]:
    """(kept gold lines, kept lines, gold lines) on one page.

    A page line is kept when the output has it as a line, or (with 5 tokens or more) inside a line, since the
    cleaner re-joins hard-wrapped lines.
    """
    lines, gold = gold_lines(page)
    output = {norm(p) for p in predicted.splitlines() if p.strip()}
    joined = f" {' | '.join(output)} "
    kept = {ln for ln in set(lines) if ln in output or (len(ln.split()) >= MIN_LINE_TOKENS and f" {ln} " in joined)}
    return len(kept & gold), len(kept), len(gold)


def line_score(counts: list[tuple[int, int, int]]) -> Score:
    hit, kept, gold = (sum(c[i] for c in counts) for i in range(3))
    precision, recall = (hit / kept if kept else 0.0), (hit / gold if gold else 0.0)
    return Score(precision, recall, _f1(precision, recall))


# --- extractors --------------------------------------------------------------------------------------


def lockstep_html(page: Page) -> str:
    from lockstep.clean.html import extract_html

    return "\n\n".join(d.text for d in extract_html(page.html))


def trafilatura_fast_html(page: Page) -> str:
    """The mode lockstep calls: ``fast=True``, main text only."""
    import trafilatura

    return trafilatura.extract(page.html, fast=True, include_comments=False) or ""


def trafilatura_fast_meta_html(page: Page) -> str:
    """The same with trafilatura's metadata extraction (title, author, date, site), as lockstep extracts them."""
    import trafilatura

    result = trafilatura.bare_extraction(page.html, fast=True, include_comments=False, with_metadata=True)
    return (result.text or "") if result is not None else ""


def trafilatura_html(page: Page) -> str:
    """trafilatura's default mode (with its readability/jusText fallbacks)."""
    import trafilatura

    return trafilatura.extract(page.html, include_comments=False) or ""


def raw_html(page: Page) -> str:
    """Trivial: all visible text of the page (script, style and template content dropped), no extraction."""
    import lxml.html

    tree = lxml.html.fromstring(page.html.encode("utf-8"))
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    return "\n".join(line.strip() for line in tree.text_content().splitlines() if line.strip())


def resiliparse_html(page: Page) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(page.html, main_content=True)


def lockstep_text(page: Page) -> str:
    from lockstep.clean.scraped import clean_scraped

    return "\n\n".join(d.text for d in clean_scraped(page.text))


def raw_text(page: Page) -> str:
    """Trivial: every line of the scraped text kept."""
    return page.text


def _as_paragraph_html(text: str) -> str:
    blocks = "".join(f"<p>{html.escape(b.strip())}</p>" for b in re.split(r"\n\s*\n", text) if b.strip())
    return f"<html><body>{blocks}</body></html>"


def justext_text(page: Page) -> str:
    import justext

    paragraphs = justext.justext(_as_paragraph_html(page.text), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def trafilatura_text(page: Page) -> str:
    import trafilatura

    return trafilatura.extract(_as_paragraph_html(page.text), include_comments=False) or ""


HTML_EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "lockstep": lockstep_html,
    "trafilatura_fast": trafilatura_fast_html,
    "trafilatura_fast_meta": trafilatura_fast_meta_html,
    "trafilatura": trafilatura_html,
    "resiliparse": resiliparse_html,
    "raw": raw_html,
}
FAST_REFERENCE = "trafilatura_fast"  # the mode lockstep calls trafilatura in: the speed ratio that counts


def available(extractors: dict[str, Callable[[Page], str]]) -> dict[str, Callable[[Page], str]]:
    """The extractors whose library is installed (Resiliparse is optional; it is named when left out)."""
    try:
        import resiliparse  # noqa: F401
    except ImportError:
        print("resiliparse not installed (pip install resiliparse): left out of the comparison")
        return {name: fn for name, fn in extractors.items() if name != "resiliparse"}
    return extractors
TEXT_EXTRACTORS: dict[str, Callable[[Page], str]] = {
    "lockstep": lockstep_text,
    "justext": justext_text,
    "trafilatura": trafilatura_text,
    "raw": raw_text,
}


def run_interleaved(extractors: dict[str, Callable[[Page], str]], pages: list[Page]) -> dict[str, tuple[list[str], float]]:
    """Outputs and pages per CPU-second of each extractor, page by page in turn, so that load from other
    processes on a shared machine falls on all of them alike."""
    for extract in extractors.values():
        extract(pages[0])  # imports and caches outside the clock
    outputs: dict[str, list[str]] = {name: [] for name in extractors}
    seconds = dict.fromkeys(extractors, 0.0)
    for page in pages:
        for name, extract in extractors.items():
            start = time.process_time()
            outputs[name].append(extract(page))
            seconds[name] += time.process_time() - start
    return {name: (outputs[name], len(pages) / max(seconds[name], 1e-9)) for name in extractors}


def evaluate(pages: list[Page]) -> dict[str, dict[str, dict[str, float]]]:
    results: dict[str, dict[str, dict[str, float]]] = {"html": {}, "text": {}}
    for name, (outputs, speed) in run_interleaved(available(HTML_EXTRACTORS), pages).items():
        counts = [page_counts(p.gold, o) for p, o in zip(pages, outputs)]
        score = token_score(counts)
        results["html"][name] = {"precision": score.precision, "recall": score.recall, "f1": score.f1, "pages_per_s": speed}
        if name == "lockstep":
            results["html"][name] |= bootstrap_low(counts)
    for name, (outputs, speed) in run_interleaved(TEXT_EXTRACTORS, pages).items():
        counts = [page_counts(p.gold, o) for p, o in zip(pages, outputs)]
        score = token_score(counts)
        lines = line_score([line_counts(p, o) for p, o in zip(pages, outputs)])
        if name == "lockstep":
            results["text"][name] = bootstrap_low(counts)
        results["text"][name] = results["text"].get(name, {}) | {
            "precision": score.precision,
            "recall": score.recall,
            "f1": score.f1,
            "line_precision": lines.precision,
            "line_recall": lines.recall,
            "line_f1": lines.f1,
            "pages_per_s": speed,
        }
    speeds = results["html"]
    for name in speeds:
        if name not in ("lockstep", "raw"):
            speeds["lockstep"][f"speed_vs_{name}"] = speeds["lockstep"]["pages_per_s"] / speeds[name]["pages_per_s"]
    return results


def print_results(results: dict[str, dict[str, dict[str, float]]], pages: int) -> None:
    columns = ("precision", "recall", "f1", "line_precision", "line_recall", "line_f1", "pages_per_s")
    print("pages_per_s: pages per CPU-second of one process, extractors interleaved page by page")
    print(f"extraction benchmark: {pages} pages")
    print(f"{'input':<6} {'extractor':<12} " + " ".join(f"{c:>14}" for c in columns))
    for kind, rows in results.items():
        for name, row in rows.items():
            cells = " ".join(f"{row[c]:>14.3f}" if c in row else f"{'-':>14}" for c in columns)
            print(f"{kind:<6} {name:<12} {cells}")
    lockstep = results["html"]["lockstep"]
    for name in results["html"]:
        if name not in ("lockstep", "raw"):
            print(f"html lockstep speed / {name} speed: {lockstep[f'speed_vs_{name}']:.2f}")


def check(results: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Figures below their floor, as 'html.lockstep.f1 0.951 < 0.955'."""
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))["extraction"]
    failures = []
    for dotted, floor in floors.items():
        kind, name, metric = dotted.split(".")
        value = results[kind][name][metric]
        if value < floor:
            failures.append(f"{dotted} {value:.3f} < {floor:.3f}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a figure falls below eval/floors.json")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    args = parser.parse_args(argv)
    if not BENCHMARK.exists():
        print(f"extraction benchmark not found: {BENCHMARK} (the 181-page set in ../shared/corpus)", file=sys.stderr)
        return 2
    pages = load_pages(args.limit)
    results = evaluate(pages)
    print_results(results, len(pages))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"pages": len(pages), **results}, indent=2), encoding="utf-8")
    if args.check:
        failures = check(results)
        for failure in failures:
            print(f"below floor: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
