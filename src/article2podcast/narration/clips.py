"""Clips: how a clip is checked, and finished for the cache and the mix.

To narrate an utterance is one path: the engine synthesizes it, the clip is checked to sound
like speech of its text (`narrate`, in the worker), a clip that fails is tried again (the
narrator's retry policy), and the one that passes is finished: trimmed of the engine's silence
and measured (`finish_clip`). Everything here but `narrate` is a pure function of the audio.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydub import AudioSegment

from ..audio.loudness import CLIP_TARGET_LUFS, clip_gain_db
from ..audio.mixing import KEEP_MS, SILENCE_THRESHOLD_DBFS, trim_bounds
from ..errors import NarrationError
from ..model import Clip, VoiceSettings, WordTime

if TYPE_CHECKING:
    from .engines import Engine, Timed

# A clip must last at least this share of the time its words take at the nominal rate, and at
# most this many times it (numbers and symbols make more words than they look).
_MIN_DURATION_SHARE = 0.3
_MAX_DURATION_FACTOR = 6.0
_MAX_DURATION_SLACK_S = 3.0
_CHARS_PER_SPELLED_WORD = 3
_SILENT_DBFS = -60.0
# Speech peaks well above its average (a sine, the fake engine's voice, by 3 dB); a constant
# level or a clip pinned at full scale does not.
_MIN_CREST_FACTOR = 1.2
# A silence inside a sentence longer than this would fail the episode's own check (which allows
# the longest pause and a second); speech pauses for well under a second.
_MAX_INNER_SILENCE_S = 2.0
_SILENCE_WINDOW_MS = 50
_SILENT_PEAK = round(32768 * 10 ** (SILENCE_THRESHOLD_DBFS / 20))
"""The level below which a 16-bit sample is silence (as trimming hears it)."""
CLIP_PROCESSING = {
    # 2: a new espeak-ng worker's first clip is no longer at the wrong rate; 3: clips carry
    # their words' times (a clip cached without them would give its sentence none)
    "version": 3,
    "trim_dbfs": SILENCE_THRESHOLD_DBFS,
    "keep_ms": KEEP_MS,
    "level_lufs": CLIP_TARGET_LUFS,
}
"""How a clip is processed after the engine speaks it: part of its cache key."""


def narrate(engine: Engine, text: str, settings: VoiceSettings, rate: int) -> Timed:
    """Speak `text`, timing its words, and check that the clip sounds like speech of it
    (NarrationError if not); the worker runs this, so that a clip that is no speech is known
    before it is sent back."""
    spoken = engine.synthesize_timed(text, settings)
    problem = clip_problem(spoken.audio, text, rate)
    if problem:
        raise NarrationError(problem)
    return spoken


def finish_clip(
    audio: AudioSegment, words: Sequence[WordTime] = (), words_from: str = ""
) -> Clip:
    """A clip as the cache keeps it: trimmed of the engine's silence, and measured; `words`
    (ms from the start of the untrimmed `audio`) are moved with the trim and kept in the clip."""
    start, end = trim_bounds(audio)
    trimmed = audio[start:end]
    fitted = fit_words(words, start, end - start)
    return Clip(
        pcm=trimmed.raw_data,
        sample_rate=trimmed.frame_rate,
        sample_width=trimmed.sample_width,
        channels=trimmed.channels,
        gain_db=clip_gain_db(trimmed),
        words=fitted,
        words_from=words_from if fitted else "",
    )


def fit_words(words: Sequence[WordTime], shift_ms: int, length_ms: int) -> tuple[WordTime, ...]:
    """`words` moved `shift_ms` earlier and kept inside 0..`length_ms`, in order and never
    overlapping (a word that starts before the previous one ends starts when it ends)."""
    fitted: list[WordTime] = []
    floor = 0
    for word in words:
        start = min(max(word.start_ms - shift_ms, floor), length_ms)
        end = min(max(word.end_ms - shift_ms, start), length_ms)
        fitted.append(WordTime(word.text, start, end))
        floor = end
    return tuple(fitted)


def audio_of(clip: Clip) -> AudioSegment:
    """A finished clip's audio, to check it again."""
    return AudioSegment(
        clip.pcm,
        sample_width=clip.sample_width,
        frame_rate=clip.sample_rate,
        channels=clip.channels,
    )


def clip_problem(clip: AudioSegment, text: str, rate: int) -> str:
    """What is wrong with `clip` as the reading of `text` at `rate` words per minute, or ''."""
    words = max(1, len(text.split()))
    # Engines spell out what they cannot read as words (a URL, a code), letter by letter.
    spelled_words = max(words, len(text) / _CHARS_PER_SPELLED_WORD)
    seconds = clip.duration_seconds
    if seconds <= 0:
        return "the engine returned no audio"
    if clip.dBFS < _SILENT_DBFS:
        return "the engine returned silence"
    if clip.max < _MIN_CREST_FACTOR * clip.rms:
        return "the clip is one constant or clipped level, not speech"
    inner_silence = _longest_inner_silence_s(clip)
    if inner_silence > _MAX_INNER_SILENCE_S:
        return f"the clip is silent for {inner_silence:.1f} s between its sounds"
    if seconds < _MIN_DURATION_SHARE * words * 60.0 / rate:
        return f"the clip lasts {seconds:.2f} s, too short for {words} words"
    if seconds > _MAX_DURATION_FACTOR * spelled_words * 60.0 / rate + _MAX_DURATION_SLACK_S:
        return f"the clip lasts {seconds:.2f} s, too long for {len(text)} characters"
    return ""


def _longest_inner_silence_s(clip: AudioSegment) -> float:
    """The longest silence between the first and the last sound of `clip` (its edges are
    trimmed anyway), in windows where no sample reaches the silence level."""
    mono = clip.set_channels(1).set_sample_width(2)
    window = max(1, mono.frame_rate * _SILENCE_WINDOW_MS // 1000)
    # Window by window with pydub's own peak (audioop), not numpy: the engine worker runs this
    # on every clip, and importing numpy there cost its first clip 0.1 s (a warm run's wait).
    loud = [
        n
        for n in range(int(mono.frame_count()) // window)
        if mono.get_sample_slice(n * window, (n + 1) * window).max >= _SILENT_PEAK
    ]
    if len(loud) < 2:
        return 0.0
    longest_gap = max(b - a for a, b in itertools.pairwise(loud)) - 1  # quiet windows between
    return float(longest_gap * window / mono.frame_rate)
