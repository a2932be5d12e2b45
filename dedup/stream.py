"""The streaming filter: decide each record as it arrives, against a persistent index.

Records are cleaned and sketched in worker processes, a bounded number in
flight, and come back in input order; they are then decided against the index
(:meth:`dedup.index.store.IndexStore.decide_many`) and handed on at once: the
next record with whatever after it is already prepared, in one transaction. Memory
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from dedup.clean import ChromeSettings
from dedup.cluster.online import judge_for
from dedup.config import Params
from dedup.index.store import Decision, Entry, IndexStore, Judge
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


# A batch of decisions (one index transaction) holds at most this many records, and
# stops taking more once filling it has taken this long: a slow upstream never waits.
BATCH = 64
BATCH_SECONDS = 0.05
_END = object()


class _InOrder:
    """Prepared inputs in input order, with a way to take the next only if it is ready.

    A reader thread pulls inputs as they arrive, so the consumer can tell what
    is already there; with workers it also submits each record at once (it never
    waits for a batch to fill). At most ``BATCH * 2`` inputs are held.
    """

    def __init__(
        self,
        items: Iterable[Record | Problem],
        prepare: Callable[[Record], Prepared] | None,
        pool: ProcessPoolExecutor | None,
    ) -> None:
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=BATCH * 2)
        self.prepare = prepare
        self.pool = pool
        self.head: Any = None
        self.finished = False
        threading.Thread(target=self._read, args=(items,), daemon=True).start()

    def _read(self, items: Iterable[Record | Problem]) -> None:
        try:
            for item in items:
                work = item
                if self.pool is not None and isinstance(item, Record):
                    work = self.pool.submit(_run_chunk, [item])
                self.queue.put((item, work))
            self.queue.put(_END)
        except BaseException as err:  # handed to the consumer, which re-raises it
            self.queue.put(err)

    def take(self, block: bool) -> tuple[Record | Problem, Prepared | None] | None:
        """The next ``(input, prepared)``; ``None`` at the end, or if not ready and not ``block``.

        An error (reading the input, or preparing a record) waits for a blocking
        call, so the records taken before it are decided and handed on first.
        """
        if self.finished:
            return None
        if self.head is None:
            try:
                self.head = self.queue.get(block=block)
            except queue.Empty:
                return None
        got = self.head
        if got is _END:
            self.finished = True
            return None
        if isinstance(got, BaseException):
            if not block:
                return None
            self.head = None
            raise got
        item, work = got
        if isinstance(work, Future) and not block and not work.done():
            return None
        try:
            prepared = self._prepared(item, work)
        except Exception as err:
            self.head = err  # raised, like a reading error, by the next blocking call
            return self.take(block)
        self.head = None
        return item, prepared

    def _prepared(self, item: Record | Problem, work: Any) -> Prepared | None:
        if not isinstance(item, Record):
            return None
        if isinstance(work, Future):
            return work.result()[0]
        assert self.prepare is not None
        return self.prepare(item)


@contextmanager
def _prepared_in_order(
    items: Iterable[Record | Problem],
    fn_factory: Callable[[], Callable[[Record], Prepared]],
    workers: int,
) -> Iterator[_InOrder]:
    if workers <= 1:
        yield _InOrder(items, fn_factory(), None)
        return
    ctx = worker_context(fn_factory)
    pool = ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_init_worker, initargs=(fn_factory,)
    )
    try:
        yield _InOrder(items, None, pool)
    finally:  # a consumer that stops early does not wait for records nobody will read
        pool.shutdown(wait=True, cancel_futures=True)


def _batches(source: _InOrder) -> Iterator[list[tuple[Record | Problem, Prepared | None]]]:
    """The next input (waiting for it), then whatever after it is ready, up to ``BATCH``."""
    while (first := source.take(block=True)) is not None:
        batch = [first]
        started = time.perf_counter()
        while len(batch) < BATCH and time.perf_counter() - started < BATCH_SECONDS:
            more = source.take(block=False)
            if more is None:
                break
            batch.append(more)
        yield batch


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
    """Decide every input in order; kept records are admitted to ``store`` before they are yielded.

    Inputs that are ready together are decided in one store transaction. To know
    what is ready, ``items`` is iterated in a background thread, up to
    ``2 * BATCH`` inputs ahead: it must not be tied to the calling thread.
    """
    judge = judge_for(params)
    factory = partial(Preparer, params, settings, fast)
    with _prepared_in_order(items, factory, workers) as source:
        for batch in _batches(source):
            yield from _decide_batch(batch, store, params, judge, annotators)


def _decide_batch(
    batch: list[tuple[Record | Problem, Prepared | None]],
    store: IndexStore,
    params: Params,
    judge: Judge,
    annotators: tuple[Annotator, ...],
) -> Iterator[Outcome]:
    outcomes: list[Outcome] = []
    waiting: list[tuple[Outcome, Entry]] = []
    for item, prepared in batch:
        if isinstance(item, Problem):
            outcomes.append(Outcome(problem=item))
            continue
        assert prepared is not None
        outcome, entry = _settle(item, prepared, params)
        outcomes.append(outcome)
        if entry is not None:
            waiting.append((outcome, entry))
    decisions = store.decide_many([entry for _, entry in waiting], judge)
    for (outcome, entry), decision in zip(waiting, decisions, strict=True):
        outcome.assignment = _assignment(entry.id, decision)
        outcome.replayed = decision.replayed
    for outcome in outcomes:
        if outcome.doc is not None and outcome.assignment is not None and outcome.assignment.kept:
            for annotate in annotators:
                outcome.fields.update(annotate(outcome.doc, outcome.assignment))
        yield outcome


def _settle(record: Record, prepared: Prepared, params: Params) -> tuple[Outcome, Entry | None]:
    """The outcome of a record the index need not see, or the entry to ask it about."""
    doc, sketch = prepared.doc, prepared.sketch
    if not sketch.has_text:
        assignment = Assignment(doc.id, None, False, None, None, "no_text")
        return Outcome(record=record, doc=doc, assignment=assignment, error=prepared.error), None
    if sketch.words < params.min_words:
        assignment = Assignment(doc.id, doc.id, True, None, 1.0, "too_short")
        return Outcome(record=record, doc=doc, assignment=assignment), None
    entry = Entry(
        id=doc.id,
        signature=sketch.signature,
        shingles=sketch.shingles,
        words=sketch.words,
        url=doc.url,
        title=doc.title,
        published=doc.published,
    )
    return Outcome(record=record, doc=doc), entry


def _assignment(doc_id: str, decision: Decision) -> Assignment:
    if decision.status == "kept":
        return Assignment(doc_id, doc_id, True, None, 1.0, "kept")
    return Assignment(
        doc_id, decision.dup_of, False, decision.dup_of, decision.similarity, "duplicate"
    )


def timed(outcomes: Iterable[Outcome], stats: FilterStats) -> Iterator[Outcome]:
    """Count outcomes into ``stats`` as they pass, and the elapsed time."""
    started = time.perf_counter()
    for outcome in outcomes:
        stats.add(outcome)
        yield outcome
        stats.seconds = round(time.perf_counter() - started, 3)
