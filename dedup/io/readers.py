"""Turn paths (files, directories, ``-`` for stdin) into a stream of records.

Every input ends up as a :class:`Record` or a :class:`Problem`; nothing is
dropped silently. Formats are chosen by suffix, with an optional ``.gz``
(gzip is also recognised by its magic bytes).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from dedup.io.decode import DecodeError, decode_bytes, gunzip_if_needed
from dedup.io.warc import read_warc
from dedup.records import Problem, Record

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
TEXT_SUFFIXES = (".txt", ".text")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
WARC_SUFFIXES = (".warc",)

Item = Record | Problem


def read_inputs(paths: Iterable[str], stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Yield records from every path, walking directories recursively in sorted order."""
    for arg in paths:
        if arg == "-":
            yield from read_jsonl_stream(stdin or _own_stdin(), "<stdin>")
            continue
        path = Path(arg)
        if path.is_dir():
            yield from _read_dir(path)
        elif path.exists():
            yield from read_file(path, explicit=True)
        else:
            yield Problem(arg, "no such file or directory")


def _read_dir(root: Path) -> Iterator[Item]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield from read_file(Path(dirpath) / name, explicit=False)


def file_kind(path: Path) -> str | None:
    """``html``, ``text``, ``jsonl`` or ``warc`` from the suffix (ignoring ``.gz``)."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for kind, suffixes in (
        ("html", HTML_SUFFIXES),
        ("text", TEXT_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
        ("warc", WARC_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def read_file(path: Path, *, explicit: bool = True) -> Iterator[Item]:
    """Records from one file; unsupported types are a problem only when named explicitly."""
    source = path.as_posix()
    kind = file_kind(path)
    if kind is None:
        yield Problem(source, "unsupported file type", ignored=not explicit)
        return
    try:
        if kind == "jsonl":
            with _open_maybe_gzip(path) as stream:
                yield from read_jsonl_stream(stream, source)
        elif kind == "warc":
            yield from read_warc(path)
        else:
            yield _read_document(path, source, kind)
    except OSError as err:
        yield Problem(source, f"cannot read: {err.strerror or err}")


def _read_document(path: Path, source: str, kind: str) -> Item:
    try:
        data = gunzip_if_needed(path.read_bytes())
        if not data.strip():
            return Problem(source, "empty file")
        content = decode_bytes(data, html=kind == "html")
    except DecodeError as err:
        return Problem(source, str(err))
    if kind == "html":
        return Record(id=source, source=source, html=content)
    return Record(id=source, source=source, text=content)


def _own_stdin() -> IO[bytes]:
    """A reader of file descriptor 0 that is not ``sys.stdin``.

    The filter reads its input in a thread that may still be waiting on the
    pipe when the program ends (an error, Ctrl-C). If that thread held
    ``sys.stdin``'s lock, the interpreter would abort while shutting down,
    as it flushes the standard streams; its own reader is left alone.
    """
    try:
        return open(sys.stdin.fileno(), "rb", closefd=False)
    except (AttributeError, OSError, ValueError):  # no real descriptor (tests, embedding)
        return sys.stdin.buffer


def _open_maybe_gzip(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rb")
    return path.open("rb")


def read_jsonl_stream(stream: IO[bytes], source: str) -> Iterator[Item]:
    """Records from JSON Lines; lines are split on ``\\n`` only (U+2028 may occur in strings)."""
    number = 0
    try:
        for number, raw in enumerate(stream, start=1):
            if raw.strip():
                yield parse_jsonl_line(raw, f"{source}:line {number}")
    except (EOFError, zlib.error, gzip.BadGzipFile) as err:
        yield Problem(f"{source}:line {number + 1}", f"truncated or corrupt gzip data ({err})")


def parse_jsonl_line(raw: bytes, source: str) -> Item:
    """One JSONL line as a record, or a problem saying what is wrong with it."""
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as err:
        return Problem(source, f"invalid JSON ({_short(err)})")
    if not isinstance(obj, dict):
        return Problem(source, f"expected a JSON object, got {type(obj).__name__}")
    return record_from_object(obj, source)


def record_from_object(obj: dict[str, Any], source: str) -> Item:
    """Validate the documented JSONL fields; other fields are kept in ``extra``."""
    doc_id = obj.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, (str, int)) or doc_id == "":
        return Problem(source, "missing or invalid 'id' (a non-empty string or integer)")
    html, text = obj.get("html"), obj.get("text")
    if html is None and text is None:
        return Problem(source, "needs an 'html' or a 'text' field")
    for name in ("html", "text", "url", "title", "published"):
        value = obj.get(name)
        if value is not None and not isinstance(value, str):
            return Problem(source, f"'{name}' must be a string, got {type(value).__name__}")
    known = {"id", "html", "text", "url", "title", "published"}
    return Record(
        id=str(doc_id),
        source=source,
        html=html,
        text=text if html is None else None,
        url=obj.get("url"),
        title=obj.get("title"),
        published=obj.get("published"),
        extra={k: v for k, v in obj.items() if k not in known},
        given_id=doc_id if isinstance(doc_id, int) else None,
    )


def _short(err: Exception) -> str:
    text = str(err)
    return text if len(text) <= 120 else text[:117] + "..."
