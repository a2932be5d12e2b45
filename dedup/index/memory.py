"""In-process LSH index over MinHash signatures, backed by datasketch's MinHashLSH.

The LSH threshold sits below the decision threshold on purpose: banding only
proposes candidates (at t=0.8 alone it finds a 0.8-similar pair 40% of the
time), and the cluster layer verifies every candidate exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dedup.sketch.minhash import HASH_SCHEME


class MemoryIndex:
    """Maps integer keys to signatures; ``query`` returns keys that share a band."""

    def __init__(self, threshold: float, num_perm: int, seed: int = 1) -> None:
        # Imported here, not at the top: datasketch takes about a second to
        # import, and most commands never build this index.
        from datasketch import LeanMinHash, MinHashLSH

        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._lean: Any = LeanMinHash
        self._seed = seed

    @property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band) chosen by datasketch for the threshold."""
        return self._lsh.b, self._lsh.r

    def _sketch(self, signature: np.ndarray) -> Any:
        return self._lean(seed=self._seed, hashvalues=signature, scheme=HASH_SCHEME)

    def insert(self, key: int, signature: np.ndarray) -> None:
        self._lsh.insert(key, self._sketch(signature), check_duplication=False)

    def query(self, signature: np.ndarray) -> list[int]:
        return sorted(self._lsh.query(self._sketch(signature)))

    def __len__(self) -> int:
        return len(self._lsh.keys)
