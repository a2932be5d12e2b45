"""Record to cleaned document: the clean layer's single entry point."""

from __future__ import annotations

from dedup.clean.html import extract_html
from dedup.clean.text import normalise_text, with_title
from dedup.records import CleanDoc, Record


def clean_record(record: Record, *, fast: bool = False) -> tuple[CleanDoc, str | None]:
    """Clean one record; the second value is a reason when no usable text came out."""
    title, published, url, error = record.title, record.published, record.url, None
    if record.html is not None:
        extracted = extract_html(record.html, url=record.url, fast=fast)
        body = normalise_text(extracted.text)
        title = title or extracted.title
        published = published or extracted.published
        url = url or extracted.url
        error = extracted.error
    else:
        body = normalise_text(record.text or "")
    if not body and error is None:
        error = "no text extracted" if record.html is not None else "empty text"
    doc = CleanDoc(
        id=record.id,
        source=record.source,
        text=with_title(title, body) if body else "",
        url=url,
        title=title,
        published=published,
        extra=record.extra,
    )
    return doc, error
