"""The batch runner as a library call: events for whoever watches (the web app's live state)."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path
from typing import Any

import pytest

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


def test_a_commit_killed_halfway_is_finished_under_the_same_name(
    tmp_path: Path, own_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL between two renames of a commit: the next commit of that item takes the same
    name (the manifest went into place first, so what is there is ours), leaving no orphan."""
    import os

    from article2podcast.batch.items import Item
    from article2podcast.batch.work import commit, produce_item

    article = tmp_path / "story.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    item = Item(key=f"file:{article}", source=str(article))
    produced = produce_item(item, Settings(engine="fake", music=False, jobs=1, cache_dir=own_cache))
    library = tmp_path / "pod"
    library.mkdir()
    renames = 0
    real_replace = os.replace

    def killed_after_three(source: object, target: object) -> None:
        nonlocal renames
        renames += 1
        if renames > 3:
            raise KeyboardInterrupt  # as far as the folder can tell, a SIGKILL
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", killed_after_three)
    with pytest.raises(KeyboardInterrupt):
        commit(library, item, produced)
    monkeypatch.setattr(os, "replace", real_replace)
    assert (library / f"{produced.stem}.json").is_file()  # the manifest went first
    episode = commit(library, item, produced)
    assert episode.name == produced.audio
    stems = {path.name.split(".")[0] for path in library.iterdir() if not path.name.startswith(".")}
    assert stems == {produced.stem}


def _claim_all_and_hang(folder: str, ready: Any) -> None:
    from article2podcast.batch.store import Library

    with Library.open(Path(folder)) as library:
        library.start_run()
        while library.claim() is not None:
            pass
        ready.set()
        signal.pause()


def test_a_killed_run_that_had_claimed_every_item_is_finished_by_the_next(
    tmp_path: Path, own_cache: Path
) -> None:
    """The dead run's claims are recovered before the queue is counted: with every item
    claimed by a killed run, the next run still produces them all."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(SHORT_ARTICLE, "utf-8")
    library = tmp_path / "pod"
    settings = Settings(engine="fake", music=False, jobs=1, cache_dir=own_cache)
    from article2podcast.batch.sources import expand
    from article2podcast.batch.store import Library

    with Library.open(library) as opened:
        opened.remember(expand([str(articles)]).items)
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    other = context.Process(target=_claim_all_and_hang, args=(str(library), ready))
    other.start()
    try:
        assert ready.wait(60)
        os.kill(other.pid or 0, signal.SIGKILL)
        other.join(30)
        report = add([str(articles)], library, settings, workers=1)
    finally:
        other.kill()
        other.join()
    assert report.ok and len(report.produced) == 1
