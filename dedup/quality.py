"""Scoring extracted article text against ground truth.

Shingle metric
--------------
A reimplementation (our own code) of the metric in ``evaluate.py`` of the
ScrapingHub article extraction benchmark,
https://github.com/scrapinghub/article-extraction-benchmark (file
``evaluate.py``: ``string_shingle_matching``, ``_ngrams``, ``_tokenize``,
``precision_score``, ``recall_score``, ``metrics_from_tp_fp_fns``). What the
original does, step by step:

1. **Tokens**: ``re.findall(r"\\w+", text)`` with the ``UNICODE``, ``MULTILINE``,
   ``IGNORECASE`` and ``DOTALL`` flags, none of which change what ``\\w+``
   matches: runs of Unicode word characters (letters, digits, underscore).
   There is **no lower-casing** (``IGNORECASE`` does not fold the matched text),
   so matching is case-sensitive; punctuation and whitespace only separate
   tokens. ``None`` counts as the empty string.
2. **Shingles**: word 4-grams (``ngram_n=4``), as tuples, taken at every
   position ``i`` in ``range(max(1, len(tokens) - 3))``. A text with 1 to 3
   tokens therefore yields a single shorter shingle of all its tokens; a text
   with no tokens yields none.
3. **Multisets**: shingles are counted with ``collections.Counter``; for every
   distinct shingle with count ``t`` in the truth and ``p`` in the prediction,
   ``tp += min(t, p)``, ``fp += max(0, p - t)``, ``fn += max(0, t - p)``.
   Repeated text is therefore only credited as often as it occurs in the truth.
4. **Per-document normalisation**: ``(tp, fp, fn)`` are divided by their sum
   (when the sum is positive) "so that longer texts do not have more weight".
   This does not change a document's precision or recall, only the scale.
5. **Per-document precision / recall**, with these edge cases, checked in
   this order:

   - precision: ``1`` if ``fp == fn == 0``; else ``0`` if ``tp == fp == 0``;
     else ``tp / (tp + fp)``.
   - recall: ``1`` if ``fp == fn == 0``; else ``0`` if ``tp == fn == 0``;
     else ``tp / (tp + fn)``.

6. **Macro average**: precision is the plain mean over the documents with
   ``tp + fp > 0`` (the prediction has at least one shingle); recall is the
   mean over the documents with ``tp + fn > 0`` (the truth has at least one
   shingle). So an **empty prediction** for a non-empty truth is left out of
   precision and scores recall 0; an **empty truth** with a non-empty
   prediction is left out of recall and scores precision 0; when both are
   empty the document is left out of both.
7. **F1** is the harmonic mean of the two averages,
   ``2 * P * R / (P + R)``, not a mean of per-document F1 values.

The original also reports bootstrap confidence intervals (1000 resamples of
documents, ``1.96 * stdev``); those are not reproduced here. Beyond the
original: :func:`aggregate` returns ``0.0`` instead of raising when no
document qualifies for a mean or when ``P + R == 0``, and :class:`ShingleScore`
has a per-document F1 (harmonic mean of that document's precision and recall,
0 when both are 0), which the original never computes; it is only for ranking
pages, never for the reported F1.

Snippet checks
--------------
For WCXB-style ground truth, lists of snippets that must (``with``) and must
not (``without``) appear in the output. Text and snippet are both normalised
by :func:`normalise_for_match`: Unicode NFKC, ``str.casefold``, and every run
of whitespace (including non-breaking spaces and line breaks) replaced by one
space, ends stripped. A snippet is *found* when its normalised form occurs in
the normalised text at a word boundary: where the snippet begins (ends) with
a word character, the character before (after) the match must not be one, so
the snippet ``Home`` is not found inside ``homeowners``.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SHINGLE_SIZE = 4

_TOKEN = re.compile(r"\w+")
_WHITESPACE = re.compile(r"\s+")
_WORD_CHAR = re.compile(r"\w")


def tokenize(text: str | None) -> list[str]:
    """Unicode word-character runs, case kept, as in the original ``_tokenize``."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """Multiset of word ``size``-grams; 1 to ``size - 1`` tokens give one short shingle."""
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))


def match_counts(
    truth: str | None, prediction: str | None, size: int = SHINGLE_SIZE
) -> tuple[float, float, float]:
    """Shingle ``(tp, fp, fn)`` of one document, divided by their sum when it is positive."""
    true_counts = shingles(truth, size)
    pred_counts = shingles(prediction, size)
    tp = sum((true_counts & pred_counts).values())
    fp = sum((pred_counts - true_counts).values())
    fn = sum((true_counts - pred_counts).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def _harmonic(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


@dataclass(frozen=True, slots=True)
class ShingleScore:
    """One document's normalised shingle counts and the scores derived from them."""

    tp: float
    fp: float
    fn: float

    @property
    def counts_for_precision(self) -> bool:
        """Whether the original averages this document's precision (prediction non-empty)."""
        return self.tp + self.fp > 0

    @property
    def counts_for_recall(self) -> bool:
        """Whether the original averages this document's recall (truth non-empty)."""
        return self.tp + self.fn > 0

    @property
    def precision(self) -> float:
        return precision_score(self.tp, self.fp, self.fn)

    @property
    def recall(self) -> float:
        return recall_score(self.tp, self.fp, self.fn)

    @property
    def f1(self) -> float:
        """Per-document F1, for ranking pages only (the original has no such figure)."""
        return _harmonic(self.precision, self.recall)


def score(truth: str | None, prediction: str | None, size: int = SHINGLE_SIZE) -> ShingleScore:
    """Score one extracted text against its ground truth."""
    return ShingleScore(*match_counts(truth, prediction, size))


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Macro-averaged precision and recall over documents, and F1 from the two averages."""

    precision: float
    recall: float
    f1: float
    documents: int


def aggregate(scores: Iterable[ShingleScore]) -> Aggregate:
    """Average as the original ``metrics_from_tp_fp_fns`` does (see the module docstring)."""
    scores = list(scores)
    precisions = [s.precision for s in scores if s.counts_for_precision]
    recalls = [s.recall for s in scores if s.counts_for_recall]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    return Aggregate(precision, recall, _harmonic(precision, recall), len(scores))


def normalise_for_match(text: str | None) -> str:
    """NFKC, casefold, whitespace runs to one space, ends stripped."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return _WHITESPACE.sub(" ", folded).strip()


def contains_snippet(text: str, snippet: str, *, normalised: bool = False) -> bool:
    """Whether ``snippet`` occurs in ``text`` after normalisation, at word boundaries.

    Pass ``normalised=True`` when ``text`` has already been through
    :func:`normalise_for_match` (to normalise a long text once for many snippets).
    """
    haystack = text if normalised else normalise_for_match(text)
    needle = normalise_for_match(snippet)
    if not needle:
        return True
    starts_word = bool(_WORD_CHAR.match(needle[0]))
    ends_word = bool(_WORD_CHAR.match(needle[-1]))
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        before_ok = not (starts_word and start > 0 and _WORD_CHAR.match(haystack[start - 1]))
        after_ok = not (ends_word and end < len(haystack) and _WORD_CHAR.match(haystack[end]))
        if before_ok and after_ok:
            return True
        start = haystack.find(needle, start + 1)
    return False


@dataclass(frozen=True, slots=True)
class SnippetScore:
    """How many ``with`` snippets were found and how many ``without`` snippets were absent."""

    with_found: int
    with_total: int
    without_absent: int
    without_total: int

    @property
    def with_fraction(self) -> float | None:
        return self.with_found / self.with_total if self.with_total else None

    @property
    def without_fraction(self) -> float | None:
        return self.without_absent / self.without_total if self.without_total else None


def snippet_score(text: str, with_: Sequence[str], without: Sequence[str]) -> SnippetScore:
    """Check the snippets that must and must not appear in ``text``; empty snippets are skipped."""
    haystack = normalise_for_match(text)
    must = [s for s in with_ if normalise_for_match(s)]
    must_not = [s for s in without if normalise_for_match(s)]
    found = sum(contains_snippet(haystack, s, normalised=True) for s in must)
    absent = sum(not contains_snippet(haystack, s, normalised=True) for s in must_not)
    return SnippetScore(found, len(must), absent, len(must_not))


def mean_fraction(values: Iterable[float | None]) -> float | None:
    """Mean over the pages that have a value (a page with no snippets of a kind has none)."""
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None
