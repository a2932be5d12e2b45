"""Shared fixtures: paths to the shared data (tests using it skip when it is absent)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DEDUP_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED / "scrapinghub-aeb").is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None):
    """Run the real ``dedup`` entry point in a subprocess (exit codes, streams, no traceback)."""
    return subprocess.run(
        [sys.executable, "-m", "dedup", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd or ROOT,
        timeout=600,
        check=False,
    )


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    return {p for p in pids if Path(f"/proc/{p}").exists()}
