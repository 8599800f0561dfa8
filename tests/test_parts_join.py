"""Parts encoded apart and joined frame by frame sound as one encode of the whole: no gap, no
click, every sample where it belongs (issue 19).

Real speech (espeak-ng), the real levelling chain, LAME through ffmpeg, and ffmpeg's decoder,
which honours the Info frame's delay and padding as players do.
"""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pydub import AudioSegment

from article2podcast.audio.ffmpeg import levelling
from article2podcast.audio.formats import FORMATS
from article2podcast.audio.mixing import Mixer, PcmFormat
from article2podcast.audio.mp3frames import FRAME_SAMPLES
from article2podcast.audio.parts import lay_out, split_parts
from article2podcast.audio.partstream import PartStream, join
from article2podcast.model import Clip, Utterance
from article2podcast.narration.clips import finish_clip

pytestmark = pytest.mark.slow

MP3 = FORMATS[".mp3"]
GAIN_DB, CEILING_DBTP = 5.0, -1.5
SENTENCES = [
    "The library on Main Street stayed open until midnight on Friday.",
    "Thirty seven readers came, and most of them stayed past eleven.",
    "We wanted to see who reads at night, said the head librarian.",
    "The answer surprised us: students, nurses, and a baker.",
    "The library will try again in the spring.",
    "Until then, the doors close at nine.",
]


def speech(text: str, folder: Path) -> Clip:
    wav = folder / "clip.wav"
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(wav), text], check=True)
    with wav.open("rb") as handle:
        return finish_clip(AudioSegment.from_wav(handle))


def script() -> list[Utterance]:
    """Two sentences a paragraph; paragraphs 800 ms apart (where parts are cut)."""
    return [
        Utterance(n // 2, n % 2, text, 800 if n % 2 == 0 else 380)
        for n, text in enumerate(SENTENCES)
    ]


def decode(path: Path) -> np.ndarray:
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "pipe:1"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, dtype="<i2").astype(float)


def encode_whole(pcm: bytes, rate: int, folder: Path, *, raw: bool = False) -> Path:
    """The single-pass reference: the whole mix through the same chain, LAME's defaults (or,
    `raw`, the levelled PCM before any encoder)."""
    out = folder / ("whole.raw" if raw else "whole.mp3")
    codec = ["-f", "s16le"] if raw else ["-c:a", "libmp3lame", "-b:a", "96k"]
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1",
         "-i", "pipe:0", "-af", levelling(GAIN_DB, CEILING_DBTP, MP3.sample_rate), "-ac", "1",
         *codec, str(out)],
        input=pcm, check=True,
    )  # fmt: skip
    return out


def render(
    clips: list[Clip], folder: Path, streams: int, reuse: dict[int, bytes] | None = None
) -> tuple[Path, dict[int, bytes], list[int], bytes]:
    """Lay the script out in parts, encode the parts not in `reuse` through `streams`
    encoders (parts dealt out in turn), and join: the file, every part's frames, where each
    join falls (in samples), and the whole mix's PCM."""
    utterances = script()
    parts = split_parts(utterances, tail_ms=1200)
    mixer = Mixer(PcmFormat(sample_rate=clips[0].sample_rate))
    encoders = [
        PartStream(mixer.format, MP3, folder, gain_db=GAIN_DB, ceiling_dbtp=CEILING_DBTP)
        for _ in range(streams)
    ]
    whole: list[bytes] = []
    laid = lay_out(iter(clips), utterances, parts, mixer, music=None, delivered_rate=44_100,
                   made={})  # fmt: skip
    turn = 0
    for number, chunks in itertools.groupby(laid, lambda item: item[0]):
        pcm = [chunk for _, chunk in chunks]
        whole += pcm
        if reuse is None or number not in reuse:
            encoders[turn % streams].add(number, iter(pcm))
            turn += 1
    frames = dict(reuse or {})
    samples: dict[int, int] = {}
    for encoder in encoders:
        path, ranges, _ = encoder.finish()
        data = path.read_bytes()
        frames |= {number: data[start:end] for number, (start, end) in ranges.items()}
        samples |= {placed.index: placed.samples for placed in encoder.placed}
        encoder.close()
    sizes = [samples.get(n, 0) for n in range(len(parts))]
    out = folder / f"joined-{streams}-{len(reuse or {})}.mp3"
    join(out, ((frames[n], sizes[n] or _samples_of(frames[n])) for n in range(len(parts))))
    cuts = list(itertools.accumulate(sizes[:-1]))
    return out, frames, cuts, b"".join(whole)


def _samples_of(frames: bytes) -> int:
    from article2podcast.audio.mp3frames import whole_frames

    return (len(whole_frames(frames)[0]) - 1) * FRAME_SAMPLES


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Clip]:
    folder = tmp_path_factory.mktemp("speech")
    return [speech(text, folder) for text in SENTENCES]


def test_joined_parts_sound_as_one_encode_of_the_whole(clips: list[Clip], tmp_path: Path) -> None:
    joined, _, cuts, pcm = render(clips, tmp_path, streams=2)
    rate = clips[0].sample_rate
    reference = decode(encode_whole(pcm, rate, tmp_path))
    levelled = np.frombuffer(encode_whole(pcm, rate, tmp_path, raw=True).read_bytes(), "<i2")
    ours = decode(joined)
    # Not a sample gained or lost: the Info frame's delay and padding are right.
    assert len(ours) == len(reference) == len(levelled) == len(pcm) // 2 * 44_100 // rate
    assert len(cuts) == 2  # three paragraphs, three parts, two joins
    noise = np.sqrt(np.mean((reference - levelled) ** 2))  # the encoder's own noise
    assert noise > 10  # speech was encoded: the comparison means something
    assert np.sqrt(np.mean((ours - reference) ** 2)) < noise
    for cut in cuts:
        window = slice(cut - 4096, cut + 4096)  # 93 ms each side of the join
        near = np.sqrt(np.mean((ours[window] - reference[window]) ** 2))
        assert near < noise, f"the join at sample {cut} differs by {near:.0f} (noise {noise:.0f})"
        # No click: nothing at the join stands out of the levelled mix's own level there.
        assert np.max(np.abs(ours[window] - levelled[window])) <= max(
            64.0, 4 * np.max(np.abs(reference[window] - levelled[window]))
        )
    # No gap and no shift: the speech after every join lines up with the whole's, sample
    # for sample (a lag would show as a better match one sample either side).
    for cut in [0, *cuts]:
        start = cut + int(np.argmax(np.abs(reference[cut:]) > 1000))  # its first words
        part = slice(start, start + 8_000)
        best = max(range(-3, 4), key=lambda lag: _match(ours, reference, part, lag))
        assert best == 0


def _match(ours: np.ndarray, reference: np.ndarray, part: slice, lag: int) -> float:
    shifted = ours[part.start + 3 + lag : part.stop - 3 + lag]
    return float(np.dot(shifted, reference[part.start + 3 : part.stop - 3]))


def test_an_edit_encodes_one_part_and_joins_the_others_as_they_were(
    clips: list[Clip], tmp_path: Path
) -> None:
    first, frames, cuts, _ = render(clips, tmp_path, streams=2)
    again, _, _, _ = render(clips, tmp_path, streams=1, reuse={0: frames[0], 2: frames[2]})
    ours, before = decode(again), decode(first)
    assert len(ours) == len(before)
    # The parts kept are the same bytes; the one made again is the same sound.
    assert np.array_equal(ours[: cuts[0] - 2048], before[: cuts[0] - 2048])
    noise = np.sqrt(np.mean(before**2)) / 10
    assert np.sqrt(np.mean((ours - before) ** 2)) < noise
