"""Real episodes: the real engine (pyttsx3 with espeak-ng) and ffmpeg, checked with ffprobe.

Marked slow: each produces real speech. They are part of the normal test run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from article2podcast.scripting.pacing import Pauses
from conftest import BUNDLED_SAMPLE, SHORT_ARTICLE, ffprobe, parse_vtt, silences

pytestmark = pytest.mark.slow

SILENCE_DB = -50  # espeak-ng's speech never dips this low for longer than a pause


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("episode")
    article = folder / "library.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", str(article), "-o", str(folder / "ep.mp3")],
        capture_output=True, text=True, check=False, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder / "ep.mp3", json.loads((folder / "ep.json").read_text())


def test_the_file_is_44k_mono_mp3_at_96_kbps_or_more(episode) -> None:
    info = ffprobe(episode[0])
    stream = info["streams"][0]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == ("mp3", "44100", 1)
    assert int(info["format"]["bit_rate"]) >= 95_000


def test_the_duration_ffprobe_reads_is_the_manifests(episode) -> None:
    path, manifest = episode
    probed_ms = float(ffprobe(path)["format"]["duration"]) * 1000
    assert abs(probed_ms - manifest["duration_ms"]) < 100


def test_the_speech_lasts_as_long_as_its_words_take_at_the_rate(episode) -> None:
    _, manifest = episode
    words = sum(len(s["text"].split()) for s in manifest["segments"])
    minutes = manifest["duration_ms"] / 60_000
    assert 0.5 * manifest["rate"] < words / minutes < 1.2 * manifest["rate"]


def test_the_tags_say_what_the_episode_is(episode) -> None:
    tags = ffprobe(episode[0])["format"]["tags"]
    assert tags["title"] == "Small Town Library Opens Its Doors at Midnight"
    assert tags["artist"] == tags["album"] == "article2podcast"
    assert tags["genre"] == "Podcast"
    assert len(tags["date"]) >= 4
    assert "library.txt" in tags["comment"]


def test_timings_are_in_order_and_inside_the_audio(episode) -> None:
    _, manifest = episode
    sentences = [t for s in manifest["segments"] for t in s["sentences"]]
    edges = [ms for t in sentences for ms in (t["start_ms"], t["end_ms"])]
    assert edges == sorted(edges)
    assert all(t["end_ms"] - t["start_ms"] > 200 for t in sentences), "every sentence is heard"
    assert edges[-1] <= manifest["duration_ms"]
    for segment in manifest["segments"]:
        assert segment["start_ms"] == segment["sentences"][0]["start_ms"]
        assert segment["end_ms"] == segment["sentences"][-1]["end_ms"]


def test_captions_carry_the_manifests_timings(episode) -> None:
    path, manifest = episode
    cues = parse_vtt(path.with_suffix(".vtt").read_text())
    expected = [
        (t["start_ms"], t["end_ms"], t["text"])
        for s in manifest["segments"]
        for t in s["sentences"]
    ]
    assert cues == expected


def test_no_silence_is_longer_than_the_longest_planned_pause(episode) -> None:
    path, _ = episode
    pauses = Pauses()
    longest = max(pauses.before_outro, pauses.after_title, pauses.tail, pauses.before_heading)
    found = silences(path, SILENCE_DB, min_s=0.2)
    assert found, "the pauses are there"
    assert max(duration for _, duration in found) < longest / 1000 + 0.25


def test_there_is_speech_where_the_manifest_says_a_sentence_is(episode) -> None:
    """No sentence's span is silent: the clip was not lost or truncated."""
    path, manifest = episode
    quiet = silences(path, SILENCE_DB, min_s=0.1)
    for segment in manifest["segments"]:
        for sentence in segment["sentences"]:
            start, end = sentence["start_ms"] / 1000, sentence["end_ms"] / 1000
            for q_start, q_duration in quiet:
                overlap = min(end, q_start + q_duration) - max(start, q_start)
                assert overlap < 0.5 * (end - start), sentence["text"]


def test_the_pause_after_the_headline_is_heard(episode) -> None:
    path, manifest = episode
    title_end = manifest["segments"][1]["end_ms"] / 1000
    quiet = silences(path, SILENCE_DB, min_s=0.5)
    assert any(abs(start - title_end) < 0.2 and duration > 1.0 for start, duration in quiet)


def test_an_unknown_voice_names_the_valid_ones(run_cli, short_article) -> None:
    done = run_cli(short_article, "--voice", "no-such-voice")
    assert done.returncode == 2
    assert "unknown voice 'no-such-voice'; valid voices:" in done.stderr
    assert "gmw/en-us" in done.stderr


def test_voices_lists_the_system_voices(run_cli) -> None:
    done = run_cli("--voices")
    assert done.returncode == 0
    assert any(line.startswith("gmw/en-us\t") for line in done.stdout.splitlines())


def test_a_voice_and_a_rate_change_the_reading(run_cli, short_article, tmp_path) -> None:
    slow = run_cli(
        short_article,
        "-o",
        tmp_path / "slow.mp3",
        "--rate",
        "120",
        "--voice",
        "gmw/en-us+f3",
        "--no-music",
    )
    assert slow.returncode == 0, slow.stderr
    fast = run_cli(short_article, "-o", tmp_path / "fast.mp3", "--rate", "220", "--no-music")
    assert fast.returncode == 0, fast.stderr
    slow_ms = json.loads((tmp_path / "slow.json").read_text())["duration_ms"]
    fast_ms = json.loads((tmp_path / "fast.json").read_text())["duration_ms"]
    assert slow_ms > 1.4 * fast_ms


def test_the_whole_sample_becomes_an_episode(run_cli, tmp_path) -> None:
    done = run_cli("--sample", "-o", tmp_path / "sample.mp3")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "sample.json").read_text())
    spoken = [
        w for s in manifest["segments"][1:-1] for t in s["sentences"] for w in t["text"].split()
    ]
    assert spoken == BUNDLED_SAMPLE.read_text(encoding="utf-8").split()
    assert 100_000 < manifest["duration_ms"] < 240_000


def test_check_shows_how_the_voice_says_the_names(run_cli) -> None:
    done = run_cli("check", "--sample")
    assert done.returncode == 0, done.stderr
    assert "Teigen     /tˈeɪdʒən/" in done.stdout


def test_a_lexicon_respelling_reaches_the_voice(run_cli, tmp_path) -> None:
    lexicon = tmp_path / "names.toml"
    lexicon.write_text('Teigen = "TY-gin"\n', encoding="utf-8")
    done = run_cli("check", "--sample", "--lexicon", lexicon)
    assert "lexicon          Teigen -> TY-gin" in done.stdout
