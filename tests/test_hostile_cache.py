"""The clip cache against a hostile or mistaken user (issue 13, items 3, 8, 10 and 12).

It only ever deletes its own files, in a folder it has tagged as its own; a bad entry heals
instead of failing every run; no number given to `cache` gives a traceback.
"""

from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydub import AudioSegment
from pydub.generators import Sine

from article2podcast import cli
from article2podcast.model import Article, Block, Clip
from article2podcast.narration import narrator as narrating
from article2podcast.narration.clipcache import ClipCache, Entry
from article2podcast.narration.clipfiles import PART_MAGIC
from article2podcast.narration.engines import Timed
from article2podcast.narration.narrator import Narrator, clip_problem
from article2podcast.scripting.pacing import plan_utterances
from article2podcast.scripting.segments import script_article
from conftest import SHORT_ARTICLE

FAKE = ("--engine", "fake")
SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
SENTENCE = "The library will try again in the spring."
RATE = 22050
HOUR_AGO = time.time() - 3600


def snapshot(folder: Path) -> dict[str, tuple[bytes, float]]:
    """Every file in `folder` with its content and modification time."""
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime)
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def write_old(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


@pytest.fixture
def users_folder(tmp_path: Path) -> Path:
    """A folder of the user's own files, some named much as the cache names its own."""
    folder = tmp_path / "Documents"
    folder.mkdir()
    write_old(folder / ".tmp-thesis.docx", b"three years of work")
    write_old(folder / "deadbeef.clip", b"a video clip")
    write_old(folder / ".tmp-abcdefgh.clip", b"another clip")
    (folder / "notes.txt").write_text("notes")
    return folder


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


# Item 3: the cache deletes only its own entries.


@pytest.mark.parametrize("action", [["clear"], ["prune", "--max-size", "0"]])
def test_a_folder_without_our_tag_is_never_cleaned(run_cli, users_folder, action) -> None:
    before = snapshot(users_folder)
    error = one_line_error(run_cli("cache", *action, "--cache-dir", users_folder))
    assert f"{users_folder} is not an article2podcast cache" in error
    assert "CACHEDIR.TAG" in error and "nothing was removed" in error
    assert snapshot(users_folder) == before


def test_a_run_with_a_mistaken_cache_dir_writes_nothing_in_it(
    run_cli, short_article, tmp_path, users_folder
) -> None:
    """Clips are not sprinkled in a folder of the user's files: the run stops before narrating."""
    before = snapshot(users_folder)
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE, "--cache-dir", users_folder)
    error = one_line_error(done)
    assert "no clips are written in it" in error and "--no-cache" in error
    assert snapshot(users_folder) == before
    assert not (tmp_path / "ep.mp3").exists()


def test_listing_and_sizing_a_folder_without_our_tag_changes_nothing(run_cli, users_folder) -> None:
    before = snapshot(users_folder)
    listing = run_cli("cache", "list", "--cache-dir", users_folder)
    size = run_cli("cache", "size", "--cache-dir", users_folder)
    assert listing.returncode == 0 and listing.stdout == ""
    assert size.returncode == 0 and size.stdout.split("\t")[1] == "0 clips"
    assert snapshot(users_folder) == before


def test_a_new_cache_folder_is_tagged_as_the_standard_says(
    run_cli, short_article, tmp_path, own_cache
) -> None:
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    tag = (own_cache / "CACHEDIR.TAG").read_bytes()
    assert tag.startswith(SIGNATURE + b"\n")
    assert b"article2podcast" in tag


def test_an_existing_empty_folder_becomes_a_cache(run_cli, short_article, tmp_path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE, "--cache-dir", folder)
    assert done.returncode == 0, done.stderr
    assert (folder / "CACHEDIR.TAG").read_bytes().startswith(SIGNATURE)
    assert ClipCache(folder).entries()


def test_a_cache_made_before_the_tag_is_taken_over(
    run_cli, short_article, tmp_path, own_cache
) -> None:
    """An untagged folder that holds only our entries and temporary files is our old cache."""
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    (own_cache / "CACHEDIR.TAG").unlink()
    left = write_old(own_cache / ".tmp-k1ll3d_x.clip", b"A2PCLIP1\x00\x00")
    clips = len(ClipCache(own_cache).entries())
    cleared = run_cli("cache", "clear")
    assert cleared.returncode == 0, cleared.stderr
    assert cleared.stdout.startswith(f"removed {clips + 1} clips")
    assert not left.exists()
    assert [path.name for path in own_cache.iterdir()] == ["CACHEDIR.TAG"]


def test_in_our_own_folder_only_files_named_and_headed_as_ours_are_removed(
    run_cli, short_article, tmp_path, own_cache
) -> None:
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    outside = tmp_path / "outside.clip"
    outside.write_bytes(b"A2PCLIP1 someone else's")
    theirs = [
        write_old(own_cache / ".tmp-thesis.docx", b"three years of work"),
        write_old(own_cache / "deadbeef.clip", b"a video clip"),
        write_old(own_cache / "abstract.clip", b"A2PCLIP1 not hex-named"),
        write_old(own_cache / f".a2p-clip-{'0' * 16}.tmp", b"not our header"),
        write_old(own_cache / ".tmp-abcdefgh.clip", b"not our header either"),
    ]
    (own_cache / "beef.clip").symlink_to(outside)
    ours = [
        write_old(own_cache / f".a2p-clip-{'1' * 16}.tmp", b"A2PCLIP1 half written"),
        write_old(own_cache / f".a2p-clip-{'2' * 16}.tmp", b""),
        write_old(own_cache / ".tmp-12345678.clip", b"A2PCLIP1 from an older version"),
    ]
    before = {path.name: path.read_bytes() for path in theirs}
    done = run_cli("cache", "clear")
    assert done.returncode == 0, done.stderr
    assert {path.name: path.read_bytes() for path in theirs} == before
    assert (own_cache / "beef.clip").is_symlink() and outside.exists()
    assert not any(path.exists() for path in ours)
    assert ClipCache(own_cache).entries() == []
    assert (own_cache / "CACHEDIR.TAG").exists()


def test_the_prune_after_every_run_spares_what_is_not_ours(
    run_cli, short_article, tmp_path, own_cache
) -> None:
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    thesis = write_old(own_cache / ".tmp-thesis.docx", b"three years of work")
    stale = write_old(own_cache / f".a2p-clip-{'3' * 16}.tmp", b"A2PCLIP1 killed mid-write")
    again = run_cli(short_article, "-o", tmp_path / "ep2.mp3", *FAKE)
    assert again.returncode == 0, again.stderr
    assert thesis.read_bytes() == b"three years of work"
    assert not stale.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_under_a_clips_name_neither_hangs_nor_stays(
    run_cli, short_article, tmp_path, own_cache
) -> None:
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    entry = next(own_cache.glob("*.clip"))
    entry.unlink()
    os.mkfifo(entry)
    assert run_cli("cache", "list").returncode == 0
    again = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert again.returncode == 0, again.stderr
    assert entry.is_file()


# Items 8 and 10: numbers of any size given to `cache` get a clean answer.


@pytest.mark.parametrize(
    "size",
    [
        "9" * 400,
        "9" * 5000,  # beyond Python's 4,300-digit limit for int()
        "1" + "0" * 4400 + "T",
        "1e400",
        "nan",
        "inf",
        "-1",
        "0x10",
        "12 parsecs",
    ],
)
def test_an_impossible_max_size_is_one_clean_line(run_cli, size) -> None:
    error = one_line_error(run_cli("cache", "prune", "--max-size", size))
    assert "--max-size must be" in error and len(error) < 300


def test_a_max_size_of_zero_empties_the_cache(run_cli, short_article, tmp_path, own_cache) -> None:
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    assert run_cli("cache", "prune", "--max-size", "0").returncode == 0
    assert ClipCache(own_cache).entries() == []


def test_a_clip_dated_beyond_the_calendar_is_still_listed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file system may date a file after the year 9999, which datetime cannot show."""
    far = Entry("ab" * 32, 1000, 1e15, "A sentence.")
    monkeypatch.setattr(ClipCache, "entries", lambda self: [far])
    assert cli.main(["cache", "list"]) == 0
    assert capsys.readouterr().out == f"{'ab' * 8}\t1000 B\t?\tA sentence.\n"


# Item 12: a bad cache entry heals.


def pcm(samples: list[int] | range) -> bytes:
    return struct.pack(f"<{len(samples)}h", *samples)


def tone(ms: int) -> bytes:
    raw: bytes = Sine(300, sample_rate=RATE).to_audio_segment(ms, volume=-12).raw_data
    return raw


def square(seconds: float) -> bytes:
    period = RATE // 200
    return pcm([32767 if n % period < period // 2 else -32768 for n in range(int(RATE * seconds))])


BAD_CLIPS = {
    "silent": Clip(bytes(RATE * 2 * 3), RATE, 2, 1, None),
    "empty": Clip(b"", RATE, 2, 1, None),
    "constant": Clip(pcm([6000] * RATE * 3), RATE, 2, 1, None),
    "clipped": Clip(square(3), RATE, 2, 1, None),
    "far too long": Clip(tone(1000) * 120, RATE, 2, 1, -3.0),
    "far too short": Clip(tone(20), RATE, 2, 1, None),
    "a hole inside": Clip(tone(300) + bytes(RATE * 2 * 5) + tone(300), RATE, 2, 1, None),
    "a gain beyond reason": Clip(tone(2500), RATE, 2, 1, 400.0),
    "a gain that is not a number": Clip(tone(2500), RATE, 2, 1, math.nan),
    "no sample rate": Clip(tone(2500), 0, 2, 1, None),
    "odd sample width": Clip(tone(2500), RATE // 2, 5, 1, None),
}


@pytest.fixture(scope="module")
def made_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the clips of the short article, made once for the module."""
    folder = tmp_path_factory.mktemp("made")
    article = folder / "library.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "article2podcast", article, "-o", folder / "ep.mp3", *FAKE],
        env={**os.environ, "ARTICLE2PODCAST_CACHE_DIR": str(folder / "cache")},
        capture_output=True, check=True, timeout=600,
    )  # fmt: skip
    return folder / "cache"


def drop_parts(folder: Path) -> None:
    """Remove the encoded parts kept in a cache folder, leaving its clips."""
    for path in folder.glob("*.clip"):
        if path.read_bytes()[: len(PART_MAGIC)] == PART_MAGIC:
            path.unlink()


@pytest.mark.parametrize("bad", BAD_CLIPS.values(), ids=BAD_CLIPS.keys())
def test_a_bad_entry_is_narrated_again_and_replaced(
    run_cli, short_article, tmp_path, own_cache, made_cache, bad
) -> None:
    shutil.copytree(made_cache, own_cache)
    drop_parts(own_cache)  # else the episode's parts are joined as kept: no clip is read
    cache = ClipCache(own_cache)
    entries = cache.entries()
    key = next(entry.key for entry in entries if entry.text == SENTENCE)
    good = cache.get(key)
    cache.put(key, bad, SENTENCE)
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert done.returncode == 0, done.stderr
    assert f"1 clips narrated, {len(entries) - 1} from the cache" in done.stderr
    assert cache.get(key) == good


def test_a_clip_that_fails_the_check_once_trimmed_is_used_but_not_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the cache keeps passes the check it gets when read, so it is never made again for
    nothing: a clip whose sound is a blip in a long silence is not kept."""
    blip = Sine(300, sample_rate=RATE).to_audio_segment(40, volume=-12)
    lonely = blip + AudioSegment.silent(3000, RATE)
    monkeypatch.setattr(narrating, "_narrate_checked", lambda *args: Timed(lonely))
    script = script_article(Article("Head", (Block("paragraph", "Alpha beta gamma delta."),)))
    utterances = plan_utterances(script)
    cache = ClipCache(tmp_path)
    with Narrator("fake", 1, cache) as narrator:
        voices = narrator.resolve_voices({})
        clips = list(narrator.clips(script, utterances, voices, 180))
    assert all(clip is not None and clip.frames for clip in clips)
    assert cache.entries() == []


BEEP = Sine(300).to_audio_segment(1200)


@pytest.mark.parametrize(
    ("audio", "problem"),
    [
        (AudioSegment(pcm([6000] * RATE * 2), sample_width=2, frame_rate=RATE, channels=1),
         "constant or clipped"),
        (AudioSegment(square(2), sample_width=2, frame_rate=RATE, channels=1),
         "constant or clipped"),
        (BEEP + AudioSegment.silent(2500) + BEEP, "silent for 2.5 s"),
        (BEEP + AudioSegment.silent(800) + BEEP, ""),
        (AudioSegment.silent(2500) + Sine(300).to_audio_segment(2500) + AudioSegment.silent(2500),
         ""),
    ],
    ids=["constant", "clipped", "a long inner silence", "a pause", "padded edges"],
)  # fmt: skip
def test_a_clip_must_sound_like_speech(audio: AudioSegment, problem: str) -> None:
    found = clip_problem(audio, "word " * 8, rate=180)
    assert (problem in found) and bool(found) == bool(problem), found


def test_a_folder_name_with_a_line_break_still_makes_one_line(run_cli, tmp_path) -> None:
    folder = tmp_path / "odd\nfolder"
    folder.mkdir()
    (folder / "letter.txt").write_text("dear")
    error = one_line_error(run_cli("cache", "clear", "--cache-dir", folder))
    assert "odd\\nfolder" in error and (folder / "letter.txt").exists()
