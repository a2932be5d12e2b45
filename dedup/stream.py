"""The streaming filter: decide each record as it arrives, against a persistent index.

Records are cleaned and sketched in worker processes, at most ``window`` in
flight, and come back in input order; each is then decided against the index
(:meth:`dedup.index.store.IndexStore.decide`) and handed on at once. Memory
stays flat however long the stream: nothing is kept per record once it is
decided, except what the index stores.

The cleaner's corpus pass (lines repeated across a site's documents) needs
the whole corpus, so it does not run here; the per-document rules and the
line model do.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from dedup.clean import ChromeSettings
from dedup.cluster.online import judge_for
from dedup.config import Params
from dedup.index.store import Entry, IndexStore
from dedup.parallel import _init_worker, _run_chunk, worker_context
from dedup.pipeline import Prepared, Preparer
from dedup.records import Assignment, CleanDoc, Problem, Record

# Adds fields to a kept record's output row (e.g. a story id); None adds nothing.
Annotator = Callable[[CleanDoc, Assignment], dict[str, Any]]


@dataclass(slots=True)
class Outcome:
    """One input, decided: a problem, or a record with its cleaned document and assignment."""

    problem: Problem | None = None
    record: Record | None = None
    doc: CleanDoc | None = None
    assignment: Assignment | None = None
    error: str | None = None
    replayed: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class FilterStats:
    """Every input is counted once: kept, duplicates, no_text or problems."""

    records: int = 0
    kept: int = 0
    duplicates: int = 0
    replayed: int = 0
    too_short: int = 0
    no_text: int = 0
    problems: int = 0
    seconds: float = 0.0

    def add(self, outcome: Outcome) -> None:
        if outcome.problem is not None:
            self.problems += 0 if outcome.problem.ignored else 1
            return
        assert outcome.assignment is not None
        self.records += 1
        status = outcome.assignment.status
        self.kept += outcome.assignment.kept
        self.duplicates += status == "duplicate"
        self.too_short += status == "too_short"
        self.no_text += status == "no_text"
        self.replayed += outcome.replayed


def _ordered(
    items: Iterable[Record | Problem],
    fn_factory: Callable[[], Callable[[Record], Prepared]],
    workers: int,
) -> Iterator[tuple[Record | Problem, Prepared | None]]:
    """``(item, prepared)`` in input order, never more than ``workers * 4`` in flight.

    A reader thread submits records as they arrive (it never waits for a
    batch to fill), so a slow upstream sees each answer as soon as it is ready.
    """
    if workers <= 1:
        fn = fn_factory()
        for item in items:
            yield item, fn(item) if isinstance(item, Record) else None
        return
    ctx = worker_context(fn_factory)
    inflight: queue.Queue[Any] = queue.Queue(maxsize=workers * 4)
    done = object()
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_init_worker, initargs=(fn_factory,)
    ) as pool:

        def read() -> None:
            try:
                for item in items:
                    future = pool.submit(_run_chunk, [item]) if isinstance(item, Record) else None
                    inflight.put((item, future))
                inflight.put(done)
            except BaseException as err:  # handed to the consumer, which re-raises it
                inflight.put(err)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        while (got := inflight.get()) is not done:
            if isinstance(got, BaseException):
                raise got
            item, future = got
            yield item, _result(future)
        reader.join()


def _result(future: Future[list[Prepared]] | None) -> Prepared | None:
    return None if future is None else future.result()[0]


def filter_stream(
    items: Iterable[Record | Problem],
    store: IndexStore,
    params: Params,
    settings: ChromeSettings,
    *,
    workers: int = 1,
    fast: bool = False,
    annotators: tuple[Annotator, ...] = (),
) -> Iterator[Outcome]:
    """Decide every input in order; kept records are admitted to ``store`` before they are yielded."""
    judge = judge_for(params)
    for item, prepared in _ordered(items, partial(Preparer, params, settings, fast), workers):
        if isinstance(item, Problem):
            yield Outcome(problem=item)
            continue
        assert prepared is not None
        outcome = _decide(item, prepared, store, params, judge)
        if outcome.assignment is not None and outcome.assignment.kept:
            for annotate in annotators:
                outcome.fields.update(annotate(prepared.doc, outcome.assignment))
        yield outcome


def _decide(
    record: Record, prepared: Prepared, store: IndexStore, params: Params, judge
) -> Outcome:
    doc, sketch = prepared.doc, prepared.sketch
    if not sketch.has_text:
        assignment = Assignment(doc.id, None, False, None, None, "no_text")
        return Outcome(record=record, doc=doc, assignment=assignment, error=prepared.error)
    if sketch.words < params.min_words:
        assignment = Assignment(doc.id, doc.id, True, None, 1.0, "too_short")
        return Outcome(record=record, doc=doc, assignment=assignment)
    entry = Entry(
        id=doc.id,
        signature=sketch.signature,
        shingles=sketch.shingles,
        words=sketch.words,
        url=doc.url,
        title=doc.title,
        published=doc.published,
    )
    decision = store.decide(entry, judge)
    if decision.status == "kept":
        assignment = Assignment(doc.id, doc.id, True, None, 1.0, "kept")
    else:
        assignment = Assignment(
            doc.id, decision.dup_of, False, decision.dup_of, decision.similarity, "duplicate"
        )
    return Outcome(record=record, doc=doc, assignment=assignment, replayed=decision.replayed)


def timed(outcomes: Iterable[Outcome], stats: FilterStats) -> Iterator[Outcome]:
    """Count outcomes into ``stats`` as they pass, and the elapsed time."""
    started = time.perf_counter()
    for outcome in outcomes:
        stats.add(outcome)
        yield outcome
        stats.seconds = round(time.perf_counter() - started, 3)
