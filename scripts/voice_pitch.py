"""How different the role voices sound, measured without ears: the median pitch (F0) of each
role's voice over the same sentences, by autocorrelation on voiced 40 ms frames.

    .venv/bin/python scripts/voice_pitch.py [--engine piper|pyttsx3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
from article2podcast.model import VoiceSettings  # noqa: E402
from article2podcast.narration.engines import create_engine  # noqa: E402
from article2podcast.settings import DEFAULT_RATE  # noqa: E402

SENTENCES = [
    "John Legend has opened up about his and wife Chrissy Teigen's devastating pregnancy loss.",
    "We are shocked and in the kind of deep pain you only hear about.",
    "The library will try again in the spring, when the weather is kinder.",
    "Ministers said the plan would be published before the end of the month.",
]
FRAME_S = 0.04
MIN_HZ, MAX_HZ = 60, 400
VOICED = 0.5  # normalised autocorrelation peak above this: a voiced frame


def pitches(samples: np.ndarray, rate: int) -> list[float]:
    """F0 of every voiced frame, in Hz."""
    size = int(FRAME_S * rate)
    found = []
    for start in range(0, len(samples) - size, size):
        frame = samples[start : start + size]
        frame = frame - frame.mean()
        energy = float(np.dot(frame, frame))
        if energy <= 0:
            continue
        corr = np.correlate(frame, frame, "full")[size - 1 :] / energy
        low, high = int(rate / MAX_HZ), int(rate / MIN_HZ)
        lag = low + int(np.argmax(corr[low:high]))
        if corr[lag] > VOICED:
            found.append(rate / lag)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="piper")
    engine = create_engine(parser.parse_args().engine)
    for role, voice in engine.role_voices().items():
        f0: list[float] = []
        for sentence in SENTENCES:
            clip = engine.synthesize(sentence, VoiceSettings(voice=voice, rate=DEFAULT_RATE))
            samples = np.array(clip.get_array_of_samples(), dtype=np.float64)
            f0 += pitches(samples, clip.frame_rate)
        median = float(np.median(f0))
        print(f"{role:9s} {voice!s:28s} median F0 {median:6.1f} Hz over {len(f0)} voiced frames")


if __name__ == "__main__":
    main()
