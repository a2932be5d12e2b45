"""The story level: group rewrites of one news event, with copy clusters nested inside.

:mod:`shared` (template runs out) -> :mod:`terms` (words, names, figures) ->
:mod:`idf` (background + run counts) -> :mod:`verify` (weighted vectors, score,
explanation) -> :mod:`candidates` (LSH over top features) -> :mod:`group` (no
chaining, time window) -> :mod:`assign` (over copy representatives, ``per-story``
keep).
"""

from dedup.story.assign import SAME_STORY, assign_stories, story_vectors
from dedup.story.params import KEEP_MODES, LINKS, StoryParams, load_story_params, parse_window

__all__ = [
    "KEEP_MODES",
    "LINKS",
    "SAME_STORY",
    "StoryParams",
    "assign_stories",
    "load_story_params",
    "parse_window",
    "story_vectors",
]
