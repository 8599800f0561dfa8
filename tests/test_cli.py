"""The command line as users run it: outputs, --plan, --voices and every error exit.

These use the fake engine (tones), so they are fast; test_episode.py uses the real voice.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from article2podcast import __version__ as VERSION
from article2podcast.producing import SIDECARS
from conftest import BUNDLED_SAMPLE, SHORT_ARTICLE, ffprobe, parse_vtt

FAKE = ("--engine", "fake")


def test_an_episode_and_its_sidecars_are_written_to_audio_slug(
    run_cli, short_article, tmp_path
) -> None:
    done = run_cli(short_article, *FAKE)
    assert done.returncode == 0, done.stderr
    episode = tmp_path / "audio" / "small-town-library-opens-its-doors-at-midnight.mp3"
    assert done.stdout.startswith(f"{Path('audio') / episode.name}  0:")
    assert done.stdout.strip().endswith("MB")
    assert episode.exists()
    assert episode.with_suffix(".vtt").exists()
    manifest = json.loads(episode.with_suffix(".json").read_text())
    assert manifest["title"] == "Small Town Library Opens Its Doors at Midnight"
    assert manifest["audio"] == episode.name
    assert [s["kind"] for s in manifest["segments"]] == [
        "intro", "title", "paragraph", "quote", "paragraph", "quote", "heading", "paragraph",
        "outro",
    ]  # fmt: skip
    assert sorted(p.name for p in episode.parent.iterdir()) == sorted(
        [episode.name, *(episode.stem + suffix for suffix in SIDECARS), "index.html"]
    ), "no temporary files are left behind"


def test_producing_again_replaces_the_episode_but_another_article_gets_its_own(
    run_cli, short_article, tmp_path
) -> None:
    assert run_cli(short_article, *FAKE).returncode == 0
    assert run_cli(short_article, *FAKE).returncode == 0
    other = tmp_path / "other.txt"
    other.write_text(SHORT_ARTICLE.replace("at Midnight", "at Midnight!"), encoding="utf-8")
    done = run_cli(other, *FAKE)
    assert done.returncode == 0
    slug = "small-town-library-opens-its-doors-at-midnight"
    assert sorted(p.name for p in (tmp_path / "audio").glob("*.mp3")) == [
        f"{slug}-2.mp3",
        f"{slug}.mp3",
    ]


def test_output_names_the_episode_and_its_sidecars(run_cli, short_article, tmp_path) -> None:
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", "--quiet", *FAKE)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert {p.name for p in tmp_path.glob("ep.*")} == {"ep.mp3", *("ep" + s for s in SIDECARS)}


def test_captions_match_the_manifest(run_cli, short_article, tmp_path) -> None:
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    manifest = json.loads((tmp_path / "ep.json").read_text())
    sentences = [t for s in manifest["segments"] for t in s["sentences"]]
    cues = parse_vtt((tmp_path / "ep.vtt").read_text())
    assert [(c[0], c[1], c[2]) for c in cues] == [
        (t["start_ms"], t["end_ms"], t["text"]) for t in sentences
    ]
    starts = [c[0] for c in cues]
    assert starts == sorted(starts)
    assert all(start < end for start, end, _ in cues)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(cues)), "cues never overlap"
    assert cues[-1][1] <= manifest["duration_ms"]


def test_standard_input_is_read(run_cli, tmp_path) -> None:
    done = run_cli("-", "-o", tmp_path / "in.mp3", *FAKE, stdin=SHORT_ARTICLE)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "in.json").read_text())["source"] == "-"


def test_plan_prints_the_segments_without_making_audio(run_cli, short_article, tmp_path) -> None:
    done = run_cli(short_article, "--plan")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["duration_ms"] is None
    assert plan["segments"][1] == {
        "index": 1,
        "kind": "title",
        "continues": False,
        "role": "narrator",
        "voice": "gmw/en-us",
        "text": "Small Town Library Opens Its Doors at Midnight",
        "start_ms": None,
        "end_ms": None,
        "sentences": [
            {
                "text": "Small Town Library Opens Its Doors at Midnight",
                "spoken": "Small Town Library Opens Its Doors at Midnight",
                "pieces": ["Small Town Library Opens Its Doors at Midnight"],
                "start_ms": None,
                "end_ms": None,
            }
        ],
    }
    assert not (tmp_path / "audio").exists()


def test_voices_lists_the_engines_voices(run_cli) -> None:
    done = run_cli("--voices", *FAKE)
    assert done.returncode == 0
    assert done.stdout.splitlines()[0] == "fake\tFake tone voice\ten"


def test_sample_narrates_the_bundled_article(run_cli, tmp_path) -> None:
    done = run_cli("--sample", "--plan")
    assert json.loads(done.stdout)["title"] == BUNDLED_SAMPLE.read_text().splitlines()[0]


def test_an_existing_episode_survives_a_failed_run(run_cli, short_article, tmp_path) -> None:
    episode = tmp_path / "ep.mp3"
    episode.write_bytes(b"the good old episode")
    done = run_cli(
        short_article, "-o", episode, *FAKE, env={"ARTICLE2PODCAST_FAKE_FAULT": "crash:Alvarez"}
    )
    assert done.returncode == 1
    assert "segment 3 (paragraph), sentence 2" in done.stderr
    assert episode.read_bytes() == b"the good old episode"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ep.mp3", "library.txt"]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make_args", "code", "message"),
    [
        (lambda d: [d / "missing.txt"], 2, "no such file"),
        (lambda d: [write(d / "empty.txt", b"")], 2, "is empty"),
        (lambda d: [write(d / "blank.txt", b" \n\n \t")], 2, "is empty"),
        (lambda d: [write(d / "dots.txt", b"... !!! ---")], 2, "no words to read"),
        (lambda d: [write(d / "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00")], 2, "binary"),
        (lambda d: [write(d / "a.pdf", b"%PDF-1.4")], 2, "unsupported file type"),
        (lambda d: [d], 2, "unsupported file type"),
        (lambda d: [write(d / "d.txt.d", b"x")], 2, "unsupported file type"),
        (lambda d: [], 2, "no article given"),
        (lambda d: ["--rate", "fast", "--sample"], 2, "--rate must be a whole number"),
        (lambda d: ["--rate", "5", "--sample"], 2, "between"),
        (lambda d: ["--bogus"], 2, "unrecognized arguments"),
        (lambda d: ["--sample", "--voice", "nobody"], 2, "unknown voice 'nobody'; valid voi"),
        (lambda d: ["--sample", "-o", d / "no" / "such" / "dir" / "x.mp3"], 2, "does not exist"),
        (lambda d: ["--sample", "-o", d / "x.aiff"], 2, "unsupported format '.aiff'"),
        (lambda d: ["--sample", "-o", d], 2, "is a folder"),
    ],
    ids=[
        "missing file", "empty file", "whitespace only", "punctuation only", "binary file",
        "unsupported type", "a directory", "odd suffix", "no input", "rate not a number",
        "rate out of range", "unknown option", "unknown voice", "missing output folder",
        "output not mp3", "output is a folder",
    ],
)  # fmt: skip
def test_bad_usage_and_input_give_one_line_and_exit_2(
    run_cli, tmp_path, make_args, code, message
) -> None:
    done = run_cli(*make_args(tmp_path), *FAKE)
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_missing_ffmpeg_exits_3_with_the_install_command(
    run_cli, short_article, tmp_path
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    done = run_cli(short_article, "-o", tmp_path / "x.mp3", *FAKE, env={"PATH": str(empty_bin)})
    assert done.returncode == 3
    assert "ffmpeg is not installed; install it with 'sudo apt-get install ffmpeg'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_a_read_only_output_folder_is_refused(run_cli, short_article, tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    done = run_cli(short_article, "-o", folder / "x.mp3", *FAKE)
    assert done.returncode == 2
    assert "not writable" in done.stderr


def test_the_episode_is_a_real_mp3_with_tags(run_cli, short_article, tmp_path) -> None:
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    info = ffprobe(tmp_path / "ep.mp3")
    stream = info["streams"][0]
    assert (stream["codec_name"], stream["sample_rate"], stream["channels"]) == ("mp3", "44100", 1)
    assert int(info["format"]["bit_rate"]) >= 95_000
    tags = info["format"]["tags"]
    assert tags["title"] == "Small Town Library Opens Its Doors at Midnight"
    assert tags["album"] == "article2podcast"
    assert tags["genre"] == "Podcast"
    assert "library.txt" in tags["comment"]


def test_the_tag_has_real_id3v23_frames_a_podcast_app_reads(run_cli, short_article, tmp_path):
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    tag = ID3(tmp_path / "ep.mp3", translate=False)
    assert tag.version == (2, 3, 0)
    assert str(tag["COMM::eng"]) == "Read aloud from library.txt by article2podcast " + VERSION
    assert str(tag["TCON"]) == "Podcast"
    assert not tag.getall("TXXX")


def test_outputs_are_as_readable_as_any_new_file(run_cli, short_article, tmp_path) -> None:
    """Temporary files are private (0600); the episode must not stay so when renamed."""
    old = os.umask(0o022)
    try:
        assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    finally:
        os.umask(old)
    for name in ("ep.mp3", "ep.vtt", "ep.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


def test_a_folder_where_a_sidecar_goes_is_refused_before_any_work(run_cli, short_article, tmp_path):
    (tmp_path / "ep.vtt").mkdir()
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert done.returncode == 2
    assert "ep.vtt is a folder" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ep.vtt", "library.txt"]


def test_the_console_script_is_installed_and_runs_the_same_cli(run_cli) -> None:
    script = Path(sys.executable).parent / "article2podcast"
    done = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout == run_cli("--version").stdout
    assert done.stdout.startswith("article2podcast ")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interrupt_leaves_no_partial_episode_and_the_old_one_intact(
    short_article, tmp_path, signum
) -> None:
    episode = tmp_path / "ep.mp3"
    episode.write_bytes(b"the good old episode")
    hanging = tmp_path.parent / f"{tmp_path.name}-hanging"
    process = subprocess.Popen(
        [sys.executable, "-m", "article2podcast", short_article, "-o", episode, *FAKE],
        env={
            **os.environ,
            "ARTICLE2PODCAST_FAKE_FAULT": "hang:Alvarez",
            "ARTICLE2PODCAST_FAKE_STATE": str(hanging),
        },
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )  # fmt: skip
    while not hanging.exists():  # narration is under way, stuck on the second paragraph
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert stdout == ""
    assert process.returncode == 130
    assert stderr == "article2podcast: interrupted; no episode was written\n"
    assert episode.read_bytes() == b"the good old episode"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ep.mp3", "library.txt"]
    # Running again resumes: what was narrated before the interrupt comes from the cache.
    again = subprocess.run(
        [sys.executable, "-m", "article2podcast", short_article, "-o", episode, *FAKE],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    )  # fmt: skip
    narrated, cached = map(
        int, re.findall(r"(\d+) clips narrated, (\d+) from the cache", again.stderr)[0]
    )
    assert cached >= 2 and narrated >= 1


def test_an_edited_paragraph_is_the_only_one_narrated_again(run_cli, short_article, tmp_path):
    first = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert re.search(r"(\d+) clips narrated, 0 from the cache", first.stderr), first.stderr
    total = int(re.findall(r"(\d+) clips narrated", first.stderr)[0])
    text = short_article.read_text(encoding="utf-8")
    short_article.write_text(text.replace("spring", "summer"), encoding="utf-8")
    again = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert f"1 clips narrated, {total - 1} from the cache" in again.stderr
    uncached = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE, "--no-cache", "--jobs", "1")
    assert f"{total} clips narrated, 0 from the cache" in uncached.stderr


def test_the_cache_can_be_sized_listed_pruned_and_cleared(
    run_cli, short_article, tmp_path, own_cache
):
    run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    size = run_cli("cache", "size")
    assert size.returncode == 0 and re.match(
        rf"{re.escape(str(own_cache))}\t\d+ clips\t[\d.]+ [KM]B", size.stdout
    )
    listing = run_cli("cache", "list").stdout.splitlines()
    assert any("The library will try again in the spring." in line for line in listing)
    assert run_cli("cache", "prune", "--max-size", "10M").stdout.startswith("removed 0 clips")
    pruned = int(run_cli("cache", "prune", "--max-size", "0.5M").stdout.split()[1])
    assert 0 < pruned < len(listing)
    assert sum(entry.stat().st_size for entry in own_cache.iterdir()) <= 512 * 1024
    assert run_cli("cache", "clear").stdout.startswith(f"removed {len(listing) - pruned} clips")
    assert run_cli("cache", "size").stdout.split("\t")[1] == "0 clips"
    assert "--max-size must be a size" in run_cli("cache", "prune", "--max-size", "lots").stderr


@pytest.mark.parametrize("jobs", ["0", "x", "65"])
def test_a_bad_jobs_count_is_refused(run_cli, jobs) -> None:
    done = run_cli("--sample", "--jobs", jobs)
    assert done.returncode == 2 and "--jobs must be" in done.stderr


def test_a_given_cover_is_embedded_as_it_is_and_not_copied_beside(
    run_cli, short_article, tmp_path
) -> None:
    from PIL import Image

    cover = tmp_path / "art.jpg"
    Image.new("RGB", (1400, 1400), (200, 40, 40)).save(cover, "JPEG")
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", "--cover", cover, *FAKE)
    assert done.returncode == 0, done.stderr
    pictures = ID3(tmp_path / "ep.mp3").getall("APIC")
    assert [(p.mime, p.data) for p in pictures] == [("image/jpeg", cover.read_bytes())]
    assert not (tmp_path / "ep.png").exists()


def test_a_small_cover_is_refused_before_any_narration(run_cli, short_article, tmp_path) -> None:
    from PIL import Image

    cover = tmp_path / "small.png"
    Image.new("RGB", (800, 800)).save(cover, "PNG")
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", "--cover", cover, *FAKE)
    assert done.returncode == 2
    assert "800x800" in done.stderr and "1400" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "ep.mp3").exists()


def test_the_show_name_is_spoken_and_is_the_album(run_cli, short_article, tmp_path) -> None:
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", "--show", "Night Reads", *FAKE)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "ep.json").read_text())
    assert "Night Reads" in manifest["segments"][0]["text"]
    assert str(ID3(tmp_path / "ep.mp3")["TALB"]) == "Night Reads"


@pytest.mark.parametrize(
    ("option", "message"),
    [("--loudness=-40", "between -30 and -9"), ("--loudness=loud", "must be a number")],
)
def test_a_bad_loudness_target_is_refused(run_cli, option, message) -> None:
    done = run_cli("--sample", option, *FAKE)
    assert done.returncode == 2
    assert message in done.stderr


def test_check_lists_what_is_said_differently_and_the_names(run_cli, tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nMr. Teigen paid $10 to the FBI in 2020.\n", encoding="utf-8")
    done = run_cli("check", article, *FAKE)
    assert done.returncode == 0, done.stderr
    assert "abbreviation     Mr. -> Mister" in done.stdout
    assert "money            $10 -> ten dollars" in done.stdout
    assert "acronym          FBI -> F B I" in done.stdout
    assert "year             2020 -> twenty twenty" in done.stdout
    assert "  Teigen" in done.stdout
    assert not (tmp_path / "audio").exists()


def test_check_names_follow_titles_and_abbreviations_are_not_names(run_cli, tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "T\n\nOn Monday Mr. Teigen met Dr. Okonjo-Iweala on Sept. 15. Later Newsom left.\n"
    )
    section = run_cli("check", article, *FAKE).stdout.split("will say them:")[1].split("\n\n")[0]
    names = [line.strip() for line in section.strip().splitlines()]
    assert names == ["Monday", "Teigen", "Okonjo-Iweala", "Newsom"]


def test_a_lexicon_changes_what_is_said_and_check_shows_it(run_cli, tmp_path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Headline\n\nChrissy Teigen wrote.\n", encoding="utf-8")
    lexicon = tmp_path / "names.toml"
    lexicon.write_text('Teigen = "TY-gin"\n', encoding="utf-8")
    done = run_cli(article, "--plan", "--lexicon", lexicon, *FAKE)
    assert (
        json.loads(done.stdout)["segments"][2]["sentences"][0]["spoken"] == "Chrissy TY-gin wrote."
    )
    done = run_cli("check", article, "--lexicon", lexicon, *FAKE)
    assert "lexicon          Teigen -> TY-gin" in done.stdout


def test_a_broken_lexicon_is_refused_in_one_line(run_cli, tmp_path) -> None:
    lexicon = tmp_path / "bad.toml"
    lexicon.write_text("Teigen = TY-gin\n", encoding="utf-8")
    done = run_cli("--sample", "--plan", "--lexicon", lexicon, *FAKE)
    assert done.returncode == 2
    assert "not valid TOML" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
