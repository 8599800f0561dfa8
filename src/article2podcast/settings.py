"""Settings: everything a user can choose, with its default, in one place."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .audio.loudness import PODCAST_TARGET_LUFS
from .episode.naming import DEFAULT_FOLDER
from .errors import InputError
from .model import Role
from .narration.clipcache import DEFAULT_MAX_BYTES, default_cache_dir
from .narration.engines import DEFAULT_ENGINE, PiperSettings
from .scripting.pacing import Pauses
from .scripting.segments import DEFAULT_SHOW, MAX_UTTERANCE_CHARS
from .scripting.speakable import control_characters, has_words

# Chosen by measurement (scripts/rate_study.py; README "Speaking rate"): 160 words per minute
# comes out at about 153 actual wpm, a natural podcast pace, with a recogniser's word error
# rate within noise of slower rates; errors rise from 175 and break down at pyttsx3's 200.
DEFAULT_RATE = 160
MIN_RATE, MAX_RATE = 60, 400
MIN_LUFS, MAX_LUFS = -30.0, -9.0
MAX_JOBS = 64


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How to produce an episode; None means the engine's own default."""

    engine: str = DEFAULT_ENGINE
    """The speech engine (see engines.ENGINES)."""
    voice: str | None = None
    """The narrator's voice (an engine voice id or name); None for the engine's choice."""
    quote_voice: str | None = None
    """The voice that reads quotations; None for the engine's choice, distinct from the
    narrator's."""
    host_voice: str | None = None
    """The voice of the intro and outro; None for the engine's choice."""
    rate: int | None = DEFAULT_RATE
    """Speaking rate in words per minute."""
    show: str = DEFAULT_SHOW
    """The show's name: spoken in the intro and outro, and the album tag."""
    pauses: Pauses = field(default_factory=Pauses)
    """Silences between the parts of the episode."""
    max_utterance_chars: int = MAX_UTTERANCE_CHARS
    """Sentences longer than this are read in pieces split at clause boundaries."""
    loudness: float = PODCAST_TARGET_LUFS
    """Integrated loudness target of the episode, LUFS (true peak stays at or below -1 dBTP)."""
    music: bool = True
    """Whether the episode opens and closes with a sting, with a soft bed under the intro."""
    cover: Path | None = None
    """The user's cover image; None to generate one."""
    lexicon: Path | None = None
    """A pronunciation lexicon (TOML) on top of the built-in one and the user's own."""
    # One worker a core, each with one onnxruntime thread (the narrator gives each its share of
    # the cores), beats one worker with them all: on 2 cores Piper spoke the sample's utterances
    # in 5.1 to 5.4 s with 2 workers of 1 thread against 6.0 to 6.5 s with 1 of 2 threads
    # (scripts/piper_threads.py), and the whole run took 15.7 s against 24.0 s (median of 3,
    # scripts/bench.py --engine piper, on a shared machine).
    jobs: int = field(default_factory=lambda: min(os.cpu_count() or 1, MAX_JOBS))
    """How many engine workers narrate at once (default: the number of cores)."""
    cache_dir: Path | None = field(default_factory=default_cache_dir)
    """Where narrated clips are kept between runs; None for no cache."""
    cache_max_bytes: int = DEFAULT_MAX_BYTES
    """The cache's size limit: the least recently used clips go beyond it."""
    piper: PiperSettings = field(default_factory=PiperSettings)
    """What only the Piper engine is told (its voice file)."""
    output_dir: Path = DEFAULT_FOLDER
    """The folder of an episode given no file name: `<slug-of-title>.mp3` in it."""
    language: str | None = None
    """The article's language (BCP 47: "de", "pt-BR"); None: what the page declares, else
    what its text is detected to be."""
    keep_references: bool = False
    """Read citation marks, edit links and reference sections aloud (they are skipped)."""
    verify: bool = False
    """Listen back to every clip with the recogniser (the [verify] extra) and narrate again
    what it does not hear as written."""

    def __post_init__(self) -> None:
        _check_show(self.show)
        if self.rate is not None:
            check_rate(self.rate)
        check_loudness(self.loudness)
        check_jobs(self.jobs)
        if self.language is not None:
            check_language(self.language)
        if self.piper.model is not None and self.engine != "piper":
            raise InputError("--piper-voice is for the piper engine; add --engine piper")

    def engine_settings(self) -> PiperSettings | None:
        """The chosen engine's own settings (None: an engine with none)."""
        return self.piper if self.engine == "piper" else None

    def requested_voices(self) -> dict[Role, str | None]:
        """The voice asked for, per role."""
        return {"narrator": self.voice, "quote": self.quote_voice, "host": self.host_voice}


def check_rate(rate: int) -> None:
    """A speaking rate the engines can keep to and a listener can follow."""
    if not MIN_RATE <= rate <= MAX_RATE:
        raise InputError(f"--rate must be between {MIN_RATE} and {MAX_RATE}")


def check_loudness(lufs: float) -> None:
    """A loudness target between a whisper and a master at the ceiling."""
    if not MIN_LUFS <= lufs <= MAX_LUFS:
        raise InputError(f"--loudness must be between {MIN_LUFS:g} and {MAX_LUFS:g} LUFS")


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def check_language(tag: str) -> None:
    """A language tag's shape (BCP 47: a 2 or 3 letter language, then subtags)."""
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise InputError(
            f"--language must be a language code such as de, fr or pt-BR, not {tag[:20]!r}"
        )


def check_jobs(jobs: int) -> None:
    """At least one engine worker, and not so many that they starve each other."""
    if not 1 <= jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be between 1 and {MAX_JOBS}")


def _check_show(show: str) -> None:
    """The show's name is said in every intro ("This is ...") and written into every tag and
    feed: one with nothing to say, or with characters a file format cannot hold, is refused."""
    if any("\ud800" <= c <= "\udfff" for c in show):
        # Bytes that are not UTF-8 on the command line arrive as lone surrogates, which no
        # file format can hold.
        raise InputError(
            "the show name (--show) has bytes that are not UTF-8 text; "
            "type it again in your terminal's UTF-8 encoding"
        )
    controls = control_characters(show)
    if controls:
        raise InputError(
            f"the show name (--show) contains a control character (U+{ord(controls[0]):04X}); "
            "give it in plain text on one line"
        )
    if not has_words(show):
        raise InputError(
            f"the show name (--show) {show[:40]!r} has nothing to say (no letter or digit); "
            'give it a name, e.g. --show "Morning Reads"'
        )
