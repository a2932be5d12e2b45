"""Salient features of a news text: content words, names and normalised numbers.

Rewrites of one event share few sentences but many facts: who (names), how
much (figures) and a handful of rare words. A feature is a string with a kind
prefix, so the three kinds can be weighted separately downstream:

- ``w:`` a content word: case-folded, stop words dropped, plural ``s`` cut.
- ``e:`` a name: a capitalised word that is not merely starting a sentence or
  sitting in a title-case headline. No model is needed (none may be
  downloaded); a sentence-initial or headline word still counts when the same
  text also capitalises it mid-sentence.
- ``n:`` a figure: the value with its scale word applied and the currency
  dropped, so "$10 billion", "10bn" and "$10B" are all ``n:1e+10``; percentages
  keep a ``%`` ("5 percent" is ``n:5%``). Lone digits 0-9 say too little.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

WORD, NAME, NUMBER = "w:", "e:", "n:"
KINDS = (WORD, NAME, NUMBER)

_NEWS_STOP = {
    "said", "says", "say", "just", "like", "new", "year", "years", "also", "according",
    "told", "including", "people", "time", "week", "day", "percent",
}  # fmt: skip
_SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6,
    "billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
    "crore": 1e7, "lakh": 1e5,
}  # fmt: skip
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(?:\s?(thousand|million|billion|trillion|crore|lakh|mn|mln|bn|bln|tn|[kmb])\b)?"
    r"(?:\s?(%|percent\b|per\s+cent\b))?",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_](?:[\w'\u2019-]*\w)?")
_SENTENCE_END = frozenset('.!?:;"“”•|')


def _number_feature(match: re.Match[str]) -> str | None:
    whole, fraction, scale, percent = match.groups()
    value = float(whole.replace(",", "") + ("." + fraction if fraction else ""))
    if scale:
        value *= _SCALES[scale.lower()]
    if percent:
        return f"{NUMBER}{value:g}%"
    if value < 10 and not scale:
        return None
    return f"{NUMBER}{value:g}"


def numbers(text: str) -> list[str]:
    """Normalised figures in ``text``, in order of appearance."""
    found = (_number_feature(m) for m in _NUMBER.finditer(text))
    return [f for f in found if f is not None]


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """A plural/possessive cut that merges "talks"/"talk" and "Meta's"/"Meta", nothing cleverer."""
    for suffix in ("'s", "\u2019s"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words plus news filler, read on first use."""
    return _sklearn_stop_words() | _NEWS_STOP


def _sklearn_stop_words() -> frozenset[str]:
    """``ENGLISH_STOP_WORDS``, from its own module file when it can be found.

    Importing sklearn (for the list alone) takes 0.5-1.5 s, with scipy; the
    list's module imports nothing, so it is run by itself. Any other layout
    falls back to the ordinary import.
    """
    spec = importlib.util.find_spec("sklearn")
    for folder in (spec and spec.submodule_search_locations) or []:
        path = Path(folder) / "feature_extraction" / "_stop_words.py"
        module_spec = importlib.util.spec_from_file_location("_dedup_stop_words", path)
        if path.is_file() and module_spec is not None and module_spec.loader is not None:
            module = importlib.util.module_from_spec(module_spec)
            try:
                module_spec.loader.exec_module(module)
            except Exception:  # a layout this was not written for: import it the usual way
                break
            words = getattr(module, "ENGLISH_STOP_WORDS", None)
            if isinstance(words, frozenset):
                return words
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _is_headline(tokens: list[str]) -> bool:
    """Title Case lines capitalise every content word; their capitals say nothing."""
    stop = stop_words()
    content = [t for t in tokens if t.casefold() not in stop]
    return len(content) >= 3 and all(t[0].isupper() for t in content)


def _line_names(line: str, found: set[str]) -> None:
    """Add the capitalised words of one line that sit mid-sentence outside a headline."""
    tokens = list(_TOKEN.finditer(line))
    if _is_headline([m.group() for m in tokens]):
        return
    stop = stop_words()
    previous_end = -1
    for match in tokens:
        word, start = match.group(), previous_end
        previous_end = match.end()
        if not word[0].isupper() or start < 0:
            continue
        if not _SENTENCE_END.isdisjoint(line[start : match.start()]):
            continue
        key = _stem(word.casefold())
        if key not in stop and len(key) > 1:
            found.add(key)


def names(text: str) -> set[str]:
    """Case-folded capitalised words that read as names (see the module docstring)."""
    found: set[str] = set()
    for line in text.split("\n"):
        _line_names(line, found)
    return found


@lru_cache(maxsize=1 << 16)
def _key(token: str) -> str | None:
    """The stemmed, case-folded form of a token, or ``None`` for a stop word."""
    word = _stem(token.casefold())
    return None if word in stop_words() or len(word) < 2 else word


def features(text: str) -> Counter[str]:
    """Counts of every ``w:``/``e:``/``n:`` feature of ``text``."""
    tokens = _TOKEN.findall(text)
    keys = [k for k in map(_key, tokens) if k is not None]
    counts: Counter[str] = Counter(WORD + k for k in keys)
    found_names = names(text)
    if found_names:
        capitalised = (_key(t) for t in tokens if t[0].isupper())
        counts.update(NAME + k for k in capitalised if k in found_names)
    counts.update(numbers(text))
    return counts
