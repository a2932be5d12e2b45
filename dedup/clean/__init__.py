"""Chrome removal: trafilatura for HTML, then text-level rules, a line model and repetition.

``dedup.clean`` is both this subpackage and, for convenience, the library
function :func:`dedup.api.clean`: calling the module calls that function, so
``dedup.clean(records)`` and ``import dedup.clean.model`` both work.
"""

import sys
import types
from typing import Any

from dedup.clean.chrome import ChromeSettings, Removal
from dedup.clean.document import Cleaner, remove_repeated

__all__ = ["ChromeSettings", "Cleaner", "Removal", "remove_repeated"]


class _CallableModule(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from dedup.api import clean

        return clean(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
