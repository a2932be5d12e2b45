"""The learned chrome-line model: per-line probability of being page chrome.

The model file is JSON (no pickle, no scikit-learn at run time): the feature
names it was trained on, the decision threshold, training metadata, and the
parameters of one of two model kinds, scored here with numpy only:

- ``"logistic"``: a standard scaler (``mean``, ``scale``) followed by
  logistic regression (``coef``, ``intercept``);
- ``"gradient_boosting"``: boosted regression trees on the log-odds scale
  (``init`` + ``learning_rate`` * sum of tree leaf values, then the logistic
  function). Every tree is stored as a complete binary tree of depth
  ``max_depth`` (at most 3) in heap order: ``feature`` and ``threshold`` hold
  the ``2**depth - 1`` split nodes (node ``i`` has children ``2i+1``, left,
  taken when ``x[feature] <= threshold``, and ``2i+2``), ``value`` the
  ``2**depth`` leaves, left to right; a leaf shallower than ``max_depth`` is
  stored as splits whose subtrees all hold its value. Scoring evaluates all
  splits of all trees in one comparison, packs each tree's split outcomes
  into a byte, and looks the leaf value up in a (tree, byte) table built at
  load time.

The packaged model is ``dedup/data/chrome_model.json``, written by
``python -m bench.train_chrome`` (which also documents the training data).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from dedup.clean.features import FEATURE_NAMES, line_features

FORMAT = "dedup-chrome-model"
FORMAT_VERSION = 1
PACKAGED = "chrome_model.json"
_MAX_DEPTH = 3  # split outcomes of one tree must fit in a byte


class ModelFormatError(ValueError):
    """The model file is not a chrome model this code can score."""


class ChromeModel:
    """Scores each line of a document with the probability that it is chrome."""

    def __init__(self, spec: dict[str, Any], source: str = "<dict>") -> None:
        if spec.get("format") != FORMAT or spec.get("version") != FORMAT_VERSION:
            raise ModelFormatError(
                f"{source}: not a {FORMAT} version {FORMAT_VERSION} file "
                f"(format={spec.get('format')!r}, version={spec.get('version')!r})"
            )
        names = tuple(spec.get("feature_names") or ())
        if names != FEATURE_NAMES:
            missing = [n for n in FEATURE_NAMES if n not in names]
            extra = [n for n in names if n not in FEATURE_NAMES]
            raise ModelFormatError(
                f"{source}: the model's feature names do not match dedup.clean.features "
                f"(model has {len(names)}, code has {len(FEATURE_NAMES)}; "
                f"missing from model: {missing[:5]}, unknown to code: {extra[:5]}"
                f"{'' if missing or extra else ', same names in another order'}); "
                "retrain with `python -m bench.train_chrome`"
            )
        self.kind: str = spec["kind"]
        self.threshold: float = float(spec["threshold"])
        self.metadata: dict[str, Any] = dict(spec.get("metadata") or {})
        self.source = source
        width = len(FEATURE_NAMES)
        if self.kind == "logistic":
            self._mean = np.asarray(spec["scaler"]["mean"], dtype=np.float64)
            scale = np.asarray(spec["scaler"]["scale"], dtype=np.float64)
            coef = np.asarray(spec["logistic"]["coef"], dtype=np.float64)
            if not (self._mean.shape == scale.shape == coef.shape == (width,)):
                raise ModelFormatError(f"{source}: scaler/coef sizes differ from {width}")
            self._weights = coef / scale  # (x - mean) / scale @ coef, folded
            self._bias = float(spec["logistic"]["intercept"]) - float(self._mean @ self._weights)
        elif self.kind == "gradient_boosting":
            gbm = spec["gradient_boosting"]
            self._init = float(gbm["init"])
            self._rate = float(gbm["learning_rate"])
            depth = int(gbm["max_depth"])
            if not 1 <= depth <= _MAX_DEPTH:
                raise ModelFormatError(f"{source}: max_depth {depth} not in 1..{_MAX_DEPTH}")
            self._feature = np.asarray(gbm["feature"], dtype=np.intp)
            self._split = np.asarray(gbm["threshold"], dtype=np.float64)
            value = np.asarray(gbm["value"], dtype=np.float64)
            trees = self._feature.shape[0] if self._feature.ndim == 2 else -1
            if (
                self._feature.shape != (trees, 2**depth - 1)
                or self._split.shape != self._feature.shape
                or value.shape != (trees, 2**depth)
            ):
                raise ModelFormatError(
                    f"{source}: tree arrays must be (trees, {2**depth - 1}) splits and "
                    f"(trees, {2**depth}) leaves"
                )
            if self._feature.size and (self._feature.min() < 0 or self._feature.max() >= width):
                raise ModelFormatError(f"{source}: tree feature index out of range")
            # Splits padded to 8 per tree (a padding split never goes left), so each tree's
            # outcomes pack into one byte; thresholds as the largest float32 not above
            # them, which compares float32 features exactly as the float64 value would.
            self._feature8 = np.zeros((trees, 8), dtype=np.intp)
            self._feature8[:, : 2**depth - 1] = self._feature
            split32 = self._split.astype(np.float32)
            split32 = np.where(split32 > self._split, np.nextafter(split32, -np.inf), split32)
            self._split8 = np.full((trees, 8), -np.inf, dtype=np.float32)
            self._split8[:, : 2**depth - 1] = split32
            # the leaf value reached by each byte of outcomes (bit j: split j goes left)
            self._leaf_value = value[:, _leaf_of_bits(depth)].ravel()  # (trees * 256,)
            self._tree_offset = np.arange(trees) * 256
        else:
            raise ModelFormatError(f"{source}: unknown model kind {self.kind!r}")
        if not 0.0 < self.threshold < 1.0:
            raise ModelFormatError(f"{source}: threshold {self.threshold} not in (0, 1)")

    @classmethod
    def load(cls, path: str | Path | None = None) -> ChromeModel:
        """The model at ``path``, or the packaged one (read once, then cached)."""
        if path is None:
            return _packaged()
        path = Path(path)
        return cls(json.loads(path.read_text(encoding="utf-8")), source=str(path))

    def score(self, lines: Sequence[str]) -> np.ndarray:
        """Probability, per line, that the line is chrome (float64, in [0, 1])."""
        return self.score_features(line_features(lines))

    def is_chrome(self, lines: Sequence[str], threshold: float | None = None) -> np.ndarray:
        """Boolean mask: lines scoring at or above the threshold (the model's by default)."""
        return self.score(lines) >= (self.threshold if threshold is None else threshold)

    def score_features(self, features: np.ndarray) -> np.ndarray:
        """Probabilities for a feature matrix from :func:`line_features`."""
        if features.ndim != 2 or features.shape[1] != len(FEATURE_NAMES):
            raise ValueError(f"expected (n, {len(FEATURE_NAMES)}) features, got {features.shape}")
        if features.shape[0] == 0:
            return np.zeros(0, dtype=np.float64)
        if self.kind == "logistic":
            # row by row: a matrix product's rounding would depend on the rows around a line
            raw = (features * self._weights).sum(axis=1) + self._bias
        else:
            raw = self._init + self._rate * self._tree_sum(features)
        return 1.0 / (1.0 + np.exp(-np.clip(raw, -50.0, 50.0)))

    def _tree_sum(self, features: np.ndarray) -> np.ndarray:
        x = features.astype(np.float32, copy=False)
        go_left = x[:, self._feature8] <= self._split8  # (lines, trees, 8), C order
        bits = np.packbits(go_left.ravel(), bitorder="little").reshape(len(x), -1)
        return self._leaf_value[bits + self._tree_offset].sum(axis=1)


def _leaf_of_bits(depth: int) -> np.ndarray:
    """For each byte of split outcomes (bit j set: split node j goes left), the leaf reached."""
    bits = np.arange(256)
    node = np.zeros(256, dtype=np.intp)
    for _ in range(depth):
        left = (bits >> node) & 1
        node = 2 * node + 2 - left
    return node - (2**depth - 1)


@functools.lru_cache(maxsize=1)
def _packaged() -> ChromeModel:
    ref = resources.files("dedup").joinpath("data", PACKAGED)
    try:
        text = ref.read_text(encoding="utf-8")
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f"packaged chrome model missing ({ref}); build it with `python -m bench.train_chrome`"
        ) from err
    return ChromeModel(json.loads(text), source=f"dedup/data/{PACKAGED}")
