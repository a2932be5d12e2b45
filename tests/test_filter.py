"""dedup filter: a streaming filter with a persistent index (real subprocesses, real SQLite)."""

from __future__ import annotations

import datetime
import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dedup.synth.newsfeed import FeedRecord, make_feed
from tests.conftest import ROOT, alive, descendants, run_cli


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def rows(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode().split("\n") if line]


def feed(stories: int, copies: int, seed: int = 0, prefix: str = "doc") -> list[FeedRecord]:
    return make_feed(stories, copies, seed=seed, prefix=prefix)


def run_filter(data: bytes, *args: str):
    result = run_cli("filter", "-", "--workers", "1", *args, stdin=data)
    assert result.returncode == 0, result.stderr.decode()
    return rows(result.stdout), result.stderr.decode()


def test_kept_records_pass_through_with_added_fields(tmp_path: Path):
    items = feed(3, 2)
    records = [dict(r.record, batch="b1") for r in items]
    data = jsonl(records) + b"{broken\n" + jsonl([{"id": "empty", "text": "   "}])
    dropped = tmp_path / "dropped.jsonl"
    kept, stderr = run_filter(data, "--dropped", str(dropped))
    assert [r["id"] for r in kept] == [r["id"] for r in records if r["id"].endswith("-0")]
    for row in kept:
        original = next(r for r in records if r["id"] == row["id"])
        assert {k: row[k] for k in original if k != "text"} == {
            k: v for k, v in original.items() if k != "text"
        }
        assert row["cluster"] == row["id"] and row["text"]
    gone = rows(dropped.read_bytes())
    dups = [r for r in gone if r.get("status") == "duplicate"]
    assert len(dups) == 6
    assert all(r["dup_of"] == r["id"].rsplit("-", 1)[0] + "-0" and r["reason"] for r in dups)
    assert {r["status"] for r in gone} == {"duplicate", "no_text", "unreadable"}
    assert "<stdin>:line 10: invalid JSON" in stderr
    assert "10 records, 3 kept, 6 duplicates, 1 without text, 1 unreadable" in stderr


def test_integer_ids_come_out_as_integers():
    records = [dict(r.record, id=n) for n, r in enumerate(feed(2, 1))]
    kept, _ = run_filter(jsonl(records))
    assert [r["id"] for r in kept] == [0, 1] and [r["cluster"] for r in kept] == ["0", "1"]


def test_second_run_with_the_same_index_drops_copies_of_earlier_stories(tmp_path: Path):
    index = str(tmp_path / "seen.sqlite")
    items = feed(4, 2)
    first = [r.record for r in items if r.record["id"].endswith("-0")]
    later = [r.record for r in items if not r.record["id"].endswith("-0")]
    kept1, _ = run_filter(jsonl(first), "--index", index)
    assert len(kept1) == 4
    fresh = [r.record for r in feed(2, 0, seed=9, prefix="new")]
    kept2, stderr = run_filter(jsonl(later + fresh), "--index", index)
    assert [r["id"] for r in kept2] == ["new-0-0", "new-1-0"]
    assert "8 duplicates" in stderr
    stats = json.loads(run_cli("index", "stats", index).stdout)
    assert stats["kept"] == 6 and stats["duplicates"] == 8 and stats["bytes"] > 0
    oldest = datetime.datetime.fromisoformat(stats["oldest_utc"])
    assert oldest.tzinfo is not None and abs(oldest.timestamp() - stats["oldest"]) < 1
    assert stats["params"]["hash_scheme"] == "affine32" and stats["params"]["num_perm"] == 128


def test_same_input_again_gives_the_same_decisions(tmp_path: Path):
    index = str(tmp_path / "seen.sqlite")
    data = jsonl([r.record for r in feed(3, 2)])
    kept1, _ = run_filter(data, "--index", index)
    dropped = tmp_path / "dropped.jsonl"
    kept2, stderr = run_filter(data, "--index", index, "--dropped", str(dropped))
    assert kept1 == kept2
    assert "9 decided before" in stderr
    replays = rows(dropped.read_bytes())
    assert len(replays) == 6 and all(r["replayed"] for r in replays)
    assert all(r["reason"].endswith(", as decided before for this id") for r in replays)


@pytest.mark.parametrize(
    "option", [("--num-perm", "64"), ("--shingle-size", "3"), ("--lsh-threshold", "0.6")]
)
def test_index_built_with_other_parameters_is_refused(tmp_path: Path, option: tuple[str, str]):
    index = str(tmp_path / "seen.sqlite")
    data = jsonl([r.record for r in feed(1, 0)])
    run_filter(data, "--index", index)
    result = run_cli("filter", "-", "-w", "1", "--index", index, *option, stdin=data)
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "other parameters" in err and "Traceback" not in err
    assert result.stdout == b""


def test_a_file_that_is_not_an_index_is_refused(tmp_path: Path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello, not a database " * 100)
    result = run_cli("filter", "-", "--index", str(bogus), stdin=b"")
    assert result.returncode == 2
    assert "not a usable dedup index" in result.stderr.decode()
    assert run_cli("index", "stats", str(tmp_path / "missing.sqlite")).returncode == 2


def _start_filter(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dedup", "filter", "-", "-q", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )


def _read_line(proc: subprocess.Popen, timeout: float = 120) -> bytes:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "no output while input was still open"
    return proc.stdout.readline()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_each_record_is_written_before_the_input_ends(workers: str):
    proc = _start_filter("--workers", workers)
    assert proc.stdin is not None
    try:
        for item in feed(2, 0):
            proc.stdin.write(jsonl([item.record]))
            proc.stdin.flush()
            assert json.loads(_read_line(proc))["id"] == item.record["id"]
    finally:
        proc.stdin.close()
        proc.wait(timeout=120)
    assert proc.returncode == 0


def concurrent_filters(index: str, stories: int, seed: int) -> tuple[int, int]:
    """Two crawler workers get different copies (ids) of the same stories at the same time,
    in opposite orders, so they race for the same stories; each story is kept exactly once.

    Both are warmed up (started, index open, one record decided) before the race.
    Returns how many stories each kept.
    """
    a = [r.record for r in feed(stories, 0, seed=seed, prefix="s")]
    b = [dict(r, id="b-" + r["id"], text=r["text"] + "\n\nCopied.") for r in reversed(a)]
    warm = [r.record for r in feed(2, 0, seed=seed + 100, prefix="warm")]
    procs = [_start_filter("--workers", "1", "--index", index) for _ in range(2)]
    for proc, record in zip(procs, warm, strict=True):
        assert proc.stdin is not None
        proc.stdin.write(jsonl([record]))
        proc.stdin.flush()
    for proc in procs:
        _read_line(proc)
    with ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(p.communicate, jsonl(data), 300)
            for p, data in zip(procs, (a, b), strict=True)
        ]
        outs = [f.result() for f in futures]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    kept = [[r["id"].removeprefix("b-") for r in rows(out)] for out, _ in outs]
    assert sorted(kept[0] + kept[1]) == sorted(r["id"] for r in a)
    return len(kept[0]), len(kept[1])


def test_concurrent_filters_on_one_index_never_both_keep_a_story(tmp_path: Path):
    index = str(tmp_path / "shared.sqlite")
    split = concurrent_filters(index, 100, seed=3)
    print("stories kept by each process:", split)
    with sqlite3.connect(index) as db:
        assert db.execute("SELECT COUNT(*) FROM docs").fetchone()[0] == 2 * 100 + 2


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigkill_mid_stream_then_rerun_gives_the_clean_run_kept_set(tmp_path: Path, workers: str):
    data = [r.record for r in feed(12, 2, seed=5)]
    clean, _ = run_filter(jsonl(data), "--index", str(tmp_path / "clean.sqlite"))
    index = str(tmp_path / "crashed.sqlite")
    proc = _start_filter("--workers", workers, "--index", index)
    assert proc.stdin is not None
    half = len(data) // 2
    proc.stdin.write(jsonl(data[:half]))
    proc.stdin.flush()
    _read_line(proc)
    helpers = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    for _ in range(100):
        if not alive(helpers):
            break
        time.sleep(0.1)
    assert not alive(helpers), "worker processes outlived the killed filter"
    with sqlite3.connect(index) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert 0 < db.execute("SELECT COUNT(*) FROM docs").fetchone()[0] <= half
    rerun, stderr = run_filter(jsonl(data), "--index", index)
    assert [r["id"] for r in rerun] == [r["id"] for r in clean]
    assert "decided before" in stderr


def test_expire_and_compact(tmp_path: Path):
    index = str(tmp_path / "seen.sqlite")
    items = feed(5, 1)
    run_filter(jsonl([r.record for r in items if r.record["id"].endswith("-0")]), "--index", index)
    kept = run_cli("index", "expire", index, "--older-than", "30d")
    assert kept.returncode == 0 and json.loads(kept.stdout)["expired"] == 0
    gone = run_cli("index", "expire", index, "--older-than", "0s")
    assert json.loads(gone.stdout)["expired"] == 5
    assert json.loads(run_cli("index", "stats", index).stdout)["kept"] == 0
    compacted = json.loads(run_cli("index", "compact", index).stdout)
    assert compacted["bytes_after"] <= compacted["bytes_before"]
    copies = [r.record for r in items if not r.record["id"].endswith("-0")]
    again, _ = run_filter(jsonl(copies), "--index", index)
    assert len(again) == 5, "expired stories no longer make their copies duplicates"
    bad = run_cli("index", "expire", index, "--older-than", "soon")
    assert bad.returncode == 2 and "not an age" in bad.stderr.decode()


@pytest.mark.parametrize("workers", [1, 2])
def test_inputs_ready_together_are_decided_in_one_transaction(tmp_path: Path, workers: int):
    from dedup.clean import ChromeSettings
    from dedup.config import Params
    from dedup.index.opener import open_index
    from dedup.index.store import IndexParams
    from dedup.records import Problem, Record
    from dedup.stream import BATCH, filter_stream

    records = [Record(id=r["id"], source=r["id"], text=r["text"]) for r in map(
        lambda item: item.record, feed(60, 1, seed=9))]  # fmt: skip
    items = [*records[:50], Problem("bad.html", "unreadable"), *records[50:]]
    params = Params()
    sizes: list[int] = []
    with open_index(str(tmp_path / "i.sqlite"), IndexParams.from_params(params)) as store:
        decide_many = store.decide_many
        store.decide_many = lambda entries, judge, now=None: (  # type: ignore[method-assign]
            sizes.append(len(entries)) or decide_many(entries, judge, now)
        )
        outcomes = list(filter_stream(items, store, params, ChromeSettings(), workers=workers))
    assert [o.problem.source if o.problem else o.record.id for o in outcomes] == [
        i.source if isinstance(i, Problem) else i.id for i in items
    ]
    assert sum(o.assignment.kept for o in outcomes if o.assignment) == 60
    assert sum(sizes) == len(records) and max(sizes) <= BATCH
    assert len(sizes) < len(records), "a file's records, all ready, still went one by one"


@pytest.mark.parametrize("workers", [1, 2])
def test_records_read_before_an_input_error_are_all_handed_on_first(tmp_path: Path, workers: int):
    from dedup.clean import ChromeSettings
    from dedup.config import Params
    from dedup.index.opener import open_index
    from dedup.index.store import IndexParams
    from dedup.records import Record
    from dedup.stream import filter_stream

    def items():
        for item in feed(10, 1, seed=4):
            yield Record(id=item.record["id"], source="s", text=item.record["text"])
        raise OSError("disk went away")

    params = Params()
    seen = []
    with open_index(str(tmp_path / "i.sqlite"), IndexParams.from_params(params)) as store:
        with pytest.raises(OSError, match="disk went away"):
            for outcome in filter_stream(items(), store, params, ChromeSettings(), workers=workers):
                seen.append(outcome.record.id)
        assert len(seen) == 20 and store.stats()["decisions"] == 20


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_while_the_input_is_still_open_exits_cleanly(workers: str):
    """The input is read in a thread; it must not hold sys.stdin when the program shuts down.

    A test run started in the background inherits SIGINT ignored; the filter gets it back.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "dedup", "filter", "-", "-q", "--workers", workers],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdin is not None
    try:
        proc.stdin.write(jsonl([feed(1, 0)[0].record]))
        proc.stdin.flush()
        _read_line(proc)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        proc.stdin.close()
    assert proc.returncode == 130, proc.stderr.read().decode() if proc.stderr else ""
