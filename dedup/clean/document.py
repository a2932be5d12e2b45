"""Record to cleaned document: the clean layer's entry points.

:class:`Cleaner` does everything that needs one document only (extraction,
rules, the line model) and runs in worker processes; :func:`remove_repeated`
does the corpus pass, once all documents of a batch are cleaned.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np

from dedup.clean.chrome import (
    ChromeSettings,
    Removal,
    block_lines,
    is_paragraph,
    is_protected,
    is_structured,
    is_table_row,
    rules_for,
    tail_lines,
    trim_inline,
    word_counts,
)
from dedup.clean.features import documents_features
from dedup.clean.html import extract_html
from dedup.clean.model import ChromeModel
from dedup.clean.repetition import (
    SHORT_LINE_WORDS,
    LineCounter,
    line_key,
    site_key,
    strip_repeated,
    text_line_keys,
)
from dedup.clean.text import normalise_text, with_title
from dedup.records import CleanDoc, Record

# Titles repeated in a page's header area: headline-like lines (4 to 20 words, no
# sentence-final punctuation) among the first HEAD_LINES lines, repeated soon after.
HEAD_LINES = 8
MAX_TITLE_CHARS = 300  # no title is longer: longer lines are never compared with it
HEADING = re.compile(r"^(?=(?:\S+\s+){3,19}\S+$).*[^.!?:;,\"\u201d]$")
_HEADING_WORDS = range(4, 21)
_NOT_HEADING_ENDS = '.!?:;,"\u201d'


# The line model judges lines up to this long. Its training lines are extracted paragraphs, and
# longer lines there are prose; a whole article on one line (common in plain-text corpora) is
# outside what it learned, and it would remove the whole text.
MODEL_MAX_WORDS = 60


class Cleaner:
    """Cleans one record at a time; build once per process (it holds compiled rules)."""

    preload = ("trafilatura",)
    """Modules a worker process should import before its first record (see ``worker_context``)."""

    def __init__(self, settings: ChromeSettings | None = None, *, fast: bool = False) -> None:
        self.settings = settings or ChromeSettings()
        self.fast = fast
        self.model = ChromeModel.load(self.settings.model_path) if self.settings.use_model else None
        self.model_threshold = self.settings.model_threshold or (
            self.model.threshold if self.model else 1.0
        )

    def __call__(self, record: Record) -> tuple[CleanDoc, str | None]:
        """The cleaned document and, when it has no usable text, the reason."""
        return self.many([record])[0]

    def many(self, records: Sequence[Record]) -> list[tuple[CleanDoc, str | None]]:
        """Clean several records: the same results as one at a time, with one model pass for all.

        The line model's numpy work has a fixed cost per call that short texts
        would otherwise pay each.
        """
        texts = [self._text(record) for record in records]
        if self.settings.enabled:
            stripped = self.strip_many([(text.lines, text.title) for text in texts])
        else:
            stripped = [(text.lines, []) for text in texts]
        return [
            self._document(record, text, lines, removed)
            for record, text, (lines, removed) in zip(records, texts, stripped, strict=True)
        ]

    def _text(self, record: Record) -> _Text:
        title, published, url, error = record.title, record.published, record.url, None
        if record.html is not None:
            extracted = extract_html(record.html, url=record.url, fast=self.fast)
            raw = extracted.text
            title = title or extracted.title
            published = published or extracted.published
            url = url or extracted.url
            error = extracted.error
        else:
            raw = record.text or ""
        lines = normalise_text(raw).split("\n") if raw.strip() else []
        return _Text(lines, title, published, url, error)

    def _document(
        self, record: Record, text: _Text, lines: list[str], removed: list[Removal]
    ) -> tuple[CleanDoc, str | None]:
        body = "\n".join(lines)
        error = text.error
        if not body and error is None:
            if text.lines and any(line.strip() for line in text.lines):
                error = "every line removed as chrome (see --explain)"
            else:
                error = "no text extracted" if record.html is not None else "empty text"
        doc = CleanDoc(
            id=record.id,
            source=record.source,
            text=_titled(text.title, lines, body) if body else "",
            url=text.url,
            title=text.title,
            published=text.published,
            extra=record.extra,
            removed=removed,
        )
        return doc, error

    def strip(
        self, lines: Sequence[str], title: str | None = None
    ) -> tuple[list[str], list[Removal]]:
        """Remove chrome lines by rule, teaser block and line model; protected lines always stay.

        A title repeated in the header area (a scraping artefact) also goes;
        repeated sentences, questions and list items further down stay. The
        model scores every line in context (its features look at neighbours),
        and only decides lines the rules left alone.
        """
        return self.strip_many([(lines, title)])[0]

    def strip_many(
        self, docs: Sequence[tuple[Sequence[str], str | None]]
    ) -> list[tuple[list[str], list[Removal]]]:
        """:meth:`strip` for several documents (lines and title each), scored by the model at once."""
        trimmed = [trim_inline(lines) for lines, _ in docs]
        line_lists = [lines for lines, _ in trimmed]
        scores: list[np.ndarray | None] = [None] * len(docs)
        if self.model is not None:
            table = documents_features(line_lists)
            # only lines short enough for the model to judge are scored (see model_judges;
            # a score is the same in any batch)
            judged = np.asarray(table.words) <= MODEL_MAX_WORDS
            every = np.zeros(len(table.words))
            every[judged] = self.model.score_features(table.features[judged])
            spans = list(itertools.pairwise(itertools.accumulate(map(len, line_lists), initial=0)))
            scores = [every[start:stop] for start, stop in spans]
            words = [table.words[start:stop] for start, stop in spans]
        else:
            words = [word_counts(lines) for lines in line_lists]
        return [
            self._strip(lines, removed, title, doc_scores, doc_words)
            for (lines, removed), (_, title), doc_scores, doc_words in zip(
                trimmed, docs, scores, words, strict=True
            )
        ]

    def _strip(
        self,
        lines: list[str],
        removed: list[Removal],
        title: str | None,
        scores: np.ndarray | None,
        words: list[int],
    ) -> tuple[list[str], list[Removal]]:
        settings = self.settings
        rules = rules_for(lines, settings, words)
        headline = None if title else headline_index(lines, words, rules)
        blocks = block_lines(lines, words)
        tails = tail_lines(lines, words)
        # The title, and headline-like lines of the header area (above the first paragraph).
        headings = {line_key(t) for t in (title, lines[0] if lines else None) if t}
        header = True
        over = [False] * len(lines) if scores is None else (scores >= self.model_threshold).tolist()
        kept: list[str] = []
        for i, line in enumerate(lines):
            if is_protected(line, settings) or (i == 0 and _is_title(line, title)):
                kept.append(line)  # the title placed first (as our own output has it) is no chrome
            elif i in blocks:
                removed.append(Removal(line, f"block:{blocks[i]}"))
            elif reason := rules[i] or tails.get(i):
                removed.append(Removal(line, reason))
            elif (
                0 < i < HEAD_LINES * 2
                and len(line) <= MAX_TITLE_CHARS
                and not is_structured(line)
                and line_key(line) in headings
            ):
                removed.append(Removal(line, "rule:repeated-heading"))
            elif over[i] and i != headline and model_judges(line, words[i]):
                removed.append(Removal(line, "model", score=float(scores[i])))
            else:
                kept.append(line)
                header = header and not is_paragraph(line)
                if header and i < HEAD_LINES and is_heading(line, words[i]):
                    headings.add(line_key(line))
        return kept, removed


class _Text(NamedTuple):
    """A record's text as lines, before chrome removal, with what extraction found."""

    lines: list[str]
    title: str | None
    published: str | None
    url: str | None
    error: str | None


def _is_title(line: str, title: str | None) -> bool:
    """Whether ``line`` is the title, punctuation and case aside (by :func:`line_key`)."""
    return bool(title) and line_key(line) == line_key(title or "")


def _titled(title: str | None, lines: Sequence[str], body: str) -> str:
    """The body with the title first; a first line that is the title (which the cleaner
    keeps) stands for it, so cleaning a cleaned text changes nothing."""
    if lines and _is_title(lines[0], title):
        return body
    return with_title(title, body)


def model_judges(line: str, words: int) -> bool:
    """Lines like those the model was trained on: no table rows, at most ``MODEL_MAX_WORDS`` words
    (``words``: the line's)."""
    return not is_table_row(line) and words <= MODEL_MAX_WORDS


def is_heading(line: str, words: int) -> bool:
    """``HEADING.match(line)`` for a line of ``words`` words, the regex only for a multi-line one.

    4 to 20 words, no space at either end and no sentence or clause mark last.
    """
    if "\n" in line:
        return HEADING.match(line) is not None
    return (
        words in _HEADING_WORDS
        and not line[0].isspace()
        and not line[-1].isspace()
        and line[-1] not in _NOT_HEADING_ENDS
    )


def headline_index(
    lines: Sequence[str], words: Sequence[int], rules: Sequence[str | None]
) -> int | None:
    """The line that is most likely the headline of a text without a known title.

    The longest headline-like line before the first paragraph that no rule
    calls chrome: breadcrumbs and section labels above a headline are shorter
    than it, and a login or cookie notice is not it. The model never removes
    it (labelled data has titles outside the body, so the model learned to
    call top headlines chrome); rules still can.
    """
    best, best_words = None, 0
    for i, line in enumerate(lines[:HEAD_LINES]):
        if is_paragraph(line):
            break
        if words[i] > best_words and rules[i] is None and is_heading(line, words[i]):
            best, best_words = i, words[i]
    return best


def _may_be_a_copy(lines: Sequence[str], counts: Sequence[int], min_docs: int) -> bool:
    """Whether a text shares a long line with enough others to be a copy losing its article.

    A site's frame is mostly short lines, so texts that repeat only short lines
    need no copy check, unless they have no long line at all.
    """
    repeated = [line for line, count in zip(lines, counts, strict=True) if count >= min_docs]
    if not repeated:
        return False
    if any(len(line.split()) > SHORT_LINE_WORDS for line in repeated):
        return True
    return all(len(line.split()) <= SHORT_LINE_WORDS for line in lines)


CopyGroups = Callable[[Sequence[int]], Iterable[Sequence[int]]]
"""Given positions of documents, the groups among them that are copies of one text."""


def remove_repeated(
    docs: Sequence[CleanDoc], settings: ChromeSettings, copies: CopyGroups | None = None
) -> list[CleanDoc]:
    """The corpus pass: drop lines repeated across documents of one site (order-independent).

    ``copies`` groups the documents holding a repeated line into copies of one
    text, which count as one document (of all their lines); without it every
    document counts, and copies of a story erase each other as the frame.
    """
    if not (settings.enabled and settings.use_repetition) or len(docs) < settings.repeat_min_docs:
        return list(docs)
    sites = [site_key(doc) for doc in docs]
    keys = [text_line_keys(doc.text) if doc.text else [] for doc in docs]
    lines_of = [doc.text.split("\n") if doc.text else [] for doc in docs]
    counter = LineCounter()
    for site, doc_keys in zip(sites, keys, strict=True):
        counter.add(site, doc_keys)
    suspects = [
        i
        for i, (site, doc_keys) in enumerate(zip(sites, keys, strict=True))
        if _may_be_a_copy(lines_of[i], counter.counts(site, doc_keys), settings.repeat_min_docs)
    ]
    groups = copies(suspects) if copies is not None and suspects else []
    for group in groups:
        by_site: dict[str, list[int]] = {}
        for i in group:
            by_site.setdefault(sites[i], []).append(i)
        for site, members in by_site.items():
            counter.count_once(site, [keys[i] for i in members])
    out = []
    for doc, site, doc_keys, lines in zip(docs, sites, keys, lines_of, strict=True):
        counts = counter.counts(site, doc_keys)
        if max(counts, default=0) < settings.repeat_min_docs:
            out.append(doc)
            continue
        kept, removed = strip_repeated(lines, counts, settings.repeat_min_docs)
        doc.text = "\n".join(kept)
        doc.removed = [*doc.removed, *removed]
        out.append(doc)
    return out
