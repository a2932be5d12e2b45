"""Chrome removal: trafilatura for HTML, then text-level rules, a line model and repetition."""

from dedup.clean.chrome import ChromeSettings, Removal
from dedup.clean.document import Cleaner, remove_repeated

__all__ = ["ChromeSettings", "Cleaner", "Removal", "remove_repeated"]
