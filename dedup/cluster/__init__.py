"""Verify candidates, group copies without chaining, choose representatives."""

from dedup.cluster.leader import Sketched, cluster_sketches
from dedup.cluster.verify import set_similarity

__all__ = ["Sketched", "cluster_sketches", "set_similarity"]
