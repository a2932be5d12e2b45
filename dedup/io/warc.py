"""WARC input: successful (2xx) HTML responses become records; other responses (images,
redirects, error pages) are counted as ignored."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from dedup.io.decode import DecodeError, decode_bytes
from dedup.records import Problem, Record

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path) -> Iterator[Record | Problem]:
    """Yield one record per HTML response; the id is the WARC-Record-ID.

    A file that does not start like a WARC (or ARC) file is one unreadable
    input, not a stream of warcio's warnings about records it cannot find.
    """
    source = path.as_posix()
    if not _starts_like_warc(path):
        yield Problem(source, "not a WARC file (it does not start with a WARC/ header)")
        return
    number = 0
    with path.open("rb") as stream:
        try:
            for number, rec in enumerate(ArchiveIterator(stream), start=1):
                if rec.rec_type != "response":
                    continue
                yield _response(rec, f"{source}:record {number}")
        except (ArchiveLoadFailed, EOFError, ValueError, OSError) as err:
            yield Problem(f"{source}:record {number + 1}", f"corrupt or truncated WARC ({err})")


def _starts_like_warc(path: Path) -> bool:
    """The first bytes, gunzipped when gzipped, are a WARC version line or an ARC header."""
    try:
        with path.open("rb") as stream:
            head = stream.read(2)
            stream.seek(0)
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=stream) as unzipped:
                    head = unzipped.read(8)
            else:
                head = stream.read(8)
    except (OSError, EOFError, zlib.error):
        return True  # let warcio read it and report what is wrong
    # an empty file (a crawler's rotated, never written one) holds no records and no error
    return not head or head.startswith((b"WARC/", b"filedesc"))


def _response(rec, source: str) -> Record | Problem:
    http = rec.http_headers
    status = (http.get_statuscode() if http else None) or ""
    if status and not status.startswith("2"):  # a redirect or an error page is no article
        url = rec.rec_headers.get_header("WARC-Target-URI")
        return Problem(source, f"HTTP status {status} for {url}", ignored=True)
    ctype = (http.get_header("Content-Type") if http else "") or ""
    if not ctype.lower().startswith(_HTML_TYPES):
        return Problem(source, f"not an HTML response ({ctype or 'no content type'})", ignored=True)
    rec_id = rec.rec_headers.get_header("WARC-Record-ID") or source
    url = rec.rec_headers.get_header("WARC-Target-URI")
    data = rec.content_stream().read()
    if getattr(rec.raw_stream, "limit", 0):
        return Problem(source, f"truncated WARC record for {url}")
    if not data.strip():
        return Problem(source, f"empty HTML response for {url}")
    try:
        html = decode_bytes(data, html=True, declared=_charset(ctype))
    except DecodeError as err:
        return Problem(source, f"{err} in response for {url}")
    return Record(id=rec_id.strip("<>"), source=source, html=html, url=url)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
