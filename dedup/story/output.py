"""Story fields of ``dedup cluster --stories`` rows (added to the copy-level row, never renamed)."""

from __future__ import annotations

from typing import Any

from dedup.records import Assignment
from dedup.story.assign import SAME_STORY


def add_story_fields(row: dict[str, Any], assignment: Assignment) -> dict[str, Any]:
    """``story`` and ``story_score``; with ``per-story``, the reason a document was dropped."""
    row["story"] = assignment.story
    row["story_score"] = assignment.story_score
    if assignment.status == SAME_STORY:
        row["reason"] = f"same story as {assignment.story} (story score {assignment.story_score})"
    elif assignment.status == "duplicate" and assignment.dup_of != assignment.cluster:
        row["reason"] = (
            f"near-duplicate of {assignment.cluster} (similarity {assignment.similarity}), "
            f"which tells the same story as {assignment.story}"
        )
    return row
