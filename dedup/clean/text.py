"""Text-level normalisation shared by HTML and plain-text input."""

from __future__ import annotations

import unicodedata


def normalise_text(text: str) -> str:
    """NFC-normalise, fold runs of spaces, and drop blank lines; line breaks are kept."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    printable = _printable_ascii(text)
    lines = (
        line if _is_normal(line, printable) else " ".join(line.split()) for line in text.split("\n")
    )
    return "\n".join(line for line in lines if line)


def _is_normal(line: str, printable: bool) -> bool:
    """True when folding would leave ``line`` as it is (most lines): no split and join needed.

    Every whitespace character but the ASCII space is unprintable, and
    ``str.split()`` splits on exactly the characters the regex ``[^\\S\\n]``
    would fold, so a printable line with single inner spaces is normal.
    ``printable``: the line is known to be printable.
    """
    return (
        (printable or line.isprintable())
        and "  " not in line
        and line[:1] != " "
        and line[-1:] != " "
    )


# Printable ASCII and the line break: what a text's lines may hold to be printable.
_PRINTABLE_LINES = bytes([*range(0x20, 0x7F), 0x0A])


def _printable_ascii(text: str) -> bool:
    """Whether ``text`` is ASCII with every line printable: one byte-level pass, not one per line."""
    return text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE_LINES)


def with_title(title: str | None, body: str) -> str:
    """Put the title first unless the body already starts with it."""
    if not title:
        return body
    title = " ".join(title.split())
    first_line = body.split("\n", 1)[0]
    if _key(first_line) == _key(title) or not body:
        return body or title
    return f"{title}\n{body}"


def _key(line: str) -> str:
    return " ".join(line.casefold().split())
