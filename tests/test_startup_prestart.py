"""The run's first engine worker starts while the article is read and planned: the narrator
takes that worker, an error starting it is told as before, and a run that ends before the
narrator took it leaves no worker behind."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from article2podcast import api
from article2podcast.errors import InputError
from article2podcast.narration import prestart, warm
from article2podcast.narration.clipcache import ClipCache
from article2podcast.narration.narrator import Narrator
from article2podcast.narration.proxy import EngineProcess
from article2podcast.settings import Settings


@pytest.fixture(autouse=True)
def engines_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about a run that keeps no engine; batch work run in this process by an
    earlier test may have turned keeping on (`warm.keep_engines`), and its kept engines are
    not these tests' to see."""
    monkeypatch.setattr(warm, "_folder", None)
    monkeypatch.setattr(warm, "_idle", {})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        engine="fake", jobs=1, music=False, cache_dir=tmp_path / "cache", output_dir=tmp_path
    )


@pytest.fixture
def starts(monkeypatch: pytest.MonkeyPatch) -> list[EngineProcess]:
    """Every engine worker started, in order."""
    started: list[EngineProcess] = []
    real_start = EngineProcess.start

    def start(self: EngineProcess) -> None:
        started.append(self)
        real_start(self)

    monkeypatch.setattr(EngineProcess, "start", start)
    return started


def _planning_that(monkeypatch: pytest.MonkeyPatch, then: Callable[[], Any]) -> None:
    """Planning calls `then` first."""
    real = api.make_plan

    def make_plan(*args: Any, **kwargs: Any) -> Any:
        then()
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "make_plan", make_plan)


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "it never happened"
        time.sleep(0.01)


def _no_worker_left(starts: list[EngineProcess]) -> None:
    """No worker this test started is running (other tests' kept engines may be: the suite
    shares one process)."""
    assert prestart._started == {}
    multiprocessing.active_children()  # reaps the workers that have exited
    for engine in starts:
        assert not engine.alive, "a worker was left running"


def test_the_worker_starts_before_planning_and_narrates(
    settings: Settings, short_article: Path, starts: list[EngineProcess], monkeypatch
) -> None:
    during_planning: list[EngineProcess] = []
    _planning_that(monkeypatch, lambda: during_planning.extend(starts))
    episode = api.produce(short_article, settings)
    assert episode.narrated > 0
    assert len(during_planning) == 1, "no worker was starting while the article was planned"
    assert starts == during_planning, "the narrator started a worker of its own"
    _no_worker_left(starts)


@pytest.mark.parametrize("when", ["starting", "started"])
def test_a_run_that_fails_in_planning_leaves_no_worker(
    settings: Settings, short_article: Path, starts: list[EngineProcess], monkeypatch, when: str
) -> None:
    def fail() -> None:
        if when == "started":
            _wait_until(lambda: bool(starts) and starts[0].alive)
        raise InputError("planning failed")

    _planning_that(monkeypatch, fail)
    with pytest.raises(InputError, match="planning failed"):
        api.produce(short_article, settings)
    assert len(starts) == 1
    assert not starts[0].alive
    _no_worker_left(starts)


def test_an_interrupt_in_planning_leaves_no_worker(
    settings: Settings, short_article: Path, starts: list[EngineProcess], monkeypatch
) -> None:
    def interrupt() -> None:
        _wait_until(lambda: bool(starts))
        raise KeyboardInterrupt

    _planning_that(monkeypatch, interrupt)
    with pytest.raises(KeyboardInterrupt):
        api.produce(short_article, settings)
    assert not starts[0].alive
    _no_worker_left(starts)


def test_a_worker_that_cannot_start_is_told_as_before(
    settings: Settings,
    short_article: Path,
    tmp_path: Path,
    starts: list[EngineProcess],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ARTICLE2PODCAST_FAKE_FAULT", "raise:<start>")
    with pytest.raises(Exception) as prestarted:
        api.produce(short_article, settings)
    with pytest.raises(Exception) as started_then:
        Narrator("fake", 1, ClipCache(tmp_path / "direct"))
    assert type(prestarted.value) is type(started_then.value)
    assert str(prestarted.value) == str(started_then.value)
    assert "could not start" in str(prestarted.value)
    _no_worker_left(starts)
