"""Worker processes: results in input order; piped scripts work; unguarded scripts are told why not."""

import subprocess
import sys

from dedup.parallel import parallel_map
from tests.conftest import ROOT


class _Square:
    def __call__(self, x: int) -> int:
        return x * x


def test_parallel_map_keeps_input_order():
    assert list(parallel_map(_Square, range(50), workers=2, chunk_size=3)) == [
        x * x for x in range(50)
    ]


def test_a_script_piped_on_stdin_can_use_workers():
    script = (
        "import dedup\n"
        f"r = dedup.cluster(dedup.read_inputs([{str(ROOT / 'samples')!r}]), workers=2)\n"
        "print(r.stats.documents, r.stats.duplicates)\n"
    )
    result = subprocess.run(
        [sys.executable, "-"], input=script.encode(), capture_output=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    documents, duplicates = map(int, result.stdout.split())
    assert documents > 0 and duplicates > 0


def test_an_unguarded_script_gets_an_error_that_says_how_to_fix_it(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(
        "import dedup\n"
        f"dedup.cluster(dedup.read_inputs([{str(ROOT / 'samples' / 'seeds')!r}]), workers=2)\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, timeout=300, check=False
    )
    err = result.stderr.decode()
    assert result.returncode != 0
    assert "WorkerError" in err and "if __name__ == '__main__':" in err
