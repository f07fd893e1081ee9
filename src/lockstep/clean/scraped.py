"""Scraped plain-text pages into clean articles.

The page is read as lines (:mod:`lockstep.clean.lines` classifies them). Then, per page:

1. Article headers: a title-like line repeated within a few lines and followed by prose starts an article;
   an aggregator page with a "Related Articles" block of full stories becomes one document per article.
2. Per article: the byline zone around the title gives date, outlet and author (:mod:`lockstep.clean.byline`);
   a cue that ends an article (paywall notice, "About the Author", comments, related links) closes it; the
   densest prose span is the body; republication credits fill ``original_source``.
3. Every line that is not body text is kept in ``Document.removed`` with its reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from lockstep.clean.byline import Byline, read_byline
from lockstep.clean.dates import find_byline_date, is_relative_time
from lockstep.clean.cues import Cue
from lockstep.clean.lines import GOOD, TERMINAL, Block, LineOptions, main_region, make_blocks, norm_line, smooth, word_count
from lockstep.model import Document, Removed

MIN_ARTICLE_CHARS = 500  # prose a segment needs to stand as an article of its own
BYLINE_MARK = re.compile(r"^(?:[•·▪●]\s*\S|by\s+[A-ZА-Я]|автор|作者|来源|источник)", re.I)
MAX_TITLE_COPIES = 3  # a story's title appears at most this often on the page
HEADER_REPEAT_WINDOW = 6  # a repeated title's copies sit within this many lines
HEADER_BODY_WINDOW = 10  # and prose follows within this many lines
COMMENT_WINDOW, COMMENT_STAMPS = 12, 3  # this many time-stamped short lines this close: a comment thread
COMMENT_THREAD = Cue("comment prompt", re.compile("$^"), ends_article=True)
# prose this long this soon after "Related"/"Comments" means an inline box or a share bar, not the story's end
RESUME_WINDOW, RESUME_CHARS = 8, 150
SOFT_ENDS = ("related links", "comment prompt")
RESUME_BLOCKS = {"related links": 1, "comment prompt": 2}
SELF_LINK = re.compile(r"^also on ((?:[\w-]+\.)+[a-z]{2,})\b", re.I)
CREDIT = re.compile(
    r"(?:(?:this|the) )?(?:article|story|piece|interview|op-ed|text|column|analysis)?\s*(?:was |is )?"
    r"(?:first|originally) (?:published|appeared) (?:by|in|on|at) (?:the )?(?P<src>[^,.;:()\n]{2,80})"
    r"(?:[^.\n]*)\.?|(?:впервые опубликован[ао]? (?:в|на) |источник: )(?P<src_ru>[^,.;\n]{2,80})[^.\n]*\.?"
    r"|(?:来源|原标题)[:：]\s*(?P<src_zh>[^\s，。,;；]{2,40})",
    re.I,
)
UNTITLED_LOOKBACK = 4  # lines before the prose searched for an unrepeated title
MAX_BYLINE_CHARS = 120  # longer lines are prose
WRAPPED_MIN = 40  # characters: shorter lines are items or headings, never a wrapped sentence's first part
DANGLING = frozenset(
    "the a an of to in and or with for by on at from that as is are was were his her their its this these "
    "и в на с по к из о от для что как не но а или за у до при"
    .split()
)
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
BIO_CUE = "author bio"
# The name a bio opens with: "Jane Doe is a research associate...", "Иван Петров — политолог...", "张三，..."
_EN_NAME = r"(?:[A-Z][a-z'’-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]\.|van|von|de|da|al|bin|ibn)){1,3}"
_RU_NAME = r"[А-ЯЁ][а-яё-]+(?:\s+[А-ЯЁ][а-яё-]+){1,2}"
BIO_NAME = re.compile(
    rf"^(?:(?:Dr|Prof|Mr|Mrs|Ms)\.?\s+)?(?P<en>{_EN_NAME})(?:\s+(?:is|was|has|holds|serves|works|writes|teaches|leads|heads)\b|,\s)"
    rf"|^(?P<ru>{_RU_NAME})(?:\s+[—–-]\s|\s+(?:является|работает|—)\b|,\s)"
    r"|^(?P<zh>[\u4e00-\u9fff]{2,4})[，,]"
)


@dataclass(slots=True)
class Segment:
    """A run of page lines that holds (at most) one article, with its header lines if found."""

    blocks: list[Block]
    header: list[int] = field(default_factory=list)  # positions (in blocks) of the title and its copies


def clean_scraped(text: str, *, source: str = "") -> list[Document]:
    """Articles found in a scraped plain-text page; [] when the page holds no article text."""
    lines = page_lines(text)
    if not lines:
        return []
    options = LineOptions()
    blocks = make_blocks(lines, options)
    smooth(blocks, options)
    docs = []
    leftovers: list[Removed] = []
    for segment in split_articles(blocks):
        doc = build_document(segment)
        if doc is None:
            leftovers.extend(Removed(b.text, b.reason or "no article text") for b in segment.blocks)
            continue
        doc.source = source
        docs.append(doc)
    if docs and leftovers:
        docs[-1].removed.extend(leftovers)
    return docs


def page_lines(text: str) -> list[str]:
    """Non-empty lines, whitespace-normalised, invisible characters dropped, hard-wrapped lines re-joined."""
    text = unicodedata.normalize("NFC", text.translate(INVISIBLE))
    lines: list[str] = []
    after_blank = True
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            after_blank = True
            continue
        if lines and _continues(lines[-1], line, after_blank):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
        after_blank = False
    return lines


def _continues(previous: str, line: str, after_blank: bool) -> bool:
    """A sentence broken over lines: the previous line ends on a comma or a word no sentence ends on,
    or (on the next line, with no blank between) the next line starts in lower case."""
    if len(previous) < WRAPPED_MIN or TERMINAL.search(previous):
        return False
    if previous.endswith((",", ";", "–", "—")):
        return True
    last_word = previous.rsplit(" ", 1)[-1].lower()
    if last_word in DANGLING and len(line) > 2:
        return True
    return line[0].islower() and (not after_blank or len(line) > WRAPPED_MIN)


def split_articles(blocks: list[Block]) -> list[Segment]:
    """Cut the page at article headers; segments without enough prose join their neighbour."""
    starts = find_headers(blocks)
    if not starts:
        return [Segment(blocks)]
    cuts = sorted(set([0] + [s for s, _ in starts] + [len(blocks)]))
    copies = {s: c for s, c in starts}
    segments = [Segment(blocks[a:b], [c - a for c in copies.get(a, [])]) for a, b in zip(cuts, cuts[1:])]
    return _merge_thin(segments)


def find_headers(blocks: list[Block]) -> list[tuple[int, list[int]]]:
    """(position, positions of the title's copies) of each title repeated just before prose."""
    headers = []
    taken: set[int] = set()
    counts = Counter(norm_line(b.text) for b in blocks)
    for i, block in enumerate(blocks):
        if i in taken or not _title_candidate(block):
            continue
        key = norm_line(block.text)
        if counts[key] > MAX_TITLE_COPIES:  # a caption or a menu item, not a story's title
            continue
        copies = [j for j in range(i + 1, min(len(blocks), i + 1 + HEADER_REPEAT_WINDOW)) if norm_line(blocks[j].text) == key]
        if not copies:
            continue
        last = copies[-1]
        body = next((j for j in range(last + 1, min(len(blocks), last + 1 + HEADER_BODY_WINDOW)) if blocks[j].cls == GOOD), None)
        if body is None or (headers and not _has_byline(blocks[i:body])):
            continue  # a later article must show its own byline, or the page is one story with a repeated heading
        headers.append((i, [i, *copies]))
        taken.update(range(i, last + 1))
    return headers


def _has_byline(blocks: list[Block]) -> bool:
    """A date, relative time, source bullet or "By ..." line among a header's lines."""
    return any(
        len(b.text) <= 120 and (find_byline_date(b.text) or is_relative_time(b.text) or BYLINE_MARK.match(b.text))
        for b in blocks
    )


def _title_candidate(block: Block) -> bool:
    if not (block.heading_like and block.cue is None and 10 <= len(block.text) <= 250):
        return False
    return find_byline_date(block.text) is None and not is_relative_time(block.text)


def _merge_thin(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if merged and _prose_chars(segment) < MIN_ARTICLE_CHARS:
            merged[-1].blocks.extend(segment.blocks)
        elif merged and _prose_chars(merged[-1]) < MIN_ARTICLE_CHARS:
            offset = len(merged[-1].blocks)
            merged[-1].blocks.extend(segment.blocks)
            merged[-1].header = [offset + h for h in segment.header]
        else:
            merged.append(segment)
    return merged


def _prose_chars(segment: Segment) -> int:
    return sum(len(b.text) for b in segment.blocks if b.cls == GOOD and not b.repeated)


def build_document(segment: Segment) -> Document | None:
    """One article from a segment: title, byline, body, paywall flag, credits, removed lines."""
    blocks = segment.blocks
    reasons: dict[int, str] = {}
    title_at = segment.header[0] if segment.header else None
    for copy in segment.header[1:]:
        reasons[copy] = "repeated title"
    end = _article_end(blocks, reasons)
    body_start, body_end = _body_span(blocks, end, reasons)
    if body_end <= body_start:
        return None
    if title_at is None:
        title_at = _untitled_heading(blocks, body_start, reasons)
    byline = read_byline(blocks, title_at, body_start, reasons)
    doc = Document(title=blocks[title_at].text if title_at is not None else "")
    _apply_byline(doc, byline)
    kept = _body(blocks, body_start, body_end, reasons, title_at)
    if not kept:
        return None
    paragraphs, credit, credit_text = _strip_credit([blocks[i].text for i in kept])
    doc.text = "\n\n".join(paragraphs)
    doc.original_source = credit or byline.original_source
    doc.paywalled = any(b.cue is not None and b.cue.reason == "paywall notice" for b in blocks[:end + 1])
    doc.outlet = doc.outlet or _self_link_outlet(blocks)
    doc.author = doc.author or bio_author(blocks)
    skip = set(kept) | {title_at}
    doc.removed = [_removed(b, reasons.get(i)) for i, b in enumerate(blocks) if i not in skip]
    if credit_text:
        doc.removed.append(Removed(credit_text, "republication credit"))
    return doc


def _removed(block: Block, reason: str | None) -> Removed:
    if reason is None:
        reason = block.reason if block.cls != GOOD and block.reason else "outside main text"
    return Removed(block.text, reason)


def _article_end(blocks: list[Block], reasons: dict[int, str]) -> int:
    """Index of the first article-ending cue after prose began (len(blocks) if none)."""
    seen_prose = False
    for i, block in enumerate(blocks):
        seen_prose = seen_prose or block.cls == GOOD
        if seen_prose and _comment_thread_starts(blocks, i):
            block.cue = COMMENT_THREAD
        if seen_prose and block.cue is not None and block.cue.ends_article and not _prose_resumes(blocks, i, block.cue):
            tail = block.cue.reason
            for j in range(i + 1, len(blocks)):
                cue = blocks[j].cue
                if cue is not None and cue.ends_article:
                    tail = cue.reason
                reasons.setdefault(j, cue.reason if cue else _tail_reason(tail))
            return i
    return len(blocks)


def _comment_thread_starts(blocks: list[Block], at: int) -> bool:
    """A run of short time-stamped lines (commenters' post times) opens a comment thread."""
    if not _is_timestamp(blocks[at]):
        return False
    window = blocks[at : at + COMMENT_WINDOW]
    return sum(1 for b in window if _is_timestamp(b)) >= COMMENT_STAMPS


def _is_timestamp(block: Block) -> bool:
    if len(block.text) > 60 or block.cls == GOOD and block.length > 70:
        return False
    return is_relative_time(block.text) or find_byline_date(block.text) is not None


def _prose_resumes(blocks: list[Block], at: int, cue: Cue) -> bool:
    """An inline "Related" box or a share bar's "Comments" link inside a story: the story's prose goes on
    within a few lines, with no commenters' time stamps in between."""
    if cue.reason not in SOFT_ENDS or COMMENT_THREAD is cue:
        return False
    window = blocks[at + 1 : at + 1 + RESUME_WINDOW]
    if any(_is_timestamp(b) or (b.cue is not None and b.cue.ends_article) for b in window):
        return False
    return sum(1 for b in window if b.cls == GOOD and b.length >= RESUME_CHARS) >= RESUME_BLOCKS.get(cue.reason, 1)


def _tail_reason(cue_reason: str) -> str:
    return "after paywall notice" if cue_reason == "paywall notice" else cue_reason


def _body_span(blocks: list[Block], end: int, reasons: dict[int, str]) -> tuple[int, int]:
    candidates = [b if i not in reasons else _masked(b) for i, b in enumerate(blocks[:end])]
    return main_region(candidates)


def _masked(block: Block) -> Block:
    return Block(text=block.text, index=block.index, length=block.length, cls="bad", reason="masked")


def _untitled_heading(blocks: list[Block], body_start: int, reasons: dict[int, str]) -> int | None:
    """The title of a page that did not repeat it: the longest title-like line just before the prose."""
    first_prose = next((i for i in range(body_start, len(blocks)) if blocks[i].length > MAX_BYLINE_CHARS), body_start)
    candidates = [
        i
        for i in range(max(0, body_start - UNTITLED_LOOKBACK), first_prose)
        if i not in reasons and _title_candidate(blocks[i]) and word_count(blocks[i].text) >= _title_words(blocks, i)
    ]
    return max(candidates, key=lambda i: len(blocks[i].text), default=None)


def _title_words(blocks: list[Block], at: int) -> int:
    """Words an unrepeated title needs: 3, or 2 for the line that leads the page straight into prose
    ("Переговоры министров" over the story)."""
    return 2 if at == 0 and len(blocks) > 1 and blocks[1].cls == GOOD else 3


def _body(blocks: list[Block], start: int, end: int, reasons: dict[int, str], title_at: int | None) -> list[int]:
    kept, seen = [], set()
    for i in range(start, end):
        if i in reasons or i == title_at or blocks[i].cls != GOOD:
            continue
        key = norm_line(blocks[i].text)
        if key in seen:
            reasons[i] = "duplicate paragraph"
            continue
        seen.add(key)
        kept.append(i)
    while kept and _is_subheading(blocks[kept[-1]]):
        reasons[kept.pop()] = "heading without text (truncated)"
    return kept


def _is_subheading(block: Block) -> bool:
    return block.heading_like and len(block.text) < 100


def _apply_byline(doc: Document, byline: Byline) -> None:
    doc.published, doc.published_precision, doc.published_source = byline.published, byline.precision, byline.source
    doc.outlet, doc.author = byline.outlet, byline.author


def bio_author(blocks: list[Block]) -> str | None:
    """The author a bio block names ("About the Author" followed by "Jane Doe is ..."), or None."""
    for i, block in enumerate(blocks[:-1]):
        if block.cue is not None and block.cue.reason == BIO_CUE:
            m = BIO_NAME.match(blocks[i + 1].text)
            if m:
                return m.group("en") or m.group("ru") or m.group("zh")
    return None


def _self_link_outlet(blocks: list[Block]) -> str | None:
    for block in blocks:
        m = SELF_LINK.match(block.text)
        if m:
            return m.group(1).lower()
    return None


def _strip_credit(paragraphs: list[str]) -> tuple[list[str], str | None, str]:
    """Take a republication credit out of the body; return (paragraphs, credited source, credit text)."""
    out = list(paragraphs)
    for i in range(len(out) - 1, -1, -1):
        m = CREDIT.search(out[i])
        if m is None:
            continue
        source = (m.group("src") or m.group("src_ru") or m.group("src_zh") or "").strip()
        rest = (out[i][: m.start()] + out[i][m.end() :]).strip()
        if rest:
            out[i] = rest
        else:
            del out[i]
        return out, source or None, m.group(0).strip()
    return out, None, ""
