"""An ordered, memory-bounded parallel map over a stream, for the CPU-heavy stages.

``multiprocessing.Pool.imap`` reads its whole input ahead; here at most
``window`` chunks are in flight, so memory stays flat on endless streams.
With one worker everything runs in this process (no pickling, no start-up).
With more, the first second of work is done here too: starting workers costs
more than a second on a small machine (a fork server imports trafilatura,
numpy and datasketch), so a small input finishes before they would be ready.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_worker_fn: Callable[[Any], Any] | None = None

SERIAL_SECONDS = 1.0
"""Seconds of work :func:`parallel_map` does in this process before it starts workers."""


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def start_method() -> str:
    """``forkserver`` (safe with threads), or ``fork`` when workers could not re-import ``__main__``.

    Workers started by a server re-import the main script by path; a script
    piped in (``python - <<EOF``) has no path, and would kill every worker.
    """
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    if path is not None and not os.path.exists(path):
        return "fork"
    return "forkserver"


def worker_context(factory: Callable[[], Any]) -> multiprocessing.context.BaseContext:
    """The context to start workers with; a fork server imports the worker's modules once.

    Without the preload every worker imports numpy, the line model and (for
    HTML) trafilatura itself (up to a second of CPU each, on the cores that
    should be working); with it, workers are forked from a server that has
    imported them already. The factory's module is preloaded, and so are the
    modules its class lists in a ``preload`` attribute (imported lazily by the
    main process, which may never need them).
    """
    method = start_method()
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        target = _target_of(factory)
        modules = [getattr(target, "__module__", __name__), *getattr(target, "preload", ())]
        ctx.set_forkserver_preload(["__main__", *modules])
    return ctx


def _target_of(factory: Callable[[], Any]) -> Any:
    return factory.func if isinstance(factory, partial) else factory


def _init_worker(factory: Callable[[], Callable[[Any], Any]]) -> None:
    """Build the worker's function, and exit when the parent process dies.

    A parent killed with SIGKILL cannot shut its pool down; without the
    watcher thread its workers would wait for work forever.
    """
    global _worker_fn
    _worker_fn = factory()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def _run_chunk(chunk: list[Any]) -> list[Any]:
    assert _worker_fn is not None
    return apply_to_chunk(_worker_fn, chunk)


def apply_to_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    """``fn`` on every item; through its ``many`` method, when it has one, in a single call."""
    many = getattr(fn, "many", None)
    if many is None:
        return [fn(item) for item in chunk]
    results = many(chunk)
    if len(results) != len(chunk):
        raise RuntimeError(f"{type(fn).__name__}.many gave {len(results)} results for {len(chunk)}")
    return results


def parallel_map(
    factory: Callable[[], Callable[[T], R]],
    items: Iterable[T],
    workers: int,
    chunk_size: int = 8,
    weight: Callable[[T], int] | None = None,
    chunk_weight: int = 0,
    serial_seconds: float | None = None,
) -> Iterator[R]:
    """Yield ``fn(item)`` in input order, where ``fn = factory()`` is built once per process.

    A chunk holds at most ``chunk_size`` items and, when ``weight`` is given,
    closes once its items weigh ``chunk_weight``: heavy items (HTML pages) go
    out a few at a time, so no worker is left with a long last chunk. A
    function with a ``many`` method gets each chunk in one call, also with one
    worker, so it can share work across the items (one numpy pass for all).
    Items are read a chunk ahead, and an error in a chunk loses its results.

    With ``workers`` > 1, chunks are worked on in this process until that has
    taken ``serial_seconds`` (default :data:`SERIAL_SECONDS`); only then do
    workers start, and this process goes on with chunks of its own until the
    first of them is ready.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    stream = iter(items)
    chunks = iter(partial(_next_chunk, stream, chunk_size, weight, chunk_weight), [])
    local = _Local(factory)
    if workers <= 1:
        for chunk in chunks:
            yield from local.run(chunk)
        return
    limit = SERIAL_SECONDS if serial_seconds is None else serial_seconds
    for chunk in chunks:
        yield from local.run(chunk)
        if local.spent >= limit:
            break
    else:
        return
    yield from _in_workers(factory, chunks, workers, local)


class _Local:
    """The function built in this process on first use, and the seconds spent in it."""

    def __init__(self, factory: Callable[[], Callable[[Any], Any]]) -> None:
        self.factory = factory
        self.fn: Callable[[Any], Any] | None = None
        self.spent = 0.0

    def run(self, chunk: list[Any]) -> list[Any]:
        started = time.perf_counter()
        if self.fn is None:
            self.fn = self.factory()
        results = apply_to_chunk(self.fn, chunk)
        self.spent += time.perf_counter() - started
        return results


def _ready() -> bool:
    return True


class _PoolStart(threading.Thread):
    """Starts the worker pool and waits for its first worker, beside the work done here.

    Starting a process blocks its caller until the fork server has imported
    the worker's modules (a second or more), so it runs in this thread.
    """

    def __init__(self, factory: Callable[[], Callable[[Any], Any]], workers: int) -> None:
        super().__init__(name="dedup-pool-start", daemon=True)
        self.factory = factory
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.error: BaseException | None = None

    def begin(self) -> None:
        """Start in the background; with ``fork``, which is quick, here and now (a process
        forked while another thread of this one runs could inherit a lock that thread holds)."""
        if start_method() == "fork":
            self.run()
        else:
            self.start()

    def wait(self) -> None:
        if self.ident is not None:
            self.join()

    def run(self) -> None:
        try:
            ctx = worker_context(self.factory)
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=ctx, initializer=_init_worker, initargs=(self.factory,)
            )
            self.pool.submit(_ready).result()
        except BaseException as err:  # handed to the caller's thread, which raises it
            self.error = err


def _in_workers(
    factory: Callable[[], Callable[[Any], Any]],
    chunks: Iterator[list[Any]],
    workers: int,
    local: _Local,
) -> Iterator[Any]:
    """The rest of the chunks: here until a worker is ready, then in workers, a window at a time."""
    starter = _PoolStart(factory, workers)
    starter.begin()
    try:
        while starter.is_alive() and (chunk := next(chunks, None)):
            yield from local.run(chunk)
        starter.wait()
        if isinstance(starter.error, BrokenProcessPool):
            raise WorkerError(WORKERS_DIED) from starter.error
        if starter.error is not None:
            raise starter.error
        assert starter.pool is not None
        yield from _windowed(starter.pool, chunks, workers * 4)
    finally:  # also when the consumer stops early: no worker is left waiting
        starter.wait()
        if starter.pool is not None:
            starter.pool.shutdown(wait=True, cancel_futures=True)


def _windowed(pool: ProcessPoolExecutor, chunks: Iterator[list[Any]], window: int) -> Iterator[Any]:
    pending: deque[Future[list[Any]]] = deque()
    try:
        while True:
            while len(pending) < window and (chunk := next(chunks, None)):
                pending.append(pool.submit(_run_chunk, chunk))
            if not pending:
                return
            yield from pending.popleft().result()
    except BrokenProcessPool as err:
        raise WorkerError(WORKERS_DIED) from err


def _next_chunk(
    stream: Iterator[T], size: int, weight: Callable[[T], int] | None, limit: int
) -> list[T]:
    if weight is None:
        return list(islice(stream, size))
    chunk: list[T] = []
    total = 0
    for item in stream:
        chunk.append(item)
        total += weight(item)
        if len(chunk) >= size or total >= limit:
            break
    return chunk


WORKERS_DIED = (
    "a worker process died (killed, out of memory, or it could not start: a script that calls "
    "dedup with workers > 1 must do so under `if __name__ == '__main__':`, because workers "
    "re-import it); use workers=1 to run in this process"
)


class WorkerError(RuntimeError):
    """Worker processes stopped before finishing their work."""
