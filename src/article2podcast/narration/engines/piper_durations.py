"""Piper's word times from its own phoneme durations.

A Piper voice is a VITS model: it predicts how many audio frames each phoneme id lasts
(`w_ceil`, a Ceil node in the graph) and its decoder turns exactly those frames into audio,
`hop_length` (256) samples each. The bundled joe voice does not list that tensor among its
outputs; piper's own `add_alignment_output` marks it as one (in memory, at load), and piper then
gives each sentence's phonemes with their sample counts. Measured on the joe voice with texts of
one to four sentences at length scales 0.8, 1 and 1.54: the counts sum exactly to each
sentence's samples.

The sound runs ahead of those counts: in "Sam sat" the vowel's energy rises 90 ms before its
frames begin, and over 378 words of john-legend.txt the word starts came 96 ms (median) after
the recogniser's (faster-whisper base), the ends 69 ms after; shifting every time 60 ms earlier
left 37 ms and 9 ms (the recogniser itself hears espeak-ng's evented words 31 ms early, so the
rest is its own bias). Hence `LEAD_MS`.

The phonemes come by sentence, words parted by the ' ' phoneme; the text's words are matched to
them in order (a number or "3:45pm" may be several phoneme words, a dash none).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from ...model import WordTime

LEAD_MS = 60
"""How far the sound runs ahead of the phoneme durations (measured above)."""
_BOUNDARY = " "
_STRESS = frozenset("ˈˌ")
TOKEN_EDGES = "\"'“”‘’«»()[]{},.;:!?…"


@dataclass(frozen=True)
class SpokenWord:
    """A word as the voice said it: its phonemes and where they are in the audio."""

    key: str
    """Its phonemes without stress marks or punctuation, to match it with the text's words."""
    start: int
    """The sample where its first phoneme starts."""
    end: int
    """The sample where its last phoneme ends (a pause after it left out)."""


def aligned_model(path: Path) -> bytes | None:
    """The voice model with its phoneme durations as a second output, serialised for
    onnxruntime; None when that cannot be done (no onnx package, no single Ceil node, or the
    model already gives them: then it is loaded as it is)."""
    try:
        import onnx
        from piper.patch_voice_with_alignment import add_alignment_output
    except ImportError:
        return None
    try:
        model = onnx.load(str(path))
        add_alignment_output(model)
    except Exception:  # damaged or not a voice: onnxruntime's load says so, as before
        return None
    return bytes(model.SerializeToString())


def phoneme_key(phonemes: Iterable[str]) -> str:
    """Phonemes as a word's key: letters only, stress marks left out."""
    return "".join(p for p in phonemes if p.isalpha() and p not in _STRESS)


def _is_pause(phoneme: str) -> bool:
    """Punctuation and piper's sentence markers: they last, but no word is heard then."""
    return not phoneme.isalpha() and all(unicodedata.category(c)[0] in "PS" for c in phoneme)


def spoken_words(chunks: Iterable[Any], lead: int = 0) -> list[SpokenWord] | None:
    """The words of piper's audio chunks (one a sentence, in order, joined with nothing
    between), from their phoneme alignments, `lead` samples earlier (never before 0); None
    when a chunk has none."""
    words: list[SpokenWord] = []
    offset = 0
    for chunk in chunks:
        if chunk.phoneme_alignments is None:
            return None
        at = offset
        current: list[str] = []
        start = end = at
        for aligned in chunk.phoneme_alignments:
            phoneme, samples = aligned.phoneme, int(aligned.num_samples)
            if phoneme == _BOUNDARY:
                _close(words, current, start, end)
                current = []
            elif not _is_pause(phoneme):
                if not current:
                    start = max(0, at - lead)
                current.append(phoneme)
                end = max(0, at + samples - lead)
            at += samples
        _close(words, current, start, end)
        offset += len(chunk.audio_int16_array)
    return words


def _close(words: list[SpokenWord], phonemes: list[str], start: int, end: int) -> None:
    key = phoneme_key(phonemes)
    if key:
        words.append(SpokenWord(key, start, end))


def word_keys(sentences: Sequence[Sequence[str]]) -> list[str]:
    """The keys of the phoneme words in piper's phonemes of a text (by sentence)."""
    return [
        key
        for phonemes in sentences
        for word in "".join(phonemes).split(_BOUNDARY)
        if (key := phoneme_key(word))
    ]


def words_from_durations(
    tokens: Sequence[str], token_keys: Sequence[Sequence[str]], spoken: Sequence[SpokenWord],
    ms_per_sample: float,
) -> tuple[WordTime, ...]:
    """Each token timed by the spoken words it became (`token_keys[i]`: the keys of the
    phoneme words piper says for `tokens[i]` alone), matched to `spoken` in order. Where the
    two differ, the unmatched stretch of time is shared out among its tokens' phoneme words;
    a token that is said as nothing (a dash) lasts nothing, where the previous word ends."""
    owners = [i for i, keys in enumerate(token_keys) for _ in keys]
    ours = [key for keys in token_keys for key in keys]
    times: dict[int, list[tuple[float, float]]] = {}
    matcher = difflib.SequenceMatcher(None, ours, [w.key for w in spoken], autojunk=False)
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        block = spoken[j1:j2]
        for k in range(i1, i2) if block else ():
            share = Fraction(len(block), i2 - i1)
            span = (_start_at(block, (k - i1) * share), _end_at(block, (k + 1 - i1) * share))
            times.setdefault(owners[k], []).append(span)
    result: list[WordTime] = []
    floor = 0.0
    for index, token in enumerate(tokens):
        mine = times.get(index, [])
        start = max(floor, mine[0][0]) if mine else floor
        end = max(start, mine[-1][1]) if mine else floor
        floor = end
        text = token.strip(TOKEN_EDGES) or token
        result.append(WordTime(text, round(start * ms_per_sample), round(end * ms_per_sample)))
    return tuple(result)


def _start_at(block: Sequence[SpokenWord], position: Fraction) -> float:
    """The sample `position` words into `block` (a word's start at a whole number; a fraction
    of the way through a word counted in its samples)."""
    word = block[int(position)]
    return word.start + float(position - int(position)) * (word.end - word.start)


def _end_at(block: Sequence[SpokenWord], position: Fraction) -> float:
    """Like `_start_at`, but a whole number is the end of the word before it."""
    whole = int(position)
    if whole == position:
        return float(block[whole - 1].end)
    return _start_at(block, position)
