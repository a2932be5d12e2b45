"""The stages wired together: read -> clean -> sketch (in workers) -> cluster.

Cleaning and sketching are per-document and run in worker processes;
clustering needs every signature and runs in this process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from dedup.clean import clean_record
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


class Preparer:
    """Clean and sketch one record; holds per-process state built once."""

    def __init__(self, params: Params, fast: bool = False) -> None:
        self.fast = fast
        self.sketcher = Sketcher(params.shingle_size, params.num_perm, params.seed)

    def __call__(self, record: Record) -> Prepared:
        doc, error = clean_record(record, fast=self.fast)
        shingles, words = self.sketcher.shingles(doc.text)
        sketch = Sketched(
            id=doc.id,
            words=words,
            published=doc.published,
            shingles=shingles,
            signature=self.sketcher.signature(shingles),
            has_text=bool(doc.text),
        )
        return Prepared(doc, sketch, error)


def _cleaner(fast: bool) -> Callable[[Record], tuple[CleanDoc, str | None]]:
    return partial(clean_record, fast=fast)


def only_records(
    items: Iterable[Record | Problem], on_problem: Callable[[Problem], None]
) -> Iterator[Record]:
    """Pass records on; hand problems to ``on_problem``. Later records reusing an id are problems."""
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Problem):
            on_problem(item)
        elif item.id in seen:
            on_problem(Problem(item.source, f"duplicate id {item.id!r} (first at {seen[item.id]})"))
        else:
            seen[item.id] = item.source
            yield item


def clean_stream(
    records: Iterable[Record], workers: int, fast: bool = False
) -> Iterator[tuple[CleanDoc, str | None]]:
    """Cleaned documents in input order."""
    return parallel_map(partial(_cleaner, fast), records, workers)


def prepare_stream(
    records: Iterable[Record], params: Params, workers: int, fast: bool = False
) -> Iterator[Prepared]:
    """Cleaned and sketched documents in input order."""
    return parallel_map(partial(Preparer, params, fast), records, workers)
