"""Story-level measurements: seeds vs. distractors, SemEval-2022 Task 8 pairs, cost per document.

1. The five seed texts (one event, five outlets) processed together with the
   181 ScrapingHub and 793 WCXB pages (HTML, through the whole pipeline): how
   many stories the seeds form, and which other documents join them.
2. SemEval-2022 Task 8, every English text processed together through the
   default pipeline, text cleaner included (``--no-chrome`` turns it off, as
   the bench did before the cleaner learned to keep one-line texts). Pairwise P/R/F1 of the story groups on the
   scored English pairs, against a TF-IDF cosine baseline (scikit-learn
   defaults, one threshold for the pair). Thresholds, and in the nested row the
   variant too, are chosen on 4 folds and scored on the fifth (folds keep pairs
   sharing a document together); the oracle rows choose on all pairs and are
   shown for comparison only.
3. Cost per document of the story level next to the copy level (medians of
   ``--runs`` runs; cleaning once, it dominates and is the same for both).

Usage: python -m bench.stories [--data ../shared/data] [--runs 3] [--workers 2] [--no-chrome]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import replace
from itertools import combinations
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

import dedup
from bench.common import DEFAULT_DATA, median_seconds, require_data, table
from bench.semeval import (
    Pair,
    SemEval,
    best_threshold,
    bootstrap_difference,
    components,
    cross_validated,
    held_out_predictions,
    load,
    pair_prf,
)
from dedup.clean import ChromeSettings
from dedup.cluster import cluster_sketches
from dedup.config import Params
from dedup.evaluate import PairScores
from dedup.pipeline import Prepared, only_records, prepare_all
from dedup.story import StoryParams, assign_stories
from dedup.story.assign import representatives, story_docs, with_stories
from dedup.story.group import group_stories
from dedup.story.verify import score

THRESHOLDS = [round(t, 2) for t in np.arange(0.10, 0.51, 0.01)]
BASELINE_THRESHOLDS = [round(t, 2) for t in np.arange(0.02, 0.91, 0.01)]
ALL_TERMS = 1_000_000
_D = StoryParams()
VARIANTS = {
    "bag of words: all terms, shared runs kept, names 0 figures 0": replace(
        _D, score_terms=ALL_TERMS, shared_run=None, name_weight=0.0, number_weight=0.0
    ),
    "all terms, shared runs kept": replace(_D, score_terms=ALL_TERMS, shared_run=None),
    "top 60, shared runs kept": replace(_D, shared_run=None),
    "all terms, shared 8-word runs dropped": replace(_D, score_terms=ALL_TERMS),
    "top 30": replace(_D, score_terms=30),
    "shared 5-word runs dropped": replace(_D, shared_run=5),
    "names 0 figures 0": replace(_D, name_weight=0.0, number_weight=0.0),
    "names 0.5 figures 0.5": replace(_D, name_weight=0.5, number_weight=0.5),
    "names 1 figures 0": replace(_D, number_weight=0.0),
    "names 2 figures 2": replace(_D, name_weight=2.0, number_weight=2.0),
    "leader link": replace(_D, link="leader"),
    "complete link": replace(_D, link="complete"),
    "defaults (average link, top 60, shared 8-word runs dropped, names 1 figures 1)": _D,
}
FOLDS, REPEATS = 5, 5


def prepare(paths: Sequence[str], workers: int, settings: ChromeSettings) -> list[Prepared]:
    records = only_records(dedup.read_inputs(list(paths)), lambda p: print(f"bench: {p}"))
    return prepare_all(records, Params(), settings, workers)


def story_level(prepared: Sequence[Prepared], params: StoryParams) -> list[dedup.Assignment]:
    copies = cluster_sketches([p.sketch for p in prepared], Params())
    docs, words = [p.doc for p in prepared], [p.sketch.words for p in prepared]
    return assign_stories(docs, words, copies, params)


def seeds_and_costs(data: Path, runs: int, workers: int) -> None:
    paths = [str(data / "seeds"), str(data / "scrapinghub-aeb/html")]
    paths.append(str(data / "wcxb-dev-articles/html"))
    started = time.perf_counter()
    prepared = prepare(paths, workers, ChromeSettings())
    cleaning = time.perf_counter() - started
    params = StoryParams()
    result = story_level(prepared, params)
    seeds = {a.id for a in result if "/seeds/" in a.id}
    seed_stories = {a.story for a in result if a.id in seeds}
    joined = sorted(a.id for a in result if a.story in seed_stories and a.id not in seeds)
    groups = [a for a in result if sum(b.story == a.story for b in result) > 1 and a.id == a.story]
    print(f"\n## Seeds with distractors ({len(prepared)} documents, default story parameters)\n")
    print(f"seeds: {len(seeds)}, stories among them: {len(seed_stories)}")
    print(f"other documents in a seed story: {len(joined)} {joined[:5]}")
    print(f"stories with more than one document overall: {len(groups)}")
    ready = story_docs([p.doc for p in prepared], [p.sketch.words for p in prepared], params)
    seed_docs = [d for d in ready if d.id in seeds]
    inside = min(score(a.vector, b.vector) for a, b in combinations(seed_docs, 2))
    nearest = max(score(a.vector, b.vector) for a in seed_docs for b in ready if b.id not in seeds)
    print(f"lowest seed-seed score {inside:.3f}, highest seed-other score {nearest:.3f}")
    n = len(prepared)
    copy_s, _ = median_seconds(
        lambda: cluster_sketches([p.sketch for p in prepared], Params()), runs
    )
    copies = cluster_sketches([p.sketch for p in prepared], Params())
    docs, words = [p.doc for p in prepared], [p.sketch.words for p in prepared]
    story_s, _ = median_seconds(lambda: assign_stories(docs, words, copies, params), runs)
    print(f"\n## Cost per document ({n} documents; shared 2-core machine, median of {runs})\n")
    rows = [
        [f"clean + sketch (workers={workers}, once)", f"{1000 * cleaning / n:.2f}", "-"],
        ["copy level: LSH + verify + group", f"{1000 * copy_s / n:.3f}", "1.00"],
        ["story level: features + IDF + LSH + score + group", f"{1000 * story_s / n:.3f}",
         f"{story_s / copy_s:.2f}"],
    ]  # fmt: skip
    print(table(rows, ["stage", "ms/doc", "x copy level"]))


def baseline_cosines(semeval: SemEval) -> list[float]:
    ids = sorted(semeval.texts)
    position = {key: i for i, key in enumerate(ids)}
    matrix = TfidfVectorizer().fit_transform([semeval.texts[key] for key in ids])
    return [
        float(matrix[position[p.a]].multiply(matrix[position[p.b]]).sum()) for p in semeval.pairs
    ]


def grouped_same(
    prepared: Sequence[Prepared], pairs: Sequence[Pair], params: StoryParams
) -> dict[float, list[bool]]:
    """For each threshold: whether each pair's documents end up in one story.

    As in a ``dedup cluster --stories`` run: the copy level runs first, stories
    are built over its representatives, and every copy takes its
    representative's story (so copies of one text never blank each other out
    as shared runs).
    """
    copies = cluster_sketches([p.sketch for p in prepared], Params())
    reps = representatives(copies)
    kept = [copies[i].status == "kept" for i in reps]
    ready = story_docs(
        [prepared[i].doc for i in reps], [prepared[i].sketch.words for i in reps], params, 1, kept
    )
    out = {}
    for t in THRESHOLDS:
        at = replace(params, threshold=t)
        story = {a.id: a.story for a in with_stories(copies, reps, group_stories(ready, at), at)}
        out[t] = [story[p.a] is not None and story[p.a] == story[p.b] for p in pairs]
    return out


def _cv(pairs: Sequence[Pair], same_at: dict, repeats: int = REPEATS) -> tuple[PairScores, list]:
    """Held-out scores pooled over ``repeats`` different fold splits (P, R, F1 are means)."""
    scores, chosen = [], []
    for seed in range(repeats):
        s, c = cross_validated(pairs, same_at, FOLDS, seed)
        scores.append(s)
        chosen.extend(c)
    tp = sum(s.true_pos for s in scores)
    return PairScores(tp, sum(s.predicted for s in scores), sum(s.actual for s in scores)), chosen


def _row(name: str, s: PairScores, note: str) -> list[str]:
    return [name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", note]


def semeval_table(data: Path, workers: int, chrome: bool = True) -> None:
    semeval = load(data)
    pairs = semeval.pairs
    records = [dedup.Record(id=k, source=f"semeval:{k}", text=t) for k, t in semeval.texts.items()]
    prepared = prepare_all(records, Params(), ChromeSettings(enabled=chrome), workers)
    print(
        f"\n## SemEval-2022 Task 8, English: {len(semeval.texts)} texts processed together, "
        f"{len(pairs)} scored pairs ({sum(p.same for p in pairs)} same story), "
        f"{semeval.repaired} texts repaired from mojibake, text cleaner {'on' if chrome else 'off'}\n"
    )
    rows = []
    cosines = baseline_cosines(semeval)
    base = {t: [c >= t for c in cosines] for t in BASELINE_THRESHOLDS}
    best = best_threshold(pairs, base, range(len(pairs)))
    rows.append(_row("baseline TF-IDF cosine, oracle", pair_prf(pairs, base[best]), f"t={best}"))
    held, chosen = _cv(pairs, base)
    rows.append(_row("baseline TF-IDF cosine, held-out", held, _span(chosen)))
    nested: dict[tuple[str, float], list[bool]] = {}
    for name, params in VARIANTS.items():
        same_at = grouped_same(prepared, pairs, params)
        nested.update({(name, t): v for t, v in same_at.items()})
        held, chosen = _cv(pairs, same_at)
        rows.append(_row(f"stories, {name}", held, _span(chosen)))
    held, chosen = _cv(pairs, nested)
    rows.append(_row("stories, variant and threshold chosen per fold", held, _picks(chosen)))
    default = StoryParams()
    default_at = grouped_same(prepared, pairs, default)
    same = default_at[default.threshold]
    rows.append(_row("stories at shipped defaults", pair_prf(pairs, same), _describe(default)))
    print(table(rows, ["method (stories rows: held-out, 5x5-fold)", "P", "R", "F1", "threshold"]))
    ours, _ = held_out_predictions(pairs, default_at)
    theirs, _ = held_out_predictions(pairs, base)
    gap, low, high = bootstrap_difference(pairs, ours, theirs)
    print(
        f"\nstories (defaults) minus baseline, both held out on one 5-fold split: F1 {gap:+.3f}, "
        f"95% bootstrap interval {low:+.3f}..{high:+.3f} (2000 resamples of the "
        f"{len(components(pairs))} groups of pairs that share documents)"
    )


def _picks(chosen: list[tuple[str, float]]) -> str:
    names = sorted({name for name, _ in chosen})
    return (
        f"{len(names)} variants picked, t={min(t for _, t in chosen)}..{max(t for _, t in chosen)}"
    )


def _span(chosen: list) -> str:
    return f"t={min(chosen)}..{max(chosen)}"


def _describe(p: StoryParams) -> str:
    return f"t={p.threshold}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-seeds", action="store_true", help="only the SemEval table")
    parser.add_argument(
        "--no-chrome", action="store_true", help="SemEval texts without the cleaner"
    )
    args = parser.parse_args()
    data = require_data(args.data)
    semeval_table(data, args.workers, chrome=not args.no_chrome)
    if not args.skip_seeds:
        seeds_and_costs(data, args.runs, args.workers)


if __name__ == "__main__":
    main()
