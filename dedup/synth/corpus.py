"""A large generated text corpus for throughput and memory runs: news-length stories, ~20% copies.

Real pages are too few to measure scale (974 shared pages), so this writes as
many synthetic documents as asked, fast (numpy draws whole batches of words).
Words follow a Zipf-like law over a pseudo-word vocabulary, so shingles
collide between unrelated stories about as rarely as in real text. A share of
the documents are near-duplicates of an earlier story in the same batch,
published on another site with syndication edits: a dateline, a few words
changed, sometimes the last paragraph cut. Each record carries ``story``, the
id of the original, so clusters can be checked against it.

Output depends only on the seed and the document index: the first N documents
of a larger corpus are the corpus of N documents. Usage:

    python -m dedup.synth.corpus 100000 --seed 1 > corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

BATCH = 1000
"""Documents per batch; copies always copy a story of their own batch."""
VOCAB_SIZE = 40_000
SITES = 500
_SYLLABLES = (*(c + v for c in "bcdfghklmnprstvz" for v in "aeiou"), "an", "er", "st", "tr")
_DATELINES = ("LONDON (Reuters) - ", "NEW YORK (AP) - ", "PARIS (AFP) - ", "TOKYO - ")


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """What to generate; the defaults give news-length stories (about 250 to 800 words)."""

    docs: int
    seed: int = 1
    duplicate_share: float = 0.2
    min_words: int = 250
    max_words: int = 800
    edit_share: float = 0.03


def vocabulary(seed: int) -> np.ndarray:
    """Distinct pseudo-words of two to four syllables, deterministic by seed."""
    rng = np.random.default_rng([seed, 0])
    syllables = np.array(_SYLLABLES)
    words: dict[str, None] = {}
    while len(words) < VOCAB_SIZE:
        counts = rng.integers(2, 5, size=VOCAB_SIZE)
        picks = rng.integers(0, len(syllables), size=(VOCAB_SIZE, 4))
        for n, row in zip(counts, syllables[picks], strict=True):
            words["".join(row[:n])] = None
    return np.array(list(words)[:VOCAB_SIZE])


def _zipf_cdf() -> np.ndarray:
    weights = 1.0 / (np.arange(VOCAB_SIZE) + 10.0)
    return np.cumsum(weights) / weights.sum()


class Generator:
    """Builds records batch by batch; holds the vocabulary, built once."""

    def __init__(self, spec: CorpusSpec) -> None:
        self.spec = spec
        self.vocab = vocabulary(spec.seed)
        self.cdf = _zipf_cdf()

    def records(self) -> Iterator[dict[str, Any]]:
        for start in range(0, self.spec.docs, BATCH):
            yield from self._batch(start, min(BATCH, self.spec.docs - start))

    def _words(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cdf, rng.random(n)), VOCAB_SIZE - 1)

    def _batch(self, start: int, size: int) -> Iterator[dict[str, Any]]:
        spec = self.spec
        rng = np.random.default_rng([spec.seed, 1, start])
        lengths = rng.integers(spec.min_words, spec.max_words + 1, size=BATCH)
        is_copy = rng.random(BATCH) < spec.duplicate_share
        is_copy[0] = False
        originals: list[int] = []
        bodies: list[list[str]] = []
        for i in range(size):
            if is_copy[i]:
                source = originals[int(rng.integers(len(originals)))]
                paragraphs = self._edited(rng, bodies[source])
            else:
                source = i
                originals.append(i)
                paragraphs = self._story(rng, int(lengths[i]))
            bodies.append(paragraphs)
            yield {
                "id": f"d{start + i:07d}",
                "url": f"https://site{int(rng.integers(SITES))}.example/news/{start + i}",
                "published": f"2024-{1 + (start + i) % 12:02d}-{1 + i % 28:02d}T12:00:00Z",
                "story": f"d{start + source:07d}",
                "text": "\n".join(paragraphs),
            }

    def _story(self, rng: np.random.Generator, n_words: int) -> list[str]:
        words = self.vocab[self._words(rng, n_words)]
        cuts = np.cumsum(rng.integers(8, 26, size=n_words // 8 + 2))
        sentences = [
            " ".join(words[a:b]).capitalize() + "."
            for a, b in zip(np.r_[0, cuts], cuts, strict=False)
            if a < n_words
        ]
        title = " ".join(self.vocab[self._words(rng, int(rng.integers(6, 13)))]).capitalize()
        per = int(rng.integers(3, 6))
        return [title] + [" ".join(sentences[k : k + per]) for k in range(0, len(sentences), per)]

    def _edited(self, rng: np.random.Generator, paragraphs: list[str]) -> list[str]:
        """A syndicated copy: a dateline, a few words replaced, sometimes the last paragraph cut."""
        body = paragraphs[1:]
        if len(body) > 4 and rng.random() < 0.5:
            body = body[:-1]
        words = " ".join(body).split(" ")
        changes = rng.random(len(words)) < self.spec.edit_share
        for k in np.flatnonzero(changes):
            words[k] = str(self.vocab[self._words(rng, 1)[0]])
        text = _DATELINES[int(rng.integers(len(_DATELINES)))] + " ".join(words)
        return [paragraphs[0], *_rewrap(text, len(body))]


def _rewrap(text: str, paragraphs: int) -> list[str]:
    """Split text back into about ``paragraphs`` lines at sentence ends."""
    sentences = text.split(". ")
    per = max(1, len(sentences) // max(1, paragraphs))
    return [". ".join(sentences[k : k + per]) for k in range(0, len(sentences), per)]


def generate(spec: CorpusSpec) -> Iterator[dict[str, Any]]:
    """The corpus as JSON-ready records: ``id``, ``url``, ``published``, ``story``, ``text``."""
    return Generator(spec).records()


def write_jsonl(spec: CorpusSpec, stream: Any) -> int:
    """Write the corpus as JSON Lines; returns the number of documents."""
    count = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for record in generate(spec):
        stream.write(dumps(record) + "\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("docs", type=int, help="number of documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--duplicate-share", type=float, default=0.2)
    args = parser.parse_args(argv)
    write_jsonl(CorpusSpec(args.docs, args.seed, args.duplicate_share), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
