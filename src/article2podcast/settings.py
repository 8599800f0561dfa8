"""Settings: everything a user can choose, with its default, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field

from .engines import DEFAULT_ENGINE
from .exporting import BITRATE
from .pacing import Pauses
from .scripting import DEFAULT_SHOW, MAX_UTTERANCE_CHARS

# Chosen by measurement (scripts/rate_study.py; README "Speaking rate"): 160 words per minute
# comes out at about 153 actual wpm, a natural podcast pace, with a recogniser's word error
# rate within noise of slower rates; errors rise from 175 and break down at pyttsx3's 200.
DEFAULT_RATE = 160


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How to produce an episode; None means the engine's own default."""

    engine: str = DEFAULT_ENGINE
    """The speech engine (see engines.ENGINES)."""
    voice: str | None = None
    """The engine's voice id or name; None for the engine's default voice."""
    rate: int | None = DEFAULT_RATE
    """Speaking rate in words per minute."""
    show: str = DEFAULT_SHOW
    """The show's name: spoken in the intro and outro, and the album tag."""
    pauses: Pauses = field(default_factory=Pauses)
    """Silences between the parts of the episode."""
    max_utterance_chars: int = MAX_UTTERANCE_CHARS
    """Sentences longer than this are read in pieces split at clause boundaries."""
    bitrate: str = BITRATE
    """MP3 bitrate."""
