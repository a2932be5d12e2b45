"""Word tokens and hashed word shingles.

Each token is hashed once with xxh3 (Python's ``hash`` is salted per process,
so it would break determinism across workers and runs); a shingle's hash is a
polynomial combination of its token hashes computed with numpy, then mixed
and cut to 32 bits. That avoids building and hashing one string per shingle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import xxhash

_WORD = re.compile(r"\w+")
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_BASE = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(33)
_HIGH = np.uint64(32)


# ASCII bytes that are not word characters become spaces; letters, digits, "_" and
# all bytes of multi-byte UTF-8 sequences stay as they are.
_ASCII_WORDS = bytes(b if chr(b).isalnum() or b == ord("_") or b >= 128 else 32 for b in range(256))


def tokenize(text: str) -> list[str]:
    """Case-folded word tokens; punctuation and quote styles do not matter."""
    return _WORD.findall(text.casefold())


def token_bytes(text: str) -> list[bytes]:
    """:func:`tokenize`'s tokens as UTF-8 bytes, found mostly without the regex engine.

    ASCII punctuation is never part of a word, so a byte translation
    and ``split`` find the same tokens; only the few pieces holding non-ASCII
    characters (accents, curly quotes) go through the Unicode regex.
    """
    folded = text.casefold()
    if folded.isascii():
        return folded.encode("ascii").translate(_ASCII_WORDS).split()
    tokens: list[bytes] = []
    for piece in folded.encode("utf-8").translate(_ASCII_WORDS).split():
        if piece.isascii():
            tokens.append(piece)
        else:
            tokens.extend(word.encode("utf-8") for word in _WORD.findall(piece.decode("utf-8")))
    return tokens


def _token_hashes(tokens: Sequence[str] | Sequence[bytes]) -> np.ndarray:
    encoded = tokens if not tokens or isinstance(tokens[0], bytes) else map(str.encode, tokens)
    hashed = map(xxhash.xxh3_64_intdigest, encoded)
    return np.fromiter(hashed, dtype=np.uint64, count=len(tokens))


def shingle_hashes(tokens: Sequence[str] | Sequence[bytes], size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of all ``size``-word shingles.

    A text shorter than ``size`` words yields one shingle of all its words, so
    short texts still have a (small) set rather than none.
    """
    return _sorted_unique(position_hashes(tokens, size))


def position_hashes(tokens: Sequence[str] | Sequence[bytes], size: int) -> np.ndarray:
    """The 32-bit hash of the shingle starting at each position (in order, repeats kept)."""
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    th = _token_hashes(tokens)
    width = min(size, len(th))
    count = len(th) - width + 1
    acc = th[:count].copy()
    for offset in range(1, width):
        acc *= _BASE
        acc += th[offset : offset + count]
    acc ^= acc >> _SHIFT
    acc *= _MIX1
    acc ^= acc >> _SHIFT
    acc *= _MIX2
    acc ^= acc >> _SHIFT
    return (acc >> _HIGH).astype(np.uint32)


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` for a 1-d array, without its generic machinery (sorts in place)."""
    values.sort()
    if values.size < 2:
        return values
    keep = np.empty(values.size, dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
