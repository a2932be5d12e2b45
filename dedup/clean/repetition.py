"""Corpus repetition: a line that many documents of one site share is that site's chrome.

Counts are per site (the URL's host, or the input file/directory when no URL
is known) and per document, so the result does not depend on input order. A
repeated line is removed only when it looks like part of the page frame: short,
next to another repeated line, or at the edge of the text. A long sentence
repeated between unique lines (a quote, wire text reused by another story of
the same outlet) stays.

Copies of one text count as one document: a site's frame is what its
*different* pages share, and a story crawled three times under three URLs
(or a JSONL file holding it three times) is a copy for the copy level to
find, not three pages whose every line is chrome. Which documents are copies
is the caller's to say (the pipeline asks the copy level): this layer only
counts lines.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import xxhash

from dedup.clean.chrome import Removal
from dedup.records import CleanDoc

SHORT_LINE_WORDS = 12
_NON_WORD = re.compile(r"\W+")


def site_key(doc: CleanDoc) -> str:
    """The site a document belongs to: URL host without ``www.``, else its input's folder or file."""
    if doc.url:
        host = urlsplit(doc.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    for marker in (":line ", ":record "):
        if marker in doc.source:
            return doc.source.split(marker, 1)[0]
    return posixpath.dirname(doc.source)


# ASCII bytes that are not word characters (``\W``) become spaces; the second table
# keeps line breaks, to fold a whole text at once.
_ASCII_NON_WORD = bytes(b if chr(b).isalnum() or b == ord("_") else 32 for b in range(256))
_ASCII_NON_WORD_LINES = bytes(b if b == ord("\n") else c for b, c in enumerate(_ASCII_NON_WORD))


def line_key(line: str) -> int:
    """A hash of the line's words, case-folded: punctuation and spacing do not matter."""
    folded = line.casefold()
    if folded.isascii():  # same bytes as the regex gives, by a translation table (~5x faster)
        words = b" ".join(folded.encode("ascii").translate(_ASCII_NON_WORD).split())
    else:
        words = _NON_WORD.sub(" ", folded).strip().encode()
    return xxhash.xxh3_64_intdigest(words)


def text_line_keys(text: str) -> list[int]:
    """:func:`line_key` of each line of ``text`` (split on ``\\n``), an ASCII text folded at once."""
    folded = text.casefold()
    if not folded.isascii():
        return [line_key(line) for line in text.split("\n")]
    lines = folded.encode("ascii").translate(_ASCII_NON_WORD_LINES).split(b"\n")
    return list(map(xxhash.xxh3_64_intdigest, map(b" ".join, map(bytes.split, lines))))


class LineCounter:
    """How many documents of each site contain each line."""

    def __init__(self) -> None:
        self._sites: dict[str, Counter[int]] = {}

    def add(self, site: str, keys: Iterable[int]) -> None:
        """Count one document of ``site`` with these line keys (:func:`line_key`)."""
        counts = self._sites.get(site)
        if counts is None:
            counts = self._sites[site] = Counter()
        counts.update(set(keys))

    def counts(self, site: str, keys: Sequence[int]) -> list[int]:
        """How many documents of ``site`` hold each of these line keys."""
        counts = self._sites.get(site, Counter())  # a Counter gives 0 for a key it lacks
        return list(map(counts.__getitem__, keys))

    def count_once(self, site: str, copies: Iterable[Sequence[int]]) -> None:
        """Count documents that are copies of one text as one document (of the union of
        their lines)."""
        held = Counter(k for doc_keys in copies for k in set(doc_keys))
        counts = self._sites[site]
        for k, n in held.items():
            counts[k] -= n - 1


def strip_repeated(
    lines: Sequence[str], counts: Sequence[int], min_docs: int
) -> tuple[list[str], list[Removal]]:
    """Drop repeated frame lines; ``counts[i]`` is how many documents of the site have line i."""
    repeated = [c >= min_docs for c in counts]
    last = len(lines) - 1
    kept: list[str] = []
    removed: list[Removal] = []
    for i, line in enumerate(lines):
        framed = (
            len(line.split()) <= SHORT_LINE_WORDS
            or i in (0, last)
            or (i > 0 and repeated[i - 1])
            or (i < last and repeated[i + 1])
        )
        if repeated[i] and framed:
            removed.append(Removal(line, "repeated", count=counts[i]))
        else:
            kept.append(line)
    return kept, removed
