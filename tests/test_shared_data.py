"""Quality guards on the real shared data (skipped when it is absent).

The full measurements live in bench/; these keep a small, fast version of each
figure from regressing.
"""

from __future__ import annotations

import dedup
from bench.syndication import build_corpus
from dedup.evaluate import pair_scores


def test_no_false_clusters_among_distinct_scrapinghub_articles(shared_data):
    result = dedup.cluster(
        dedup.read_inputs([str(shared_data / "scrapinghub-aeb" / "html")]), workers=2
    )
    assert result.stats.documents == 181 and not result.problems
    assert result.stats.clusters == 181 and result.stats.duplicates == 0


def test_syndicated_copies_are_found_precisely(shared_data):
    records, labels, copies = build_corpus(shared_data, stories=15, copies=4, distinct=40, seed=7)
    assert len(copies) == 60 and len(records) == 100
    result = dedup.cluster(records, workers=2)
    predicted = {a.id: a.cluster for a in result.assignments}
    scores = pair_scores(predicted, labels)
    assert scores.actual == 15 * 6
    assert scores.precision >= 0.98 and scores.recall >= 0.95, scores
