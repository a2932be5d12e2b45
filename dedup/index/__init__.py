"""Candidate indexes: numpy LSH band buckets for a batch, persistent stores for a stream."""
