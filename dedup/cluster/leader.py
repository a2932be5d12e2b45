"""Leader clustering: documents join a representative, never each other.

Documents are visited in representative-priority order (see
:func:`priority_key`). Each either joins the most similar existing
representative that passes exact verification, or becomes a representative
itself. Every member is therefore verified against its own representative,
so A~B and B~C cannot pull a dissimilar A and C together (no chaining), and
the visiting order depends on the documents only, not on input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from dedup.cluster.verify import set_similarity
from dedup.config import Params
from dedup.index.memory import MemoryIndex
from dedup.records import Assignment

_NO_DATE = float("inf")


@dataclass(slots=True)
class Sketched:
    """What clustering needs of one document."""

    id: str
    words: int
    published: str | None
    shingles: np.ndarray
    signature: np.ndarray
    has_text: bool = True


def published_ts(value: str | None) -> float:
    """Seconds since the epoch for an ISO-8601 date; unknown or unparsable dates sort last."""
    if not value:
        return _NO_DATE
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return _NO_DATE
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def priority_key(doc: Sketched) -> tuple[int, float, str]:
    """Representative policy: longest clean text (words), then earliest published, then id."""
    return (-doc.words, published_ts(doc.published), doc.id)


def cluster_sketches(docs: Sequence[Sketched], params: Params) -> list[Assignment]:
    """Assign every document to a cluster; results are in the order of ``docs``."""
    index = MemoryIndex(params.lsh_threshold, params.num_perm, params.seed)
    order = sorted(range(len(docs)), key=lambda i: priority_key(docs[i]))
    result: dict[int, Assignment] = {}
    for rank, i in enumerate(order):
        result[i] = _assign(rank, docs[i], docs, order, index, params)
    return [result[i] for i in range(len(docs))]


def _assign(
    rank: int,
    doc: Sketched,
    docs: Sequence[Sketched],
    order: Sequence[int],
    index: MemoryIndex,
    params: Params,
) -> Assignment:
    """Join the most similar representative (ties: the higher-priority one) or lead a cluster.

    Index keys are ranks in priority order, so ties break on content, not input order.
    """
    if not doc.has_text:
        return Assignment(doc.id, None, False, None, None, "no_text")
    if doc.words < params.min_words:
        return Assignment(doc.id, doc.id, True, None, 1.0, "too_short")
    best, best_sim = -1, 0.0
    for key in index.query(doc.signature):
        sim = set_similarity(doc.shingles, docs[order[key]].shingles, params.similarity)
        if sim >= params.threshold and (sim > best_sim or (sim == best_sim and key < best)):
            best, best_sim = key, sim
    if best < 0:
        index.insert(rank, doc.signature)
        return Assignment(doc.id, doc.id, True, None, 1.0, "kept")
    rep = docs[order[best]].id
    return Assignment(doc.id, rep, False, rep, round(best_sim, 4), "duplicate")
