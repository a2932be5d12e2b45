"""Inverse document frequencies: a shipped background model plus the run's own counts.

A rare word is evidence that two texts tell the same story only if it is rare
in news at large, and one run may be too small (or too single-minded) to know.
``dedup/data/story_idf.json`` holds document frequencies of the most common
features in a background set of news articles (built by
``python -m bench.build_idf``); each run adds its own documents' counts to
them. The sum does not depend on the order of the documents, and nothing
needs the whole history in memory: the background is capped, and a run's
counts are thrown away after the run.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

MODEL_FILE = "story_idf.json"
FORMAT = "dedup-story-idf/1"


@dataclass(frozen=True)
class Background:
    """Document frequencies of features over ``documents`` background articles."""

    documents: int
    df: Mapping[str, int]

    def to_json(self, source: str) -> str:
        payload = {"format": FORMAT, "source": source, "documents": self.documents}
        payload["df"] = dict(sorted(self.df.items(), key=lambda kv: (-kv[1], kv[0])))
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Background:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} model")
        return cls(int(data["documents"]), {str(k): int(v) for k, v in data["df"].items()})


def count_documents(docs: Iterable[Iterable[str]]) -> tuple[int, Counter[str]]:
    """(number of documents, document frequency of each feature) for feature collections."""
    df: Counter[str] = Counter()
    total = 0
    for feats in docs:
        df.update(set(feats))
        total += 1
    return total, df


def build_background(docs: Iterable[Iterable[str]], vocabulary: int, min_df: int) -> Background:
    """The ``vocabulary`` most frequent features seen in at least ``min_df`` documents."""
    total, df = count_documents(docs)
    kept = sorted((kv for kv in df.items() if kv[1] >= min_df), key=lambda kv: (-kv[1], kv[0]))
    return Background(total, dict(kept[:vocabulary]))


@cache
def shipped_background() -> Background:
    """The model in the package (read once per process)."""
    text = resources.files("dedup").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    return Background.from_json(text)


def load_background(path: Path | None) -> Background:
    """``path``'s model, or the shipped one."""
    if path is None:
        return shipped_background()
    return Background.from_json(path.read_text(encoding="utf-8"))


class Idf:
    """Smoothed IDF over background plus run counts: ``ln((1 + N) / (1 + df)) + 1``."""

    def __init__(self, background: Background, run_docs: int, run_df: Mapping[str, int]) -> None:
        self._background = background
        self._run_df = run_df
        self._total = 1 + background.documents + run_docs
        self._memo: dict[str, float] = {}

    def df(self, feature: str) -> int:
        return self._background.df.get(feature, 0) + self._run_df.get(feature, 0)

    def __call__(self, feature: str) -> float:
        value = self._memo.get(feature)
        if value is None:
            value = self._memo[feature] = math.log(self._total / (1 + self.df(feature))) + 1.0
        return value
