"""Pages per second on the real pages of the shared data, next to trafilatura alone.

Every configuration reads the same gzipped files from disk in the same run, so
the ratios compare like with like. Usage:

    python bench/throughput.py [--runs 3] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import gzip
from pathlib import Path

import trafilatura

import dedup
from bench.common import DEFAULT_DATA, median_seconds, require_data, table
from dedup.parallel import default_workers


def page_dirs(data: Path) -> list[str]:
    return [str(data / "scrapinghub-aeb" / "html"), str(data / "wcxb-dev-articles" / "html")]


def trafilatura_alone(data: Path) -> None:
    """The floor: read, gunzip and extract every page with trafilatura, one core."""
    for directory in page_dirs(data):
        for path in sorted(Path(directory).glob("*.html.gz")):
            trafilatura.extract(
                gzip.decompress(path.read_bytes()), include_comments=False, deduplicate=False
            )


def pipeline(data: Path, workers: int) -> dedup.ClusterResult:
    return dedup.cluster(dedup.read_inputs(page_dirs(data)), workers=workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    data = require_data(args.data)
    pages = pipeline(data, 1).stats.documents
    cores = default_workers()
    floor, _ = median_seconds(lambda: trafilatura_alone(data), args.runs)
    rows = [["trafilatura alone (1 core)", f"{floor:.2f}", f"{pages / floor:.1f}", "1.00"]]
    for workers in sorted({1, cores}):
        seconds, _ = median_seconds(lambda w=workers: pipeline(data, w), args.runs)
        label = f"dedup cluster, {workers} worker{'s' if workers > 1 else ''}"
        rows.append([label, f"{seconds:.2f}", f"{pages / seconds:.1f}", f"{seconds / floor:.2f}"])
    print(f"{pages} pages, median of {args.runs} runs, {cores} cores")
    print(table(rows, ["configuration", "seconds", "pages/s", "x trafilatura"]))


if __name__ == "__main__":
    main()
