"""MinHash signatures computed in one vectorised step per document.

The permutations are datasketch's own ``affine32`` parameters, so a signature
here equals ``datasketch.MinHash(scheme="affine32").update_batch(...)`` fed
the same 32-bit shingle hashes (a test checks this), at a fraction of the cost:
datasketch calls a Python hash function per shingle. They are drawn here as
datasketch draws them (tests check they are equal), because importing
datasketch takes about a second (it imports scipy and redis), which every
command and every worker process would pay.
"""

from __future__ import annotations

import numpy as np

from dedup.sketch.shingles import shingle_hashes, token_bytes

HASH_SCHEME = "affine32"
_EMPTY = np.uint32(0xFFFFFFFF)


def affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's ``affine32`` parameters (a odd, b), uint32 each: ``MinHash(...).permutations``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, the pre-mix datasketch applies in its affine schemes."""
    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


class Sketcher:
    """Turns text into shingle hash sets and MinHash signatures with fixed parameters.

    Build one per process and reuse it: it holds the permutation parameters.
    """

    def __init__(self, shingle_size: int, num_perm: int, seed: int = 1) -> None:
        self.shingle_size = shingle_size
        self.num_perm = num_perm
        self.seed = seed
        a, b = affine32_permutations(num_perm, seed)
        # One row per permutation: the (num_perm, n) product is reduced along
        # contiguous rows, about twice as fast as the transposed layout.
        self._a = a[:, np.newaxis]
        self._b = b[:, np.newaxis]

    def shingles(self, text: str) -> tuple[np.ndarray, int]:
        """The shingle hash set of ``text`` and its number of words."""
        tokens = token_bytes(text)
        return shingle_hashes(tokens, self.shingle_size), len(tokens)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """The MinHash signature (uint32[num_perm]) of a set of 32-bit shingle hashes."""
        if hashes.size == 0:
            return np.full(self.num_perm, _EMPTY, dtype=np.uint32)
        mixed = _fmix32(hashes.astype(np.uint32, copy=False))[np.newaxis, :]
        with np.errstate(over="ignore"):
            products = self._a * mixed
            products += self._b
        return products.min(axis=1)
