"""Start-up cost: the CLI and the library import none of the slow packages until a run needs them."""

import subprocess
import sys

SLOW = ("datasketch", "scipy", "redis", "trafilatura", "sklearn")


def test_importing_the_cli_loads_no_slow_package():
    code = f"import sys, dedup.cli; print(*[m for m in {SLOW!r} if m in sys.modules])"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_a_text_run_with_stories_needs_neither_datasketch_nor_trafilatura():
    code = (
        "import sys, dedup\n"
        "docs = [dedup.Record(id=str(i), source='t', text='The port strike entered its third "
        "week on Monday as talks stalled again. ' * 12) for i in range(3)]\n"
        "result = dedup.cluster(docs, workers=1, stories=True)\n"
        "assert len({a.cluster for a in result.assignments}) == 1\n"
        "assert len({a.story for a in result.assignments}) == 1\n"
        f"print(*[m for m in {SLOW!r} if m in sys.modules])"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
