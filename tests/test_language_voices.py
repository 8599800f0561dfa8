"""Each language is spoken with its own voices; Piper and languages without a voice refuse."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np
import pytest

from article2podcast.model import VoiceSettings

ROOT = Path(__file__).parent.parent
GERMAN = """Die Bibliothek bleibt länger offen

Die Bibliothek in der Hauptstraße blieb am Freitag bis Mitternacht geöffnet. Der Leiter sagte, \
dass viele Leser gekommen seien.

"Wir wollten sehen, wer nachts liest", sagte er.
"""
RUSSIAN = """Библиотека работает дольше

Городская библиотека в пятницу работала до полуночи. Директор сказал, что пришло много читателей.
"""
KHMER = "ព្រះរាជាណាចក្រកម្ពុជា ជាប្រទេសមួយនៅអាស៊ីអាគ្នេយ៍ ដែលមានរាជធានីភ្នំពេញ។ " * 3
espeak = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("espeak-ng") is None,
    reason="the voices of espeak-ng",
)
Run = Callable[..., Any]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def engine() -> Iterator[Any]:
    """The real engine, in its worker process as the producer runs it."""
    from article2podcast.narration.proxy import EngineProcess

    with EngineProcess("pyttsx3") as process:
        yield process


@espeak
class TestEspeakVoices:
    @pytest.mark.parametrize(
        ("language", "narrator", "host"),
        [
            ("en", "gmw/en-us", "gmw/en"),
            ("de", "gmw/de", "gmw/de+m3"),
            ("fr", "roa/fr", "roa/fr-be"),
            ("es", "roa/es", "roa/es-419"),
            ("pt", "roa/pt", "roa/pt-br"),
            ("pt-BR", "roa/pt-br", "roa/pt"),
            ("it", "roa/it", "roa/it+m3"),
            ("ru", "zle/ru", "zle/ru-lv"),
            ("el", "grk/el", "grk/el+m3"),
            ("zh", "sit/cmn", "sit/cmn+m3"),
        ],
    )
    def test_each_language_has_three_different_voices_of_its_own(
        self, engine: Any, language: str, narrator: str, host: str
    ) -> None:
        voices = engine.role_voices(language)
        assert voices == {"narrator": narrator, "quote": narrator + "+f3", "host": host}

    def test_a_language_espeak_lacks_has_no_voice(self, engine: Any) -> None:
        assert engine.role_voices("km")["narrator"] is None

    @pytest.mark.parametrize("language", ["de", "fr", "es", "pt-BR", "it", "ru", "el"])
    def test_every_role_voice_passes_the_voice_check(self, engine: Any, language: str) -> None:
        from article2podcast.narration.voices import resolve_voices

        voices = resolve_voices(engine, {}, language)
        assert len(set(voices.values())) == 3

    def test_the_german_quote_voice_is_audibly_higher(self, engine: Any) -> None:
        """The quote voice's median pitch is well above the narrator's (scripts/voice_pitch)."""
        script = ROOT / "scripts" / "voice_pitch.py"
        spec = importlib.util.spec_from_file_location("voice_pitch", script)
        assert spec is not None and spec.loader is not None
        pitch = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(pitch)
        voices = engine.role_voices("de")
        sentence = "Die Bibliothek blieb am Freitag bis Mitternacht geöffnet, sagte der Leiter."
        medians = {}
        for role in ("narrator", "quote"):
            audio = engine.synthesize(sentence, VoiceSettings(voice=voices[role]))
            samples = np.array(audio.get_array_of_samples(), dtype=float)
            medians[role] = median(pitch.pitches(samples, audio.frame_rate))
        assert medians["quote"] > 1.3 * medians["narrator"]


class TestRefusals:
    def test_piper_on_a_german_article_says_what_to_do(self, run_cli: Run, tmp_path: Path) -> None:
        article = _write(tmp_path, "de.txt", GERMAN)
        done = run_cli(article, "--engine", "piper", "--language", "de", "-o", tmp_path / "x.mp3")
        assert done.returncode == 2
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1
        assert "German" in lines[0] and "--piper-voice" in lines[0]
        assert "default engine" in lines[0]

    def test_a_piper_voice_of_another_language_is_refused(
        self, run_cli: Run, tmp_path: Path
    ) -> None:
        voice = tmp_path / "de_DE-thorsten-medium.onnx"
        voice.write_bytes(b"not a model")
        config = {"espeak": {"voice": "de"}, "language": {"code": "de_DE"}}
        (tmp_path / (voice.name + ".json")).write_text(json.dumps(config), encoding="utf-8")
        article = _write(tmp_path, "en.txt", "The library stayed open until midnight. " * 5)
        done = run_cli(
            article, "--engine", "piper", "--piper-voice", voice, "-o", tmp_path / "x.mp3"
        )
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert "English" in done.stderr and "German" in done.stderr

    def test_a_language_the_engine_lacks_is_refused_by_name(
        self, run_cli: Run, tmp_path: Path
    ) -> None:
        article = _write(tmp_path, "km.txt", KHMER)
        done = run_cli(article, "--engine", "fake", "--plan")
        assert done.returncode == 2
        assert "Khmer" in done.stderr and "no voice" in done.stderr

    @espeak
    def test_espeak_lacking_khmer_is_refused_by_name(self, run_cli: Run, tmp_path: Path) -> None:
        article = _write(tmp_path, "km.txt", KHMER)
        done = run_cli(article, "--plan")
        assert done.returncode == 2
        assert "Khmer, for which espeak-ng has no voice" in done.stderr

    def test_text_in_another_script_taken_for_english_is_refused(
        self, run_cli: Run, tmp_path: Path
    ) -> None:
        article = _write(tmp_path, "ru.txt", RUSSIAN)
        done = run_cli(article, "--engine", "fake", "--language", "en", "--plan")
        assert done.returncode == 2
        assert "Cyrillic" in done.stderr and "--language" in done.stderr


@espeak
@pytest.mark.slow
class TestEpisodes:
    def test_a_german_episode_is_read_in_german_voices(self, run_cli: Run, tmp_path: Path) -> None:
        article = _write(tmp_path, "bibliothek.txt", GERMAN)
        done = run_cli(article, "--language", "de", "-o", tmp_path / "de.mp3")
        assert done.returncode == 0, done.stderr
        manifest = json.loads((tmp_path / "de.json").read_text(encoding="utf-8"))
        assert manifest["language"] == "de"
        assert manifest["voices"] == {
            "narrator": "gmw/de", "quote": "gmw/de+f3", "host": "gmw/de+m3"
        }  # fmt: skip
        roles = {segment["voice"] for segment in manifest["segments"]}
        assert {"gmw/de", "gmw/de+f3"} <= roles
        from mutagen.id3 import ID3

        assert str(ID3(tmp_path / "de.mp3")["TLAN"]) == "deu"

    def test_a_russian_article_is_narrated(self, run_cli: Run, tmp_path: Path) -> None:
        article = _write(tmp_path, "biblioteka.txt", RUSSIAN)
        done = run_cli(article, "-o", tmp_path / "ru.mp3")
        assert done.returncode == 0, done.stderr
        manifest = json.loads((tmp_path / "ru.json").read_text(encoding="utf-8"))
        assert manifest["language"] == "ru"
        assert manifest["voices"]["narrator"] == "zle/ru"
        assert manifest["duration_ms"] > 3000
