"""The library's face: `produce`, `plan`, `Settings` and progress events, as the README shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from article2podcast import InputError, Progress, Settings, plan, produce
from conftest import ROOT, SHORT_ARTICLE


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Library use") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match[1]


def test_the_readme_example_makes_an_episode_with_all_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's example runs as shown (with the fake engine) and its Episode is complete."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.md").write_text(SHORT_ARTICLE, encoding="utf-8")
    code = readme_example()
    assert len(code.strip().splitlines()) == 5
    namespace: dict[str, object] = {}
    exec(code.replace("Settings(", 'Settings(engine="fake", ', 1), namespace)
    episode = namespace["episode"]
    assert episode.audio.is_file() and episode.audio.resolve().parent == tmp_path / "episodes"
    for kind in ("manifest", "vtt", "srt", "chapters", "notes", "cover", "page"):
        assert episode.files[kind].is_file(), kind
    assert episode.duration == pytest.approx(episode.manifest["duration_ms"] / 1000)
    assert episode.size == episode.audio.stat().st_size
    assert str(episode.audio) in capsys.readouterr().out


def test_progress_events_arrive_in_stage_order_and_never_overshoot(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    events: list[Progress] = []
    produce(article, Settings(engine="fake"), output=tmp_path / "a.mp3", on_progress=events.append)
    stages = [event.stage for event in events]
    assert stages[0] == "reading" and stages[-1] == "done"
    order = ["reading", "narrating", "mastering", "writing", "done"]
    assert [order.index(s) for s in stages] == sorted(order.index(s) for s in stages)
    assert all(0 <= event.done <= event.total for event in events)
    narrating = [event for event in events if event.stage == "narrating"]
    assert [event.done for event in narrating] == sorted(event.done for event in narrating)
    assert narrating[-1].done == narrating[-1].total > 0


def test_plan_scripts_the_article_without_audio(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    planned = plan(article, Settings(engine="fake"))
    assert planned.segments[0].role == "host"
    assert "Small Town Library" in planned.script.title
    assert not list(tmp_path.glob("*.mp3"))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"rate": 59}, "--rate must be between 60 and 400"),
        ({"rate": 401}, "--rate must be between 60 and 400"),
        ({"loudness": -8.0}, "--loudness must be between -30 and -9 LUFS"),
        ({"jobs": 0}, "--jobs must be between 1 and 64"),
        ({"jobs": 65}, "--jobs must be between 1 and 64"),
        ({"show": "  "}, "has nothing to say"),
    ],
)
def test_settings_refuse_values_out_of_range(settings: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        Settings(**settings)  # type: ignore[arg-type]
