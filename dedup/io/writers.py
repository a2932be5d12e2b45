"""JSON Lines output, one object per line, flushed per line so pipelines see results early."""

from __future__ import annotations

import json
from typing import IO, Any


class JsonlWriter:
    """Writes dicts as compact UTF-8 JSON lines (non-ASCII kept readable)."""

    def __init__(self, stream: IO[str], *, flush_each: bool = False) -> None:
        self._stream = stream
        self._flush_each = flush_each
        self.count = 0

    def write(self, obj: dict[str, Any]) -> None:
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        # Raw U+2028/U+2029 are valid JSON but break consumers that split on them.
        self._stream.write(line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")
        self.count += 1
        if self._flush_each:
            self._stream.flush()
