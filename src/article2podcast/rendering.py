"""Rendering an MP3 episode from parts: each part encoded once and kept, so that a run after an
edit narrates and encodes only the parts that changed and joins the rest as they are.

The episode is laid out in parts (`audio.parts`: runs of segments cut in long pauses). A part's
key hashes everything that changes its sound: its clips' keys, its pauses, the music it
carries, the gain and limiter, the encoder. A part found in the cache is placed by its record
(timings, words, what was heard, what the meter found) and its clips are never read; the
others are narrated, mixed and streamed through one or two encoders (`audio.partstream`),
then kept. The file is the Info frame and every part's frames in order (`audio.mp3frames`),
and its loudness is composed from the parts' measures (`audio.parts.compose`).

Used for MP3 only, when the engine's rate is a whole number of samples per MP3 frame (22.05 or
44.1 kHz: espeak-ng, Piper); other formats and rates are encoded in one pass, as before.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from . import __version__
from .audio.ffmpeg import Delivered, levelling
from .audio.formats import Format
from .audio.loudness import TRUE_PEAK_CEILING_DBTP, Loudness
from .audio.mastering import ceiling_for, on_target, predicted_gain
from .audio.mixing import Mixdown, Mixer, PcmFormat
from .audio.music import show_music
from .audio.parts import (
    Measured,
    Part,
    Record,
    compose,
    gridable,
    lay_out,
    record_of,
    split_parts,
)
from .audio.partstream import PartStream, join
from .errors import ExportError, NarrationError
from .model import Clip, WordTime
from .narration.clipcache import ClipCache
from .narration.narrator import Narrator, Voices
from .planning import Plan
from .programs import require
from .scripting.speakable import has_words
from .settings import Settings

PARTS_VERSION = 1
"""How parts are laid out, encoded and recorded: part of every part's key."""


class Rendering:
    """One episode's parts: which are kept, and the rendering of the rest."""

    def __init__(
        self,
        plan: Plan,
        settings: Settings,
        narrator: Narrator,
        voices: Voices,
        fmt: Format,
        gain_db: float | None = None,
    ) -> None:
        self.plan, self.settings, self.narrator, self.voices, self.fmt = (
            plan, settings, narrator, voices, fmt,
        )  # fmt: skip
        self.cache: ClipCache = narrator.cache
        self.parts = split_parts(plan.utterances, settings.pauses.tail)
        rate = settings.rate or narrator.default_rate
        self.clip_keys = [
            narrator.clip_key(u.text, voices[u.role], rate) if has_words(u.text) else None
            for u in plan.utterances
        ]
        self._encoded_before = 0
        self.unused: Started | None = None
        """The clips of an episode that turned out not to be cut in frames (see `render`)."""
        self._look_up(predicted_gain(settings.loudness, fmt) if gain_db is None else gain_db)

    def _look_up(self, gain_db: float) -> None:
        """Which parts made at `gain_db` are kept already."""
        self.gain_db = gain_db
        """The gain before the limiter: predicted, or corrected after a miss (`retry_gain`)."""
        fmt, ffmpeg = self.fmt, require("ffmpeg")
        status = os.stat(ffmpeg)
        encoding = {  # what every part's sound depends on besides its own clips and pauses
            "version": PARTS_VERSION,
            "program": __version__,
            "encoding": [
                fmt.codec,
                fmt.bitrate,
                levelling(gain_db, ceiling_for(fmt), fmt.sample_rate),
            ],
            "encoder": [ffmpeg, status.st_size, status.st_mtime_ns],
        }
        self.keys = [self._key(number, part, encoding) for number, part in enumerate(self.parts)]
        self.made: dict[int, Record] = {}
        """The parts kept from an earlier run, by index."""
        for number, key in enumerate(self.keys):
            found = self.cache.get_part(key)
            record = None if found is None else record_of(found[0])
            if record is not None and self._usable(record, self.parts[number]):
                self.made[number] = record

    def retry_gain(self, delivered: Loudness) -> float | None:
        """The gain to make the parts with again after the episode missed its loudness target
        by `delivered`, or None when another gain would not help (a true peak over the
        ceiling: mastered again whole, the careful way).

        The correction is rounded to half a decibel, so that the next run after an edit, which
        misses by about as much, asks for the same gain and finds those parts kept; the
        limiter takes back a little of any gain added, so the rounding rarely leaves the
        episode outside the tolerance of 0.5 LU."""
        if delivered.true_peak_dbtp > TRUE_PEAK_CEILING_DBTP:
            return None
        missed = self.settings.loudness - delivered.integrated_lufs
        return self.gain_db + round(missed * 2) / 2

    @property
    def encoded(self) -> int:
        """How many parts this run encodes (in both tries, when there were two)."""
        return len(self.parts) - len(self.made) + self._encoded_before

    def render_on_target(
        self, destination: Path, scratch: Path, on_segment: Callable[[], None]
    ) -> tuple[Mixdown, Delivered] | None:
        """`render`, and once more with a corrected gain if the predicted one missed the
        loudness target (the caller masters the whole again if that misses too)."""
        rendered = self.render(destination, scratch, on_segment)
        if rendered is None or on_target(rendered[1].loudness, self.settings.loudness):
            return rendered
        gain = self.retry_gain(rendered[1].loudness)
        if gain is None or gain == self.gain_db:
            return rendered
        self._encoded_before = self.encoded
        self._look_up(gain)
        return self.render(destination, scratch, lambda: None)

    def render(
        self, destination: Path, scratch: Path, on_segment: Callable[[], None]
    ) -> tuple[Mixdown, Delivered] | None:
        """Write the episode to `destination`; None when its engine's rate cannot be cut in
        frames (then nothing was written: encode it whole)."""
        utterances = self.plan.utterances
        needed = [False] * len(utterances)
        for number, part in enumerate(self.parts):
            if number not in self.made:
                needed[part.first : part.end] = [True] * (part.end - part.first)
        clips = self.narrator.clips(
            self.plan.script, utterances, self.voices, self.settings.rate, on_segment,
            needed=needed,
        )  # fmt: skip
        handed = False
        try:
            held, pcm = self._format(clips)
            if pcm is None:  # handed on, narrating: the episode is made whole from them
                self.unused, handed = (held, clips), True
                return None
            return self._render(itertools.chain(held, clips), pcm, destination, scratch)
        finally:
            if not handed:
                clips.close()

    def _format(self, clips: Iterator[Clip | None]) -> tuple[list[Clip | None], PcmFormat | None]:
        """The mix's format: a kept part's, else the first clip's (None: not in frames)."""
        held: list[Clip | None] = []
        if self.made:
            record = next(iter(self.made.values()))
            return held, PcmFormat(sample_rate=record.sample_rate)
        for clip in clips:
            held.append(clip)
            if clip is not None:
                if not gridable(clip.sample_rate, self.fmt.sample_rate):
                    return held, None
                return held, PcmFormat(sample_rate=clip.sample_rate, channels=clip.channels)
        raise NarrationError("the article has nothing to say aloud")

    def _render(
        self, clips: Iterator[Clip | None], pcm: PcmFormat, destination: Path, scratch: Path
    ) -> tuple[Mixdown, Delivered]:
        mixer = Mixer(pcm)
        new = [number for number in range(len(self.parts)) if number not in self.made]
        count = min(len(new), 2 if (os.cpu_count() or 1) > 1 else 1)
        gain, ceiling = self.gain_db, ceiling_for(self.fmt)
        streams = [
            PartStream(pcm, self.fmt, scratch, gain_db=gain, ceiling_dbtp=ceiling)
            for _ in range(count)
        ]
        edges: dict[int, tuple[int, int]] = {}
        try:
            # The music is made only for a first or last part that is made now.
            ends = {0, len(self.parts) - 1}
            wanted = self.settings.music and not ends <= self.made.keys()
            music = show_music(pcm.sample_rate) if wanted else None
            laid = lay_out(
                clips, self.plan.utterances, self.parts, mixer, music=music,
                delivered_rate=self.fmt.sample_rate, made=self.made, edges=edges,
            )  # fmt: skip
            for turn, (number, chunks) in enumerate(itertools.groupby(laid, lambda x: x[0])):
                streams[turn % count].add(number, (chunk for _, chunk in chunks))
            finished = [stream.finish() for stream in streams]
        except BaseException:
            for stream in streams:
                stream.abort()
                stream.close()
            raise
        try:
            records = self._keep(mixer, edges, finished)
            self._join(destination, records, finished)
        finally:
            for stream in streams:
                stream.close()
        loudness, silences = compose(
            [records[number] for number in range(len(self.parts))], self.fmt.sample_rate
        )
        return mixer.mixdown(), Delivered(loudness, silences)

    def _keep(
        self,
        mixer: Mixer,
        edges: dict[int, tuple[int, int]],
        finished: Sequence[tuple[Path, dict[int, tuple[int, int]], dict[int, Measured]]],
    ) -> dict[int, Record]:
        """Every part's record: the kept ones', and the new ones' from the mix and the meter."""
        records = dict(self.made)
        listener = self.narrator.listener
        mixdown = mixer.mixdown()
        for _, ranges, measures in finished:
            for number in ranges:
                part, (first_frame, last_frame) = self.parts[number], edges[number]
                start_ms = mixer.format.ms(first_frame)
                heard = tuple(
                    listener.heard.get(index) if listener else None
                    for index in range(part.first, part.end)
                )
                record = Record(
                    sample_rate=mixer.format.sample_rate,
                    frames=last_frame - first_frame,
                    samples=(last_frame - first_frame)
                    * self.fmt.sample_rate
                    // mixer.format.sample_rate,
                    utterances=tuple(
                        (a - first_frame, b - first_frame)
                        for a, b in mixer.spans[part.first : part.end]
                    ),
                    words=tuple(
                        tuple(
                            WordTime(w.text, w.start_ms - start_ms, w.end_ms - start_ms)
                            for w in words
                        )
                        for words in mixdown.words[part.first : part.end]
                    ),
                    words_from=mixdown.words_from[part.first : part.end],
                    heard=heard,
                    measured=measures[number],
                )
                records[number] = record
        return records

    def _join(
        self,
        destination: Path,
        records: dict[int, Record],
        finished: Sequence[tuple[Path, dict[int, tuple[int, int]], dict[int, Measured]]],
    ) -> None:
        """The episode's file: every part's frames in order, after the Info frame; each new
        part is kept in the cache as its frames are read for it."""
        where = {
            number: (path, span) for path, ranges, _ in finished for number, span in ranges.items()
        }
        payloads = (
            (self._frames(number, where, records[number]), records[number].samples)
            for number in range(len(self.parts))
        )
        join(destination, payloads)

    def _frames(
        self, number: int, where: dict[int, tuple[Path, tuple[int, int]]], record: Record
    ) -> bytes:
        """A part's frames (and the one after): made by this run (and kept now), or kept."""
        if number in where:
            path, (start, end) = where[number]
            with path.open("rb") as stream:
                stream.seek(start)
                frames = stream.read(end - start)
            text = f"(encoded part) {self.plan.utterances[self.parts[number].first].text}"
            self.cache.put_part(self.keys[number], asdict(record), frames, text)
            return frames
        found = self.cache.get_part(self.keys[number])
        if found is None:
            raise ExportError(
                "a part of the episode was removed from the cache while it was being made "
                "(by another run pruning it); run the command again"
            )
        return found[1]

    def _key(self, number: int, part: Part, encoding: dict[str, object]) -> str:
        """A SHA-256 of everything that changes the part's sound."""
        utterances = self.plan.utterances[part.first : part.end]
        music = self.settings.music
        fields = {
            **encoding,
            "clips": self.clip_keys[part.first : part.end],
            "roles": [u.role for u in utterances],
            "pauses": [part.lead_ms, *(u.pause_before_ms for u in utterances[1:]), part.tail_ms],
            "opening": music and number == 0,
            "closing": music and number == len(self.parts) - 1,
            "segments": [u.segment - utterances[0].segment for u in utterances],
        }
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def _usable(self, record: Record, part: Part) -> bool:
        """Whether a kept part serves this run: with --verify, every clip of it was heard."""
        if len(record.utterances) != part.end - part.first:
            return False
        if self.narrator.listener is None:
            return True
        spoken = [self.clip_keys[i] is not None for i in range(part.first, part.end)]
        if any(say and heard is None for say, heard in zip(spoken, record.heard, strict=True)):
            return False
        for offset, heard in enumerate(record.heard):
            if heard is not None:
                self.narrator.listener.heard[part.first + offset] = heard
        return True


Measure = TypeVar("Measure")
Started = tuple[list[Clip | None], Generator[Clip | None, None, None]]
"""Clips taken already, and the narration they came from, still going."""


def render_whole(
    plan: Plan,
    settings: Settings,
    narrator: Narrator,
    voices: Voices,
    fmt: Format,
    sink: Callable[[Iterable[bytes], PcmFormat], Measure],
    on_segment: Callable[[], None] = lambda: None,
    started: Started | None = None,
) -> tuple[Mixdown, Measure]:
    """Narrate and mix the whole episode (laid out as in parts, so that it sounds and is timed
    the same), streaming its PCM into `sink`: for the formats not made in parts, and for a
    second, careful mastering. `started`: the clips held and the narration already under way
    (`Rendering.unused`)."""
    held: list[Clip | None] = []
    if started is None:
        clips = narrator.clips(plan.script, plan.utterances, voices, settings.rate, on_segment)
    else:
        held, clips = started
    try:
        if all(clip is None for clip in held):  # the mix takes the format of the first clip
            for clip in clips:
                held.append(clip)
                if clip is not None:
                    break
        first = next((clip for clip in held if clip is not None), None)
        if first is None:
            raise NarrationError("the article has nothing to say aloud")
        mixer = Mixer(PcmFormat(sample_rate=first.sample_rate, channels=first.channels))
        music = show_music(first.sample_rate) if settings.music else None
        laid = lay_out(
            itertools.chain(held, clips),
            plan.utterances,
            split_parts(plan.utterances, settings.pauses.tail),
            mixer,
            music=music,
            delivered_rate=fmt.sample_rate,
            made={},
        )
        measured = sink((chunk for _, chunk in laid), mixer.format)
    finally:
        clips.close()
    return mixer.mixdown(), measured
