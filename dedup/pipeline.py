"""The stages wired together: read -> clean -> sketch (in workers) -> repetition -> cluster.

Everything that needs one document only runs in worker processes. The corpus
pass (lines repeated across a site) needs all documents, so it runs here, and
the few documents it changes are sketched again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import xxhash

from dedup.clean import ChromeSettings, Cleaner, remove_repeated
from dedup.clean.document import CopyGroups
from dedup.cluster import Sketched, cluster_sketches
from dedup.config import Params
from dedup.parallel import parallel_map
from dedup.records import CleanDoc, Problem, Record
from dedup.sketch import Sketcher

CHUNK = 32
"""Most records per task sent to a worker: fewer round trips for cheap text records."""
CHUNK_CHARS = 200_000
"""A task closes at this much input text: two or three HTML pages, dozens of short texts."""


def record_size(record: Record) -> int:
    """Characters a record brings to cleaning: what its cleaning time grows with."""
    return len(record.html or "") + len(record.text or "")


@dataclass(slots=True)
class Prepared:
    """A cleaned, sketched document; ``error`` says why it has no usable text."""

    doc: CleanDoc
    sketch: Sketched
    error: str | None


class DocSketcher:
    """Sketch a cleaned document; holds the permutations, built once per process.

    Without ``keep_shingles`` the shingle set goes once the signature is made
    (``Sketched.shingles`` is ``None``): a batch recomputes it, with
    :meth:`shingles`, only for the few documents whose signature shares an LSH band.
    """

    def __init__(self, params: Params, keep_shingles: bool = True) -> None:
        self.sketcher = Sketcher(params.shingle_size, params.num_perm, params.seed)
        self.keep_shingles = keep_shingles

    def __call__(self, doc: CleanDoc) -> Sketched:
        shingles, words = self.sketcher.shingles(doc.text)
        return Sketched(
            id=doc.id,
            words=words,
            published=doc.published,
            shingles=shingles if self.keep_shingles else None,
            signature=self.sketcher.signature(shingles),
            has_text=bool(doc.text),
        )

    def shingles(self, doc: CleanDoc) -> np.ndarray:
        return self.sketcher.shingles(doc.text)[0]


class Preparer:
    """Clean and sketch one record in a worker."""

    preload = Cleaner.preload

    def __init__(
        self,
        params: Params,
        settings: ChromeSettings,
        fast: bool = False,
        keep_shingles: bool = True,
    ) -> None:
        self.cleaner = Cleaner(settings, fast=fast)
        self.sketch = DocSketcher(params, keep_shingles)

    def __call__(self, record: Record) -> Prepared:
        return self.many([record])[0]

    def many(self, records: Sequence[Record]) -> list[Prepared]:
        """Several records at once (see :meth:`Cleaner.many`)."""
        return [Prepared(doc, self.sketch(doc), error) for doc, error in self.cleaner.many(records)]


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


COPIES_JACCARD = 0.8
"""Shingle Jaccard at which the repetition pass counts two texts as one: stricter than the
copy level's containment, so a brief page inside a long site frame is not a copy of another."""


def copies_among(
    docs: Sequence[CleanDoc], params: Params, sketches: Sequence[Sketched] | None = None
) -> CopyGroups:
    """The copy groups :func:`remove_repeated` asks for, judged by the copy level.

    ``sketches`` (made with ``params`` from the same texts) are reused; else the
    documents asked about are sketched here. Sketches are copied, never changed.
    """
    strict = replace(
        params,
        similarity="jaccard",
        threshold=COPIES_JACCARD,
        lsh_threshold=min(params.lsh_threshold, COPIES_JACCARD),
        min_words=1,
    )
    sketcher = DocSketcher(strict, keep_shingles=False)

    def groups(positions: Sequence[int]) -> list[list[int]]:
        if sketches is not None:
            chosen = [replace(sketches[i]) for i in positions]
        else:
            chosen = [sketcher(docs[i]) for i in positions]
        assigned = cluster_sketches(
            chosen,
            strict,
            release=True,
            shingles_of=lambda j: sketcher.shingles(docs[positions[j]]),
        )
        members: dict[str, list[int]] = {}
        for i, a in zip(positions, assigned, strict=True):
            if a.cluster is not None:
                members.setdefault(a.cluster, []).append(i)
        return [group for group in members.values() if len(group) > 1]

    return groups


def clean_all(
    records: Iterable[Record], settings: ChromeSettings, workers: int, fast: bool = False
) -> list[tuple[CleanDoc, str | None]]:
    """Clean every record, then run the corpus repetition pass; input order is kept."""
    clean = partial(Cleaner, settings, fast=fast)
    cleaned = list(parallel_map(clean, records, workers, CHUNK, record_size, CHUNK_CHARS))
    docs = [doc for doc, _ in cleaned]
    remove_repeated(docs, settings, copies_among(docs, Params()))
    return cleaned


def content_key(record: Record) -> bytes:
    """A hash of everything cleaning reads from a record: equal keys give equal cleaned text."""
    digest = xxhash.xxh3_128()
    for part in (record.html, record.text, record.url, record.title, record.published):
        encoded = b"" if part is None else part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "little") if part is not None else b"-")
        digest.update(encoded)
    return digest.digest()


class _Reuse:
    """Sends each distinct record to the workers once; copies reuse the first one's result."""

    def __init__(self) -> None:
        self.first: dict[bytes, int] = {}
        self.plan: deque[tuple[Record, int | None]] = deque()
        self.seen = 0

    def unique(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            key = content_key(record)
            earlier = self.first.setdefault(key, self.seen)
            self.seen += 1
            if earlier == self.seen - 1:
                self.plan.append((record, None))
                yield record
            else:
                self.plan.append((record, earlier))

    def copies(self, done: list[Prepared]) -> Iterator[Prepared]:
        """The copies planned so far whose first occurrence is in ``done``."""
        while self.plan and self.plan[0][1] is not None:
            record, earlier = self.plan.popleft()
            assert earlier is not None
            yield _copy_of(done[earlier], record)


def _copy_of(original: Prepared, record: Record) -> Prepared:
    doc = replace(original.doc, id=record.id, source=record.source, extra=record.extra)
    doc.removed = list(original.doc.removed)
    return Prepared(doc, replace(original.sketch, id=record.id), original.error)


def prepare_all(
    records: Iterable[Record],
    params: Params,
    settings: ChromeSettings,
    workers: int,
    fast: bool = False,
    on_progress: Callable[[int], None] | None = None,
    keep_shingles: bool = True,
) -> list[Prepared]:
    """Clean and sketch every record, then apply the corpus pass and re-sketch what it changed.

    Records identical in everything cleaning reads (a page fetched twice) are
    cleaned and sketched once (the pass over the corpus still counts each).
    ``keep_shingles`` as in :class:`DocSketcher`.
    """
    prepared: list[Prepared] = []
    reuse = _Reuse()
    factory = partial(Preparer, params, settings, fast, keep_shingles)
    unique = reuse.unique(records)
    for item in parallel_map(factory, unique, workers, CHUNK, record_size, CHUNK_CHARS):
        prepared.extend(reuse.copies(prepared))
        reuse.plan.popleft()
        prepared.append(item)
        if on_progress is not None:
            on_progress(len(prepared))
    prepared.extend(reuse.copies(prepared))
    before = [len(p.doc.removed) for p in prepared]
    docs = [p.doc for p in prepared]
    remove_repeated(docs, settings, copies_among(docs, params, [p.sketch for p in prepared]))
    sketch = DocSketcher(params, keep_shingles)
    for item, count in zip(prepared, before, strict=True):
        if len(item.doc.removed) != count:
            item.sketch = sketch(item.doc)
    return prepared
