"""The engine interface: the worker's proxy is an Engine; the registry knows what is installed."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydub import AudioSegment

from article2podcast.errors import InputError, MissingDependencyError
from article2podcast.model import Voice, VoiceSettings
from article2podcast.narration import engines
from article2podcast.narration.engines import (
    ENGINE_NAMES,
    Engine,
    PiperSettings,
    available_engines,
    create_engine,
)
from article2podcast.narration.engines.fake import FakeEngine
from article2podcast.narration.proxy import EngineProcess
from article2podcast.narration.voices import resolve_voices

INSTALL = (
    "the piper engine is not installed; install it with \"pip install 'article2podcast[piper]'\" "
    "(scripts/produce --engine piper does this for you)"
)


@pytest.fixture(scope="module")
def proxy() -> Iterator[EngineProcess]:
    with EngineProcess("fake") as engine:
        yield engine


class TestTheProxy:
    def test_it_is_an_engine(self, proxy: EngineProcess) -> None:
        """Typed as the Protocol (mypy checks this line), it answers as the engine it runs."""
        engine: Engine = proxy
        assert engine.name == "fake"
        assert engine.default_rate == FakeEngine.default_rate

    def test_synthesize_comes_back_as_the_engine_made_it(self, proxy: EngineProcess) -> None:
        settings = VoiceSettings(voice="fake", rate=180)
        audio = proxy.synthesize("Alpha beta gamma.", settings)
        assert isinstance(audio, AudioSegment)
        assert audio.raw_data == FakeEngine().synthesize("Alpha beta gamma.", settings).raw_data

    def test_voices_fingerprint_and_role_voices_are_the_engines(self, proxy: EngineProcess) -> None:
        fake = FakeEngine()
        assert proxy.voices() == fake.voices()
        assert all(isinstance(voice, Voice) for voice in proxy.voices())
        assert proxy.fingerprint() == fake.fingerprint() == "fake 1"
        assert proxy.role_voices() == fake.role_voices()

    def test_an_engine_that_cannot_tell_pronunciations_answers_nothing(
        self, proxy: EngineProcess
    ) -> None:
        """The Protocol's default answer reaches the producer through the worker."""
        assert proxy.pronunciations(["Teigen"], "fake") == {}
        assert FakeEngine().pronunciations(["Teigen"]) == {}

    def test_voices_resolve_the_same_through_the_proxy_as_in_process(
        self, proxy: EngineProcess
    ) -> None:
        assert resolve_voices(proxy, {"quote": "FAKE"}) == resolve_voices(
            FakeEngine(), {"quote": "FAKE"}
        )


@pytest.fixture
def without_piper(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        return None if name == "piper" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


class TestTheRegistry:
    def test_every_engine_is_known_whether_installed_or_not(self, without_piper: None) -> None:
        assert ENGINE_NAMES == ("fake", "piper", "pyttsx3")
        assert sorted(available_engines()) == ["fake", "pyttsx3"]

    def test_asking_for_a_missing_engine_names_its_install_command(
        self, without_piper: None
    ) -> None:
        with pytest.raises(MissingDependencyError) as raised:
            create_engine("piper")
        assert raised.value.exit_code == 3
        assert str(raised.value) == INSTALL

    def test_the_proxy_says_so_before_starting_a_worker(self, without_piper: None) -> None:
        engine = EngineProcess("piper", start=False)
        with pytest.raises(MissingDependencyError, match="article2podcast\\[piper\\]"):
            engine.start()
        assert not engine.alive

    def test_an_unknown_engine_is_a_usage_error(self) -> None:
        with pytest.raises(InputError, match="unknown engine 'espeak'; choose one of: fake, "):
            create_engine("espeak")


class TestEngineSettings:
    @pytest.fixture
    def made(self, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, int]]:
        """The arguments the Piper engine is made with (instead of loading a voice)."""
        from article2podcast.narration.engines import piper_engine

        calls: list[tuple[Any, int]] = []

        def record(settings: Any = None, threads: int = 0) -> FakeEngine:
            calls.append((settings, threads))
            return FakeEngine()

        monkeypatch.setattr(engines, "available_engines", lambda: {"piper": engines._piper})
        monkeypatch.setattr(piper_engine, "PiperEngine", record)
        return calls

    def test_piper_settings_reach_the_engine_factory(self, made: list[tuple[Any, int]]) -> None:
        settings = PiperSettings(model=Path("voice.onnx"))
        create_engine("piper", settings, threads=3)
        assert made == [(settings, 3)]
