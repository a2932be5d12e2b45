"""Pairwise precision and recall of predicted clusters against labeled groups.

A pair of documents counts as a true positive when both the prediction and the
labels put them together. Pairs are counted per group from cluster sizes, so
large corpora do not need all pairs in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairScores:
    """Pair counts and the scores derived from them."""

    true_pos: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        return self.true_pos / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.actual if self.actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pair_scores(predicted: Mapping[str, str | None], labels: Mapping[str, str]) -> PairScores:
    """Score ``predicted`` (id -> cluster, ``None`` = alone) against ``labels`` (id -> group)."""
    ids = [i for i in labels if i in predicted]
    pred = Counter(predicted[i] for i in ids if predicted[i] is not None)
    gold = Counter(labels[i] for i in ids)
    both = Counter((predicted[i], labels[i]) for i in ids if predicted[i] is not None)
    return PairScores(true_pos=_pairs(both), predicted=_pairs(pred), actual=_pairs(gold))
