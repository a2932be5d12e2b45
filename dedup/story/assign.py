"""The story level over the copy level: copy clusters nested inside stories.

Stories are built over copy-cluster representatives only, and every copy takes
its representative's story, so copies always share a story (and the story
level costs nothing per extra copy). Texts too short for the copy level (a
headline, a teaser) take part too: their words are too few for shingles but
enough to name an event. Documents without text have no story.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from dedup.parallel import parallel_map
from dedup.records import Assignment, CleanDoc
from dedup.story.group import StoryDoc, StoryMembership, group_stories
from dedup.story.idf import Idf, count_documents, load_background
from dedup.story.params import StoryParams
from dedup.story.shared import drop_shared_runs
from dedup.story.terms import features
from dedup.story.verify import Vector, weigh

SAME_STORY = "same_story"


class _Features:
    """Story features of one text; built once per worker process."""

    def __call__(self, text: str) -> Counter[str]:
        return features(text)


def story_vectors(
    texts: Sequence[str],
    params: StoryParams,
    workers: int = 1,
    representative: Sequence[bool] | None = None,
) -> list[Vector]:
    """Weighted feature vectors of ``texts``, with IDF from the background plus these texts.

    The features of each text (most of the story level's time) are found in
    ``workers`` processes; the IDF and the weighting need them all, and run here.
    Shared runs are those of the ``representative`` texts (all, by default).
    """
    if params.shared_run is not None:
        texts = drop_shared_runs(texts, params.shared_run, representative)
    counts = list(parallel_map(_Features, texts, workers, chunk_size=32))
    total, df = count_documents(counts)
    idf = Idf(load_background(params.background), total, df)
    return [weigh(c, idf, params) for c in counts]


def story_docs(
    docs: Sequence[CleanDoc],
    words: Sequence[int],
    params: StoryParams,
    workers: int = 1,
    representative: Sequence[bool] | None = None,
) -> list[StoryDoc]:
    """Documents ready for :func:`group_stories` (``words`` fixes the representative order;
    ``representative``: which are copy-cluster representatives, not too-short texts)."""
    vectors = story_vectors([d.text for d in docs], params, workers, representative)
    return [
        StoryDoc(d.id, n, d.published, v if len(v) >= params.min_features else {})
        for d, n, v in zip(docs, words, vectors, strict=True)
    ]


def assign_stories(
    docs: Sequence[CleanDoc],
    words: Sequence[int],
    assignments: Sequence[Assignment],
    params: StoryParams,
    workers: int = 1,
) -> list[Assignment]:
    """``assignments`` with ``story`` and ``story_score`` set (and, ``per-story``, one kept
    representative per story)."""
    reps = representatives(assignments)
    kept = [assignments[i].status == "kept" for i in reps]
    ready = story_docs([docs[i] for i in reps], [words[i] for i in reps], params, workers, kept)
    return with_stories(assignments, reps, group_stories(ready, params), params)


_STORY_STATUSES = ("kept", "too_short")


def representatives(assignments: Sequence[Assignment]) -> list[int]:
    """Positions of the documents stories are built over: the copy clusters'
    representatives, and the texts too short to be compared as copies."""
    return [i for i, a in enumerate(assignments) if a.status in _STORY_STATUSES]


def with_stories(
    assignments: Sequence[Assignment],
    reps: Sequence[int],
    grouped: Sequence[StoryMembership],
    params: StoryParams,
) -> list[Assignment]:
    """Every copy takes the story its representative (``reps[i]``) got in ``grouped[i]``."""
    by_cluster = {assignments[i].cluster: m for i, m in zip(reps, grouped, strict=True)}
    out = [_with_story(a, by_cluster) for a in assignments]
    if params.keep == "per-story":
        out = [_per_story(a) for a in out]
    return out


def _with_story(a: Assignment, by_cluster: dict[str | None, StoryMembership]) -> Assignment:
    if a.status == "no_text":
        return replace(a, story=None, story_score=None)
    member = by_cluster.get(a.cluster)
    if member is None:
        return replace(a, story=a.id, story_score=1.0)
    return replace(a, story=member.story, story_score=member.score)


def _per_story(a: Assignment) -> Assignment:
    """Keep only the story's representative; everything else points at it."""
    if a.story is None or a.story == a.cluster:
        return a
    if a.kept:
        return replace(a, kept=False, dup_of=a.story, status=SAME_STORY)
    return replace(a, dup_of=a.story)
