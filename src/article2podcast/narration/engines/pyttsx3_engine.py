"""The system's own voice through pyttsx3: espeak-ng on Linux, SAPI5 on Windows, NSSS on macOS.

pyttsx3 2.99 needs care (all seen on the development machine): `runAndWait()` can return
before the file is written; two queued `save_to_file` calls write only the last one; an
unknown voice id is accepted silently; it prints "Audio saved to ..." on stdout. So: one
utterance per call, wait for a complete file, validate the voice ourselves, and run inside a
worker process whose stdout goes nowhere (see `narrating`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

from pydub import AudioSegment

from ...errors import InputError, MissingDependencyError, NarrationError, UnknownVoiceError
from ...model import Voice, VoiceSettings, WordTime
from . import Engine, Timed, package_version

_FILE_WAIT_S = 10.0
_IDLE_WAIT_S = 2.0
_ATTEMPTS = 3
_WAV_HEADER_BYTES = 44
# On espeak-ng: voices (and variants) for each role, chosen to sound clearly different.
_ESPEAK_ROLES = {"narrator": "gmw/en-us", "quote": "gmw/en-us", "host": "gmw/en"}
_ESPEAK_ROLES_GB = {"narrator": "gmw/en", "quote": "gmw/en", "host": "gmw/en-us"}
_ESPEAK_VARIANTS = {"quote": "+f3"}
# A language with one espeak-ng voice (German, Italian, Greek...) gets a variant for the host.
_HOST_VARIANT = "+m3"
# Languages espeak-ng knows by another code: Chinese is Mandarin, Norwegian is Bokmål.
_ALIASES = {"zh": "cmn", "zh-hk": "yue", "zh-mo": "yue", "no": "nb", "fil": "tl"}
_PUNCTUATION = "\"'“”‘’«»()[]{},.;:!?…"
_INSTALL_HINT = (
    "the system speech engine could not start; on Debian/Ubuntu install it with "
    "'sudo apt-get install espeak-ng libespeak-ng1' (scripts/produce does this for you)"
)


class Pyttsx3Engine(Engine):
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
        self._variants: dict[str, str] | None = None
        self._word_events: list[tuple[int, int]] = []
        if self._espeak is not None:
            self._listen_for_words()
            # The first utterance after espeak-ng starts can be spoken at the driver's initial
            # rate (200 wpm) whatever rate was set: seen in about 1 in 3 new worker processes,
            # each time on the first clip only. A throwaway first utterance absorbs it.
            self.synthesize("Ready.", VoiceSettings())

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

    def fingerprint(self) -> str:
        driver = type(getattr(self._engine.proxy, "_driver", None)).__module__
        library = ""
        if self._espeak is not None:
            info = self._espeak.Info()
            library = f" espeak-ng {info.decode(errors='replace') if info else '?'}"
        return f"pyttsx3 {package_version('pyttsx3')} {driver} on {sys.platform}{library}"

    def synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        return self.synthesize_timed(text, settings).audio

    def synthesize_timed(self, text: str, settings: VoiceSettings) -> Timed:
        """The audio, and on espeak-ng each word's time from its word events."""
        audio = self._synthesize(text, settings)
        if self._espeak is None or not self._word_events:
            return Timed(audio)
        return Timed(audio, espeak_words(text, self._word_events, len(audio)), "engine")

    def _listen_for_words(self) -> None:
        """Have espeak-ng's word events recorded on their way to pyttsx3's driver.

        espeak-ng tells where each word starts in the audio (`audio_position`, ms from the
        start of this utterance: it restarts at 0 on every synthesis, checked on three
        utterances in a row) and in the text (`text_position`, 1-based, in characters: "café"
        and "señor" start where their characters do); pyttsx3 passes on only the latter. So
        our callback, registered in its place, notes both and hands everything on to it.
        """
        espeak = self._espeak
        driver = getattr(self._engine.proxy, "_driver", None)
        on_synth = getattr(driver, "_onSynth", None)
        if on_synth is None:
            return
        events = self._word_events

        def record(wav: Any, samples: int, event: Any) -> int:
            if getattr(driver, "_speaking", False):
                i = 0
                while event[i].type != espeak.EVENT_LIST_TERMINATED:
                    if event[i].type == espeak.EVENT_WORD:
                        events.append((event[i].text_position - 1, event[i].audio_position))
                    i += 1
            result: int = on_synth(wav, samples, event)
            return result

        espeak.SetSynthCallback(record)

    def _synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        if settings.voice is not None:
            self._engine.setProperty("voice", self._resolve_voice(settings.voice))
        self._engine.setProperty("rate", settings.rate or self.default_rate)
        self._count += 1
        path = self._dir / f"utterance-{self._count}.wav"
        for _ in range(_ATTEMPTS):
            self._wait_until_idle()
            path.unlink(missing_ok=True)
            self._word_events.clear()
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

    def role_voices(self, language: str = "en") -> dict[str, str | None]:
        """Three voices of `language` that sound different. On espeak-ng: the language's voice
        narrates, a female variant of it reads quotations and another regional voice of the
        language (else a variant) is the host; for English an American narrator and a British
        host. Elsewhere the voices that speak the language, in the system's order. No voice for
        the language: narrator None (the caller names the language in its refusal)."""
        ids = [voice.id for voice in self.voices()]
        if primary(language) == "en" and all(v in ids for v in _ESPEAK_ROLES.values()):
            roles = _ESPEAK_ROLES_GB if language.lower().startswith("en-gb") else _ESPEAK_ROLES
            return {role: voice + _ESPEAK_VARIANTS.get(role, "") for role, voice in roles.items()}
        speaking = voices_of(language, self.voices())
        if not speaking:
            return {"narrator": None, "quote": None, "host": None}
        if self._espeak is not None:
            narrator = speaking[0].id
            others = [v.id for v in speaking[1:] if "latn" not in v.id.lower()]
            return {
                "narrator": narrator,
                "quote": narrator + _ESPEAK_VARIANTS["quote"],
                "host": others[0] if others else narrator + _HOST_VARIANT,
            }
        current = str(self._engine.getProperty("voice") or "")
        ordered = sorted((v.id for v in speaking), key=lambda v: v != current)
        return {
            "narrator": ordered[0],
            "quote": ordered[1] if len(ordered) > 1 else None,
            "host": ordered[2] if len(ordered) > 2 else None,
        }

    def pronunciations(self, words: list[str], voice: str | None = None) -> dict[str, str]:
        """How espeak-ng will say each word, in IPA ({} where that cannot be asked)."""
        program = shutil.which("espeak-ng")
        if program is None or not words or not sys.platform.startswith("linux"):
            return {}
        command = [program, "-q", "--ipa", "--stdin"]
        if voice:
            command += ["-v", self._resolve_voice(voice)]
        try:
            out = subprocess.run(
                command,
                input="".join(f"{word}.\n" for word in words),
                capture_output=True,
                text=True,
                check=True,
                timeout=60,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return {}
        lines = [line.strip() for line in out.splitlines() if line.strip()]
        return dict(zip(words, lines, strict=False)) if len(lines) == len(words) else {}

    def _resolve_voice(self, wanted: str) -> str:
        """The engine's id for `wanted` (an id or a name, any case), with an espeak-ng variant
        such as `+f3` checked and kept."""
        base, plus, variant = wanted.partition("+")
        for voice in self.voices():
            if base.lower() in (voice.id.lower(), voice.name.lower()):
                return voice.id + plus + (self._resolve_variant(wanted, variant) if plus else "")
        raise UnknownVoiceError(wanted, [voice.id for voice in self.voices()])

    def _resolve_variant(self, wanted: str, variant: str) -> str:
        if self._variants is None:
            self._variants = _espeak_variants()
        if not self._variants:
            return variant  # cannot list them here: let espeak-ng decide
        for name, file_name in self._variants.items():
            if variant.lower() in (name, file_name.lower()):
                return file_name
        raise InputError(
            f"unknown espeak-ng voice variant {variant!r} in {wanted!r}; valid variants: "
            f"{', '.join(sorted(set(self._variants.values())))}"
        )


def voices_of(language: str, voices: list[Voice]) -> list[Voice]:
    """The voices that speak `language` (BCP 47), closest first: the tag itself ("pt-br"), the
    bare language ("pt"), then its regional voices ("pt-br", "en-gb-scotland") shortest first."""
    tag = language.lower().replace("_", "-")
    tag = _ALIASES.get(tag) or _ALIASES.get(primary(tag)) or tag
    base = primary(tag)

    def closeness(voice: Voice) -> tuple[int, int, str]:
        spoken = [lang.lower().replace("_", "-") for lang in voice.languages]
        exact = 0 if tag in spoken else 1 if base in spoken else 2
        return exact, min((len(lang) for lang in spoken), default=99), voice.id

    matching = [
        voice
        for voice in voices
        if any(primary(lang) == base for lang in voice.languages)
    ]
    return sorted(matching, key=closeness)


def primary(tag: str) -> str:
    """The language subtag of a tag ("pt-BR" -> "pt"; NSSS's "en_US" -> "en")."""
    return tag.replace("_", "-").split("-")[0].lower()


def espeak_words(
    text: str, events: list[tuple[int, int]], length_ms: int
) -> tuple[WordTime, ...]:
    """Words from espeak-ng's word events ((0-based character in `text`, ms in the audio)).

    An event's word runs to the next event's (espeak-ng's own length stops inside
    "twenty-six"), and is heard until the next word starts or the audio ends. espeak-ng may
    speak several words as one ("of the", in "the end of the article"): their time is shared
    out by their lengths, so that every word of the text is there.
    """
    starts = sorted({(at, ms) for at, ms in events if 0 <= at < len(text)}, key=lambda e: e[1])
    words: list[WordTime] = []
    for i, (at, ms) in enumerate(starts):
        following = starts[i + 1] if i + 1 < len(starts) else (len(text), length_ms)
        stop = following[0] if following[0] > at else len(text)
        tokens = [t.strip(_PUNCTUATION) or t for t in text[at:stop].split()]
        begin = min(ms, length_ms)
        if not tokens or (words and begin < words[-1].start_ms):
            continue
        end = min(max(following[1], begin), length_ms)
        total = sum(len(token) for token in tokens)
        done = 0
        for token in tokens:
            start = begin + (end - begin) * done // total
            done += len(token)
            words.append(WordTime(token, start, begin + (end - begin) * done // total))
    return tuple(words)


def _espeak_variants() -> dict[str, str]:
    """espeak-ng's voice variants, lower-cased name -> file name ("f3"), or {} if unknown."""
    program = shutil.which("espeak-ng")
    if program is None:
        return {}
    try:
        listing = subprocess.run(
            [program, "--voices=variant"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    variants: dict[str, str] = {}
    for line in listing.splitlines()[1:]:
        fields = line.split()
        files = [field for field in fields if field.startswith("!v/")]
        if files:
            file_name = files[0].removeprefix("!v/")
            variants[file_name.lower()] = file_name
            variants[" ".join(fields[3 : fields.index(files[0])]).lower()] = file_name
    return variants


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
        if size > _WAV_HEADER_BYTES and _is_whole_wav(path):
            return True  # its header's frames are all there: no need to watch it settle
        if size >= 0 and size == last_size and _is_complete_wav(path):
            return size > _WAV_HEADER_BYTES
        last_size = size
        time.sleep(0.005)
    raise NarrationError(
        f"the speech engine did not write a complete audio file within {_FILE_WAIT_S:.0f} s"
    )


def _is_whole_wav(path: Path) -> bool:
    """A WAV file whose header counts frames (Python's `wave`, which espeak's driver writes
    with, puts the count in before the data) and holds every one of them. Waiting for the size
    to settle instead cost 5 ms a clip."""
    if path.suffix != ".wav" or sys.platform == "darwin":
        return False
    try:
        with wave.open(str(path), "rb") as wav:
            frames = wav.getnframes()
            size = frames * wav.getsampwidth() * wav.getnchannels()
            return frames > 0 and len(wav.readframes(frames)) == size
    except (wave.Error, EOFError):
        return False


def _is_complete_wav(path: Path) -> bool:
    if path.suffix != ".wav" or sys.platform == "darwin":
        return True  # macOS writes AIFF whatever the name; size stability must do
    try:
        with wave.open(str(path), "rb") as wav:
            expected = wav.getnframes() * wav.getsampwidth() * wav.getnchannels()
            return len(wav.readframes(wav.getnframes())) == expected
    except (wave.Error, EOFError):
        return False
