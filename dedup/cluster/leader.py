"""Leader clustering: documents join a representative, never each other.

Documents are visited in representative-priority order (see
:func:`priority_key`). Each either joins the most similar existing
representative that passes exact verification, or becomes a representative
itself. Every member is therefore verified against its own representative,
so A~B and B~C cannot pull a dissimilar A and C together (no chaining), and
the visiting order depends on the documents only, not on input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import numpy as np

from dedup.cluster.verify import set_similarity
from dedup.config import Params
from dedup.index.bands import BandBuckets, band_hashes, lsh_shape
from dedup.records import Assignment

_NO_DATE = float("inf")
_NOTHING = np.empty(0, dtype=np.uint32)
_BLOCK = 8192
"""Signatures hashed into bands per step: bounds the temporary arrays."""


@dataclass(slots=True)
class Sketched:
    """What clustering needs of one document."""

    id: str
    words: int
    published: str | None
    shingles: np.ndarray | None
    """``None``: not kept after the signature was computed; ``cluster_sketches`` asks for it."""
    signature: np.ndarray
    has_text: bool = True


def published_ts(value: str | None) -> float:
    """Seconds since the epoch for an ISO-8601 or RFC 2822 date (RSS ``pubDate``: "Sun, 20 Oct
    2024 20:00:00 GMT"); unknown or unparsable dates sort last."""
    if not value:
        return _NO_DATE
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return _NO_DATE
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def priority_key(doc: Sketched) -> tuple[int, float, str]:
    """Representative policy: longest clean text (words), then earliest published, then id."""
    return (-doc.words, published_ts(doc.published), doc.id)


def cluster_sketches(
    docs: Sequence[Sketched],
    params: Params,
    *,
    release: bool = False,
    shingles_of: Callable[[int], np.ndarray] | None = None,
) -> list[Assignment]:
    """Assign every document to a cluster; results are in the order of ``docs``.

    With ``release``, shingles and signatures are dropped from ``docs`` as soon
    as clustering no longer needs them (documents sharing no LSH band, and
    duplicates once assigned), so a large batch does not hold them all twice.
    Documents whose ``shingles`` is ``None`` get them from ``shingles_of(i)``
    (``i`` their place in ``docs``), and only if they share an LSH band: most
    documents never need theirs, so a batch need not hold every set at once.
    """
    order = sorted(range(len(docs)), key=lambda i: priority_key(docs[i]))
    ranked = [docs[i] for i in order]
    eligible = np.fromiter(
        (d.has_text and d.words >= params.min_words for d in ranked), dtype=bool, count=len(ranked)
    )
    buckets = _buckets(ranked, eligible, params, release)
    for rank, doc in enumerate(ranked):
        if doc.shingles is None and buckets.shares_a_band(rank):
            if shingles_of is None:
                raise ValueError(f"document {doc.id!r} has no shingles and no shingles_of")
            doc.shingles = shingles_of(order[rank])
    result: list[Assignment | None] = [None] * len(docs)
    for rank, doc in enumerate(ranked):
        result[order[rank]] = _assign(rank, doc, ranked, buckets, params)
        if release and not (result[order[rank]].kept and buckets.shares_a_band(rank)):
            _drop(doc)
    return [a for a in result if a is not None]


def _buckets(
    ranked: Sequence[Sketched], eligible: np.ndarray, params: Params, release: bool
) -> BandBuckets:
    """Band hashes of the eligible documents, a block at a time, so no full signature matrix
    (4 bytes x num_perm per document) is ever held; with ``release`` each signature goes once hashed."""
    bands, rows = lsh_shape(params.lsh_threshold, params.num_perm)
    hashes = np.zeros((len(ranked), bands), dtype=np.uint64)
    ranks = np.flatnonzero(eligible)
    for start in range(0, ranks.size, _BLOCK):
        block = ranks[start : start + _BLOCK].tolist()
        signatures = np.stack([ranked[rank].signature for rank in block])
        hashes[block] = band_hashes(signatures, bands, rows)
        if release:
            for rank in block:
                ranked[rank].signature = _NOTHING
    buckets = BandBuckets(hashes, eligible)
    del hashes
    if release:
        for rank, doc in enumerate(ranked):
            if not buckets.shares_a_band(rank):
                _drop(doc)
    return buckets


def _drop(doc: Sketched) -> None:
    doc.shingles = _NOTHING
    doc.signature = _NOTHING


def _assign(
    rank: int,
    doc: Sketched,
    ranked: Sequence[Sketched],
    buckets: BandBuckets,
    params: Params,
) -> Assignment:
    """Join the most similar representative (ties: the higher-priority one) or lead a cluster.

    Leaders are known by rank in priority order, so ties break on content, not input order.
    """
    if not doc.has_text:
        return Assignment(doc.id, None, False, None, None, "no_text")
    if doc.words < params.min_words:
        return Assignment(doc.id, doc.id, True, None, 1.0, "too_short")
    best, best_sim = -1, 0.0
    for key in buckets.candidates(rank):
        sim = set_similarity(doc.shingles, ranked[key].shingles, params.similarity)
        if sim >= params.threshold and (sim > best_sim or (sim == best_sim and key < best)):
            best, best_sim = key, sim
    if best < 0:
        buckets.add_leader(rank)
        return Assignment(doc.id, doc.id, True, None, 1.0, "kept")
    rep = ranked[best].id
    return Assignment(doc.id, rep, False, rep, round(best_sim, 4), "duplicate")
