"""dedup: strip chrome from scraped news and keep one copy of each story.

The layers, in the order data flows: :mod:`dedup.io` (readers, writers),
:mod:`dedup.clean` (HTML and text chrome), :mod:`dedup.sketch` (shingles,
MinHash), :mod:`dedup.index` (LSH stores), :mod:`dedup.cluster` (verify,
group, choose representatives). :mod:`dedup.api` wires them for users and
the CLI.
"""

from dedup import clean
from dedup.api import ClusterResult, Stats, cluster
from dedup.config import Params, load_params
from dedup.io import read_inputs
from dedup.records import Assignment, CleanDoc, Problem, Record

__version__ = "0.1.0"

__all__ = [
    "Assignment",
    "CleanDoc",
    "ClusterResult",
    "Params",
    "Problem",
    "Record",
    "Stats",
    "__version__",
    "clean",
    "cluster",
    "load_params",
    "read_inputs",
]
