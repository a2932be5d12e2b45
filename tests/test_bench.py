"""`dedup bench` runs end to end on a tiny input and prints its tables (no timing assertions)."""

from tests.conftest import SHARED, run_cli


def test_bench_quick_prints_every_section(tmp_path):
    args = ["--quick", "--docs", "60", "--pages", "2", "--workers", "2", "--data", str(SHARED)]
    result = run_cli("bench", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    for line in (
        "naive datasketch pipeline, 1 core",
        "dedup cluster, 1 worker",
        "dedup cluster, 2 workers",
        "datasketch MinHashLSH + LeanMinHash objects",
        "dedup band buckets (numpy)",
    ):
        assert line in out
    if (SHARED / "scrapinghub-aeb").is_dir():
        assert "trafilatura alone, 1 core" in out and "MinHash + LSH + clustering:" in out


def test_bench_without_shared_data_says_it_skipped_the_pages(tmp_path):
    args = ["--quick", "--docs", "30", "--workers", "1", "--data", str(tmp_path / "none")]
    result = run_cli("bench", *args)
    assert result.returncode == 0, result.stderr.decode()
    assert "HTML pages: skipped (shared data not found" in result.stdout.decode()
