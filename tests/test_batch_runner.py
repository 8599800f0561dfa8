"""The batch runner as a library call: events for whoever watches (the web app's live state)."""

from __future__ import annotations

from pathlib import Path

from article2podcast.batch.runner import Event, add
from article2podcast.settings import Settings
from conftest import SHORT_ARTICLE


def test_each_item_reports_its_stages_as_it_goes(tmp_path: Path, own_cache: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for n in (1, 2):
        (articles / f"a{n}.txt").write_text(SHORT_ARTICLE.replace("Small", f"Number {n}"), "utf-8")
    events: list[Event] = []
    settings = Settings(engine="fake", music=False, jobs=1, cache_dir=own_cache)
    report = add([str(articles)], tmp_path / "pod", settings, workers=2, on_event=events.append)
    assert report.ok and len(report.produced) == 2
    kinds = [event.kind for event in events]
    assert kinds[0] == "queued" and events[0].total == 2
    assert kinds.count("started") == 2 and kinds.count("done") == 2
    for key in {event.item.key for event in events if event.item is not None}:
        mine = [e for e in events if e.item is not None and e.item.key == key]
        stages = [e.progress.stage for e in mine if e.progress is not None]
        assert "narrating" in stages and "mastering" in stages, stages
        narrating = [e.progress for e in mine if e.progress and e.progress.stage == "narrating"]
        assert narrating[-1].done == narrating[-1].total > 0
        order = [e.kind for e in mine]
        assert order[0] == "started" and "done" in order  # (progress comes from another thread)
