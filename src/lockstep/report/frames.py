"""DataFrames into report tables and evidence lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from lockstep.output import records
from lockstep.report.model import EvidenceLine, Table
from lockstep.report.numbers import is_p_column
from lockstep.store.tables import paragraphs_with_documents

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def table(frame: "pd.DataFrame", *, id: str, title: str, columns: list[str] | None = None, limit: int | None = None,
          note: str = "", doc_column: str | None = None, anchor_column: str | None = None,
          floors: dict[str, float] | None = None) -> Table:
    """A report table; `floors` gives a p column the smallest p its draws can give (it then reads '< floor')."""
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    if anchor_column and anchor_column in frame.columns and anchor_column not in cols:
        cols_with_anchor = [*cols, anchor_column]
    else:
        cols_with_anchor = cols
    part = frame[cols_with_anchor] if limit is None else frame[cols_with_anchor].head(limit)
    return Table(id=id, title=title, columns=cols, rows=[rounded(r) for r in records(part)], note=note,
                 doc_column=doc_column, anchor_column=anchor_column, floors=dict(floors or {}))


def rounded(row: dict[str, Any]) -> dict[str, Any]:
    """Floats to 4 decimals, except p-values (a p of 0.00003 is not 0) and values too large to need them."""
    return {k: (v if is_p_column(k) or abs(v) >= 1e4 else round(v, 4)) if isinstance(v, float) and v == v else v
            for k, v in row.items()}


def first(row: dict[str, Any], *names: str, default: Any = None) -> Any:
    """The first present, non-null value among several possible column names (analysis modules vary)."""
    for name in names:
        value = row.get(name)
        if value is not None and value == value:  # not NaN
            return value
    return default


def kwic_lines(frame: "pd.DataFrame", limit: int = 20) -> list[EvidenceLine]:
    """Concordance rows (left / match / right, doc id, actor...) into evidence lines, whatever the exact names."""
    lines = []
    for row in records(frame.head(limit)):
        lines.append(EvidenceLine(
            doc_id=str(first(row, "doc_id", "document_id", "id", default="")),
            left=str(first(row, "left", "left_context", "before", default="")),
            match=str(first(row, "match", "keyword", "node", "hit", "term", default="")),
            right=str(first(row, "right", "right_context", "after", default="")),
            actor=first(row, "actor"), outlet=first(row, "outlet"), language=first(row, "language", "lang"),
            published=_date(first(row, "published", "published_at", "date")),
            paragraph=_int(first(row, "paragraph", "para_idx", "paragraph_idx", "idx")),
            title=first(row, "title")))
    return lines


def paragraph_lines(rows: Iterable[dict[str, Any]], limit: int = 20) -> list[EvidenceLine]:
    """Evidence paragraphs with an optional highlighted span (start/end offsets within the paragraph text)."""
    lines = []
    for row in list(rows)[:limit]:
        text = str(first(row, "text", "paragraph", "evidence", "paragraph_text", default=""))
        start, end = _int(first(row, "span_start", "start")), _int(first(row, "span_end", "end"))
        span = first(row, "span", "evidence_span", "matched", "phrase")
        if start is not None and end is not None and 0 <= start <= end <= len(text):
            left, match, right = text[:start], text[start:end], text[end:]
        elif span and str(span) in text:
            i = text.index(str(span))
            left, match, right = text[:i], str(span), text[i + len(str(span)):]
        else:
            left, match, right = text, "", ""
        lines.append(EvidenceLine(
            doc_id=str(first(row, "doc_id", "document_id", "id", default="")), left=left, match=match, right=right,
            actor=first(row, "actor"), outlet=first(row, "outlet"), language=first(row, "language"),
            published=_date(first(row, "published", "published_at", "date")),
            paragraph=_int(first(row, "paragraph", "paragraph_idx", "para_idx", "idx")),
            title=first(row, "title"), score=_float(first(row, "score", "similarity"))))
    return lines


def _date(value: Any) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:19]


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return None if value is None else round(float(value), 4)
    except (TypeError, ValueError):
        return None


def example_lines(con, rows: list[dict[str, Any]], *, doc: str = "example_doc", paragraph: str = "example_paragraph",
                  start: str = "example_start", end: str = "example_end") -> dict[tuple[str, int], EvidenceLine]:
    """Evidence lines for rows that carry one example occurrence (doc id, paragraph, offsets into documents.text)."""
    keys = sorted({(r[doc], int(r[paragraph])) for r in rows if r.get(doc) and r.get(paragraph) is not None})
    if not keys:
        return {}
    paragraphs = paragraphs_with_documents(con, keys)
    out = {}
    for r in rows:
        para = paragraphs.get((r.get(doc), _int(r.get(paragraph))))
        if para is None or r.get(start) is None:
            continue
        text, offset = para[3], para[2]
        a, b = int(r[start]) - offset, int(r[end]) - offset
        left, right = text[max(0, a - 90):max(0, a)], text[b:b + 90]
        out[(r[doc], int(r[paragraph]))] = EvidenceLine(
            doc_id=para[0], paragraph=para[1], left=("…" if a > 90 else "") + left, match=text[a:b],
            right=right + ("…" if b + 90 < len(text) else ""), actor=para[4], outlet=para[5], language=para[6],
            published=_date(para[7]), title=para[8])
    return out


def clip(left: str, match: str, right: str, width: int = 260) -> tuple[str, str, str]:
    """Keep `width` characters of context on each side of a match (whole paragraphs can be pages long)."""
    if len(left) > width:
        left = "…" + left[-width:]
    if len(right) > width + (0 if match else width):
        right = right[: width + (0 if match else width)] + "…"
    return left, match, right
