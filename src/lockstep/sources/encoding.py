"""Decode text in the encodings analysts meet: UTF-8 (with or without BOM), UTF-16, Windows-1251, KOI8-R,
GB18030/GBK, Big5, and whatever else charset-normalizer recognises.

A file that mixes encodings (UTF-8 paragraphs and a pasted Windows-1251 one) is decoded line by line: lines
that are UTF-8 stay UTF-8, the others are decoded with the legacy encoding detected on them; a line that fits
no encoding is left out and named in `Decoded.undecodable`, so the cleaner can say what it lost.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lockstep.errors import SkipInput

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Cyrillic/CJK legacy encodings tried in order when UTF-8 fails and detection is unsure.
CYRILLIC = ("cp1251", "koi8_r")
CJK = ("gb18030", "big5")


SURROGATE = re.compile("[\ud800-\udfff]")
MIN_UTF8_BYTES = 4  # a line with fewer non-ASCII bytes may be valid UTF-8 by accident
PLAUSIBLE = 0.6
WIDE = re.compile(r"utf[_-]?(16|32)", re.I)


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str  # e.g. "utf-8", "cp1251", or "utf-8+cp1251" for a mixed file
    undecodable: list[str] = field(default_factory=list)  # lines left out, bytes shown as \x escapes


def valid_text(text: str) -> str:
    """`text` with lone surrogates (JSON "\ud800", undecodable file-name bytes) replaced by U+FFFD, so it can be
    stored and printed."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE.sub("\ufffd", text)
    return text


def decode_text(data: bytes, name: str = "") -> tuple[str, str]:
    """Return (text, encoding) or raise SkipInput with the reason."""
    decoded = decode_page(data, name)
    return decoded.text, decoded.encoding


def decode_page(data: bytes, name: str = "") -> Decoded:
    """The text of a page, with the lines no encoding fits left out and listed; SkipInput if nothing fits."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(encoding, errors="replace"), encoding)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines(keepends=True)
    if any(is_utf8(line) and non_ascii(line) >= MIN_UTF8_BYTES for line in lines):
        return decode_mixed(lines, name)
    detected = detect(data)
    if detected:
        return Decoded(data.decode(detected, errors="replace"), detected)
    raise SkipInput(f"{name}: undecodable bytes (not UTF-8 and no known encoding fits)")


def decode_mixed(lines: list[bytes], name: str) -> Decoded:
    """UTF-8 lines as UTF-8, the rest in the legacy encoding detected on them (or left out, listed)."""
    utf8 = [is_utf8(line) for line in lines]
    legacy = detect(b"".join(line for line, ok in zip(lines, utf8) if not ok), inside_utf8=True)
    kept: list[str] = []
    undecodable: list[str] = []
    for line, ok in zip(lines, utf8):
        text = line.decode("utf-8") if ok else decode_line(line, legacy)
        if text is None:
            undecodable.append(line.decode("utf-8", "backslashreplace").strip())
        else:
            kept.append(text)
    if not "".join(kept).strip():
        raise SkipInput(f"{name}: undecodable bytes (not UTF-8 and no known encoding fits)")
    return Decoded("".join(kept), f"utf-8+{legacy}" if legacy else "utf-8", undecodable)


def decode_line(line: bytes, legacy: str | None) -> str | None:
    """One line in the legacy encoding found on the file's non-UTF-8 lines, else in one found on the line alone;
    None when none fits."""
    if legacy:
        try:
            return line.decode(legacy)
        except UnicodeDecodeError:
            pass
    own = detect(line, inside_utf8=True)
    return line.decode(own, errors="replace") if own else None


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def non_ascii(data: bytes) -> int:
    return sum(byte > 127 for byte in data)


def detect(data: bytes, *, inside_utf8: bool = False) -> str | None:
    """Pick the legacy encoding whose decoding looks most like real text. `inside_utf8`: the bytes are lines of a
    UTF-8 file, so only encodings that keep ASCII as ASCII (not UTF-16/32) can be theirs."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    candidates = [best.encoding] if best and not (inside_utf8 and WIDE.match(best.encoding)) else []
    candidates += [e for e in CYRILLIC + CJK if e not in candidates]
    scored = [(plausibility(data[:20_000], enc), enc) for enc in candidates]
    scored = [s for s in scored if s[0] > PLAUSIBLE]
    return max(scored)[1] if scored else None


def plausibility(data: bytes, encoding: str) -> float:
    """Share of decoded characters that are letters, digits, spaces or common punctuation of one script."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return 0.0
    if not text:
        return 0.0
    good = sum(1 for ch in text if ch.isalnum() or ch.isspace() or ch in ".,;:!?«»\"'()-–—…%/“”„‘’、。，：；！？（）《》")
    score = good / len(text)
    return score * script_coherence(text)


def script_coherence(text: str) -> float:
    """Penalise mixes of Cyrillic case patterns typical of a wrong Cyrillic code page (e.g. KOI8 read as 1251)."""
    letters = [ch for ch in text if ch.isalpha() and ord(ch) > 127]
    if not letters:
        return 1.0
    if all("\u0400" <= ch <= "\u04ff" for ch in letters[:2000]):
        upper = sum(ch.isupper() for ch in letters) / len(letters)
        return 1.0 if upper < 0.5 else 0.7
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in letters) / len(letters)
    return 1.0 if cjk > 0.8 or cjk < 0.05 else 0.9
