"""Synthetic evaluation corpora built from real pages."""
