"""Article-extraction quality on the shared pages: trafilatura alone next to our cleaning.

Scores each extractor's text against the ground truth with the ScrapingHub
article-extraction-benchmark shingle metric (see :mod:`dedup.quality` for the
exact definition), and on WCXB also with its ``with`` / ``without`` snippets.
Seconds per page are measured in the same run: every page is decoded once,
then handed to each extractor in turn, and only the extractor call is timed.

Usage:

    .venv/bin/python -m bench.extraction_quality [--dataset scrapinghub|wcxb|both]
        [--limit N] [--ids-file FILE] [--json OUT] [--data ../shared/data]

To add an extractor, add an entry to ``EXTRACTORS``: a name and a callable
``(html: str, url: str | None) -> str``. ``DERIVED`` holds untimed variants
computed from another extractor's output (our text without its title line).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura

from bench.common import DEFAULT_DATA, require_data, table
from dedup.clean import ChromeSettings, Cleaner
from dedup.io.decode import decode_bytes
from dedup.quality import (
    ShingleScore,
    SnippetScore,
    aggregate,
    mean_fraction,
    score,
    shingles,
    snippet_score,
)
from dedup.records import Record

Extractor = Callable[[str, str | None], str]

OURS = "dedup clean (as is)"
OURS_NO_TITLE = "dedup clean, title line removed"
ORACLE = "line oracle on trafilatura (ceiling)"
WORST = 10
_CLEANER = Cleaner()


def trafilatura_alone(html: str, url: str | None) -> str:
    """The baseline: trafilatura with comments off and its cross-document dedup off.

    No URL is passed, as in the benchmark's own ``extractors/run_trafilatura.py``.
    """
    return trafilatura.extract(html, include_comments=False, deduplicate=False) or ""


def dedup_clean(html: str, url: str | None) -> str:
    """Our pipeline's cleaning; the text starts with the page title line when one was found."""
    doc, _error = _CLEANER(Record(id="page", source="bench", html=html, url=url))
    return doc.text


def drop_first_line(_page: Page, text: str) -> str:
    """Our text without its first line, which is the title whenever the page had one.

    (``Cleaner`` found a title on all 974 shared pages when this was written.)
    """
    return text.split("\n", 1)[1] if "\n" in text else ""


EXTRACTORS: dict[str, Extractor] = {
    "trafilatura alone": trafilatura_alone,
    OURS: dedup_clean,
}


def line_oracle(page: Page, text: str) -> str:
    """trafilatura's lines that are mostly article, judged by the truth itself.

    No line-level cleaner can beat this (it removes every chrome line and only
    those), so it is the ceiling of what text-level chrome removal can reach on
    trafilatura's output. A line counts as article when at least half of its
    word 3-grams (all its words, for shorter lines) occur in the ground truth.
    """
    truth = set(shingles(page.truth, 3))
    kept = [
        line
        for line in text.split("\n")
        if (g := set(shingles(line, 3))) and len(g & truth) >= len(g) / 2
    ]
    return "\n".join(kept)


Derived = dict[str, tuple[str, Callable[["Page", str], str]]]
DERIVED: Derived = {
    OURS_NO_TITLE: (OURS, drop_first_line),
    ORACLE: ("trafilatura alone", line_oracle),
}


@dataclass(slots=True)
class Page:
    id: str
    html: str
    truth: str
    url: str | None = None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    has_snippets: bool = False


@dataclass(slots=True)
class PageResult:
    text: str
    seconds: float | None
    shingle: ShingleScore | None
    snippets: SnippetScore | None
    error: str | None = None


def read_html(path: Path) -> str:
    return decode_bytes(gzip.decompress(path.read_bytes()), html=True)


def read_ids(path: Path | None) -> set[str] | None:
    """Ids from a file, one a line; blank lines and ``#`` comments skipped, file suffixes dropped."""
    if path is None:
        return None
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            ids.add(Path(line).name.removesuffix(".gz").removesuffix(".html").removesuffix(".json"))
    return ids


def load_scrapinghub(data: Path, limit: int | None) -> list[Page]:
    root = data / "scrapinghub-aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        entry = truth[page_id]
        html = read_html(root / "html" / f"{page_id}.html.gz")
        pages.append(Page(page_id, html, entry.get("articleBody") or "", entry.get("url")))
    return pages


def load_wcxb(data: Path, limit: int | None, ids: set[str] | None) -> list[Page]:
    root = data / "wcxb-dev-articles"
    paths = sorted((root / "ground-truth").glob("*.json"))
    if ids is not None:
        unknown = ids - {p.stem for p in paths}
        if unknown:
            sys.exit(f"bench: {len(unknown)} ids not in WCXB, e.g. {sorted(unknown)[:5]}")
        paths = [p for p in paths if p.stem in ids]
    pages = []
    for path in paths[:limit]:
        entry = json.loads(path.read_text(encoding="utf-8"))
        truth = entry.get("ground_truth") or {}
        html = read_html(root / "html" / f"{path.stem}.html.gz")
        pages.append(
            Page(
                path.stem,
                html,
                truth.get("main_content") or "",
                entry.get("url"),
                list(truth.get("with") or []),
                list(truth.get("without") or []),
                has_snippets=True,
            )
        )
    return pages


def run_extractors(
    pages: Sequence[Page], extractors: dict[str, Extractor], derived: Derived | None = None
) -> dict[str, list[PageResult]]:
    """Every extractor on every page (interleaved per page, so drift hits all alike)."""
    results: dict[str, list[PageResult]] = {name: [] for name in extractors}
    if pages:  # one untimed call each, so lazy imports and caches do not bill the first page
        for extract in extractors.values():
            with contextlib.suppress(Exception):
                extract(pages[0].html, pages[0].url)
    for number, page in enumerate(pages, 1):
        for name, extract in extractors.items():
            error = None
            started = time.perf_counter()
            try:
                text = extract(page.html, page.url)
            except Exception as err:
                text, error = "", f"{type(err).__name__}: {err}"
            seconds = time.perf_counter() - started
            results[name].append(_scored(page, text, seconds, error))
        if number % 50 == 0:
            print(f"  {number}/{len(pages)} pages", file=sys.stderr, flush=True)
    for name, (base, transform) in (DERIVED if derived is None else derived).items():
        if base in results:
            results[name] = [
                _scored(page, transform(page, r.text), None, r.error)
                for page, r in zip(pages, results[base], strict=True)
            ]
    return results


def _scored(page: Page, text: str, seconds: float | None, error: str | None) -> PageResult:
    # A page with an empty ground truth has no annotation to score against
    # (two WCXB pages): it is left out of the shingle metric; see report().
    shingle = score(page.truth, text) if page.truth.strip() else None
    snippets = snippet_score(text, page.with_, page.without) if page.has_snippets else None
    return PageResult(text, seconds, shingle, snippets, error)


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def report(
    name: str,
    pages: Sequence[Page],
    results: dict[str, list[PageResult]],
    derived: Derived | None = None,
) -> None:
    with_snippets = any(p.has_snippets for p in pages)
    scored = sum(1 for p in pages if p.truth.strip())
    print(f"\n== {name}: {len(pages)} pages, {scored} with a non-empty ground truth ==")
    if scored < len(pages):
        skipped = [p.id for p in pages if not p.truth.strip()]
        print(
            f"   (shingle metric leaves out pages with an empty ground truth: {', '.join(skipped)})"
        )
    header = ["extractor", "P", "R", "F1", "empty out", "errors", "s/page"]
    if with_snippets:
        header[4:4] = ["with found", "without absent"]
    rows = []
    for extractor, page_results in results.items():
        agg = aggregate(r.shingle for r in page_results if r.shingle is not None)
        times = [r.seconds for r in page_results if r.seconds is not None]
        seconds = f"{statistics.fmean(times):.4f}" if times else "untimed*"
        row = [
            extractor,
            _fmt(agg.precision),
            _fmt(agg.recall),
            _fmt(agg.f1),
            str(sum(1 for r in page_results if not r.text.strip())),
            str(sum(1 for r in page_results if r.error)),
            seconds,
        ]
        if with_snippets:
            row[4:4] = [
                _fmt(mean_fraction(r.snippets.with_fraction for r in page_results if r.snippets)),
                _fmt(
                    mean_fraction(r.snippets.without_fraction for r in page_results if r.snippets)
                ),
            ]
        rows.append(row)
    print(table(rows, header))
    print(
        "   P, R: macro means over pages; F1 = 2PR/(P+R) from those means (ScrapingHub evaluate.py)"
    )
    print("   s/page: mean seconds of the extractor call alone (HTML already decoded), same run")
    untimed = [
        f"{name} is computed from {base}'s output"
        for name, (base, _) in (DERIVED if derived is None else derived).items()
        if name in results
    ]
    if untimed:
        print(f"   *untimed: {'; '.join(untimed)}, in the same call")
    if with_snippets:
        print(
            "   with found / without absent: mean over pages of the fraction of snippets present /"
            " absent (NFKC, casefold, whitespace runs -> one space, word-boundary substring match)"
        )
    _worst(pages, results)


def _worst(pages: Sequence[Page], results: dict[str, list[PageResult]]) -> None:
    if OURS not in results:
        return
    ours, no_title = results[OURS], results.get(OURS_NO_TITLE)
    ranked = sorted(
        (i for i, r in enumerate(ours) if r.shingle is not None),
        key=lambda i: (ours[i].shingle.f1, pages[i].id),  # type: ignore[union-attr]
    )[:WORST]
    rows = []
    for i in ranked:
        shingle = ours[i].shingle
        assert shingle is not None
        row = [
            pages[i].id,
            _fmt(shingle.f1),
            _fmt(no_title[i].shingle.f1) if no_title and no_title[i].shingle else "-",
            _fmt(shingle.precision),
            _fmt(shingle.recall),
            str(len(ours[i].text)),
            str(len(pages[i].truth)),
            (pages[i].url or "")[:70],
        ]
        rows.append(row)
    print(f"\n   {len(rows)} worst pages for {OURS} by per-page F1 (ranking only):")
    header = ["id", "F1", "F1 no title", "P", "R", "out chars", "truth chars", "url"]
    print("\n".join("   " + line for line in table(rows, header).splitlines()))


def dump(out: Path, per_dataset: dict[str, tuple[list[Page], dict[str, list[PageResult]]]]) -> None:
    payload: dict[str, Any] = {}
    for dataset, (pages, results) in per_dataset.items():
        payload[dataset] = {}
        for extractor, page_results in results.items():
            per_page = {}
            for page, r in zip(pages, page_results, strict=True):
                entry: dict[str, Any] = {
                    "seconds": r.seconds,
                    "chars": len(r.text),
                    "error": r.error,
                    "url": page.url,
                }
                if r.shingle is not None:
                    entry.update(
                        tp=r.shingle.tp,
                        fp=r.shingle.fp,
                        fn=r.shingle.fn,
                        precision=r.shingle.precision,
                        recall=r.shingle.recall,
                        f1=r.shingle.f1,
                        counts_for_precision=r.shingle.counts_for_precision,
                        counts_for_recall=r.shingle.counts_for_recall,
                    )
                if r.snippets is not None:
                    entry.update(
                        with_fraction=r.snippets.with_fraction,
                        without_fraction=r.snippets.without_fraction,
                    )
                per_page[page.id] = entry
            agg = aggregate(r.shingle for r in page_results if r.shingle is not None)
            payload[dataset][extractor] = {
                "summary": {"precision": agg.precision, "recall": agg.recall, "f1": agg.f1},
                "pages": per_page,
            }
    out.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nper-page scores written to {out}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dataset", choices=["scrapinghub", "wcxb", "both"], default="both")
    parser.add_argument(
        "--limit", type=int, default=None, help="first N pages (by id) of each dataset"
    )
    parser.add_argument("--ids-file", type=Path, default=None, help="WCXB ids to keep, one a line")
    parser.add_argument(
        "--json", type=Path, default=None, metavar="OUT", help="write per-page scores"
    )
    parser.add_argument(
        "--chrome-model", type=Path, default=None, help="line-model JSON [default: packaged]"
    )
    args = parser.parse_args(argv)
    data = require_data(args.data)
    if args.chrome_model is not None:
        global _CLEANER
        _CLEANER = Cleaner(ChromeSettings(model_path=str(args.chrome_model)))
    print(f"trafilatura {trafilatura.__version__}; extractors: {', '.join(EXTRACTORS)}")
    per_dataset: dict[str, tuple[list[Page], dict[str, list[PageResult]]]] = {}
    if args.dataset in ("scrapinghub", "both"):
        pages = load_scrapinghub(data, args.limit)
        per_dataset["scrapinghub"] = (pages, run_extractors(pages, EXTRACTORS))
        report("ScrapingHub article-extraction-benchmark", *per_dataset["scrapinghub"])
    if args.dataset in ("wcxb", "both"):
        pages = load_wcxb(data, args.limit, read_ids(args.ids_file))
        per_dataset["wcxb"] = (pages, run_extractors(pages, EXTRACTORS))
        report("WCXB dev articles (truth: main_content)", *per_dataset["wcxb"])
    if args.json:
        dump(args.json, per_dataset)


if __name__ == "__main__":
    main()
