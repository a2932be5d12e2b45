"""The learned chrome-line model: packaged file, numpy scoring, and its line features."""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.clean.features import FEATURE_NAMES, _Layout, documents_features, line_features
from dedup.clean.model import ChromeModel, ModelFormatError

ARTICLE = [
    "LONDON (Reuters) - Britain's economy grew faster than expected in the third quarter, "
    "official figures showed on Friday, easing fears of a recession as the Bank of England "
    "weighs further interest rate cuts.",
    "Gross domestic product rose 0.4% between July and September, the Office for National "
    "Statistics said, beating the 0.2% forecast in a Reuters poll of economists.",
    '"This is a welcome surprise, but the underlying picture remains fragile," said Jane '
    "Smith, chief economist at Example Capital, adding that consumer spending was still weak.",
    "Finance minister Rachel Reeves said the figures showed the government's plan was working, "
    "although opposition lawmakers said growth remained too slow to ease pressure on household "
    "budgets.",
    "The pound rose 0.3% against the dollar after the data was released, while yields on "
    "two-year government bonds, which are sensitive to rate expectations, edged higher.",
]
CHROME = [
    "Leave a Comment",
    "Your email address will not be published. Required fields are marked *",
    "Subscribe to our newsletter",
    "Copyright © 2025 Example Media. All rights reserved.",
    "Share this article on Facebook",
]


@pytest.fixture(scope="module")
def model() -> ChromeModel:
    return ChromeModel.load()


def _packaged_spec() -> dict:
    text = resources.files("dedup").joinpath("data", "chrome_model.json").read_text("utf-8")
    return json.loads(text)


# --- the packaged model -------------------------------------------------------------------


def test_packaged_model_loads_and_matches_features(model: ChromeModel) -> None:
    assert model is ChromeModel.load()  # cached
    assert model.kind in ("logistic", "gradient_boosting")
    assert 0.0 < model.threshold < 1.0
    spec = _packaged_spec()
    assert tuple(spec["feature_names"]) == FEATURE_NAMES
    assert spec["metadata"]["sklearn_version"]
    assert "ScrapingHub" in spec["metadata"]["trained_on"]
    size = len(resources.files("dedup").joinpath("data", "chrome_model.json").read_bytes())
    assert size < 300_000


def test_scores_are_probabilities_and_deterministic(model: ChromeModel) -> None:
    lines = [*ARTICLE, *CHROME, "", "x", "- Related story headline here"]
    first = model.score(lines)
    assert first.shape == (len(lines),)
    assert np.all((first >= 0.0) & (first <= 1.0))
    np.testing.assert_array_equal(first, model.score(list(lines)))
    fresh = ChromeModel(_packaged_spec())
    np.testing.assert_array_equal(first, fresh.score(lines))
    assert model.score([]).shape == (0,)


def test_chrome_block_after_article_scores_above_threshold(model: ChromeModel) -> None:
    lines = [*ARTICLE, *CHROME]
    scores = model.score(lines)
    for line, value in zip(CHROME, scores[len(ARTICLE) :], strict=True):
        assert value >= model.threshold, (line, value)
    assert model.is_chrome(lines)[len(ARTICLE) :].all()


@pytest.mark.parametrize("chrome", CHROME)
@pytest.mark.parametrize("where", ["before", "after"])
def test_each_chrome_line_scores_above_threshold(
    model: ChromeModel, chrome: str, where: str
) -> None:
    lines = [chrome, *ARTICLE] if where == "before" else [*ARTICLE, chrome]
    at = 0 if where == "before" else len(ARTICLE)
    scores = model.score(lines)
    assert scores[at] >= model.threshold, (chrome, where, scores[at])


def test_article_sentences_score_below_threshold(model: ChromeModel) -> None:
    scores = model.score([*ARTICLE, *CHROME])
    for line, value in zip(ARTICLE, scores, strict=False):
        assert value < model.threshold, (line, value)
    alone = model.score(ARTICLE)
    assert np.all(alone < model.threshold)


# --- scoring is what the model file says ---------------------------------------------------


def _tree_reference(spec: dict, x: np.ndarray) -> np.ndarray:
    """Plain per-tree traversal of the heap-ordered trees, for one feature row at a time."""
    gbm = spec["gradient_boosting"]
    depth, splits = gbm["max_depth"], 2 ** gbm["max_depth"] - 1
    out = []
    for row in x.astype(np.float64):
        raw = gbm["init"]
        for feature, threshold, value in zip(
            gbm["feature"], gbm["threshold"], gbm["value"], strict=True
        ):
            node = 0
            for _ in range(depth):
                node = 2 * node + 1 if row[feature[node]] <= threshold[node] else 2 * node + 2
            raw += gbm["learning_rate"] * value[node - splits]
        out.append(1.0 / (1.0 + math.exp(-raw)))
    return np.array(out)


def test_vectorised_trees_match_plain_traversal(model: ChromeModel) -> None:
    spec = _packaged_spec()
    if spec["kind"] != "gradient_boosting":
        pytest.skip("packaged model is not a tree ensemble")
    x = line_features([*ARTICLE, *CHROME, "", "| a | b |", "By Jane Doe", "June 9, 2025"])
    np.testing.assert_allclose(model.score_features(x), _tree_reference(spec, x), rtol=1e-12)


def test_small_hand_made_models_score_as_specified() -> None:
    width = len(FEATURE_NAMES)
    words = FEATURE_NAMES.index("words_log")
    base = {"format": "dedup-chrome-model", "version": 1, "feature_names": list(FEATURE_NAMES)}
    coef = [0.0] * width
    coef[words] = -2.0
    logistic = ChromeModel(
        {
            **base,
            "kind": "logistic",
            "threshold": 0.5,
            "scaler": {"mean": [0.0] * width, "scale": [1.0] * width},
            "logistic": {"coef": coef, "intercept": 3.0},
        }
    )
    x = line_features(["one", "a much longer line with many more words in it"])
    expected = 1.0 / (1.0 + np.exp(-(3.0 - 2.0 * x[:, words].astype(np.float64))))
    np.testing.assert_allclose(logistic.score_features(x), expected, rtol=1e-12)
    # one stump of depth 1: short lines (words_log <= 1.0) get +2, others -2
    stump = ChromeModel(
        {
            **base,
            "kind": "gradient_boosting",
            "threshold": 0.5,
            "gradient_boosting": {
                "init": 0.0,
                "learning_rate": 1.0,
                "max_depth": 1,
                "feature": [[words]],
                "threshold": [[1.0]],
                "value": [[2.0, -2.0]],
            },
        }
    )
    np.testing.assert_allclose(
        stump.score_features(x), 1.0 / (1.0 + np.exp(-np.array([2.0, -2.0]))), rtol=1e-12
    )


# --- the loader refuses what it cannot score -----------------------------------------------


def test_loader_rejects_other_feature_names(tmp_path) -> None:
    spec = _packaged_spec()
    spec["feature_names"] = [*spec["feature_names"][:-1], "renamed_feature"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ModelFormatError, match=r"feature names do not match.*renamed_feature"):
        ChromeModel.load(path)
    reordered = copy.deepcopy(_packaged_spec())
    names = reordered["feature_names"]
    names[0], names[1] = names[1], names[0]
    with pytest.raises(ModelFormatError, match="another order"):
        ChromeModel(reordered)


@pytest.mark.parametrize(
    "change",
    [
        {"format": "something-else"},
        {"version": 99},
        {"kind": "random_forest"},
        {"threshold": 1.5},
    ],
)
def test_loader_rejects_malformed_files(change: dict) -> None:
    spec = {**_packaged_spec(), **change}
    with pytest.raises(ModelFormatError):
        ChromeModel(spec)


# --- line features -------------------------------------------------------------------------


def test_feature_matrix_shape_and_type() -> None:
    x = line_features([*ARTICLE, *CHROME])
    assert x.shape == (len(ARTICLE) + len(CHROME), len(FEATURE_NAMES))
    assert x.dtype == np.float32
    assert x.flags["C_CONTIGUOUS"]
    assert line_features([]).shape == (0, len(FEATURE_NAMES))
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)


def test_every_feature_fires_somewhere() -> None:
    """Each column is filled: a document with one of everything has no all-zero column."""
    lines = [
        *ARTICLE,
        "Related: Bank of England holds rates at 5% as inflation slows",
        "- Read more: https://www.example.com/news/economy and email news@example.com",
        "- Follow us @ExampleNews #economy | Share | Tweet | Print",
        "By Jane Doe, photo: Getty Images",
        "Updated 10:30 am, June 9, 2025 (12/06/2025)",
        "1. Advertisement - Sponsored content",
        "Tags:",
        "Sign up for our newsletter →",
        "economy, inflation, GDP, « rates », the budget \u2026 more news \u203a",
        "Leave a Comment",
        "Leave a Comment",
        "WATCH THE VIDEO",
        "Copyright © 2025 Example Media. All rights reserved.",
    ]
    x = line_features(lines)
    silent = [name for name, column in zip(FEATURE_NAMES, x.T, strict=True) if not column.any()]
    assert silent == []


def test_features_count_words_like_str_split() -> None:
    lines = ["", "one", "two  words", "  padded\tline  ", "a b c d e f", "\u00a0nbsp\u2003em"]
    x = line_features(lines)
    words = np.log1p([len(line.split()) for line in lines])
    np.testing.assert_allclose(x[:, FEATURE_NAMES.index("words_log")], words, rtol=1e-6)


def test_features_do_not_depend_on_hash_seed() -> None:
    """Set iteration order (hash-seeded) must not leak into features."""
    code = (
        "import json,sys; from dedup.clean.features import line_features; "
        "lines=json.loads(sys.argv[1]); print(line_features(lines).tobytes().hex())"
    )
    lines = json.dumps([*ARTICLE, *CHROME, "Share this: related stories, more news, comments"])
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code, lines],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


line_text = st.lists(
    st.one_of(
        st.text(max_size=12),  # any code point: surrogates and astral planes included
        st.text(alphabet=" \n\t.,:;!?\"'|©@#-•()[]0123456789", max_size=6),
        st.sampled_from(["Share", "Related:", "read more", "2019-11-19", "10:30", "By ", "www."]),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(line_text, max_size=30))
def test_line_features_never_fail_and_are_finite(lines: list[str]) -> None:
    x = line_features(lines)
    assert x.shape == (len(lines), len(FEATURE_NAMES))
    assert x.dtype == np.float32
    assert np.isfinite(x).all()
    np.testing.assert_array_equal(x, line_features(lines))


@settings(max_examples=50, deadline=None)
@given(st.lists(line_text, max_size=20))
def test_model_scores_arbitrary_lines(lines: list[str]) -> None:
    scores = ChromeModel.load().score(lines)
    assert scores.shape == (len(lines),)
    assert np.all((scores >= 0.0) & (scores <= 1.0))


doc_lines = st.lists(
    st.one_of(
        line_text,
        st.sampled_from(["", "- item", "• point", "A Short Headline Like This", "Same line."]),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(doc_lines, max_size=6))
def test_a_batch_of_documents_gets_each_documents_own_features(docs: list[list[str]]) -> None:
    # positions, neighbours, runs and repeats must not leak across documents
    stacked = [line_features(doc) for doc in docs]
    expected = np.concatenate(stacked) if stacked else np.zeros((0, len(FEATURE_NAMES)))
    table = documents_features(docs)
    np.testing.assert_array_equal(table.features, expected)
    assert table.words == [len(line.split()) for doc in docs for line in doc]


def _runs_one_by_one(flags: list[bool], sizes: list[int]) -> tuple[list[int], list[int]]:
    before, after, start = [], [], 0
    for size in sizes:
        doc = flags[start : start + size]
        for i in range(size):
            j = i
            while j > 0 and doc[j - 1]:
                j -= 1
            k = i
            while k + 1 < size and doc[k + 1]:
                k += 1
            before.append(i - j)
            after.append(k - i)
        start += size
    return before, after


@given(st.lists(st.lists(st.booleans(), max_size=8), max_size=6))
def test_runs_of_flagged_lines_are_counted_within_each_document(docs: list[list[bool]]) -> None:
    sizes = [len(doc) for doc in docs]
    flags = [flag for doc in docs for flag in doc]
    before, after = _Layout(np.array(sizes, dtype=np.int64)).runs(np.array(flags, dtype=bool))
    assert (before.tolist(), after.tolist()) == _runs_one_by_one(flags, sizes)


def test_a_logistic_model_scores_a_line_the_same_in_any_batch() -> None:
    rng = np.random.default_rng(5)
    width = len(FEATURE_NAMES)
    spec = {
        "format": "dedup-chrome-model",
        "version": 1,
        "feature_names": list(FEATURE_NAMES),
        "kind": "logistic",
        "threshold": 0.5,
        "scaler": {
            "mean": rng.normal(size=width).tolist(),
            "scale": rng.uniform(0.5, 2, width).tolist(),
        },
        "logistic": {"coef": rng.normal(size=width).tolist(), "intercept": 0.3},
    }
    model = ChromeModel(spec)
    x = line_features([*ARTICLE, *CHROME] * 20)
    together = model.score_features(x)
    one_by_one = np.concatenate([model.score_features(x[i : i + 1]) for i in range(len(x))])
    np.testing.assert_array_equal(together, one_by_one)
