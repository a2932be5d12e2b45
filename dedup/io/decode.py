"""Bytes to text: detect the encoding from the bytes instead of assuming UTF-8.

Order: byte-order mark, then a charset declared in the first bytes of an HTML
page, then strict UTF-8, then statistical detection (charset-normalizer, with
windows-1252 preferred when it reads the bytes as cleanly).
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_GZIP_MAGIC = b"\x1f\x8b"
# Control characters other than \t \n \v \f \r: many of them mean binary data.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")


class DecodeError(ValueError):
    """Bytes that are not text we can read (binary, truncated gzip...)."""


def gunzip_if_needed(data: bytes) -> bytes:
    """Decompress gzip data (possibly multi-member); pass other bytes through."""
    if not data.startswith(_GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as err:
        raise DecodeError(f"corrupt or truncated gzip data ({err})") from err


def _declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if not match:
        return None
    return _normalise(match.group(1).decode("ascii", "ignore"))


def _normalise(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or ``None`` if unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # Pages declaring latin-1 or ascii are nearly always windows-1252 (the WHATWG rule).
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    controls = len(_CONTROLS.findall(sample))
    return controls > max(8, len(sample) // 20)


def decode_bytes(data: bytes, *, html: bool = False, declared: str | None = None) -> str:
    """Decode document bytes to ``str``, raising :class:`DecodeError` for non-text.

    ``declared`` is a charset from outside the bytes (an HTTP header); it ranks
    after a byte-order mark and before a charset declared inside the page.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"))
    candidates = [_normalise(declared)]
    if html:
        candidates.append(_declared_charset(data))
    for encoding in candidates:
        if encoding:
            try:
                return _checked(data.decode(encoding))
            except (UnicodeDecodeError, LookupError):
                pass
    try:
        return _checked(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    encoding = _detected(data[:65536])
    if encoding is None:
        raise DecodeError("binary data, not text")
    return _checked(data.decode(encoding, errors="replace"))


def _detected(sample: bytes) -> str | None:
    """charset-normalizer's guess, except that windows-1252 wins when it reads the bytes with
    no more chaos: it is the web's default for unlabelled pages (WHATWG), and on short
    Western texts the detector's coherence score picks DOS code pages such as cp775."""
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    western = next((m for m in matches if m.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos:
        return "cp1252"
    return str(best.encoding)


def _checked(text: str) -> str:
    if _looks_binary(text):
        raise DecodeError("binary data, not text")
    return text
