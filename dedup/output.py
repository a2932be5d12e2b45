"""Output rows: the JSON objects the CLI writes. Field names are a documented contract."""

from __future__ import annotations

import datetime
from typing import Any

from dedup.records import Assignment, CleanDoc, Problem, Record


def index_stats_row(stats: dict[str, Any]) -> dict[str, Any]:
    """``dedup index stats``: the store's figures, plus ``oldest_utc`` / ``newest_utc``, the
    decision times (seconds since the epoch in ``oldest`` / ``newest``) in ISO 8601."""
    row = dict(stats)
    for name in ("oldest", "newest"):
        if row.get(name) is not None:
            when = datetime.datetime.fromtimestamp(row[name], datetime.UTC)
            row[f"{name}_utc"] = when.isoformat(timespec="seconds")
    return row


def clean_row(doc: CleanDoc, error: str | None, *, explain: bool = False) -> dict[str, Any]:
    """``dedup clean``: the cleaned text with what is known of the document.

    With ``explain``, ``removed`` lists every line taken out, in text order
    within each decider, with its reason and the model score or repeat count.
    """
    row: dict[str, Any] = {"id": doc.id, "text": doc.text}
    for name in ("url", "title", "published"):
        value = getattr(doc, name)
        if value:
            row[name] = value
    if error:
        row["error"] = error
    if explain:
        row["removed"] = [removal.as_dict() for removal in doc.removed]
    return row


def reason(assignment: Assignment, error: str | None) -> str | None:
    """Why a document was not kept, in words; ``None`` for kept ones."""
    if assignment.status == "duplicate":
        return f"near-duplicate of {assignment.dup_of} (similarity {assignment.similarity})"
    if assignment.status == "no_text":
        return error or "no text"
    return None


def cluster_row(
    doc: CleanDoc, assignment: Assignment, error: str | None, *, with_text: bool = False
) -> dict[str, Any]:
    """``dedup cluster`` stdout and the report file: one row per document."""
    row = assignment.as_dict()
    row["source"] = doc.source
    if doc.url:
        row["url"] = doc.url
    if doc.title:
        row["title"] = doc.title
    why = reason(assignment, error)
    if why:
        row["reason"] = why
    if with_text:
        row["text"] = doc.text
    return row


def kept_row(doc: CleanDoc, assignment: Assignment) -> dict[str, Any]:
    """The kept-documents file: the input's own extra fields, then the cleaned document."""
    row = dict(doc.extra)
    row.update(clean_row(doc, None))
    row["cluster"] = assignment.cluster
    return row


def problem_row(problem: Problem) -> dict[str, Any]:
    """A report row for an input that never became a document."""
    status = "ignored" if problem.ignored else "unreadable"
    return {"id": None, "source": problem.source, "status": status, "reason": problem.reason}


def filter_row(
    record: Record, doc: CleanDoc, assignment: Assignment, fields: dict[str, Any]
) -> dict[str, Any]:
    """``dedup filter`` stdout: the record as read, plus cleaned ``text``, ``cluster`` and any
    annotator ``fields``; url, title and published found in the page are added when missing."""
    row: dict[str, Any] = {"id": record.id if record.given_id is None else record.given_id}
    if record.html is not None:
        row["html"] = record.html
    for name in ("url", "title", "published"):
        value = getattr(record, name) or getattr(doc, name)
        if value:
            row[name] = value
    row.update(record.extra)
    row["text"] = doc.text
    row["cluster"] = assignment.cluster
    row.update(fields)
    return row
