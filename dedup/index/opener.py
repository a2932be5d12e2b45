"""Choose a store from the ``--index`` value: a path (SQLite), ``redis://...``, or none."""

from __future__ import annotations

from dedup.index.sqlite import MEMORY, SqliteStore
from dedup.index.store import IndexParams, IndexStore

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def is_redis(spec: str) -> bool:
    return spec.startswith(REDIS_SCHEMES)


def open_index(spec: str | None, params: IndexParams | None) -> IndexStore:
    """Open (or create) the index ``spec``; ``None`` is an in-memory index for this run.

    ``params=None`` opens an existing index with its own parameters.
    """
    if spec is not None and is_redis(spec):
        from dedup.index.redis import RedisStore

        return RedisStore(spec, params)
    return SqliteStore(MEMORY if spec is None else spec, params)
