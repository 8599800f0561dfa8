"""The environment variables article2podcast reads, all under one prefix, in one place.

| Variable                          | What it does                                          |
| --------------------------------- | ----------------------------------------------------- |
| ARTICLE2PODCAST_CACHE_DIR         | the clip cache's folder (else the user's cache folder) |
| ARTICLE2PODCAST_ENGINE_TIMEOUT    | seconds an engine may take per clip (else by length)  |
| ARTICLE2PODCAST_DEBUG             | a bug shows its traceback instead of one line         |
| ARTICLE2PODCAST_TRACE             | an interrupt shows where it stopped (was A2P_TRACE)   |
| ARTICLE2PODCAST_SERVE_LOG         | `serve` logs every request on stderr                  |

The fake engine's fault injection (ARTICLE2PODCAST_FAKE_FAULT, ARTICLE2PODCAST_FAKE_STATE) is a
test double's, read in its worker process, and is not listed here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

PREFIX = "ARTICLE2PODCAST_"
CACHE_DIR = PREFIX + "CACHE_DIR"
ENGINE_TIMEOUT = PREFIX + "ENGINE_TIMEOUT"
DEBUG = PREFIX + "DEBUG"
TRACE = PREFIX + "TRACE"
SERVE_LOG = PREFIX + "SERVE_LOG"
_OLD_TRACE = "A2P_TRACE"  # the name before the one prefix; still read


@dataclass(frozen=True, kw_only=True)
class Environment:
    """What the environment says, read in one go; an unset or empty variable is None/False."""

    cache_dir: str | None = None
    """ARTICLE2PODCAST_CACHE_DIR: the clip cache's folder."""
    engine_timeout: str | None = None
    """ARTICLE2PODCAST_ENGINE_TIMEOUT, as given (the narrator says if it is not a number)."""
    debug: bool = False
    """ARTICLE2PODCAST_DEBUG: tracebacks instead of one-line internal errors."""
    trace: bool = False
    """ARTICLE2PODCAST_TRACE (or the old A2P_TRACE): a traceback on interrupt."""
    serve_log: bool = False
    """ARTICLE2PODCAST_SERVE_LOG: `serve` logs its requests."""

    @classmethod
    def read(cls, environ: Mapping[str, str]) -> Environment:
        return cls(
            cache_dir=environ.get(CACHE_DIR) or None,
            engine_timeout=environ.get(ENGINE_TIMEOUT) or None,
            debug=bool(environ.get(DEBUG)),
            trace=bool(environ.get(TRACE) or environ.get(_OLD_TRACE)),
            serve_log=bool(environ.get(SERVE_LOG)),
        )


def environment() -> Environment:
    """The environment now. Read when asked, not at import, so that a program (or a test)
    that sets a variable before the run is heard; each reader asks once per use."""
    return Environment.read(os.environ)
