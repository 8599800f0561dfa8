"""Verifying: before an episode is renamed into place, check it against what was planned.

Pure. The checks catch what the per-clip checks cannot see: a clip lost between narration
and the file, a silence where speech should be, an episode far too short or long for its
words. A failed check is an error: the episode is not written.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..errors import ExportError
from ..model import Timing, Utterance
from ..scripting.pacing import Pauses
from ..scripting.speakable import has_words

SILENCE_DB = -50
"""Below this level, ffmpeg's silencedetect hears silence (`ffmpeg.SILENCE_FILTER`)."""
SILENCE_MIN_S = 0.2
# Speech has short quiet stretches of its own (stops, breaths, the clips' trimmed edges), on
# top of the planned pause: a silence this much longer than the longest pause is a hole.
_SILENCE_SLACK_MS = 1000
# An episode lasts about its words' time at the rate (espeak-ng: 1.05 times, with pauses),
# plus the intro, outro and music; these bounds only catch what is badly wrong.
_MIN_SHARE = 0.5
_MAX_FACTOR = 2.5
_MAX_EXTRA_MS = 60_000


class VerificationError(ExportError):
    """The episode is not what was planned."""


def parse_silences(report: str) -> list[tuple[float, float]]:
    """(start, duration) in seconds of every silence in silencedetect's report."""
    found = []
    start = 0.0
    for line in report.splitlines():
        if match := re.search(r"silence_start: (-?[\d.]+)", line):
            start = float(match[1])
        elif match := re.search(r"silence_duration: ([\d.]+)", line):
            found.append((start, float(match[1])))
    return found


def longest_pause_ms(pauses: Pauses) -> int:
    """The longest silence the pacing plans."""
    return max(int(getattr(pauses, field.name)) for field in dataclasses.fields(pauses))


def check_episode(
    *,
    utterances: Sequence[Utterance],
    timings: Sequence[Timing],
    duration_ms: int,
    rate: int,
    silences: Sequence[tuple[float, float]],
    pauses: Pauses,
) -> None:
    """Raise VerificationError if the episode is not what was planned."""
    problems = []
    if len(timings) != len(utterances):
        problems.append(f"{len(timings)} clips were laid down for {len(utterances)} utterances")
    for number, (utterance, timing) in enumerate(zip(utterances, timings, strict=False), 1):
        if has_words(utterance.text) and timing.end_ms <= timing.start_ms:
            problems.append(f"utterance {number} ({utterance.text[:40]!r}) has no audio")
            break
    words = sum(len(u.text.split()) for u in utterances if has_words(u.text))
    nominal_ms = words * 60_000 / rate
    if not _MIN_SHARE * nominal_ms <= duration_ms <= _MAX_FACTOR * nominal_ms + _MAX_EXTRA_MS:
        problems.append(
            f"it lasts {duration_ms / 1000:.0f} s for {words} words at {rate} words per minute"
        )
    limit_s = (longest_pause_ms(pauses) + _SILENCE_SLACK_MS) / 1000
    for start, length in silences:
        if length > limit_s:
            problems.append(f"it is silent for {length:.1f} s from {start:.1f} s")
            break
    if problems:
        raise VerificationError(
            f"the episode failed its own check ({'; '.join(problems)}); nothing was written. "
            "This is a bug: please report it with the article"
        )
