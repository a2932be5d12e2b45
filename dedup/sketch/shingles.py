"""Word tokens and hashed word shingles.

Each token is hashed once with xxh3 (Python's ``hash`` is salted per process,
so it would break determinism across workers and runs); a shingle's hash is a
polynomial combination of its token hashes computed with numpy, then mixed
and cut to 32 bits. That avoids building and hashing one string per shingle.
"""

from __future__ import annotations

import re

import numpy as np
import xxhash

_WORD = re.compile(r"\w+")
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_BASE = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(33)


def tokenize(text: str) -> list[str]:
    """Case-folded word tokens; punctuation and quote styles do not matter."""
    return _WORD.findall(text.casefold())


def _token_hashes(tokens: list[str]) -> np.ndarray:
    hashed = map(xxhash.xxh3_64_intdigest, map(str.encode, tokens))
    return np.fromiter(hashed, dtype=np.uint64, count=len(tokens))


def shingle_hashes(tokens: list[str], size: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of all ``size``-word shingles.

    A text shorter than ``size`` words yields one shingle of all its words, so
    short texts still have a (small) set rather than none.
    """
    return np.unique(position_hashes(tokens, size))


def position_hashes(tokens: list[str], size: int) -> np.ndarray:
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
    return (acc >> np.uint64(32)).astype(np.uint32)
