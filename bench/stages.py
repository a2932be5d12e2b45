"""CPU seconds per pipeline stage on one core, to see where the time goes.

CPU time (``time.process_time``) rather than wall time: on a shared machine
the wall clock mostly measures the other users. Each stage runs over all
documents before the next, as the pipeline's stages do with one worker, and
as the pipeline does it: records are cleaned a chunk at a time
(:meth:`Cleaner.many`), shingle sets are dropped once signed and made again
for the documents whose signatures share a band. For
HTML, ``trafilatura.extract`` alone on the same gzipped files is the floor.
Usage:

    .venv/bin/python -m bench.stages text corpus.jsonl
    .venv/bin/python -m bench.stages html ../shared/data/scrapinghub-aeb/html
"""

from __future__ import annotations

import argparse
import gzip
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import trafilatura

from dedup.clean import ChromeSettings, Cleaner, remove_repeated
from dedup.cluster import cluster_sketches
from dedup.config import Params
from dedup.io import read_inputs
from dedup.pipeline import CHUNK, DocSketcher, copies_among, only_records

T = TypeVar("T")


def cpu(fn: Callable[[], T]) -> tuple[float, T]:
    started = time.process_time()
    result = fn()
    return time.process_time() - started, result


def floor_seconds(paths: Sequence[str]) -> float:
    files = [p for d in paths for p in sorted(Path(d).glob("*.html.gz"))]
    seconds, _ = cpu(
        lambda: [
            trafilatura.extract(
                gzip.decompress(p.read_bytes()), include_comments=False, deduplicate=False
            )
            for p in files
        ]
    )
    return seconds


def stages(paths: Sequence[str]) -> tuple[int, list[tuple[str, float]]]:
    params, settings = Params(), ChromeSettings()
    seconds, records = cpu(lambda: list(only_records(read_inputs(paths), lambda _p: None)))
    rows = [("read and decode", seconds)]
    cleaner = Cleaner(settings)
    chunks = [records[i : i + CHUNK] for i in range(0, len(records), CHUNK)]
    seconds, cleaned = cpu(lambda: [doc for chunk in chunks for doc, _ in cleaner.many(chunk)])
    rows.append(("clean (extraction, rules, line model)", seconds))
    seconds, _ = cpu(lambda: remove_repeated(cleaned, settings, copies_among(cleaned, params)))
    rows.append(("repetition pass", seconds))
    sketcher = DocSketcher(params, keep_shingles=False)
    seconds, sketches = cpu(lambda: [sketcher(doc) for doc in cleaned])
    rows.append(("sketch (tokens, shingles, MinHash)", seconds))
    again = DocSketcher(params)
    seconds, _ = cpu(
        lambda: cluster_sketches(
            sketches, params, release=True, shingles_of=lambda i: again.shingles(cleaned[i])
        )
    )
    rows.append(("LSH + verification (shingles made again) + clustering", seconds))
    return len(records), rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=["text", "html"])
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    floor = floor_seconds(args.paths) if args.kind == "html" else None
    count, rows = stages(args.paths)
    total = sum(seconds for _, seconds in rows)
    print(f"{args.kind}: {count} documents, {total:.2f} CPU s, {total / count * 1e6:.0f} us/doc")
    if floor is not None:
        print(
            f"trafilatura.extract alone: {floor:.2f} CPU s; all stages / that: {total / floor:.3f}"
        )
    for name, seconds in rows:
        share = 100 * seconds / total
        print(f"  {name:38s} {seconds:7.2f} s {seconds / count * 1e6:9.0f} us/doc {share:5.1f}%")


if __name__ == "__main__":
    main()
