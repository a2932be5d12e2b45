"""Word shingles and MinHash signatures."""

from dedup.sketch.minhash import Sketcher
from dedup.sketch.shingles import shingle_hashes, tokenize

__all__ = ["Sketcher", "shingle_hashes", "tokenize"]
