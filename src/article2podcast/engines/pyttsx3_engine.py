"""The system's own voice through pyttsx3: espeak-ng on Linux, SAPI5 on Windows, NSSS on macOS.

pyttsx3 2.99 needs care (all seen on the development machine): `runAndWait()` can return
before the file is written; two queued `save_to_file` calls write only the last one; an
unknown voice id is accepted silently; it prints "Audio saved to ..." on stdout. So: one
utterance per call, wait for a complete file, validate the voice ourselves, and run inside a
worker process whose stdout goes nowhere (see `narrating`).
"""

from __future__ import annotations

import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

from pydub import AudioSegment

from ..errors import MissingDependencyError, NarrationError, UnknownVoiceError
from ..model import Voice, VoiceSettings

_FILE_WAIT_S = 10.0
_IDLE_WAIT_S = 2.0
_ATTEMPTS = 3
_WAV_HEADER_BYTES = 44
_INSTALL_HINT = (
    "the system speech engine could not start; on Debian/Ubuntu install it with "
    "'sudo apt-get install espeak-ng libespeak-ng1' (scripts/produce does this for you)"
)


class Pyttsx3Engine:
    """pyttsx3 with its platform driver."""

    name = "pyttsx3"
    default_rate = 200  # pyttsx3 starts every driver at 200 words per minute

    def __init__(self) -> None:
        import pyttsx3

        try:
            self._engine = pyttsx3.init()
        except (OSError, RuntimeError, ImportError) as exc:
            raise MissingDependencyError(f"{_INSTALL_HINT} ({exc})") from exc
        self._tmp = tempfile.TemporaryDirectory(prefix="article2podcast-pyttsx3-")
        self._dir = Path(self._tmp.name)
        self._count = 0
        self._voices: list[Voice] | None = None
        self._espeak = _espeak_library()

    def voices(self) -> list[Voice]:
        if self._voices is None:
            self._voices = [
                Voice(
                    id=str(v.id),
                    name=str(v.name),
                    languages=tuple(
                        lang.decode(errors="replace") if isinstance(lang, bytes) else str(lang)
                        for lang in (v.languages or ())
                    ),
                )
                for v in self._engine.getProperty("voices")
            ]
        return self._voices

    def synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        if settings.voice is not None:
            self._engine.setProperty("voice", self._resolve_voice(settings.voice))
        self._engine.setProperty("rate", settings.rate or self.default_rate)
        self._count += 1
        path = self._dir / f"utterance-{self._count}.wav"
        for _ in range(_ATTEMPTS):
            self._wait_until_idle()
            path.unlink(missing_ok=True)
            self._engine.save_to_file(text, str(path))
            self._engine.runAndWait()
            try:
                if _wait_for_complete_file(path):
                    return AudioSegment.from_file(path)
            finally:
                path.unlink(missing_ok=True)
        raise NarrationError(f"the speech engine wrote an empty audio file {_ATTEMPTS} times")

    def _wait_until_idle(self) -> None:
        """Let espeak-ng finish with the previous utterance before starting the next.

        pyttsx3's espeak driver cancels "what is playing" when a new run starts; if espeak-ng's
        thread is still winding down the previous utterance, that cancels the new one and
        leaves an empty file (seen about once in 30 utterances under load).
        """
        if self._espeak is None:
            return
        deadline = time.monotonic() + _IDLE_WAIT_S
        while self._espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.002)

    def _resolve_voice(self, wanted: str) -> str:
        """The engine's id for `wanted` (an id or a name, any case); espeak-ng variants
        such as `+f3` are kept."""
        base, plus, variant = wanted.partition("+")
        for voice in self.voices():
            if base.lower() in (voice.id.lower(), voice.name.lower()):
                return voice.id + plus + variant
        raise UnknownVoiceError(wanted, [voice.id for voice in self.voices()])


def _espeak_library() -> Any:
    """pyttsx3's binding of libespeak-ng when that is the driver in use, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError):
        return None
    return _espeak


def _wait_for_complete_file(path: Path) -> bool:
    """Wait until the engine has finished writing `path`; False if it holds no audio."""
    deadline = time.monotonic() + _FILE_WAIT_S
    last_size = -1
    while time.monotonic() < deadline:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = -1
        if size >= 0 and size == last_size and _is_complete_wav(path):
            return size > _WAV_HEADER_BYTES
        last_size = size
        time.sleep(0.005)
    raise NarrationError(
        f"the speech engine did not write a complete audio file within {_FILE_WAIT_S:.0f} s"
    )


def _is_complete_wav(path: Path) -> bool:
    if path.suffix != ".wav" or sys.platform == "darwin":
        return True  # macOS writes AIFF whatever the name; size stability must do
    try:
        with wave.open(str(path), "rb") as wav:
            expected = wav.getnframes() * wav.getsampwidth() * wav.getnchannels()
            return len(wav.readframes(wav.getnframes())) == expected
    except (wave.Error, EOFError):
        return False
