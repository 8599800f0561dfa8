"""The redo policy of `--verify`: every clip is listened to, a clip heard wrong is narrated
again (up to twice) and the best take is kept, with what was heard, in the clip cache.

Clips are listened to in packs of up to `PACK_S` seconds with `GAP_MS` of silence between
them, and the words heard are split back by time: Whisper pads whatever it hears to 30 s, so a
3-4 s clip alone costs as much as a full window. Measured on john-legend.txt (24 espeak-ng
clauses, 102 s of speech, 2 threads): 26.5 s one call per clip, 8.2 s in 5 packs. Packing
does not flatter: the episode's 31 clips heard alone scored 0.08 lower on average (a short
clip alone is often heard as nothing), never more than 0.17 higher (verify_study.py --packs).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pydub import AudioSegment

from ..model import Clip, Heard, Role, Script, Utterance, VoiceSettings, WordTime
from .clips import audio_of
from .listening import Recogniser, Transcript
from .scoring import THRESHOLD, normalise, score

if TYPE_CHECKING:
    from ..settings import Settings
    from .clipcache import ClipCache

PACK_S = 25.0
GAP_MS = 600
REDOS = 2
SLOWER = (0.9, 0.8)
"""The rate of each redo for an engine that says a text the same way every time (espeak-ng):
slower, clearer. Piper draws a fresh sample at the same rate instead (two calls with the same
text give different audio: its VITS model adds noise)."""


class Transcriber(Protocol):
    def transcribe(self, audio: AudioSegment, language: str = "en") -> Transcript: ...


class Narrating(Protocol):
    """What the listener needs of the narrator."""

    engine_name: str
    cache: ClipCache

    def clip_key(self, text: str, voice: str | None, rate: int) -> str: ...

    def take(self, script: Script, utterance: Utterance, settings: VoiceSettings) -> Clip: ...


@dataclass(frozen=True)
class Takes:
    """The utterances of one script, as a narrator says them again and keeps them."""

    narrator: Narrating
    """Who narrates them."""
    script: Script
    """The script they belong to (to name a sentence that fails)."""
    utterances: Sequence[Utterance]
    """One per clip, in order."""
    voices: Mapping[Role, str | None]
    """The voice of each role."""
    rate: int
    """The rate they were narrated at (their cache key's)."""

    def again(self, utterance: Utterance, attempt: int) -> Clip:
        """Redo `attempt` (1, 2...) of `utterance`: a fresh take, slower for espeak-ng."""
        slower = 1.0 if self.narrator.engine_name == "piper" else SLOWER[attempt - 1]
        settings = VoiceSettings(self.voices[utterance.role], round(self.rate * slower))
        return self.narrator.take(self.script, utterance, settings)

    def keep(self, utterance: Utterance, clip: Clip) -> None:
        """`clip`, with what was heard, in the cache under its utterance's own key."""
        key = self.narrator.clip_key(utterance.text, self.voices[utterance.role], self.rate)
        self.narrator.cache.put(key, clip, utterance.text)


class Listener:
    """Listens to clips, redoes those heard wrong, and remembers what was heard."""

    def __init__(
        self, recogniser: Transcriber, *, threshold: float = THRESHOLD, language: str = "en"
    ) -> None:
        self.recogniser = recogniser
        self.threshold = threshold
        self.language = language
        self.redone = 0
        """How many clips were narrated again because they were heard wrong."""
        self.heard: dict[int, Heard] = {}
        """What was heard in each utterance's clip, by utterance index."""

    def listen(
        self, clips: Iterable[Clip | None], takes: Takes
    ) -> Generator[Clip | None, None, None]:
        """`clips` (one per utterance, in order) as heard and kept: the same order, each clip
        carrying `heard`; a clip already heard (from the cache) is passed on as it is."""
        source = iter(clips)
        pending: list[tuple[int, Clip | None]] = []
        try:
            for index, clip in enumerate(source):
                pending.append((index, clip))
                if _seconds(clip for _, clip in pending if _unheard(clip)) >= PACK_S:
                    yield from self._settle(pending, takes)
                    pending = []
            yield from self._settle(pending, takes)
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def _settle(
        self, pending: list[tuple[int, Clip | None]], takes: Takes
    ) -> Generator[Clip | None, None, None]:
        unheard = [(i, clip) for i, clip in pending if clip is not None and clip.heard is None]
        transcripts = dict(
            zip(
                [i for i, _ in unheard], self._transcribe_pack([c for _, c in unheard]), strict=True
            )
        )
        for index, clip in pending:
            if clip is not None and index in transcripts:
                utterance = takes.utterances[index]
                clip = self._judge(clip, transcripts[index], utterance, takes)
                takes.keep(utterance, clip)
            if clip is not None and clip.heard is not None:
                self.heard[index] = clip.heard
            yield clip

    def _judge(
        self, clip: Clip, transcript: Transcript, utterance: Utterance, takes: Takes
    ) -> Clip:
        """The best take of `utterance`, the original first: redone while it is heard wrong.

        A redo is heard alone, and a clip heard alone scores lower than in a pack (0.08 on
        average on john-legend.txt: a short clip alone is often heard as nothing), so the
        original is heard alone too before any take is weighed against it: like with like."""
        best = _heard(clip, transcript, score(utterance.text, transcript.text, self.language))
        assert best.heard is not None
        if best.heard.score >= self.threshold:
            return best
        self.redone += 1
        alone = self.recogniser.transcribe(audio_of(clip), self.language)
        bar = score(utterance.text, alone.text, self.language)
        for attempt in range(1, REDOS + 1):
            take = takes.again(utterance, attempt)
            heard = self.recogniser.transcribe(audio_of(take), self.language)
            value = score(utterance.text, heard.text, self.language)
            if value > bar:
                best, bar = _heard(take, heard, value), value
            if bar >= self.threshold:
                break
        return best

    def _transcribe_pack(self, clips: Sequence[Clip]) -> list[Transcript]:
        """Each clip's transcript, from one call for them all: the words split back by time."""
        if not clips:
            return []
        if len(clips) == 1:
            return [self.recogniser.transcribe(audio_of(clips[0]), self.language)]
        audio = [audio_of(clip) for clip in clips]
        gap = AudioSegment.silent(GAP_MS, frame_rate=audio[0].frame_rate)
        pack, starts = audio[0], [0]
        for piece in audio[1:]:
            starts.append(len(pack) + GAP_MS)
            pack = pack + gap + piece.set_frame_rate(audio[0].frame_rate)
        heard = self.recogniser.transcribe(pack, self.language)
        return split_by_time(heard.words, starts, [len(piece) for piece in audio])


def split_by_time(
    words: Sequence[WordTime], starts: Sequence[int], lengths: Sequence[int]
) -> list[Transcript]:
    """The words of a pack given back to its clips: each word to the clip whose span (widened
    by half the gap on each side) holds its middle, timed from that clip's start."""
    found: list[list[WordTime]] = [[] for _ in starts]
    for word in words:
        middle = (word.start_ms + word.end_ms) / 2
        at = max((i for i, start in enumerate(starts) if middle >= start - GAP_MS / 2), default=0)
        start, length = starts[at], lengths[at]
        found[at].append(
            WordTime(
                word.text,
                min(max(word.start_ms - start, 0), length),
                min(max(word.end_ms - start, 0), length),
            )
        )
    return [Transcript(" ".join(w.text for w in heard), tuple(heard)) for heard in found]


def listener_for(settings: Settings) -> Listener | None:
    """The listener `settings` ask for (--verify), or None; the recogniser's threads are the
    cores this process may use."""
    if not settings.verify:
        return None
    from . import warm

    # A process that produces one article after another (a batch or Dask worker) keeps its
    # recogniser as it keeps its engines: loading it costs 1.5 s an article otherwise.
    kept = warm.keeping() is not None
    return Listener(_kept_recogniser(warm.cores()) if kept else _recogniser(warm.cores()))


def _recogniser(threads: int) -> Recogniser:
    from .listening import Recogniser

    return Recogniser(threads=threads)


_kept_recogniser = functools.cache(_recogniser)


def sentence_heard(
    script: Script, utterances: Sequence[Utterance], listener: Listener | None
) -> list[list[Heard | None]] | None:
    """What was heard of each sentence of each segment: the score of its pieces weighted by
    their words, and their transcripts joined (None where no piece was listened to); None
    without a listener."""
    if listener is None:
        return None
    heard = listener.heard
    pieces: dict[tuple[int, int], list[tuple[int, Heard]]] = {}
    for index, utterance in enumerate(utterances):
        if index in heard:
            words = max(1, len(normalise(utterance.text)))
            pieces.setdefault((utterance.segment, utterance.sentence), []).append(
                (words, heard[index])
            )
    result: list[list[Heard | None]] = []
    for s, segment in enumerate(script.segments):
        row: list[Heard | None] = []
        for t in range(len(segment.sentences)):
            parts = pieces.get((s, t))
            if not parts:
                row.append(None)
                continue
            total = sum(words for words, _ in parts)
            row.append(
                Heard(
                    score=sum(words * h.score for words, h in parts) / total,
                    text=" ".join(h.text for _, h in parts if h.text),
                )
            )
        result.append(row)
    return result


def _heard(clip: Clip, transcript: Transcript, value: float) -> Clip:
    """`clip` with what was heard; the recogniser's word times replace an estimate (Piper's:
    its voice tells no durations), never the engine's own."""
    heard = Heard(round(value, 4), transcript.text)
    if clip.words_from == "engine" or not transcript.words:
        return dataclasses.replace(clip, heard=heard)
    words = retime(clip.words, transcript.words) if clip.words else transcript.words
    return dataclasses.replace(clip, heard=heard, words=words, words_from="recogniser")


def retime(spoken: Sequence[WordTime], heard: Sequence[WordTime]) -> tuple[WordTime, ...]:
    """Every spoken word (an estimate's), timed by the recogniser: a word it heard takes the
    time it heard it at; the words between two heard ones share that stretch as the estimate
    shared it. The recogniser may miss or merge words, so its own list would not be every
    word spoken."""
    import difflib

    mine = [" ".join(normalise(w.text)) for w in spoken]
    theirs = [" ".join(normalise(w.text)) for w in heard]
    anchors: dict[int, WordTime] = {}
    for block in difflib.SequenceMatcher(a=mine, b=theirs, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            if mine[block.a + k]:
                anchors[block.a + k] = heard[block.b + k]
    if not anchors:
        return tuple(spoken)
    # Fixed points: (index in the estimate's words, our time, the recogniser's time).
    points = [(-1, 0, 0)] + [(i, spoken[i].start_ms, w.start_ms) for i, w in anchors.items()]
    end = spoken[-1].end_ms
    points.append((len(spoken), end, max(end, heard[-1].end_ms) if heard else end))
    retimed: list[WordTime] = []
    for (i0, ours0, theirs0), (i1, ours1, theirs1) in itertools.pairwise(points):
        scale = (theirs1 - theirs0) / (ours1 - ours0) if ours1 > ours0 else 0.0
        for i in range(i0 + 1, i1):
            word = spoken[i]
            start = round(theirs0 + (word.start_ms - ours0) * scale)
            stop = round(theirs0 + (word.end_ms - ours0) * scale)
            retimed.append(WordTime(word.text, start, max(start, stop)))
        if i1 < len(spoken):
            got = anchors[i1]
            retimed.append(WordTime(spoken[i1].text, got.start_ms, got.end_ms))
    # In order and not overlapping, as the manifest promises.
    for k in range(1, len(retimed)):
        before, word = retimed[k - 1], retimed[k]
        start = max(word.start_ms, before.start_ms)
        retimed[k] = WordTime(word.text, start, max(start, word.end_ms))
        if before.end_ms > start:
            retimed[k - 1] = WordTime(before.text, before.start_ms, start)
    return tuple(retimed)


def _unheard(clip: Clip | None) -> bool:
    return clip is not None and clip.heard is None


def _seconds(clips: Iterable[Clip | None]) -> float:
    return sum(clip.frames / clip.sample_rate + GAP_MS / 1000 for clip in clips if clip is not None)
