"""Build the story level's background IDF model (dedup/data/story_idf.json).

Background texts: the hand-checked article bodies of the WCXB dev set and the
ScrapingHub benchmark (titles included). SemEval-2022 Task 8 is the story
level's evaluation set and is deliberately left out, so its statistics cannot
leak into the figures measured on it.

Usage: python -m bench.build_idf [--data ../shared/data] [--out dedup/data/story_idf.json]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

from bench.common import DEFAULT_DATA, ROOT, require_data
from dedup.story.idf import MODEL_FILE, build_background
from dedup.story.terms import features

VOCABULARY = 30000
MIN_DF = 2


def background_texts(data: Path) -> Iterator[str]:
    """WCXB ground-truth titles and bodies, then ScrapingHub bodies, in file order."""
    for path in sorted((data / "wcxb-dev-articles" / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))["ground_truth"]
        yield f"{truth.get('title') or ''}\n{truth.get('main_content') or ''}"
    truth = json.loads((data / "scrapinghub-aeb" / "ground-truth.json").read_text("utf-8"))
    for key in sorted(truth):
        yield truth[key].get("articleBody") or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=ROOT / "dedup" / "data" / MODEL_FILE)
    args = parser.parse_args()
    data = require_data(args.data)
    model = build_background(map(features, background_texts(data)), VOCABULARY, MIN_DF)
    source = f"WCXB dev ground truth + ScrapingHub AEB bodies, min_df {MIN_DF}, top {VOCABULARY}"
    args.out.write_text(model.to_json(source), encoding="utf-8")
    print(f"{args.out}: {model.documents} documents, {len(model.df)} features")


if __name__ == "__main__":
    main()
