"""An index in Redis, shared by crawler workers on several machines.

The band keys are written with plain Redis commands rather than through
datasketch's Redis storage, for two reasons: datasketch pickles keys for
Redis by default and unpickles what a query returns (anyone who can write to
the Redis could then run code in every crawler), and its insert and query are
separate calls, while a decision must be atomic. Here ``decide`` WATCHes the
document's own key and its band keys, reads the candidates, verifies, and
writes in MULTI/EXEC: any document that could be a candidate adds itself to
one of those band keys, so a concurrent admission aborts the transaction and
the decision is retried against the new state.

Layout under a prefix (``?prefix=NAME`` in the URL, default ``dedup``):
``P:params`` (JSON); ``P:doc:ID``, every decision (a hash: status, dup_of,
similarity, added, and ``seq`` for a kept document); ``P:kept:SEQ``, a kept
document (id, words, metadata, signature and shingle hashes as little-endian
uint32 bytes); ``P:band:KEY``, the seqs of kept documents in that band bucket
(integers, so Redis stores each set compactly as an intset); ``P:seq``, the
counter; ``P:added``, a sorted set id -> decision time; ``P:counts``, a hash of
kept/duplicate counts.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dedup.index.store import (
    Candidate,
    Decision,
    Entry,
    IndexParams,
    IndexStore,
    IndexStoreError,
    Judge,
    band_keys,
    from_bytes,
    to_bytes,
)

try:
    import redis
except ImportError:  # pragma: no cover - the optional dependency is missing
    redis = None  # type: ignore[assignment]

_EXPIRE_BATCH = 500


def _split_prefix(url: str) -> tuple[str, str]:
    """The URL without our ``prefix`` query parameter, and that prefix."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query)
    prefix = next((v for k, v in query if k == "prefix"), "dedup")
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisStore(IndexStore):
    """A shared index in one Redis database; see the module docstring for the layout."""

    def __init__(self, url: str, params: IndexParams | None) -> None:
        if redis is None:
            raise IndexStoreError(
                "a redis:// index needs the redis package: pip install 'redis>=5,<9' "
                "(in a dedup checkout: pip install -e '.[redis]')"
            )
        self.where = url
        address, self._p = _split_prefix(url)
        try:
            self._r = redis.Redis.from_url(address, socket_timeout=60)
            stored = self._r.get(self._key("params"))
            if stored is None and params is not None:
                self._r.set(self._key("params"), params.to_json(), nx=True)
                stored = self._r.get(self._key("params"))
        except (redis.RedisError, ValueError) as err:
            raise IndexStoreError(f"{url}: cannot use redis ({err})") from None
        if stored is None:
            raise IndexStoreError(f"{url}: no dedup index under prefix {self._p!r}")
        self.params = IndexParams.from_json(stored.decode(), url)
        if params is not None:
            params.check(self.params, url)

    def _key(self, *parts: str) -> str:
        return ":".join((self._p, *parts))

    def _band_keys(self, entry_signature: Any) -> list[str]:
        return [
            self._key("band", f"{k & 0xFFFFFFFFFFFFFFFF:016x}")
            for k in band_keys(entry_signature, self.params)
        ]

    def decide(self, entry: Entry, judge: Judge, now: float | None = None) -> Decision:
        doc_key = self._key("doc", entry.id)
        bands = self._band_keys(entry.signature)
        try:
            with self._r.pipeline() as pipe:
                while True:
                    try:
                        return self._attempt(pipe, entry, judge, doc_key, bands, now)
                    except redis.WatchError:
                        continue
        except redis.RedisError as err:
            raise IndexStoreError(f"{self.where}: {err}") from None

    def lookup(self, entry: Entry, judge: Judge) -> Decision:
        try:
            doc_key = self._key("doc", entry.id)
            bands = self._band_keys(entry.signature)
            return self._previous(self._r, entry.id, doc_key) or self._verdict(
                self._r, entry, judge, bands
            )
        except redis.RedisError as err:
            raise IndexStoreError(f"{self.where}: {err}") from None

    @staticmethod
    def _previous(conn: Any, doc_id: str, doc_key: str) -> Decision | None:
        status, dup_of, similarity = conn.hmget(doc_key, "status", "dup_of", "similarity")
        if status is None:
            return None
        return Decision(
            doc_id,
            status.decode(),
            dup_of.decode() if dup_of else None,
            float(similarity),
            replayed=True,
        )

    def _verdict(self, conn: Any, entry: Entry, judge: Judge, bands: list[str]) -> Decision:
        seqs = sorted(int(m) for m in conn.sunion(bands))
        match = judge(entry.shingles, self._candidates(seqs))
        if match is None:
            return Decision(entry.id, "kept", None, 1.0)
        return Decision(entry.id, "duplicate", match[0], match[1])

    def _attempt(
        self,
        pipe: Any,
        entry: Entry,
        judge: Judge,
        doc_key: str,
        bands: list[str],
        now: float | None,
    ) -> Decision:
        pipe.watch(doc_key, *bands)
        previous = self._previous(pipe, entry.id, doc_key)
        if previous is not None:
            pipe.reset()
            return previous
        decision = self._verdict(pipe, entry, judge, bands)
        added = time.time() if now is None else now
        fields: dict[str, Any] = {"status": decision.status, "added": added}
        fields["similarity"] = decision.similarity
        if decision.status == "kept":
            # Taken outside the transaction: a number lost to a retry is only a gap.
            seq = int(self._r.incr(self._key("seq")))
            fields["seq"] = seq
            pipe.multi()
            pipe.hset(self._key("kept", str(seq)), mapping=self._kept_fields(entry))
            for band in bands:
                pipe.sadd(band, seq)
        else:
            fields["dup_of"] = decision.dup_of
            pipe.multi()
        pipe.hset(doc_key, mapping=fields)
        pipe.zadd(self._key("added"), {entry.id: added})
        pipe.hincrby(self._key("counts"), decision.status, 1)
        pipe.execute()
        return decision

    @staticmethod
    def _kept_fields(entry: Entry) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "id": entry.id,
            "words": entry.words,
            "signature": to_bytes(entry.signature),
            "shingles": to_bytes(entry.shingles),
        }
        fields.update({k: v for k in ("url", "title", "published") if (v := getattr(entry, k))})
        return fields

    def _candidates(self, seqs: list[int]) -> list[Candidate]:
        """Ids and shingles of the candidate documents; one read outside the transaction.

        A kept document's fields never change, so reading them unwatched is
        safe; one expired meanwhile is simply no candidate.
        """
        if not seqs:
            return []
        reader = self._r.pipeline(transaction=False)
        for seq in seqs:
            reader.hmget(self._key("kept", str(seq)), "id", "shingles")
        return [Candidate(i.decode(), from_bytes(s)) for i, s in reader.execute() if i and s]

    def stats(self) -> dict[str, Any]:
        counts = {k.decode(): int(v) for k, v in self._r.hgetall(self._key("counts")).items()}
        oldest = self._r.zrange(self._key("added"), 0, 0, withscores=True)
        newest = self._r.zrange(self._key("added"), -1, -1, withscores=True)
        memory = self._r.info("memory")
        return {
            "index": self.where,
            "store": "redis",
            "kept": counts.get("kept", 0),
            "duplicates": counts.get("duplicate", 0),
            "decisions": int(self._r.zcard(self._key("added"))),
            "server_used_memory_bytes": memory.get("used_memory"),
            "oldest": oldest[0][1] if oldest else None,
            "newest": newest[0][1] if newest else None,
            "params": self.params.as_dict(),
        }

    def expire(self, cutoff: float) -> int:
        removed = 0
        added = self._key("added")
        while ids := self._r.zrangebyscore(added, "-inf", f"({cutoff}", start=0, num=_EXPIRE_BATCH):
            docs = [self._key("doc", i.decode()) for i in ids]
            reader = self._r.pipeline(transaction=False)
            for key in docs:
                reader.hmget(key, "status", "seq")
            decided = reader.execute()
            for _, seq in decided:
                reader.hget(self._key("kept", (seq or b"0").decode()), "signature")
            signatures = reader.execute()
            writer = self._r.pipeline(transaction=True)
            for i, key, (status, seq), signature in zip(
                ids, docs, decided, signatures, strict=True
            ):
                if seq and signature:
                    for band in self._band_keys(from_bytes(signature)):
                        writer.srem(band, seq)
                    writer.delete(self._key("kept", seq.decode()))
                if status:
                    writer.hincrby(self._key("counts"), status.decode(), -1)
                writer.delete(key)
                writer.zrem(added, i)
            writer.execute()
            removed += len(ids)
        return removed

    def compact(self) -> dict[str, Any]:
        """Nothing to do: Redis frees memory itself, and empty band sets vanish."""
        return {"index": self.where, "store": "redis", "compacted": False, "reason": "not needed"}

    def close(self) -> None:
        self._r.close()
