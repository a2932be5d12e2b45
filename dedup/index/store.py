"""The persistent index's contract: what a store keeps, and its one atomic step.

A store remembers every record id it has decided (kept or duplicate) and, for
kept documents, the MinHash signature, its LSH band keys, the shingle hashes
(so candidates are verified exactly, by the same rule as ``dedup cluster``)
and the representative's metadata. :meth:`IndexStore.decide` runs lookup,
verification and insert as one transaction, so two processes sharing a store
never both keep copies of one story, and a record id decided before gets the
same decision again (a re-run after a crash gives the same kept set).
:meth:`IndexStore.decide_many` runs several decisions in order, as one
transaction where the store can.

Everything is stored as plain bytes, numbers and JSON: never pickles, so a
shared store cannot become a way to run code in a crawler.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from types import TracebackType
from typing import Any

import numpy as np
import xxhash

from dedup.config import Params
from dedup.index.bands import lsh_shape
from dedup.sketch.minhash import HASH_SCHEME

FORMAT_VERSION = 1
# How shingles are hashed (dedup.sketch.shingles): xxh3 per token, polynomial
# combination, top 32 bits. A different scheme makes stored hashes meaningless.
SHINGLE_HASH = "xxh3-poly32"
_U32 = np.dtype("<u4")


class IndexStoreError(Exception):
    """An index that cannot be opened or used (the CLI exits 2 with this message)."""


class IndexMismatch(IndexStoreError):
    """The index was built with other sketch parameters than this run's."""


@dataclass(frozen=True, slots=True)
class IndexParams:
    """What must match between the runs that share an index."""

    format: int
    hash_scheme: str
    shingle_hash: str
    seed: int
    shingle_size: int
    num_perm: int
    bands: int
    rows: int

    @classmethod
    def from_params(cls, params: Params) -> IndexParams:
        bands, rows = lsh_shape(params.lsh_threshold, params.num_perm)
        return cls(
            format=FORMAT_VERSION,
            hash_scheme=HASH_SCHEME,
            shingle_hash=SHINGLE_HASH,
            seed=params.seed,
            shingle_size=params.shingle_size,
            num_perm=params.num_perm,
            bands=bands,
            rows=rows,
        )

    @classmethod
    def from_json(cls, text: str, where: str) -> IndexParams:
        try:
            data = json.loads(text)
            return cls(**{f.name: data[f.name] for f in fields(cls)})
        except (ValueError, KeyError, TypeError) as err:
            raise IndexStoreError(f"{where}: unreadable index parameters ({err})") from None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True)

    def check(self, stored: IndexParams, where: str) -> None:
        """Raise :class:`IndexMismatch` naming every parameter that differs."""
        diffs = [
            f"{f.name}={getattr(stored, f.name)} (this run: {getattr(self, f.name)})"
            for f in fields(self)
            if getattr(stored, f.name) != getattr(self, f.name)
        ]
        if diffs:
            raise IndexMismatch(
                f"{where} was built with other parameters: {', '.join(diffs)}; "
                "use a new index or the same parameters"
            )


def band_keys(signature: np.ndarray, params: IndexParams) -> list[int]:
    """One signed 64-bit key per LSH band: xxh3 of the band number and its rows.

    Two documents share a key when they agree on every row of one band, as in
    datasketch's MinHashLSH; a hash collision only adds a candidate, which
    verification then rejects.
    """
    data = signature.astype(_U32, copy=False).tobytes()
    width = params.rows * _U32.itemsize
    return [
        xxhash.xxh3_64_intdigest(data[b * width : (b + 1) * width], seed=b) - (1 << 63)
        for b in range(params.bands)
    ]


def to_bytes(values: np.ndarray) -> bytes:
    """uint32 array as little-endian bytes (signatures, shingle hashes)."""
    return values.astype(_U32, copy=False).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    """The inverse of :func:`to_bytes`; anything else is a corrupt index entry."""
    if not isinstance(data, bytes) or len(data) % _U32.itemsize:
        raise IndexStoreError(f"corrupt index entry ({len(data)} bytes is no uint32 array)")
    return np.frombuffer(data, dtype=_U32).astype(np.uint32)


@dataclass(slots=True)
class Entry:
    """A cleaned, sketched document asking to be admitted."""

    id: str
    signature: np.ndarray
    shingles: np.ndarray
    words: int
    url: str | None = None
    title: str | None = None
    published: str | None = None


@dataclass(slots=True)
class Candidate:
    """A kept document that shares a band with the entry."""

    id: str
    shingles: np.ndarray


@dataclass(slots=True, frozen=True)
class Decision:
    """``kept`` or ``duplicate`` (of ``dup_of``); ``replayed`` when the id was decided before."""

    id: str
    status: str
    dup_of: str | None
    similarity: float
    replayed: bool = False


Judge = Callable[[np.ndarray, Sequence[Candidate]], tuple[str, float] | None]


class IndexStore(ABC):
    """A persistent LSH index with exact verification; see the module docstring."""

    params: IndexParams
    where: str

    @abstractmethod
    def decide(self, entry: Entry, judge: Judge, now: float | None = None) -> Decision:
        """Admit ``entry`` unless ``judge`` finds a kept copy among its candidates; atomic."""

    def decide_many(
        self, entries: Sequence[Entry], judge: Judge, now: float | None = None
    ) -> list[Decision]:
        """``decide`` for each entry in order, each seeing those before it.

        A store that can write the whole batch as one atomic transaction
        overrides this (far fewer commits); by default each entry is its own.
        """
        return [self.decide(entry, judge, now) for entry in entries]

    @abstractmethod
    def lookup(self, entry: Entry, judge: Judge) -> Decision:
        """What ``decide`` would say, without storing anything (``kept``: no copy indexed)."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Documents, decisions, size and parameters, for ``dedup index stats``."""

    @abstractmethod
    def expire(self, cutoff: float) -> int:
        """Forget every decision made before ``cutoff`` (epoch seconds); how many went."""

    @abstractmethod
    def compact(self) -> dict[str, Any]:
        """Give freed space back; what was done, for ``dedup index compact``."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> IndexStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_age(text: str) -> float:
    """``30d``, ``12h``, ``90m``, ``45s`` or ``2w`` as seconds; ``ValueError`` otherwise."""
    value, unit = text.strip()[:-1], text.strip()[-1:].lower()
    if unit not in _UNITS or not value.replace(".", "", 1).isdigit():
        raise ValueError(f"not an age: {text!r} (use e.g. 30d, 12h, 90m, 45s, 2w)")
    return float(value) * _UNITS[unit]
