"""article2podcast: turn a written article into a podcast episode, offline.

    from article2podcast import Settings, produce

    episode = produce("article.md", Settings(show="Morning Reads"))
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
"""pyproject.toml's version (tests/test_startup.py holds them equal): written here, not asked
of importlib.metadata, whose import took 155 ms of the command's 690 ms (python -X importtime)."""

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
