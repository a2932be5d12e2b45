"""The library API: what the CLI calls, importable by users.

>>> import dedup
>>> result = dedup.cluster(dedup.read_inputs(["samples/"]))
>>> [a.id for a in result.assignments if a.kept]   # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dedup.clean import ChromeSettings
from dedup.cluster import cluster_sketches
from dedup.config import Params
from dedup.parallel import default_workers
from dedup.pipeline import DocSketcher, clean_all, only_records, prepare_all
from dedup.records import Assignment, CleanDoc, Problem, Record
from dedup.story import StoryParams, assign_stories
from dedup.stream import filter_stream

ProblemHandler = Callable[[Problem], None]
# The streaming filter against a persistent index (dedup.stream, dedup.index.store).
__all__ = ["ClusterResult", "Stats", "clean", "cluster", "filter_stream"]


@dataclass
class Stats:
    """Counts for the run summary; every input is in exactly one of the counts."""

    documents: int = 0
    clusters: int = 0
    duplicates: int = 0
    no_text: int = 0
    stories: int = 0
    problems: int = 0
    ignored: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, float | int]:
        return dict(self.__dict__)


@dataclass
class ClusterResult:
    """Documents in input order, each with its assignment and any no-text reason."""

    docs: list[CleanDoc]
    assignments: list[Assignment]
    errors: list[str | None]
    problems: list[Problem] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)


def _collector(problems: list[Problem], on_problem: ProblemHandler | None) -> ProblemHandler:
    def handle(problem: Problem) -> None:
        problems.append(problem)
        if on_problem is not None:
            on_problem(problem)

    return handle


def clean(
    items: Iterable[Record | Problem],
    settings: ChromeSettings | None = None,
    *,
    workers: int | None = None,
    fast: bool = False,
    on_problem: ProblemHandler | None = None,
) -> list[tuple[CleanDoc, str | None]]:
    """Clean each record; ``(doc, reason)`` pairs in input order, reason explaining an empty text.

    The corpus pass (lines repeated across a site's documents) needs every
    document, so this returns a list rather than a stream.
    """
    records = only_records(items, on_problem or (lambda _p: None))
    return clean_all(records, settings or ChromeSettings(), workers or default_workers(), fast)


def cluster(
    items: Iterable[Record | Problem],
    params: Params | None = None,
    settings: ChromeSettings | None = None,
    *,
    workers: int | None = None,
    fast: bool = False,
    on_problem: ProblemHandler | None = None,
    on_progress: Callable[[int], None] | None = None,
    stories: StoryParams | bool = False,
) -> ClusterResult:
    """Clean, sketch and cluster all records; deterministic whatever the input order.

    With ``stories`` (``True`` or :class:`StoryParams`), copy clusters are also
    grouped into stories: every assignment gets ``story`` and ``story_score``.
    """
    params = params or Params()
    started = time.perf_counter()
    problems: list[Problem] = []
    records = only_records(items, _collector(problems, on_problem))
    prepared = prepare_all(
        records,
        params,
        settings or ChromeSettings(),
        workers or default_workers(),
        fast,
        on_progress,
        keep_shingles=False,
    )
    sketcher = DocSketcher(params)
    assignments = cluster_sketches(
        [p.sketch for p in prepared],
        params,
        release=True,
        shingles_of=lambda i: sketcher.shingles(prepared[i].doc),
    )
    if stories:
        story_params = stories if isinstance(stories, StoryParams) else StoryParams()
        docs, words = [p.doc for p in prepared], [p.sketch.words for p in prepared]
        assignments = assign_stories(
            docs, words, assignments, story_params, workers or default_workers()
        )
    result = ClusterResult(
        docs=[p.doc for p in prepared],
        assignments=assignments,
        errors=[p.error for p in prepared],
        problems=problems,
    )
    result.stats = _stats(result, time.perf_counter() - started)
    return result


def _stats(result: ClusterResult, seconds: float) -> Stats:
    statuses = [a.status for a in result.assignments]
    return Stats(
        documents=len(statuses),
        clusters=len({a.cluster for a in result.assignments if a.cluster is not None}),
        duplicates=statuses.count("duplicate"),
        no_text=statuses.count("no_text"),
        stories=len({a.story for a in result.assignments if a.story is not None}),
        problems=sum(1 for p in result.problems if not p.ignored),
        ignored=sum(1 for p in result.problems if p.ignored),
        seconds=round(seconds, 3),
    )
