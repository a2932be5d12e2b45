"""Verification for documents that arrive one at a time (the streaming filter).

The same rule as :mod:`dedup.cluster.leader`: a candidate is a copy when its
exact shingle-set similarity reaches the threshold, and the most similar one
wins. What differs is the representative: a stream cannot wait for a longer
copy that may come later, so the first copy admitted stays the representative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dedup.cluster.verify import set_similarity
from dedup.config import Params
from dedup.index.store import Candidate, Judge


def judge_for(params: Params) -> Judge:
    """A judge for :meth:`dedup.index.store.IndexStore.decide` with these parameters."""

    def judge(shingles: np.ndarray, candidates: Sequence[Candidate]) -> tuple[str, float] | None:
        best: tuple[str, float] | None = None
        for cand in candidates:
            sim = set_similarity(shingles, cand.shingles, params.similarity)
            if sim >= params.threshold and (best is None or (-sim, cand.id) < (-best[1], best[0])):
                best = (cand.id, sim)
        return None if best is None else (best[0], round(best[1], 4))

    return judge
