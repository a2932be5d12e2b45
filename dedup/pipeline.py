"""The stages wired together: read -> clean -> sketch (in workers) -> repetition -> cluster.

Everything that needs one document only runs in worker processes. The corpus
pass (lines repeated across a site) needs all documents, so it runs here, and
the few documents it changes are sketched again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from dedup.clean import ChromeSettings, Cleaner, remove_repeated
from dedup.cluster import Sketched
from dedup.config import Params
from dedup.parallel import parallel_map
from dedup.records import CleanDoc, Problem, Record
from dedup.sketch import Sketcher


@dataclass(slots=True)
class Prepared:
    """A cleaned, sketched document; ``error`` says why it has no usable text."""

    doc: CleanDoc
    sketch: Sketched
    error: str | None


class DocSketcher:
    """Sketch a cleaned document; holds the permutations, built once per process."""

    def __init__(self, params: Params) -> None:
        self.sketcher = Sketcher(params.shingle_size, params.num_perm, params.seed)

    def __call__(self, doc: CleanDoc) -> Sketched:
        shingles, words = self.sketcher.shingles(doc.text)
        return Sketched(
            id=doc.id,
            words=words,
            published=doc.published,
            shingles=shingles,
            signature=self.sketcher.signature(shingles),
            has_text=bool(doc.text),
        )


class Preparer:
    """Clean and sketch one record in a worker."""

    def __init__(self, params: Params, settings: ChromeSettings, fast: bool = False) -> None:
        self.cleaner = Cleaner(settings, fast=fast)
        self.sketch = DocSketcher(params)

    def __call__(self, record: Record) -> Prepared:
        doc, error = self.cleaner(record)
        return Prepared(doc, self.sketch(doc), error)


def only_records(
    items: Iterable[Record | Problem], on_problem: Callable[[Problem], None]
) -> Iterator[Record]:
    """Pass records on, problems to ``on_problem``; a record reusing a seen id is a problem."""
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Problem):
            on_problem(item)
        elif item.id in seen:
            on_problem(Problem(item.source, f"duplicate id {item.id!r} (first at {seen[item.id]})"))
        else:
            seen[item.id] = item.source
            yield item


def clean_all(
    records: Iterable[Record], settings: ChromeSettings, workers: int, fast: bool = False
) -> list[tuple[CleanDoc, str | None]]:
    """Clean every record, then run the corpus repetition pass; input order is kept."""
    cleaned = list(parallel_map(partial(Cleaner, settings, fast=fast), records, workers))
    remove_repeated([doc for doc, _ in cleaned], settings)
    return cleaned


def prepare_all(
    records: Iterable[Record],
    params: Params,
    settings: ChromeSettings,
    workers: int,
    fast: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> list[Prepared]:
    """Clean and sketch every record, then apply the corpus pass and re-sketch what it changed."""
    prepared: list[Prepared] = []
    for item in parallel_map(partial(Preparer, params, settings, fast), records, workers):
        prepared.append(item)
        if on_progress is not None:
            on_progress(len(prepared))
    before = [len(p.doc.removed) for p in prepared]
    remove_repeated([p.doc for p in prepared], settings)
    sketch = DocSketcher(params)
    for item, count in zip(prepared, before, strict=True):
        if len(item.doc.removed) != count:
            item.sketch = sketch(item.doc)
    return prepared
