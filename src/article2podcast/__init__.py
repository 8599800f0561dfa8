"""article2podcast: turn a written article into a podcast episode, offline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("article2podcast")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

import warnings

# pydub warns on import when ffmpeg is missing; we look for ffmpeg ourselves, when it is
# needed, and say how to install it.
warnings.filterwarnings("ignore", message="Couldn't find ff", category=RuntimeWarning)
