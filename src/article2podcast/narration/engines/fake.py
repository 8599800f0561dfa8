"""A deterministic fake engine for fast tests: a tone per utterance, as long as speech would be.

Faults can be injected through the ARTICLE2PODCAST_FAKE_FAULT environment variable, a
comma-separated list of KIND:WORD, where KIND is `crash` (the process dies), `crash-once`
(dies the first time only, remembered in a file named by ARTICLE2PODCAST_FAKE_STATE), `hang`
(never answers; touches that file first, if named), `stubborn` (hangs as `hang` does, and
ignores SIGTERM), `raise` (raises an error of no kind of ours, as a library would) or `silent`
(returns silence), applied to any utterance containing WORD. The WORD `<start>` applies the
fault when the engine starts. ARTICLE2PODCAST_FAKE_RATE sets its sample rate (default 22050),
to test what an engine at another rate gets (16 kHz voices exist on SAPI5 and in Piper).
"""

from __future__ import annotations

import os
import signal
import sys
import time
import zlib
from pathlib import Path

from pydub import AudioSegment
from pydub.generators import Sine

from ...model import Voice, VoiceSettings, WordTime
from . import Engine, Timed

SAMPLE_RATE = 22050
START = "<start>"
LEAD_MS = 60
"""The silence before the tone (the producer trims most of it)."""


class FakeEngine(Engine):
    """Speaks in tones: each word lasts 60/rate seconds; the pitch depends on the text."""

    name = "fake"
    default_rate = 180

    def __init__(self) -> None:
        self._inject_faults(START)

    def synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        return self.synthesize_timed(text, settings).audio

    def synthesize_timed(self, text: str, settings: VoiceSettings) -> Timed:
        """The tone, and each word of `text` timed at an equal share of it."""
        if self._inject_faults(text):
            return Timed(AudioSegment.silent(800, _rate()))
        rate = settings.rate or self.default_rate
        tokens = text.split() or [text]
        word_ms = 60_000 / rate
        words = tuple(
            WordTime(token, LEAD_MS + round(i * word_ms), LEAD_MS + round((i + 1) * word_ms))
            for i, token in enumerate(tokens)
        )
        return Timed(self._tone(text, settings), words, "engine")

    def _tone(self, text: str, settings: VoiceSettings) -> AudioSegment:
        rate = settings.rate or self.default_rate
        words = max(1, len(text.split()))
        duration_ms = round(words * 60_000 / rate)
        pitch = 200 + zlib.crc32(text.encode()) % 400
        rate = _rate()
        tone = Sine(pitch, sample_rate=rate).to_audio_segment(duration_ms, volume=-12)
        tone = tone.set_sample_width(2).fade_in(10).fade_out(10)
        # Engines pad their output with silence; the producer trims it.
        lead = AudioSegment.silent(LEAD_MS, rate)
        return lead + tone + AudioSegment.silent(120, rate)

    def fingerprint(self) -> str:
        return "fake 1" if _rate() == SAMPLE_RATE else f"fake 1 at {_rate()} Hz"

    def role_voices(self, language: str = "en") -> dict[str, str | None]:
        """The tone voices, for any language but Khmer ("km"), which it has no voice for (as
        espeak-ng has none)."""
        if language.lower().split("-")[0] == "km":
            return {"narrator": None, "quote": None, "host": None}
        return {"narrator": "fake", "quote": "fake-low", "host": "fake"}

    def voices(self) -> list[Voice]:
        return [Voice("fake", "Fake tone voice", ("en",)), Voice("fake-low", "Low tones", ("en",))]

    def _inject_faults(self, text: str) -> bool:
        """Act out the faults asked for; True when the clip should come back silent."""
        spec = os.environ.get("ARTICLE2PODCAST_FAKE_FAULT", "")
        for rule in filter(None, spec.split(",")):
            kind, _, word = rule.partition(":")
            if word not in text:
                continue
            if kind == "crash":
                # A native library's last words, which must not reach the user's terminal.
                print(f"fake: crashing on {word!r}", file=sys.stderr, flush=True)
                os._exit(70)
            if kind == "crash-once":
                state = Path(os.environ["ARTICLE2PODCAST_FAKE_STATE"])
                if not state.exists():
                    state.touch()
                    os._exit(70)
            if kind == "raise":
                raise RuntimeError(f"the fake engine was told to fail on {word!r}")
            if kind == "stubborn":
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            if kind in ("hang", "stubborn"):
                if "ARTICLE2PODCAST_FAKE_STATE" in os.environ:
                    # "I am hanging", and who: the tests check that the worker is gone after.
                    state = Path(os.environ["ARTICLE2PODCAST_FAKE_STATE"])
                    written = state.with_name(state.name + ".pid")
                    written.write_text(str(os.getpid()))
                    written.replace(state)
                time.sleep(3600)
            if kind == "silent":
                return True
        return False


def _rate() -> int:
    """The sample rate it speaks at (ARTICLE2PODCAST_FAKE_RATE, else SAMPLE_RATE)."""
    return int(os.environ.get("ARTICLE2PODCAST_FAKE_RATE") or SAMPLE_RATE)
