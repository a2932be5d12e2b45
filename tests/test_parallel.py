"""Worker processes: results in input order; small inputs need none; piped scripts work;
unguarded scripts are told why not."""

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedup
import dedup.parallel
from dedup.parallel import _next_chunk, parallel_map
from tests.conftest import ROOT, alive, descendants


class _Square:
    def __call__(self, x: int) -> int:
        return x * x


class _SquareMany(_Square):
    """Squares, and a chunk at once with ``many``, tagged so the test sees which path ran."""

    def many(self, chunk: list[int]) -> list[tuple[int, int]]:
        return [(x * x, len(chunk)) for x in chunk]


def test_parallel_map_keeps_input_order():
    got = parallel_map(_Square, range(50), workers=2, chunk_size=3, serial_seconds=0)
    assert list(got) == [x * x for x in range(50)]


def test_weighted_chunks_keep_order_and_close_at_their_weight():
    weights = [5, 1, 1, 9, 2, 2, 2, 2, 2, 30]
    got = parallel_map(
        _Square, weights, workers=2, chunk_size=4, weight=int, chunk_weight=6, serial_seconds=0
    )
    assert list(got) == [w * w for w in weights]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_function_with_many_gets_whole_chunks(workers):
    got = list(
        parallel_map(_SquareMany, range(10), workers=workers, chunk_size=4, serial_seconds=0)
    )
    assert got == [(x * x, 4 if x < 8 else 2) for x in range(10)]


class _NoPool:
    def __init__(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("a worker pool was started")


def test_a_small_input_is_done_in_this_process_without_starting_workers(monkeypatch):
    monkeypatch.setattr(dedup.parallel, "ProcessPoolExecutor", _NoPool)
    assert list(parallel_map(_Square, range(50), workers=2, chunk_size=3)) == [
        x * x for x in range(50)
    ]


_PARENT = os.getpid()


class _SlowHere:
    """Tags each result with the process that made it; slow in the test's own process only."""

    def many(self, chunk: list[int]) -> list[tuple[int, int]]:
        if os.getpid() == _PARENT:
            time.sleep(0.01)
        return [(x, os.getpid()) for x in chunk]


def test_this_process_works_until_a_worker_is_ready_then_hands_over_in_order():
    got = list(parallel_map(_SlowHere, range(1000), workers=2, chunk_size=1, serial_seconds=0))
    assert [x for x, _ in got] == list(range(1000))
    pids = [pid for _, pid in got]
    assert pids[0] == _PARENT  # the first chunk runs here before workers are asked for
    assert set(pids) - {_PARENT}, "no chunk went to a worker"
    handed = next(i for i, pid in enumerate(pids) if pid != _PARENT)
    assert set(pids[handed:]).isdisjoint({_PARENT})  # once handed over, it stays with them


def test_a_pipeline_run_with_workers_gives_what_one_process_gives(monkeypatch):
    samples = str(ROOT / "samples")
    alone = dedup.cluster(dedup.read_inputs([samples]), workers=1)
    monkeypatch.setattr(dedup.parallel, "SERIAL_SECONDS", 0.0)
    pooled = dedup.cluster(dedup.read_inputs([samples]), workers=2)
    assert pooled.assignments == alone.assignments
    assert replace(pooled.stats, seconds=0) == replace(alone.stats, seconds=0)


class _Short(_Square):
    def many(self, chunk: list[int]) -> list[int]:
        return [x * x for x in chunk[1:]]


def test_a_many_that_loses_results_and_a_chunk_size_below_one_are_errors():
    with pytest.raises(RuntimeError, match="gave 1 results for 2"):
        list(parallel_map(_Short, range(4), workers=1, chunk_size=2))
    with pytest.raises(ValueError, match="chunk_size"):
        list(parallel_map(_Square, range(4), workers=1, chunk_size=0))


@given(st.lists(st.integers(0, 50)), st.integers(1, 8), st.integers(1, 100))
def test_chunks_partition_the_stream_by_count_and_weight(items, size, limit):
    stream, chunks = iter(items), []
    while chunk := _next_chunk(stream, size, int, limit):
        chunks.append(chunk)
    assert [x for chunk in chunks for x in chunk] == items
    for chunk in chunks[:-1]:  # every chunk but the last closed at its count or its weight
        assert len(chunk) == size or sum(chunk) >= limit
    for chunk in chunks:  # and not before: without its last item it was still open
        assert len(chunk) <= size and sum(chunk[:-1]) < limit


# Records read slowly: this process works on little while the workers start, so the rest of
# the run is theirs (workers start at once: SERIAL_SECONDS = 0).
_SLOW_FEED = """\
import time
import dedup, dedup.parallel
from dedup.records import Record
dedup.parallel.SERIAL_SECONDS = 0
def feed():
    for n in range(400):
        time.sleep(0.01)
        yield Record(str(n), "feed", text=f"Story {n % 300} on the harbour barrier vote. " * 30)
r = dedup.cluster(feed(), workers=2)
print(r.stats.documents, r.stats.duplicates)
"""


def test_a_script_piped_on_stdin_can_use_workers():
    result = subprocess.run(
        [sys.executable, "-"], input=_SLOW_FEED.encode(), capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.split() == [b"400", b"100"]


def test_an_unguarded_script_gets_an_error_that_says_how_to_fix_it(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(_SLOW_FEED, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, timeout=300, check=False
    )
    err = result.stderr.decode()
    assert result.returncode != 0
    assert "WorkerError" in err and "if __name__ == '__main__':" in err


def test_workers_exit_when_a_cluster_run_is_killed():
    proc = subprocess.Popen(
        [sys.executable, "-m", "dedup", "cluster", "-", "-q", "-w", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    assert proc.stdin is not None
    workers: set[int] = set()
    for batch in range(300):  # workers start after a second of work: feed until they do
        for i in range(50):
            n = batch * 50 + i
            text = f"Story {n} about the harbour barrier vote, line {n}. " * 40
            proc.stdin.write((json.dumps({"id": str(n), "text": text}) + "\n").encode())
        proc.stdin.flush()
        workers = descendants(proc.pid)
        if len(workers) >= 3:  # the fork server and two workers
            break
        time.sleep(0.1)
    assert len(workers) >= 3, "workers did not start"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    for _ in range(100):
        if not alive(workers):
            break
        time.sleep(0.1)
    assert not alive(workers), "worker processes outlived the killed run"
