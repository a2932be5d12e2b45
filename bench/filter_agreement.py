"""How far ``dedup filter`` (streaming, one record at a time) agrees with ``dedup cluster``.

Both verify candidates by the same rule (exact shingle-set similarity, the
filter on shingle hashes stored in the index), but the filter cannot see the
future: the first copy of a story it meets stays the representative, and the
cleaner's corpus repetition pass does not run. On generated syndicated copies
of real articles (:mod:`dedup.synth.syndicate`, shared data needed), this
prints pair precision/recall of each against the true stories, and of the
filter's pairs against ``dedup cluster``'s, in input order and shuffled. Usage:

    python -m bench.filter_agreement [--stories 60 --copies 4 --distinct 200 --orders 3]
"""

from __future__ import annotations

import argparse
import random

from bench.common import require_data, table
from bench.syndication import build_corpus, corpus_arguments
from dedup.api import cluster
from dedup.clean import ChromeSettings
from dedup.config import Params
from dedup.evaluate import PairScores, pair_scores
from dedup.index.opener import open_index
from dedup.index.store import IndexParams
from dedup.parallel import default_workers
from dedup.records import Record
from dedup.stream import filter_stream


def filtered(records: list[Record], workers: int) -> dict[str, str | None]:
    """id -> cluster (the representative's id) as the streaming filter decides, fresh index."""
    params = Params()
    with open_index(None, IndexParams.from_params(params)) as store:
        outcomes = filter_stream(
            records, store, params, ChromeSettings(use_repetition=False), workers=workers
        )
        return {o.record.id: o.assignment.cluster for o in outcomes if o.record and o.assignment}


def _row(name: str, scores: PairScores) -> list[str]:
    return [
        name,
        f"{scores.precision:.4f}",
        f"{scores.recall:.4f}",
        f"{scores.f1:.4f}",
        f"{scores.true_pos}/{scores.predicted}/{scores.actual}",
    ]


def main() -> None:
    parser = corpus_arguments(argparse.ArgumentParser(description=__doc__.split("\n")[0]))
    parser.add_argument("--orders", type=int, default=3, help="shuffled orders besides input order")
    parser.add_argument("--workers", type=int, default=default_workers())
    args = parser.parse_args()
    records, labels, _ = build_corpus(
        require_data(args.data), args.stories, args.copies, args.distinct, args.seed
    )
    batch = cluster(records, Params(), workers=args.workers)
    by_cluster = {a.id: a.cluster for a in batch.assignments}
    cluster_labels = {i: c or i for i, c in by_cluster.items()}
    rows = [_row("dedup cluster vs truth", pair_scores(by_cluster, labels))]
    rng = random.Random(args.seed)
    for order in range(args.orders + 1):
        stream = list(records)
        if order:
            rng.shuffle(stream)
        name = "input order" if order == 0 else f"shuffle {order}"
        predicted = filtered(stream, args.workers)
        rows.append(_row(f"filter ({name}) vs truth", pair_scores(predicted, labels)))
        rows.append(_row(f"filter ({name}) vs cluster", pair_scores(predicted, cluster_labels)))
    print(
        f"{len(records)} documents: {args.stories} stories x {args.copies} copies + distinct pages"
    )
    print(table(rows, ["run", "precision", "recall", "F1", "tp/pred/true pairs"]))


if __name__ == "__main__":
    main()
