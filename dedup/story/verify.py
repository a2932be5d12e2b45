"""The story score of two documents: cosine of TF-IDF vectors over words, names and figures.

Each feature weighs ``(1 + ln tf) * idf``; names and figures are multiplied by
their own weights, so two texts that name the same people and quote the same
amounts score higher than two that merely share vocabulary, and a shared rare
name counts for more than a shared rare word. The score is one number in
[0, 1], and it splits exactly into the contributions of the shared features,
which is what :func:`explain` shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from dedup.story.idf import Idf
from dedup.story.params import StoryParams
from dedup.story.terms import KINDS, NAME, NUMBER

Vector = dict[str, float]


def _boosts(params: StoryParams) -> dict[str, float]:
    return {NAME: params.name_weight, NUMBER: params.number_weight}


def weigh(counts: Mapping[str, int], idf: Idf, params: StoryParams) -> Vector:
    """The unit-length vector of a document's ``score_terms`` heaviest weighted features.

    Keeping a fixed number of features makes long and short texts comparable:
    two long articles on one subject otherwise share enough incidental words to
    score like two short reports of one event.
    """
    boosts = _boosts(params)
    weighted = {}
    for f, n in counts.items():
        boost = boosts.get(f[:2], 1.0)
        if boost > 0:
            weighted[f] = (1.0 + math.log(n)) * idf(f) * boost
    raw = {f: weighted[f] for f in top_features(weighted, params.score_terms)}
    norm = math.sqrt(sum(w * w for w in raw.values()))
    return {f: w / norm for f, w in raw.items()} if norm else {}


def score(a: Vector, b: Vector) -> float:
    """Cosine of two unit vectors (iterates over the smaller one)."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[f] for f, w in a.items() if f in b)


def top_features(vector: Vector, k: int) -> list[str]:
    """The ``k`` heaviest features (ties by name, so the choice is deterministic)."""
    return sorted(vector, key=lambda f: (-vector[f], f))[:k]


@dataclass(frozen=True)
class Shared:
    """One feature both documents have, and what it adds to the score."""

    feature: str
    contribution: float


@dataclass(frozen=True)
class Explanation:
    """Why two documents do or do not tell one story."""

    score: float
    threshold: float
    by_kind: dict[str, float]
    shared: list[Shared]
    only_a: list[str]
    only_b: list[str]

    def as_dict(self, limit: int = 15) -> dict[str, object]:
        """Shared words, names and figures (heaviest first), figures only one side has."""
        out: dict[str, object] = {
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "same_story": self.score >= self.threshold,
            "score_by_kind": {k: round(v, 4) for k, v in self.by_kind.items()},
        }
        for kind, label in zip(KINDS, ("words", "names", "numbers"), strict=True):
            out[f"shared_{label}"] = [
                {"term": s.feature[2:], "contribution": round(s.contribution, 4)}
                for s in self.shared
                if s.feature.startswith(kind)
            ][:limit]
        out["numbers_only_a"] = [f[2:] for f in self.only_a if f.startswith(NUMBER)][:limit]
        out["numbers_only_b"] = [f[2:] for f in self.only_b if f.startswith(NUMBER)][:limit]
        return out


def explain(a: Vector, b: Vector, threshold: float) -> Explanation:
    """The score of ``a`` and ``b`` split by shared feature and by kind."""
    shared = sorted(
        (Shared(f, a[f] * b[f]) for f in a.keys() & b.keys()),
        key=lambda s: (-s.contribution, s.feature),
    )
    by_kind = {
        label: sum(s.contribution for s in shared if s.feature.startswith(kind))
        for kind, label in zip(KINDS, ("words", "names", "numbers"), strict=True)
    }
    return Explanation(
        score=sum(s.contribution for s in shared),
        threshold=threshold,
        by_kind=by_kind,
        shared=shared,
        only_a=top_features({f: w for f, w in a.items() if f not in b}, len(a)),
        only_b=top_features({f: w for f, w in b.items() if f not in a}, len(b)),
    )
