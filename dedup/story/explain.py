"""``dedup explain-story A B``: the story score of two documents, and what it is made of."""

from __future__ import annotations

from typing import Any

from dedup.clean import ChromeSettings, Cleaner
from dedup.cluster.leader import published_ts
from dedup.io import read_inputs
from dedup.records import CleanDoc, Problem, Record
from dedup.story.assign import story_vectors
from dedup.story.params import StoryParams
from dedup.story.verify import explain


def _first_record(path: str) -> Record:
    for item in read_inputs([path]):
        if isinstance(item, Problem):
            raise ValueError(str(item))
        return item
    raise ValueError(f"{path}: no document found")


def _apart(a: CleanDoc, b: CleanDoc) -> float | None:
    first, second = published_ts(a.published), published_ts(b.published)
    if float("inf") in (first, second):
        return None
    return abs(first - second)


def explain_docs(a: CleanDoc, b: CleanDoc, params: StoryParams) -> dict[str, Any]:
    """Score, shared words/names/figures and the time check for two cleaned documents.

    IDF is the background model plus these two documents, as in a run of two.
    """
    va, vb = story_vectors([a.text, b.text], params)
    row: dict[str, Any] = {"a": a.id, "b": b.id}
    row.update(explain(va, vb, params.threshold).as_dict())
    apart = _apart(a, b)
    row["seconds_apart"] = apart
    row["window"] = params.window
    if apart is not None and params.window is not None and apart > params.window:
        row["same_story"] = False
        row["why_not"] = "published further apart than the story window"
    fewest = min(len(va), len(vb))
    if fewest < params.min_features:
        row["same_story"] = False
        row["why_not"] = (
            f"a text has {fewest} story features, fewer than min_features ({params.min_features})"
        )
    return row


def explain_files(
    first: str, second: str, params: StoryParams, *, fast: bool = False
) -> dict[str, Any]:
    """:func:`explain_docs` for the first document of each of two inputs."""
    cleaner = Cleaner(ChromeSettings(), fast=fast)
    docs = []
    for path in (first, second):
        doc, error = cleaner(_first_record(path))
        if error:
            raise ValueError(f"{path}: {error}")
        docs.append(doc)
    return explain_docs(docs[0], docs[1], params)
