"""Mixing: clips trimmed, pauses laid down, timings counted from the frames."""

from __future__ import annotations

from pydub import AudioSegment
from pydub.generators import Sine

from article2podcast.audio.mixing import KEEP_MS, Mixer, PcmFormat, mix, sentence_timings, trim
from article2podcast.model import Clip, Script, Segment, Sentence, Timing, Utterance

RATE = 22050
FMT = PcmFormat(sample_rate=RATE)


def tone(ms: int) -> AudioSegment:
    return Sine(440, sample_rate=RATE).to_audio_segment(ms, volume=-10).set_sample_width(2)


def clip_of(audio: AudioSegment, gain_db: float | None = None) -> Clip:
    return Clip(audio.raw_data, audio.frame_rate, audio.sample_width, audio.channels, gain_db)


def padded(ms: int, lead: int = 200, tail: int = 300) -> AudioSegment:
    return AudioSegment.silent(lead, RATE) + tone(ms) + AudioSegment.silent(tail, RATE)


def test_trim_removes_the_engines_silence_but_keeps_a_margin() -> None:
    trimmed = trim(padded(1000))
    assert abs(len(trimmed) - (1000 + 2 * KEEP_MS)) <= 10


def test_trim_of_silence_is_empty_and_of_nothing_is_nothing() -> None:
    assert len(trim(AudioSegment.silent(500, RATE))) <= 2 * KEEP_MS
    assert len(trim(AudioSegment.empty())) == 0


def test_timings_are_counted_from_the_frames_laid_down() -> None:
    utterances = [Utterance(0, 0, "a", 400), Utterance(0, 1, "b", 300)]
    mixer = Mixer(FMT)
    pcm = b"".join(mix([clip_of(tone(1000)), clip_of(tone(500))], utterances, mixer, tail_ms=1000))
    down = mixer.mixdown()
    assert down.utterances == (Timing(400, 1400), Timing(1700, 2200))
    assert down.duration_ms == 3200
    assert len(pcm) == down.frames * FMT.frame_bytes


def test_clips_in_another_format_are_conformed() -> None:
    stereo_48k = tone(1000).set_frame_rate(48000).set_channels(2)
    mixer = Mixer(FMT)
    pcm = b"".join(mix([clip_of(stereo_48k)], [Utterance(0, 0, "a", 0)], mixer, tail_ms=0))
    assert abs(len(pcm) / FMT.frame_bytes - RATE) <= RATE * 0.01


def test_sentence_timings_span_their_pieces() -> None:
    script = Script(
        "T",
        (Segment("paragraph", "a b. c", (Sentence("a b.", ("a", "b.")), Sentence("c", ("c",)))),),
    )
    utterances = [Utterance(0, 0, "a", 0), Utterance(0, 0, "b.", 0), Utterance(0, 1, "c", 0)]
    timings = [Timing(0, 100), Timing(150, 300), Timing(700, 900)]
    assert sentence_timings(script, utterances, timings) == [[Timing(0, 300), Timing(700, 900)]]


def test_joining_many_clips_is_linear() -> None:
    """800 clips are streamed as they come: no chunk holds more than one clip, so nothing
    re-copies the episode so far (pydub's `+` would, for every clip)."""
    clip = clip_of(tone(300))
    utterances = [Utterance(0, i, "x", 100) for i in range(800)]
    mixer = Mixer(FMT)
    chunks = list(mix([clip] * 800, utterances, mixer, tail_ms=0))
    assert max(len(chunk) for chunk in chunks) <= len(clip.pcm)
    assert sum(len(chunk) for chunk in chunks) == mixer.mixdown().frames * FMT.frame_bytes
    assert mixer.mixdown().duration_ms == 800 * 400


def test_each_clip_is_levelled_by_its_measured_gain_and_a_short_one_by_its_voices_last() -> None:
    utterances = [Utterance(0, 0, "a", 0), Utterance(0, 1, "b", 0, "quote")]
    quiet = tone(1000).apply_gain(-6)
    mixer = Mixer(FMT)
    pcm = b"".join(mix([clip_of(quiet, 6.0), clip_of(quiet)], utterances, mixer, tail_ms=0))
    first, second = pcm[: len(quiet.raw_data)], pcm[len(quiet.raw_data) :]
    level = AudioSegment(first, sample_width=2, frame_rate=RATE, channels=1).dBFS
    assert abs(level - tone(1000).dBFS) < 0.1
    assert second == quiet.raw_data  # the quote voice has no gain yet: left as it is
