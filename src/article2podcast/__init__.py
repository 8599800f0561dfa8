"""article2podcast: turn a written article into a podcast episode, offline.

    from article2podcast import Settings, produce

    episode = produce("article.md", Settings(show="Morning Reads"))
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("article2podcast")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

import warnings

# pydub warns on import when ffmpeg is missing; we look for ffmpeg ourselves, when it is
# needed, and say how to install it.
warnings.filterwarnings("ignore", message="Couldn't find ff", category=RuntimeWarning)

if TYPE_CHECKING:
    from .api import Episode, plan, produce
    from .errors import Article2PodcastError, InputError
    from .narration.engines import PiperSettings
    from .planning import Plan
    from .progress import Progress
    from .settings import Settings

__all__ = [
    "Article2PodcastError",
    "Episode",
    "InputError",
    "PiperSettings",
    "Plan",
    "Progress",
    "Settings",
    "__version__",
    "plan",
    "produce",
]

# Where each public name lives. Imported when first asked for, so that the engines' worker
# processes (which import this package) do not load the whole pipeline.
_PUBLIC = {
    "Episode": "api",
    "plan": "api",
    "produce": "api",
    "Article2PodcastError": "errors",
    "InputError": "errors",
    "PiperSettings": "narration.engines",
    "Plan": "planning",
    "Progress": "progress",
    "Settings": "settings",
}


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
