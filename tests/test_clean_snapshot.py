"""The cleaner's answers on the project's samples, pinned, so that a change to line features,
rules or the model that alters them is made on purpose.

Batching, gating and other speed-ups must leave this file's snapshot as it is. After a change
meant to alter what is removed (new rules, a retrained model), write it again and review the
diff: ``DEDUP_WRITE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_clean_snapshot.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import xxhash

from dedup.clean import Cleaner
from dedup.clean.features import documents_features
from dedup.clean.model import ChromeModel
from dedup.io import read_inputs
from dedup.records import Record
from tests.conftest import ROOT

SNAPSHOT = ROOT / "tests" / "data" / "clean_snapshot.json"


def _samples() -> list[Record]:
    items = read_inputs([str(ROOT / "samples" / "seeds"), str(ROOT / "samples" / "html")])
    return sorted((item for item in items if isinstance(item, Record)), key=lambda r: r.id)


def _answers() -> dict[str, dict[str, object]]:
    model = ChromeModel.load()
    answers = {}
    for record, (doc, error) in zip(_samples(), Cleaner().many(_samples()), strict=True):
        lines = doc.text.split("\n") if doc.text else []
        features = documents_features([lines]).features
        scores = model.score_features(features)
        answers[str(Path(record.id).relative_to(ROOT))] = {
            "error": error,
            "removed": [removal.as_dict() for removal in doc.removed],
            "kept_lines": len(lines),
            # rounded first: the last bits of log1p and exp may differ between CPUs
            "features_xxh3": _digest(features.astype(np.float64), 4),
            "scores_xxh3": _digest(scores, 6),
        }
    return answers


def _digest(values: np.ndarray, decimals: int) -> str:
    return xxhash.xxh3_64_hexdigest(np.round(values, decimals).tobytes())


def test_the_cleaner_gives_the_pinned_answers_on_the_samples():
    answers = _answers()
    if os.environ.get("DEDUP_WRITE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(answers, indent=1, ensure_ascii=False) + "\n", "utf-8")
    pinned = json.loads(SNAPSHOT.read_text("utf-8"))
    assert sorted(answers) == sorted(pinned)
    for doc_id, answer in answers.items():
        assert answer == pinned[doc_id], doc_id
    assert sum(len(a["removed"]) for a in answers.values()) > 10  # the samples hold chrome
