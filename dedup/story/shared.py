"""Drop passages that different articles share word for word before story features are taken.

Copies of one text are the copy level's job, and by the time stories are built
each copy cluster is one representative. Text that two *different*
representatives still share verbatim (a run of ``size`` words) is then mostly a
site's template: a subscription box, a country list, a press-wire footer, a
police phone number. Left in, it makes two unrelated articles from one site
look like one story. Rewrites of one event share facts, not long runs of
words, so little of their evidence is lost. The table of shared runs covers
the run's representatives only and does not depend on their order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from dedup.sketch.shingles import position_hashes

_WORD = re.compile(r"\w+")


def _positions(text: str, size: int) -> tuple[int, np.ndarray]:
    words = [w.casefold() for w in _WORD.findall(text)]
    return len(words), position_hashes(words, size)


def _blank(text: str, covered: np.ndarray) -> str:
    """``text`` with covered words replaced by line breaks (so no name runs across a gap)."""
    words = list(_WORD.finditer(text))
    pieces, last = [], 0
    for word, gone in zip(words, covered.tolist(), strict=True):
        if gone:
            pieces.append(text[last : word.start()])
            pieces.append("\n")
            last = word.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _members(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_set)`` by binary search: ``sorted_set`` is sorted already."""
    if not sorted_set.size:
        return np.zeros(values.shape, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[at] == values


def drop_shared_runs(
    texts: Sequence[str], size: int, counted: Sequence[bool] | None = None
) -> list[str]:
    """Each text without the ``size``-word runs that two of ``texts`` share.

    Only the texts flagged in ``counted`` (all, by default) make the table of
    shared runs; the others lose the runs in it but add none. A headline that
    repeats its own article's title verbatim keeps its words that way.
    """
    located = [_positions(text, size) for text in texts]
    flags = counted if counted is not None else [True] * len(texts)
    tables = [np.unique(h) for (_, h), flag in zip(located, flags, strict=True) if flag]
    every = np.concatenate([*tables, np.empty(0, np.uint32)])
    values, counts = np.unique(every, return_counts=True)
    shared = values[counts > 1]
    out = []
    for text, (words, hashes) in zip(texts, located, strict=True):
        starts = _members(hashes, shared)
        if not starts.any():
            out.append(text)
            continue
        covered = np.zeros(words, dtype=bool)
        for offset in range(min(size, words)):
            covered[offset : offset + len(starts)] |= starts
        out.append(_blank(text, covered))
    return out
