"""Chrome removal: trafilatura for HTML, then text-level normalisation."""

from dedup.clean.document import clean_record

__all__ = ["clean_record"]
