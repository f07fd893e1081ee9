"""Line classification for scraped plain text, after jusText (Pomikálek 2011) with plain-text features.

Every non-empty line is a block. A block first gets a class from its own features (length, stop-word
density, debris cues, menu-like shape, repetition on the page), as jusText does: ``good`` prose,
``neargood``, ``short``, or ``bad``. Context smoothing then settles ``short`` and ``neargood`` blocks by
their neighbours. Finally :func:`main_region` picks the densest run of prose (a maximum-sum span over block
scores, as in Finn et al.'s body text extraction), so that prose in sidebars and footers stays out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from lockstep.clean.cues import Cue, cue_for

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"


@dataclass(slots=True, kw_only=True)
class LineOptions:
    """Thresholds of the classifier (jusText's defaults, lengths in Latin-equivalent characters)."""

    length_low: int = 70
    length_high: int = 200
    stopwords_low: float = 0.30
    stopwords_high: float = 0.32
    max_heading_distance: int = 200
    cjk_weight: float = 3.0  # one Han character carries about as much as three Latin ones
    cjk_stop_scale: float = 2.0  # Chinese function characters are rarer than English stop words


@dataclass(slots=True)
class Block:
    """One line of the page with its features and class."""

    text: str
    index: int
    length: float = 0.0
    stop_density: float = 0.0
    cue: Cue | None = None
    repeated: bool = False
    heading_like: bool = False
    cls: str = BAD
    reason: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_prose(self) -> bool:
        return self.cls == GOOD


WORD = re.compile(r"\w+", re.U)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_STOP = frozenset("的了在是和与也有这那就都而及对将被把从为以其之于中我他她它们不等并但要会已のはがをにでともたしてる")
TERMINAL = re.compile(r"[.!?…。！？»\"”']\s*$")
SENTENCE_MARK = re.compile(r"[\w\)\"”’»][.!?…。！？](?:\s|$|[\"”’»])|[。！？]")
MENU_SEPARATORS = re.compile(r"\s[|•·›»/]\s|\s{3,}")
STOPLIST_LANGUAGES = ("English", "Russian", "Ukrainian", "German", "French", "Spanish", "Italian", "Portuguese", "Polish")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Union of jusText's stop-word lists for the languages lockstep meets most."""
    import justext

    words: set[str] = set()
    for name in STOPLIST_LANGUAGES:
        words |= {w.lower() for w in justext.get_stoplist(name)}
    return frozenset(words)


def make_blocks(lines: list[str], options: LineOptions | None = None) -> list[Block]:
    """Blocks with their features and first (context-free) class."""
    options = options or LineOptions()
    counts = Counter(_norm(line) for line in lines)
    blocks = []
    for index, line in enumerate(lines):
        block = Block(text=line, index=index)
        _measure(block, options)
        block.repeated = counts[_norm(line)] > 1
        blocks.append(block)
    classify = _classify if _has_stopword_signal(blocks, options) else _classify_by_punctuation
    for block in blocks:
        classify(block, options)
        if block.repeated and block.cls != GOOD and block.cue is None and block.length < options.length_low:
            block.cls, block.reason = BAD, "repeated on the page"
    return blocks


def _has_stopword_signal(blocks: list[Block], options: LineOptions) -> bool:
    """False for pages in a language without a stop-word list: then punctuation stands in for stop words."""
    long_blocks = [b for b in blocks if b.length >= options.length_low and b.cue is None]
    if not long_blocks:
        return True
    with_stops = sum(1 for b in long_blocks if b.stop_density >= options.stopwords_low)
    return with_stops >= max(1, len(long_blocks) // 10)


def norm_line(text: str) -> str:
    return _norm(text)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(WORD.findall(text))


def _measure(block: Block, options: LineOptions) -> None:
    text = block.text
    cjk = len(CJK.findall(text))
    block.length = len(text) - cjk + cjk * options.cjk_weight
    words = [w.lower() for w in WORD.findall(text)]
    latin = [w for w in words if not CJK.search(w)]
    stops = sum(1 for w in latin if w in stopwords())
    cjk_stops = sum(1 for ch in text if ch in CJK_STOP)
    units = len(latin) + cjk
    block.stop_density = (stops + cjk_stops * options.cjk_stop_scale) / units if units else 0.0
    block.cue = cue_for(text)
    block.heading_like = _heading_like(text, len(latin) + cjk // 2)


def word_count(text: str) -> int:
    """Words, counting two Han characters as one word (Chinese is written without spaces)."""
    cjk = len(CJK.findall(text))
    return sum(1 for w in WORD.findall(text) if not CJK.search(w)) + cjk // 2


def _heading_like(text: str, words: int) -> bool:
    return 2 <= words <= 25 and len(text) <= 220 and not TERMINAL.search(text.rstrip(":"))


def _classify(block: Block, options: LineOptions) -> None:
    if block.cue is not None:
        block.cls, block.reason = BAD, block.cue.reason
    elif MENU_SEPARATORS.search(block.text) and block.stop_density < options.stopwords_high:
        block.cls, block.reason = BAD, "menu or list of links"
    elif block.length < options.length_low:
        block.cls, block.reason = SHORT, "short line"
    elif block.stop_density >= options.stopwords_high:
        good = block.length > options.length_high or _sentence_end(block.text)
        block.cls, block.reason = (GOOD, "") if good else (NEARGOOD, "medium line")
    elif block.stop_density >= options.stopwords_low:
        block.cls, block.reason = NEARGOOD, "medium line"
    else:
        block.cls, block.reason = BAD, "few stop words (list or menu)"


def _classify_by_punctuation(block: Block, options: LineOptions) -> None:
    """The same classes from sentence punctuation, for languages without a stop-word list."""
    sentences = len(SENTENCE_MARK.findall(block.text))
    if block.cue is not None:
        block.cls, block.reason = BAD, block.cue.reason
    elif block.length < options.length_low:
        block.cls, block.reason = SHORT, "short line"
    elif sentences >= 2 or (sentences and block.length > options.length_high):
        block.cls, block.reason = GOOD, ""
    elif _sentence_end(block.text):
        block.cls, block.reason = NEARGOOD, "medium line"
    else:
        block.cls, block.reason = BAD, "no sentences (list or menu)"


def _sentence_end(text: str) -> bool:
    return TERMINAL.search(text) is not None and len(SENTENCE_MARK.findall(text)) >= 1 and not text.isupper()


def smooth(blocks: list[Block], options: LineOptions | None = None) -> None:
    """jusText's context revision: short and near-good blocks take the class of their neighbours."""
    options = options or LineOptions()
    _promote_headings(blocks, options)
    first = [b.cls for b in blocks]
    for i, block in enumerate(blocks):
        if first[i] != SHORT:
            continue
        prev, nxt = _neighbour(first, i, -1, True), _neighbour(first, i, 1, True)
        if prev == GOOD and nxt == GOOD:
            block.cls = GOOD
        elif prev == BAD and nxt == BAD:
            block.cls = BAD
        else:
            prev2, nxt2 = _neighbour(first, i, -1, False), _neighbour(first, i, 1, False)
            block.cls = BAD if BAD in (prev2, nxt2) else GOOD
    for i, block in enumerate(blocks):
        if block.cls != NEARGOOD:
            continue
        prev, nxt = _neighbour([b.cls for b in blocks], i, -1, True), _neighbour([b.cls for b in blocks], i, 1, True)
        block.cls = BAD if prev == BAD and nxt == BAD else GOOD
    for block in blocks:
        if block.cls == GOOD and block.reason in ("short line", "medium line"):
            block.reason = ""
        elif block.cls == BAD and not block.reason:
            block.reason = "boilerplate"


def _promote_headings(blocks: list[Block], options: LineOptions) -> None:
    """A heading-like short line followed closely by prose becomes near-good (jusText's heading rule)."""
    for i, block in enumerate(blocks):
        if block.cls != SHORT or not block.heading_like:
            continue
        distance = 0.0
        for later in blocks[i + 1 :]:
            if later.cls == GOOD:
                block.cls = NEARGOOD
                break
            if later.cls == BAD:
                break
            distance += later.length
            if distance > options.max_heading_distance:
                break


def _neighbour(classes: list[str], i: int, step: int, ignore_neargood: bool) -> str:
    j = i + step
    while 0 <= j < len(classes):
        cls = classes[j]
        if cls in (GOOD, BAD) or (cls == NEARGOOD and not ignore_neargood):
            return cls
        j += step
    return BAD


def main_region(blocks: list[Block], *, bad_penalty: float = 0.5, block_penalty: float = 80.0) -> tuple[int, int]:
    """[start, end) of the span with the most prose: good blocks score their length, others cost."""
    best, best_span = 0.0, (0, 0)
    running, start = 0.0, 0
    for i, block in enumerate(blocks):
        running += _score(block, bad_penalty, block_penalty)
        if running <= 0:
            running, start = 0.0, i + 1
        elif running > best:
            best, best_span = running, (start, i + 1)
    return best_span


def _score(block: Block, bad_penalty: float, block_penalty: float) -> float:
    if block.cls == GOOD:
        return block.length
    if block.repeated and block.cue is None:  # captions and widgets repeated through a story cost little
        return -block_penalty
    return -(block.length * bad_penalty) - block_penalty
