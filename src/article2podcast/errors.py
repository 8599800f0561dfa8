"""The exceptions article2podcast raises; the CLI turns each into one line and an exit code.

Article2PodcastError            anything we report to the user (exit 1)
├── InputError                  the article or the command line is unusable (exit 2)
│   └── UnknownVoiceError       a voice id the engine does not have (exit 2)
├── MissingDependencyError      a system program or library is missing (exit 3)
├── NarrationError              the engine failed on a segment, even after a retry
└── ExportError                 encoding or writing the episode failed
"""

from __future__ import annotations


class Article2PodcastError(Exception):
    """Base class: the message says what went wrong and how to fix it."""

    exit_code = 1


class InputError(Article2PodcastError):
    """The input cannot be made into an episode (missing, empty, binary, undecodable...)."""

    exit_code = 2


class UnknownVoiceError(InputError):
    """The requested voice is not one the engine offers."""

    def __init__(self, voice: str, valid: list[str]) -> None:
        self.voice = voice
        self.valid = valid
        super().__init__(
            f"unknown voice {voice!r}; valid voices: {', '.join(valid)} "
            "(see --voices for their names)"
        )

    def __reduce__(self) -> tuple[type, tuple[str, list[str]]]:
        # Raised inside the engine's worker process and sent back to the parent by pickling.
        return (type(self), (self.voice, self.valid))


class MissingDependencyError(Article2PodcastError):
    """A program or library we need is not installed; the message gives the install command."""

    exit_code = 3


class NarrationError(Article2PodcastError):
    """The speech engine could not produce a usable clip."""


class ExportError(Article2PodcastError):
    """The episode or one of its sidecar files could not be written."""
