"""Cleaning: one RawRecord into one or more Documents (main text, title, date with precision, outlet...).

`clean_record` dispatches on the sniffed kind: HTML pages go to trafilatura-based extraction (`html.py`),
scraped plain text to the line classifier (`scraped.py`), table rows to `rows.py`.
"""

from __future__ import annotations

from lockstep.errors import SkipInput
from lockstep.model import Document, RawRecord, Removed, document_id
from lockstep.sources.encoding import decode_page

UNDECODABLE = "undecodable line (not UTF-8 and no known encoding fits; bytes shown as \\x escapes)"


def clean_record(raw: RawRecord) -> list[Document]:
    """Documents found in one record; raises SkipInput when there is no article in it."""
    docs = extract(raw)
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        where = f"{raw.source} {raw.position}".strip()
        raise SkipInput(f"{where}: no article text found")
    for index, doc in enumerate(docs):
        doc.source = raw.source
        doc.source_position = raw.position if len(docs) == 1 else f"{raw.position} article {index + 1}".strip()
        doc.raw_sha = raw.raw_sha
        doc.url = doc.url or raw.url or None
        doc.id = document_id(raw.raw_sha, raw.position, index)
    return docs


def extract(raw: RawRecord) -> list[Document]:
    if raw.kind == "unreadable":  # a reader kept the record's place and said why it could not read it
        raise SkipInput(str(raw.fields.get("reason") or f"{raw.source} {raw.position}: unreadable"))
    if raw.kind == "row":
        if raw.fields.get("html") and not raw.fields.get("text"):
            from lockstep.clean.html import extract_html

            docs = extract_html(raw.fields["html"], url=raw.fields.get("url"))
            return [merge_row_metadata(d, raw.fields) for d in docs]
        from lockstep.clean.rows import row_document

        return [row_document(raw.fields)]
    if raw.kind == "html":
        from lockstep.clean.html import extract_html

        docs = extract_html(raw.data, url=raw.url or None)
        return [date_from_listing(d, raw.fields) for d in docs]
    from lockstep.clean.scraped import clean_scraped

    decoded = decode_page(raw.data, raw.source)
    if not decoded.text.strip():
        raise SkipInput(f"{raw.source}: only whitespace")
    docs = clean_scraped(decoded.text, source=raw.source)
    if docs and decoded.undecodable:  # a mixed-encoding page: say which lines no encoding fits
        docs[0].removed.extend(Removed(line, UNDECODABLE) for line in decoded.undecodable if line)
    return docs


def merge_row_metadata(doc: Document, fields: dict) -> Document:
    from lockstep.clean.rows import parse_cell_date

    if fields.get("outlet"):
        doc.outlet = fields["outlet"]
    if fields.get("published"):
        doc.published, doc.published_precision = parse_cell_date(fields["published"])
        doc.published_source = "metadata" if doc.published else doc.published_source
    return doc


def date_from_listing(doc: Document, fields: dict) -> Document:
    """A page without its own date takes the date its feed or sitemap listed (metadata, day precision or better)."""
    if doc.published or not fields.get("listed_date"):
        return doc
    from lockstep.clean.rows import parse_cell_date

    doc.published, doc.published_precision = parse_cell_date(fields["listed_date"])
    doc.published_source = "metadata" if doc.published else "none"
    return doc
