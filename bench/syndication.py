"""Near-duplicate precision and recall on generated syndicated copies of real articles.

Real article bodies from the shared data are placed into other real pages'
chrome with syndication edits (see :mod:`dedup.synth.syndicate`), mixed with
distinct real pages, then clustered. Pages are cleaned once; each parameter
setting re-sketches and re-clusters the same cleaned texts. Usage:

    python -m bench.syndication [--stories 60 --copies 4 --distinct 200 --seed 0]
    python -m bench.syndication --grid      # sweep measures and thresholds
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import dedup
from bench.common import DEFAULT_DATA, require_data, table
from dedup.clean import ChromeSettings
from dedup.cluster import cluster_sketches
from dedup.config import Params
from dedup.evaluate import PairScores, pair_scores
from dedup.pipeline import DocSketcher, prepare_all
from dedup.records import CleanDoc, Record
from dedup.synth.syndicate import load_pages, make_copies

GRID = [
    (measure, size, threshold)
    for measure in ("containment", "jaccard")
    for size in (3, 5, 7)
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9)
]


def build_corpus(data: Path, stories: int, copies: int, distinct: int, seed: int):
    """Records and labels (id -> story); distinct pages are their own story."""
    pages = load_pages(data)
    synthetic = make_copies(pages, stories, copies, seed=seed)
    used = {c.story for c in synthetic} | {c.host for c in synthetic}
    records = [Record(id=c.id, source=c.id, html=c.html, url=c.url) for c in synthetic]
    labels = {c.id: c.story for c in synthetic}
    extras = [p for p in pages if p.id not in used][:distinct]
    records += [Record(id=p.id, source=p.id, html=p.html, url=p.url) for p in extras]
    labels.update({p.id: p.id for p in extras})
    return records, labels, synthetic


def clean_all(records: list[Record], workers: int) -> list[CleanDoc]:
    return [p.doc for p in prepare_all(records, Params(), ChromeSettings(), workers)]


def score(docs: list[CleanDoc], labels: dict[str, str], params: Params) -> tuple[PairScores, float]:
    started = time.perf_counter()
    sketch = DocSketcher(params)
    sketches = [sketch(d) for d in docs]
    assignments = cluster_sketches(sketches, params)
    predicted = {a.id: a.cluster for a in assignments}
    return pair_scores(predicted, labels), time.perf_counter() - started


def corpus_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The corpus options of :func:`build_corpus`, shared with other benchmarks."""
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--distinct", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    return parser


def main() -> None:
    parser = corpus_arguments(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--grid", action="store_true", help="sweep measures, shingle sizes, thresholds"
    )
    args = parser.parse_args()
    records, labels, synthetic = build_corpus(
        require_data(args.data), args.stories, args.copies, args.distinct, args.seed
    )
    docs = clean_all(records, args.workers or dedup.parallel.default_workers())
    print(
        f"{len(synthetic)} syndicated copies of {args.stories} stories + "
        f"{len(records) - len(synthetic)} distinct real pages (seed {args.seed})"
    )
    settings = [Params()]
    if args.grid:
        settings = [
            Params(similarity=m, shingle_size=k, threshold=t, lsh_threshold=min(0.4, t))
            for m, k, t in GRID
        ]
    rows = []
    for params in settings:
        scores, seconds = score(docs, labels, params)
        rows.append(
            [
                params.similarity,
                params.shingle_size,
                params.threshold,
                f"{scores.precision:.4f}",
                f"{scores.recall:.4f}",
                f"{scores.f1:.4f}",
                f"{scores.true_pos}/{scores.predicted}/{scores.actual}",
                f"{seconds:.2f}",
            ]
        )
    header = ["measure", "k", "threshold", "precision", "recall", "F1", "tp/pred/true", "s"]
    print(table(rows, header))


if __name__ == "__main__":
    main()
