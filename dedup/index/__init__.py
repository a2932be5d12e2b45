"""Candidate indexes: where signatures of kept documents live so new ones can find them."""

from dedup.index.memory import MemoryIndex

__all__ = ["MemoryIndex"]
