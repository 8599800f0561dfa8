"""MP3 frames: split an encoded stream into its frames, and write the header that makes a
stream of frames joined from several encodes one gapless file.

Pure. An MPEG-1 Layer III frame holds 1152 samples and, with LAME's bit reservoir turned off
(as `ffmpeg` encodes parts), depends on no other frame's bytes, so frames from different
encodes can be laid end to end. Decoded, frame g of a stream carries the input samples from
g * 1152 - 1105 on: LAME delays its input by 576 samples and a decoder's filter bank by 529
more (`SAMPLES_AHEAD`). The first frame of the file is the "Info" frame LAME writes for a
constant bitrate (the Xing header and the LAME tag): it tells a player how many frames there
are, their bytes (to seek), and how many samples to drop at the start and at the end, so that
the file plays exactly its samples. Format: LAME's "Mp3 Info Tag rev 1" specification
(https://gabriel.mp3-tech.org/mp3infotag.html).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import ExportError

FRAME_SAMPLES = 1152
ENCODER_DELAY = 576
"""Samples LAME puts before the input (its tag's "encoder delay")."""
DECODER_DELAY = 529
SAMPLES_AHEAD = ENCODER_DELAY + DECODER_DELAY
"""How far into a decoded stream its first input sample comes out."""

_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_SAMPLE_RATES = (44_100, 48_000, 32_000)
_MPEG1_LAYER3 = 0xFFFB  # sync, MPEG-1, Layer III, no CRC: the first 16 bits of every frame
_SIDE_INFO_BYTES = {1: 17, 2: 32}  # MPEG-1 side information, mono and stereo
_ENCODER = b"LAME3.100"


@dataclass(frozen=True)
class Stream:
    """The shape of a stream's frames (all alike: constant bitrate)."""

    bitrate_kbps: int
    sample_rate: int
    channels: int


def split(data: bytes) -> tuple[Stream, list[bytes]]:
    """The frames of a raw MPEG-1 Layer III stream (no tags, no Info frame), in order; an
    ExportError if it is anything else or ends in a partial frame."""
    frames: list[bytes] = []
    stream: Stream | None = None
    at = 0
    while at < len(data):
        this, length = _frame_at(data, at)
        if stream is None:
            stream = this
        elif this.sample_rate != stream.sample_rate or this.channels != stream.channels:
            raise ExportError(f"the encoder changed its format at byte {at}")
        frames.append(data[at : at + length])
        at += length
    if stream is None:
        raise ExportError("the encoder wrote no MP3 frame")
    return stream, frames


def whole_frames(data: bytes) -> tuple[list[int], int]:
    """The lengths of the whole frames at the start of `data`, and how many bytes they take
    (a frame cut short by the end of `data` is left for the next read)."""
    lengths: list[int] = []
    at = 0
    while at + 4 <= len(data):
        _, length = _frame_at(data, at, whole=False)
        if at + length > len(data):
            break
        lengths.append(length)
        at += length
    return lengths, at


def _frame_at(data: bytes, at: int, *, whole: bool = True) -> tuple[Stream, int]:
    """The format and length of the frame that starts at `at` (`whole`: it must all be there)."""
    if at + 4 > len(data):
        raise ExportError(f"the MP3 stream ends in a partial frame header at byte {at}")
    header = int.from_bytes(data[at : at + 4], "big")
    bitrate_index, rate_index = (header >> 12) & 15, (header >> 10) & 3
    if header >> 16 != _MPEG1_LAYER3 or bitrate_index in (0, 15) or rate_index == 3:
        raise ExportError(f"no MPEG-1 Layer III frame at byte {at} of the encoded stream")
    bitrate, sample_rate = _BITRATES_KBPS[bitrate_index], _SAMPLE_RATES[rate_index]
    length = 144_000 * bitrate // sample_rate + ((header >> 9) & 1)
    if whole and at + length > len(data):
        raise ExportError(f"the MP3 stream ends in a partial frame at byte {at}")
    channels = 1 if (header >> 6) & 3 == 3 else 2
    return Stream(bitrate, sample_rate, channels), length


def info_frame(stream: Stream, frames: int, audio_bytes: int, samples: int) -> bytes:
    """The Info frame of a file of `frames` audio frames (`audio_bytes` in all) that decode to
    `samples` samples after the encoder's delay is dropped."""
    padding = frames * FRAME_SAMPLES - ENCODER_DELAY - samples
    if not DECODER_DELAY <= padding < 4096:
        raise ExportError(f"{frames} frames cannot hold {samples} samples gaplessly")
    header = (_MPEG1_LAYER3 << 16) | (_BITRATES_KBPS.index(stream.bitrate_kbps) << 12)
    header |= _SAMPLE_RATES.index(stream.sample_rate) << 10
    header |= (3 if stream.channels == 1 else 0) << 6  # mono, or stereo
    length = 144_000 * stream.bitrate_kbps // stream.sample_rate
    total_bytes = length + audio_bytes
    toc = bytes(min(255, i * 256 // 100) for i in range(100))  # constant bitrate: linear
    tag = b"Info" + struct.pack(">III", 0x0F, frames, total_bytes) + toc + struct.pack(">I", 0)
    tag += _ENCODER + bytes([0x01, 0])  # tag revision 0, constant bitrate; lowpass unknown
    tag += bytes(4 + 2 + 2)  # peak amplitude and replay gains: not stored
    tag += bytes([0, min(255, stream.bitrate_kbps)])  # flags and ATH type; the bitrate
    tag += (ENCODER_DELAY << 12 | padding).to_bytes(3, "big")
    tag += bytes(1 + 1 + 2)  # misc, MP3 gain, preset
    tag += struct.pack(">IH", total_bytes, 0)  # music length; its CRC is optional
    frame = header.to_bytes(4, "big") + bytes(_SIDE_INFO_BYTES[stream.channels]) + tag
    frame += _crc16(frame).to_bytes(2, "big")
    return frame + bytes(length - len(frame))


def _crc16(data: bytes) -> int:
    """CRC-16/ARC (polynomial 0x8005, reflected), as the LAME tag's own checksum."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
