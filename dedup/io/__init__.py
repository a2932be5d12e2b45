"""Readers and writers: files, directories, JSONL, WARC, stdin/stdout."""

from dedup.io.readers import read_inputs
from dedup.io.writers import JsonlWriter

__all__ = ["JsonlWriter", "read_inputs"]
