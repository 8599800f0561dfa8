"""The engine's voices are asked of it once per machine: kept under its fingerprint, asked again
when the engine changes or what was kept does not check out."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pydub import AudioSegment

from article2podcast.errors import UnknownVoiceError
from article2podcast.model import Voice, VoiceSettings
from article2podcast.narration.engines.fake import FakeEngine
from article2podcast.narration.voices import KnownVoices, resolve_voices


class CountingEngine(FakeEngine):
    """The fake engine, counting what it is asked."""

    def __init__(self, fingerprint: str = "fake 1") -> None:
        super().__init__()
        self.asked: Counter[str] = Counter()
        self._fingerprint = fingerprint

    def fingerprint(self) -> str:
        return self._fingerprint

    def voices(self) -> list[Voice]:
        self.asked["voices"] += 1
        return super().voices()

    def role_voices(self, language: str = "en") -> dict[str, str | None]:
        self.asked["role_voices"] += 1
        return super().role_voices(language)

    def synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        self.asked["synthesize"] += 1
        return super().synthesize(text, settings)


@pytest.fixture(autouse=True)
def own_machine_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARTICLE2PODCAST_CACHE_DIR", str(tmp_path / "machine" / "clips"))


def _kept() -> Path:
    return KnownVoices(CountingEngine(), "fake 1").path


def test_a_second_run_asks_the_engine_nothing() -> None:
    first = CountingEngine()
    voices = resolve_voices(first, {}, "en")
    assert first.asked == {"role_voices": 1, "voices": 1, "synthesize": 2}  # fake, fake-low
    again = CountingEngine()
    assert resolve_voices(again, {}, "en") == voices
    assert again.asked == {}


def test_another_language_or_voice_asks_only_what_is_new() -> None:
    resolve_voices(CountingEngine(), {}, "en")
    engine = CountingEngine()
    resolve_voices(engine, {"narrator": "FAKE-LOW"}, "de")
    assert engine.asked == {"role_voices": 1, "synthesize": 1}  # "FAKE-LOW": not yet spoken


def test_an_unknown_voice_is_refused_from_the_kept_list() -> None:
    resolve_voices(CountingEngine(), {}, "en")
    engine = CountingEngine()
    with pytest.raises(UnknownVoiceError):
        resolve_voices(engine, {"narrator": "nobody"}, "en")
    assert engine.asked == {}


def test_another_engine_version_is_asked_again() -> None:
    resolve_voices(CountingEngine(), {}, "en")
    upgraded = CountingEngine("fake 2")
    resolve_voices(upgraded, {}, "en")
    assert upgraded.asked == {"role_voices": 1, "voices": 1, "synthesize": 2}


@pytest.mark.parametrize(
    "damage",
    [b"", b"{not json", b'{"key": 1}', b"[]", b"\xff\xfe", None],
    ids=["empty", "cut", "other key", "not an object", "not text", "wrong form"],
)
def test_a_damaged_file_is_asked_again_and_written_again(damage: bytes | None) -> None:
    resolve_voices(CountingEngine(), {}, "en")
    path = _kept()
    if damage is None:  # the right key, the wrong form
        damage = path.read_bytes().replace(b'"voices": [[', b'"voices": [[1, ')
    path.write_bytes(damage)
    engine = CountingEngine()
    resolve_voices(engine, {}, "en")
    assert engine.asked == {"role_voices": 1, "voices": 1, "synthesize": 2}
    assert path.read_bytes() != damage
    again = CountingEngine()
    resolve_voices(again, {}, "en")
    assert again.asked == {}
