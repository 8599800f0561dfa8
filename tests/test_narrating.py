"""Narrating through an engine in its own process: clips checked, failures retried, then named."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from pydub import AudioSegment
from pydub.generators import Sine

from article2podcast.errors import NarrationError, UnknownVoiceError
from article2podcast.model import Article, Block, Clip
from article2podcast.narration.clipcache import ClipCache
from article2podcast.narration.narrator import (
    EngineProcess,
    Narrator,
    clip_problem,
    list_voices,
    resolve_voices,
)
from article2podcast.scripting.pacing import plan_utterances
from article2podcast.scripting.segments import script_article

ARTICLE = Article("Head", (Block("paragraph", "Alpha beta gamma. Delta epsilon."),))


def run(
    monkeypatch: pytest.MonkeyPatch,
    fault: str = "",
    voice: str | None = None,
    *,
    article: Article = ARTICLE,
    jobs: int = 1,
    cache: ClipCache | None = None,
) -> list[Clip]:
    """Narrate `article` with the fake engine; every clip must be there."""
    monkeypatch.setenv("ARTICLE2PODCAST_FAKE_FAULT", fault)
    script = script_article(article)
    with (
        tempfile.TemporaryDirectory() as scratch,
        Narrator("fake", jobs, cache or ClipCache(Path(scratch))) as narrator,
    ):
        voices = narrator.resolve_voices({"narrator": voice})
        clips = list(narrator.clips(script, plan_utterances(script), voices, 180))
        run.narrated = narrator.narrated  # type: ignore[attr-defined]
    assert all(clip is not None and clip.frames > 0 for clip in clips)
    return [clip for clip in clips if clip is not None]


def test_one_clip_per_utterance_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    clips = run(monkeypatch)
    assert len(clips) == len(plan_utterances(script_article(ARTICLE)))


LONG = Article(
    "Head",
    tuple(
        Block("paragraph", f"Paragraph {n} says {'word ' * (n % 7 + 1)}here.") for n in range(30)
    ),
)


def test_workers_in_parallel_give_the_same_clips_in_the_same_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one = run(monkeypatch, article=LONG, jobs=1)
    three = run(monkeypatch, article=LONG, jobs=3)
    assert [clip.pcm for clip in three] == [clip.pcm for clip in one]


def test_a_cached_clip_is_not_narrated_again_and_an_edit_narrates_only_itself(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cache = ClipCache(tmp_path)
    first = run(monkeypatch, article=LONG, jobs=2, cache=cache)
    assert run.narrated == len(first)  # type: ignore[attr-defined]
    assert run(monkeypatch, article=LONG, jobs=2, cache=cache) == first
    assert run.narrated == 0  # type: ignore[attr-defined]
    blocks = list(LONG.blocks)
    blocks[12] = Block("paragraph", "An edited paragraph, with other words.")
    run(monkeypatch, article=Article("Head", tuple(blocks)), jobs=2, cache=cache)
    assert run.narrated == 1  # type: ignore[attr-defined]


def test_a_damaged_cache_entry_is_narrated_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cache = ClipCache(tmp_path)
    first = run(monkeypatch, cache=cache)
    for entry in sorted(tmp_path.iterdir())[:2]:
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])  # truncated, as by a full disk
    assert run(monkeypatch, cache=cache) == first
    assert run.narrated == 2  # type: ignore[attr-defined]


def test_a_worker_that_dies_once_is_replaced_and_the_clip_retried(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ARTICLE2PODCAST_FAKE_STATE", str(tmp_path / "crashed"))
    run(monkeypatch, "crash-once:Delta")
    assert (tmp_path / "crashed").exists()


def test_a_segment_that_keeps_crashing_the_engine_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NarrationError, match=r"segment 3 \(paragraph\), sentence 2.*died.*Delta"):
        run(monkeypatch, "crash:Delta")


def test_a_silent_clip_is_an_error_not_a_hole(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NarrationError, match=r"silence.*Alpha"):
        run(monkeypatch, "silent:Alpha")


def test_an_unknown_voice_is_refused_with_the_valid_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnknownVoiceError, match="fake, fake-low"):
        run(monkeypatch, voice="nobody")


def test_voices_are_listed_by_the_engine() -> None:
    assert [v.id for v in list_voices("fake")] == ["fake", "fake-low"]


@pytest.mark.parametrize(
    ("clip_ms", "words", "problem"),
    [
        (2000, 6, ""),
        (0, 6, "no audio"),
        (300, 20, "too short"),
        (60_000, 3, "too long"),
    ],
)
def test_a_clip_must_be_plausible_for_its_words(clip_ms: int, words: int, problem: str) -> None:
    clip = Sine(300).to_audio_segment(clip_ms, volume=-10) if clip_ms else AudioSegment.empty()
    assert problem in clip_problem(clip, "word " * words, rate=180)
    assert bool(clip_problem(clip, "word " * words, rate=180)) == bool(problem)


def test_a_url_read_letter_by_letter_is_not_too_long() -> None:
    url = "https://www.example.com/reports/2023/annual/financial-results-and-outlook.pdf"
    clip = Sine(300).to_audio_segment(18_000, volume=-10)
    assert clip_problem(clip, f"Read the report at {url}.", rate=160) == ""


def test_the_engines_scratch_files_are_removed_even_when_it_crashes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    engines = tmp_path / "engines"
    engines.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(engines))
    with pytest.raises(NarrationError):
        run(monkeypatch, "crash:Delta", cache=ClipCache(tmp_path / "cache"))
    assert list(engines.iterdir()) == []


def test_each_role_gets_the_engines_voice_for_it_unless_one_is_asked_for() -> None:
    with EngineProcess("fake") as engine:
        assert resolve_voices(engine, {}) == {
            "narrator": "fake",
            "quote": "fake-low",
            "host": "fake",
        }
        assert resolve_voices(engine, {"quote": "FAKE"})["quote"] == "FAKE"


def test_only_a_few_clips_per_worker_are_made_ahead_of_the_mix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Memory is bounded by a handful of clips, however long the article: the narrators wait
    for the mix to take what they made."""
    monkeypatch.setenv("ARTICLE2PODCAST_FAKE_FAULT", "")
    script = script_article(LONG)
    utterances = plan_utterances(script)
    with Narrator("fake", 2, ClipCache(tmp_path)) as narrator:
        voices = narrator.resolve_voices({})
        ahead = []
        for taken, _ in enumerate(narrator.clips(script, utterances, voices, 180), start=1):
            time.sleep(0.01)  # a slow mix
            ahead.append(narrator.narrated - taken)
    assert max(ahead) <= 2 * 4 + 2
    assert narrator.narrated == len(utterances)


def test_a_sentence_said_twice_is_narrated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    twice = Article("Head", (Block("paragraph", "Same words here."),) * 3)
    clips = run(monkeypatch, article=twice, jobs=2)
    assert run.narrated == len(clips) - 2  # type: ignore[attr-defined]
