"""The three real scraped seed pages: what is kept, what is removed, and the metadata read from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from lockstep.clean.scraped import clean_scraped
from lockstep.model import Document

SEEDS = Path(__file__).resolve().parents[2] / "sample" / "seeds"


def _clean(name: str) -> list[Document]:
    path = next(SEEDS.glob(f"{name}_*.txt"))
    return clean_scraped(path.read_text(encoding="utf-8"), source=str(path))


def _removed(doc: Document) -> dict[str, str]:
    return {r.text: r.reason for r in doc.removed}


@pytest.fixture(scope="module")
def rt_page() -> Document:
    docs = _clean("000")
    assert len(docs) == 1
    return docs[0]


@pytest.fixture(scope="module")
def geostrata_page() -> Document:
    docs = _clean("001")
    assert len(docs) == 1
    return docs[0]


@pytest.fixture(scope="module")
def aggregator_page() -> list[Document]:
    return _clean("004")


def test_rt_page_keeps_the_story_and_drops_debris(rt_page: Document) -> None:
    paragraphs = rt_page.paragraphs()
    assert paragraphs[0].startswith("In the face of Western disinformation")
    assert paragraphs[-1].startswith("Earlier this month, a number of Western outlets")
    assert len(paragraphs) == 9
    text = rt_page.text
    for debris in ("bookmarkicon", "Also on rt.com", "Like this story", "Podcasts", "0:00", "14:40"):
        assert debris not in text
    reasons = _removed(rt_page)
    assert reasons["Podcasts"] == "media player"
    assert reasons["14:40"] == "media player"
    assert reasons["Like this story? Share it with a friend!"] == "share/subscribe prompt"
    assert any(r.reason == "icon-font names" for r in rt_page.removed)
    assert any(r.reason == "cross-link" and r.text.startswith("Also on rt.com") for r in rt_page.removed)


def test_rt_page_title_date_and_outlet(rt_page: Document) -> None:
    assert rt_page.title.startswith("Russia & China must work together to fight")
    assert rt_page.text.count("Russia & China must work together") == 0
    assert any(r.reason == "repeated title" for r in rt_page.removed)
    assert (rt_page.published, rt_page.published_precision, rt_page.published_source) == (
        "2021-03-09T11:05",
        "minute",
        "byline",
    )
    assert rt_page.outlet == "rt.com"


def test_members_only_page_is_paywalled_without_bio_or_comments(geostrata_page: Document) -> None:
    doc = geostrata_page
    assert doc.title == "Beijing Support Moscow’s Anti-American Campaigns"
    assert doc.paywalled is True
    assert len(doc.paragraphs()) == 3
    assert doc.paragraphs()[0].startswith("On 4 February 2022")
    for debris in ("Featured Image", "members only", "views and opinions", "About the Author", "Sanchaly", "Login"):
        assert debris not in doc.text
    reasons = _removed(doc)
    assert reasons["This content is for members only."] == "paywall notice"
    assert reasons["About the Author"] == "author bio"
    assert reasons["Please Login to Comment."] == "comment prompt"
    assert reasons["Featured Image"] == "image credit"
    assert any(r.reason == "author bio" and r.text.startswith("Sanchaly Bhattacharya") for r in doc.removed)


def test_bio_at_the_end_names_the_author_when_there_is_no_byline(geostrata_page: Document) -> None:
    assert geostrata_page.author == "Sanchaly Bhattacharya"
    assert "Sanchaly" not in geostrata_page.text  # the bio itself stays out of the text


@pytest.mark.parametrize("bio, author", [
    ("Dr. Jane Doe is a senior fellow at the Institute.", "Jane Doe"),
    ("Иван Петров — политолог, доцент МГИМО.", "Иван Петров"),
    ("张伟，中国社会科学院研究员。", "张伟"),
    ("The views expressed here are the author's own.", None),
])
def test_bio_names_in_three_languages(bio: str, author: str | None) -> None:
    story = ("The ministers met in Moscow on Tuesday and said that the talks had been constructive, "
             "and that they would continue to work together on the questions raised by both sides. ") * 3
    page = f"Talks between the ministers end in Moscow\n\n{story}\n\nAbout the Author\n\n{bio}\n"
    docs = clean_scraped(page)
    assert len(docs) == 1 and docs[0].author == author and bio not in docs[0].text


def test_rt_page_bio_free_author_stays_empty(rt_page: Document) -> None:
    assert rt_page.author is None  # no byline and no bio: never guessed from names in the story


def test_date_in_the_story_is_not_the_publication_date(geostrata_page: Document) -> None:
    assert geostrata_page.published is None
    assert geostrata_page.published_precision == "unknown"
    assert geostrata_page.published_source == "none"
    assert geostrata_page.outlet is None


def test_aggregator_page_splits_into_four_articles(aggregator_page: list[Document]) -> None:
    titles = [d.title for d in aggregator_page]
    assert titles == [
        "Voice from China: This is why Moscow and Beijing stand together, now more than ever",
        "US to cut Ukraine aid",
        "WHISPERING GIANT: Russia's quiet power leaves the West in the dust",
        "EU wants to prolong Ukraine conflict",
    ]
    assert all(d.outlet == "Russia Today" for d in aggregator_page)
    main = aggregator_page[0]
    assert (main.published, main.published_precision, main.published_source) == ("2025-05-12", "day", "byline")
    assert len(main.paragraphs()) == 12
    assert main.paragraphs()[0].startswith("On May 9, 2025, Moscow held a grand military parade")
    for related in aggregator_page[1:]:
        assert related.published is None
        assert (related.published_precision, related.published_source) == ("unknown", "relative")
        assert len(related.paragraphs()) == 1


def test_aggregator_page_debris_is_removed(aggregator_page: list[Document]) -> None:
    everything = "\n".join(d.text for d in aggregator_page)
    for debris in (
        "Russia Today12-05-2025",
        "Orange background",
        "Try Our AI Features",
        "No comments yet",
        "Related Articles",
        "time42 minutes ago",
        "DOWNLOAD THE APP",
        "app-storeplay-store",
        "first published by",
    ):
        assert debris not in everything
    removed = {r.text: r.reason for d in aggregator_page for r in d.removed}
    assert removed["app-storeplay-store"] == "app banner"
    assert removed["No comments yet..."] == "comment prompt"
    assert removed["time42 minutes ago"] == "relative time (no crawl time)"


def test_republication_credit_fills_original_source(aggregator_page: list[Document]) -> None:
    giant = aggregator_page[2]
    assert giant.original_source == "Valdai Discussion Club"
    assert any(r.reason == "republication credit" for r in giant.removed)
    assert [d.original_source for d in aggregator_page if d is not giant] == [None, None, None]


def test_every_page_line_is_kept_or_recorded(aggregator_page: list[Document]) -> None:
    path = next(SEEDS.glob("004_*.txt"))
    lines = {" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    accounted = {r.text for d in aggregator_page for r in d.removed}
    accounted |= {p for d in aggregator_page for p in d.paragraphs()} | {d.title for d in aggregator_page}
    missing = [line for line in lines if line not in accounted and not any(line.startswith(p) for p in accounted)]
    assert missing == []
