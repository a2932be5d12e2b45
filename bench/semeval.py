"""SemEval-2022 Task 8 (multilingual news similarity) as a story-level test set.

Each row pairs two articles (``pair_id`` is ``ID1_ID2``) with annotator
scores from 1 (same event) to 4 (unrelated). Here ``Overall`` <= 1.5 is the
same story, >= 3 a different one, and pairs in between are not scored. The
texts are truncated extracts; some copies of the set carry double-encoded
UTF-8, which :func:`repair_mojibake` undoes when it round-trips.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dedup.evaluate import PairScores

SAME_MAX, DIFFERENT_MIN = 1.5, 3.0
_MOJIBAKE_MARKS = ("Ã", "Â", "â€")


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool


@dataclass(frozen=True)
class SemEval:
    """English texts of the set (id -> text), the scored English pairs, and repair counts."""

    texts: dict[str, str]
    pairs: list[Pair]
    repaired: int


def repair_mojibake(text: str) -> str:
    """UTF-8 read as cp1252/latin-1 and encoded again, undone when that round-trips."""
    if not any(mark in text for mark in _MOJIBAKE_MARKS):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


def load(data: Path, lang: str = "en") -> SemEval:
    """Every ``lang`` text (from any pair) and the scored pairs with both sides in ``lang``."""
    csv.field_size_limit(1 << 30)
    texts: dict[str, str] = {}
    pairs: list[Pair] = []
    repaired = 0
    path = data / "semeval2022-task8-train" / "training_set.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            ids = row["pair_id"].split("_")
            for key, side in zip(ids, ("1", "2"), strict=True):
                if row[f"lang{side}"] == lang and key not in texts:
                    fixed = repair_mojibake(row[f"text{side}"])
                    repaired += fixed != row[f"text{side}"]
                    texts[key] = fixed
            overall = float(row["Overall"])
            both = row["lang1"] == row["lang2"] == lang
            if both and (overall <= SAME_MAX or overall >= DIFFERENT_MIN):
                pairs.append(Pair(ids[0], ids[1], overall <= SAME_MAX))
    return SemEval(texts, pairs, repaired)


def pair_prf(pairs: Sequence[Pair], predicted_same: Sequence[bool]) -> PairScores:
    """Pairwise counts: predicted same story vs labeled same story."""
    tp = sum(p.same and s for p, s in zip(pairs, predicted_same, strict=True))
    return PairScores(tp, sum(predicted_same), sum(p.same for p in pairs))


def components(pairs: Sequence[Pair]) -> list[list[int]]:
    """Indexes of pairs grouped by connected component: pairs sharing a document stay together."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for p in pairs:
        parent[root(p.a)] = root(p.b)
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(pairs):
        groups.setdefault(root(p.a), []).append(i)
    return [groups[key] for key in sorted(groups)]


def folds(pairs: Sequence[Pair], k: int, seed: int = 0) -> list[int]:
    """A fold number per pair; pairs that share a document share a fold (no leak through it)."""
    groups = components(pairs)
    random.Random(seed).shuffle(groups)
    fold = [0] * len(pairs)
    for number, group in enumerate(groups):
        for i in group:
            fold[i] = number % k
    return fold


def bootstrap_difference(
    pairs: Sequence[Pair],
    ours: Sequence[bool],
    theirs: Sequence[bool],
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """F1 of ``ours`` minus F1 of ``theirs``, and its 95% bootstrap interval.

    Resamples connected components of pairs (pairs sharing a document are not
    independent), the same for both predictions, so the interval is that of
    the difference itself.
    """
    groups = components(pairs)
    rng = random.Random(seed)

    def gap(rows: Sequence[int]) -> float:
        chosen = [pairs[i] for i in rows]
        return (
            pair_prf(chosen, [ours[i] for i in rows]).f1
            - pair_prf(chosen, [theirs[i] for i in rows]).f1
        )

    gaps = sorted(gap([i for _ in groups for i in rng.choice(groups)]) for _ in range(resamples))
    return gap(range(len(pairs))), gaps[int(0.025 * resamples)], gaps[int(0.975 * resamples) - 1]


def best_threshold(
    pairs: Sequence[Pair], same_at: dict[float, Sequence[bool]], rows: Sequence[int]
) -> float:
    """The threshold whose predictions have the best F1 on ``rows`` (ties: the lower one)."""
    return max(
        sorted(same_at),
        key=lambda t: pair_prf([pairs[i] for i in rows], [same_at[t][i] for i in rows]).f1,
    )


def held_out_predictions(
    pairs: Sequence[Pair], same_at: dict[float, Sequence[bool]], k: int = 5, seed: int = 0
) -> tuple[list[bool], list[float]]:
    """Each fold predicted at the threshold chosen on the other folds, and those thresholds."""
    fold = folds(pairs, k, seed)
    predicted = [False] * len(pairs)
    chosen = []
    for f in range(k):
        train = [i for i in range(len(pairs)) if fold[i] != f]
        t = best_threshold(pairs, same_at, train)
        chosen.append(t)
        for i in range(len(pairs)):
            if fold[i] == f:
                predicted[i] = bool(same_at[t][i])
    return predicted, chosen


def cross_validated(
    pairs: Sequence[Pair], same_at: dict[float, Sequence[bool]], k: int = 5, seed: int = 0
) -> tuple[PairScores, list[float]]:
    """Held-out scores: each fold predicted at the threshold chosen on the other folds."""
    predicted, chosen = held_out_predictions(pairs, same_at, k, seed)
    return pair_prf(pairs, predicted), chosen
