"""dedup filter against a persistent index of 100k documents: records/s, latency, index size.

A generated feed (:mod:`dedup.synth.newsfeed`, no shared data needed) first
fills each index with ``--size`` kept documents through the same atomic
``decide`` the filter uses (sketching only: cleaning 100k texts would take
most of the run and measures nothing about the index). Then the full filter
(clean, sketch, decide) streams ``--records`` new records, half of them
syndicated copies of indexed stories, several times; the table gives the
median run. The baseline, measured in the same run, is the same stream
against a fresh in-memory index of the same parameters, so the ratios show
what a persistent 100k-document index costs. Usage:

    python -m bench.filter_throughput [--size 100000 --records 1000 --runs 3]
                                      [--stores sqlite,redis]
"""

from __future__ import annotations

import argparse
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import table
from dedup.clean import ChromeSettings
from dedup.cluster.online import judge_for
from dedup.config import Params
from dedup.index.opener import open_index
from dedup.index.store import Entry, IndexParams, IndexStore
from dedup.pipeline import DocSketcher
from dedup.records import CleanDoc, Record
from dedup.stream import filter_stream
from dedup.synth.newsfeed import FeedRecord, make_feed, syndicate


def fill(store: IndexStore, base: list[FeedRecord], params: Params) -> tuple[float, int]:
    """Admit the ``base`` stories; seconds taken and how many were kept."""
    sketch = DocSketcher(params)
    judge = judge_for(params)
    started = time.perf_counter()
    kept = 0
    for item in base:
        record = item.record
        doc = CleanDoc(record["id"], record["id"], record["text"], url=record["url"])
        s = sketch(doc)
        entry = Entry(doc.id, s.signature, s.shingles, s.words, url=doc.url)
        kept += store.decide(entry, judge).status == "kept"
    return time.perf_counter() - started, kept


def stream_records(run: int, count: int, base: list[FeedRecord]) -> list[Record]:
    """Half new stories, half syndicated copies of stories in the filled index, interleaved."""
    rng = random.Random(run)
    new = [r.record for r in make_feed(count // 2, 0, seed=1000 + run, prefix=f"new{run}")]
    copies = [
        dict(r.record, text=syndicate(r.record["text"], rng)) for r in rng.sample(base, count // 2)
    ]
    return [
        Record(id=f"r{run}-{i}-{r['id']}", source="bench", text=r["text"], url=r["url"])
        for i, r in enumerate(x for pair in zip(new, copies, strict=True) for x in pair)
    ]


def measure(store: IndexStore, records: list[Record], params: Params) -> dict[str, float]:
    """Records/s and per-record latency (time between consecutive decisions, one worker)."""
    latencies = []
    kept = 0
    started = last = time.perf_counter()
    for outcome in filter_stream(
        iter(records), store, params, ChromeSettings(use_repetition=False)
    ):
        now = time.perf_counter()
        latencies.append(now - last)
        last = now
        kept += bool(outcome.assignment and outcome.assignment.kept)
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rate": len(records) / elapsed,
        "median_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "kept": kept,
    }


def median_runs(
    store: IndexStore, args: argparse.Namespace, base: list[FeedRecord], offset: int
) -> dict[str, float]:
    runs = range(offset, offset + args.runs)
    results = [measure(store, stream_records(r, args.records, base), Params()) for r in runs]
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server() -> Iterator[str | None]:
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait()


def _used_memory(url: str) -> int:
    import redis

    return int(redis.Redis.from_url(url).info("memory")["used_memory"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="documents in each index")
    parser.add_argument("--records", type=int, default=1000, help="records streamed per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stores", default="sqlite,redis", help="comma-separated: sqlite, redis")
    args = parser.parse_args()
    params = Params()
    index_params = IndexParams.from_params(params)
    rows = []
    stories = make_feed(args.size, 0, seed=1, prefix="base")
    with tempfile.TemporaryDirectory() as tmp:
        baseline = open_index(None, index_params)
        base = median_runs(baseline, args, stories, 0)
        rows.append(["in-memory, empty (baseline)", "-", "-", base])
        path = Path(tmp) / "bench.sqlite"
        if "sqlite" in args.stores:
            with open_index(str(path), index_params) as store:
                seconds, kept = fill(store, stories, params)
                store.compact()
                size = path.stat().st_size
                result = median_runs(store, args, stories, 100)
            rows.append(
                [
                    f"sqlite, {kept} docs",
                    f"{args.size / seconds:.0f}",
                    f"{size / 2**20 * 100_000 / kept:.0f}",
                    result,
                ]
            )
        with redis_server() as url:
            if url and "redis" in args.stores:
                before = _used_memory(url)
                with open_index(url, index_params) as store:
                    seconds, kept = fill(store, stories, params)
                    used = _used_memory(url) - before
                    result = median_runs(store, args, stories, 200)
                rows.append(
                    [
                        f"redis, {kept} docs",
                        f"{args.size / seconds:.0f}",
                        f"{used / 2**20 * 100_000 / kept:.0f}",
                        result,
                    ]
                )
    print(
        table(
            [
                [
                    name,
                    fill_rate,
                    mib,
                    f"{r['rate']:.0f}",
                    f"{r['rate'] / base['rate']:.2f}",
                    f"{r['median_ms']:.2f}",
                    f"{r['p99_ms']:.2f}",
                    f"{r['kept']:.0f}",
                ]
                for name, fill_rate, mib, r in rows
            ],
            [
                "index",
                "fill docs/s",
                "MiB/100k docs",
                "records/s",
                "x baseline",
                "median ms",
                "p99 ms",
                "kept",
            ],
        )
    )
    print(
        f"\n{args.records} records per run ({args.records // 2} copies of indexed stories), median of {args.runs} runs, one worker"
    )


if __name__ == "__main__":
    main()
