"""The Redis index against a real redis-server on a loopback port (started here, stopped after).

Skipped when redis-server is not installed, except under CI (CI=true), where
scripts/test installs it and a missing server is a failure.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

redis = pytest.importorskip("redis")

from tests.conftest import run_cli  # noqa: E402
from tests.test_filter import concurrent_filters, feed, jsonl, run_filter  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (scripts/test installs it under CI)")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def index(redis_server: str, request: pytest.FixtureRequest) -> str:
    """A fresh database prefix per test."""
    return f"{redis_server}/0?prefix=t-{request.node.name}-{time.monotonic_ns()}"


def test_second_run_drops_copies_and_reruns_replay(index: str):
    items = feed(4, 2)
    first = [r.record for r in items if r.record["id"].endswith("-0")]
    later = [r.record for r in items if not r.record["id"].endswith("-0")]
    kept1, _ = run_filter(jsonl(first), "--index", index)
    assert len(kept1) == 4
    kept2, stderr = run_filter(jsonl(later), "--index", index)
    assert kept2 == [] and "8 duplicates" in stderr
    again, stderr = run_filter(jsonl(first + later), "--index", index)
    assert [r["id"] for r in again] == [r["id"] for r in kept1]
    assert "12 decided before" in stderr
    stats = json.loads(run_cli("index", "stats", index).stdout)
    assert (stats["store"], stats["kept"], stats["duplicates"]) == ("redis", 4, 8)


def test_parameters_mismatch_and_unreachable_server_are_refused(index: str):
    data = jsonl([r.record for r in feed(1, 0)])
    run_filter(data, "--index", index)
    refused = run_cli("filter", "-", "-w", "1", "--index", index, "--num-perm", "64", stdin=data)
    assert refused.returncode == 2 and "other parameters" in refused.stderr.decode()
    down = run_cli("filter", "-", "--index", f"redis://127.0.0.1:{_free_port()}/0", stdin=data)
    assert down.returncode == 2 and "cannot use redis" in down.stderr.decode()
    assert "Traceback" not in down.stderr.decode()


def test_concurrent_filters_sharing_redis_never_both_keep_a_story(index: str):
    print("stories kept by each process:", concurrent_filters(index, 100, seed=4))


def test_expire_forgets_old_decisions(index: str):
    items = feed(3, 1)
    run_filter(jsonl([r.record for r in items if r.record["id"].endswith("-0")]), "--index", index)
    gone = run_cli("index", "expire", index, "--older-than", "0s")
    assert gone.returncode == 0 and json.loads(gone.stdout)["expired"] == 3
    client = redis.Redis.from_url(index.split("?")[0])
    prefix = index.split("prefix=")[1]
    left = set(client.scan_iter(f"{prefix}:*"))
    assert left <= {f"{prefix}:{name}".encode() for name in ("params", "counts", "seq")}
    copies = [r.record for r in items if not r.record["id"].endswith("-0")]
    again, _ = run_filter(jsonl(copies), "--index", index)
    assert len(again) == 3


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_pickle_planted_in_the_store_is_never_loaded(index: str, tmp_path: Path):
    """Someone with access to the shared Redis writes a pickle where a kept document's data is."""
    item = feed(1, 1)
    run_filter(jsonl([item[0].record]), "--index", index)
    client = redis.Redis.from_url(index.split("?")[0])
    prefix = index.split("prefix=")[1]
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Planted(marker))
    seq = client.hget(f"{prefix}:doc:{item[0].record['id']}", "seq").decode()
    key = f"{prefix}:kept:{seq}"
    client.hset(key, mapping={"shingles": payload, "signature": payload})
    result = run_cli("filter", "-", "-w", "1", "--index", index, stdin=jsonl([item[1].record]))
    assert not marker.exists()
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr.decode()
    stored = client.hgetall(key)
    assert all(isinstance(v, bytes) for v in stored.values())
