"""What each extraction setting costs in quality and buys in speed, on the labelled shared pages.

Quality is the ScrapingHub shingle metric of :mod:`bench.extraction_quality`
(and WCXB's snippets), speed is the mean seconds per page of the extractor
call alone; every setting runs on every page in the same run, interleaved per
page, so a busy machine slows all of them alike. Settings: ``dedup clean``
as shipped and with ``--fast``; trafilatura alone with its defaults (as
dedup calls it: comments off, no cross-document dedup) and with one switch
changed each: ``fast``, ``favor_precision``, ``favor_recall``,
``include_tables=False``. Untimed rows computed from those outputs: each
trafilatura setting's line-oracle ceiling (its lines that are mostly article
by the truth: what a perfect line cleaner on that base would score), and
dedup's text without its title line (the truth has none). ``--exclude-ids
bench/wcxb_heldout.txt`` leaves the held-out WCXB pages out, for choosing a
setting without looking at them. Usage:

    .venv/bin/python -m bench.extraction_settings [--dataset scrapinghub|wcxb|both]
        [--limit N] [--exclude-ids FILE] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import trafilatura

from bench.common import DEFAULT_DATA, require_data
from bench.extraction_quality import (
    OURS,
    OURS_NO_TITLE,
    Derived,
    Extractor,
    drop_first_line,
    line_oracle,
    load_scrapinghub,
    load_wcxb,
    read_ids,
    report,
    run_extractors,
)
from dedup.clean import Cleaner
from dedup.records import Record


def _trafilatura(**changes: Any) -> Extractor:
    options = {"include_comments": False, "deduplicate": False, **changes}

    def extract(html: str, url: str | None) -> str:
        return trafilatura.extract(html, **options) or ""

    return extract


def _dedup(fast: bool) -> Extractor:
    cleaner = Cleaner(fast=fast)

    def extract(html: str, url: str | None) -> str:
        return cleaner(Record(id="page", source="bench", html=html, url=url))[0].text

    return extract


SETTINGS: dict[str, Extractor] = {
    OURS: _dedup(fast=False),
    "dedup clean --fast": _dedup(fast=True),
    "trafilatura defaults": _trafilatura(),
    "trafilatura fast=True": _trafilatura(fast=True),
    "trafilatura favor_precision": _trafilatura(favor_precision=True),
    "trafilatura favor_recall": _trafilatura(favor_recall=True),
    "trafilatura include_tables=False": _trafilatura(include_tables=False),
}

DERIVED: Derived = {
    OURS_NO_TITLE: (OURS, drop_first_line),
    "dedup clean --fast, title line removed": ("dedup clean --fast", drop_first_line),
    **{
        f"line oracle on {name}": (name, line_oracle)
        for name in SETTINGS
        if name.startswith("trafilatura")
    },
}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dataset", choices=["scrapinghub", "wcxb", "both"], default="both")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each dataset")
    parser.add_argument("--exclude-ids", type=Path, default=None, help="WCXB ids to leave out")
    args = parser.parse_args(argv)
    data = require_data(args.data)
    keep = None
    if args.exclude_ids is not None:
        every = {p.stem for p in (data / "wcxb-dev-articles" / "ground-truth").glob("*.json")}
        keep = every - (read_ids(args.exclude_ids) or set())
    print(f"trafilatura {trafilatura.__version__}; settings: {', '.join(SETTINGS)}")
    if args.dataset in ("scrapinghub", "both"):
        pages = load_scrapinghub(data, args.limit)
        results = run_extractors(pages, SETTINGS, DERIVED)
        report("ScrapingHub article-extraction-benchmark", pages, results, DERIVED)
    if args.dataset in ("wcxb", "both"):
        pages = load_wcxb(data, args.limit, keep)
        results = run_extractors(pages, SETTINGS, DERIVED)
        report("WCXB dev articles (truth: main_content)", pages, results, DERIVED)


if __name__ == "__main__":
    main()
