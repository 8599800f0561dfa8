"""Produced episodes: loudness, chapters, voices, music, cover, formats, captions and notes,
checked on the real files with ffprobe, ffmpeg's ebur128 meter and mutagen.

Marked slow: each produces and masters real audio.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mutagen import File as MutagenFile
from PIL import Image

from article2podcast.audio.ffmpeg import measure
from conftest import BUNDLED_SAMPLE, parse_vtt

pytestmark = pytest.mark.slow

HEADLINE = BUNDLED_SAMPLE.read_text(encoding="utf-8").splitlines()[0]
SUBHEADING = "John Legend says music was 'healing' for him"


def produce(folder: Path, *args: str) -> tuple[Path, dict[str, Any]]:
    out = folder / "ep.mp3"
    for arg in args:
        if arg.startswith("-o="):
            out = folder / arg.removeprefix("-o=")
    rest = [a for a in args if not a.startswith("-o=")]
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", "--sample", "-o", str(out), *rest],
        capture_output=True, text=True, check=False, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, json.loads(out.with_name(out.stem + ".json").read_text())


def ffprobe(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters",
         "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    result: dict[str, Any] = json.loads(out)
    return result


def measure_start(path: Path, seconds: float) -> float:
    """The mean volume (dBFS) of the first seconds of a file, by ffmpeg's volumedetect."""
    report = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-t", str(seconds), "-i", str(path),
         "-af", "volumedetect", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    return float(report.split("mean_volume:")[1].split("dB")[0])


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    return produce(tmp_path_factory.mktemp("sample"))


def test_the_episode_meets_the_loudness_target_and_the_true_peak_ceiling(sample) -> None:
    path, manifest = sample
    measured = measure(path)
    assert abs(measured.integrated_lufs - -16.0) <= 1.0
    assert measured.true_peak_dbtp <= -1.0
    assert manifest["loudness"]["target_lufs"] == -16.0
    assert manifest["loudness"]["integrated_lufs"] == pytest.approx(
        measured.integrated_lufs, abs=0.1
    )
    assert manifest["loudness"]["true_peak_dbtp"] == pytest.approx(measured.true_peak_dbtp, abs=0.1)


def test_a_loudness_target_can_be_chosen(tmp_path) -> None:
    path, manifest = produce(tmp_path, "--loudness", "-19", "--no-music")
    assert abs(measure(path).integrated_lufs - -19.0) <= 1.0
    assert manifest["loudness"]["target_lufs"] == -19.0


def test_ffprobe_lists_the_chapters_in_order_with_the_manifests_times(sample) -> None:
    path, manifest = sample
    chapters = ffprobe(path)["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Intro", HEADLINE, SUBHEADING, "Outro"]
    assert [round(float(c["start_time"]) * 1000) for c in chapters] == [
        c["start_ms"] for c in manifest["chapters"]
    ]
    assert chapters[0]["start_time"] == "0.000000"
    heading = next(s for s in manifest["segments"] if s["kind"] == "heading")
    assert manifest["chapters"][2]["start_ms"] == heading["start_ms"]


def test_the_podcasting_2_chapters_file_matches(sample) -> None:
    path, manifest = sample
    document = json.loads(path.with_name("ep.chapters.json").read_text())
    assert document["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in document["chapters"]] == [
        (c["start_ms"] / 1000, c["title"]) for c in manifest["chapters"]
    ]


def test_quotations_are_read_in_the_quote_voice_and_attributions_are_not(sample) -> None:
    _, manifest = sample
    voices = {s["role"]: s["voice"] for s in manifest["segments"]}
    assert len(set(voices.values())) == 3, "narrator, quote and host sound different"
    quotes = [s for s in manifest["segments"] if s["kind"] == "quote"]
    assert len(quotes) >= 6
    assert all(s["role"] == "quote" and s["voice"] == voices["quote"] for s in quotes)
    attribution = next(s for s in manifest["segments"] if s["text"] == "Teigen wrote.")
    assert attribution["role"] == "narrator"
    assert all(s["role"] == "host" for s in manifest["segments"] if s["kind"] in ("intro", "outro"))


def test_the_cover_is_embedded_and_written_beside_the_episode(sample) -> None:
    path, _ = sample
    streams = ffprobe(path)["streams"]
    pictures = [s for s in streams if s.get("disposition", {}).get("attached_pic")]
    assert len(pictures) == 1
    with Image.open(path.with_name("ep.png")) as cover:
        assert cover.size[0] == cover.size[1] >= 1400
        assert cover.mode == "RGB"


def test_music_opens_and_closes_the_show_and_can_be_left_out(sample, tmp_path) -> None:
    path, manifest = sample
    _, plain_manifest = produce(tmp_path, "--no-music")
    first_word = manifest["segments"][0]["start_ms"]
    assert first_word > 2500, "the sting plays before the host speaks"
    assert plain_manifest["segments"][0]["start_ms"] < 1000
    sting = measure_start(path, seconds=2.5)
    assert sting > -40, "the opening sting is heard"
    assert manifest["duration_ms"] > plain_manifest["duration_ms"] + 5000


def test_srt_and_vtt_captions_agree(sample) -> None:
    path, _ = sample
    vtt = parse_vtt(path.with_name("ep.vtt").read_text())
    srt_blocks = path.with_name("ep.srt").read_text().strip().split("\n\n")
    assert len(srt_blocks) == len(vtt)
    first = srt_blocks[0].splitlines()
    assert first[0] == "1"
    assert first[1].count(",") == 2 and " --> " in first[1]


def test_the_show_notes_list_the_chapters(sample) -> None:
    path, _ = sample
    notes = path.with_name("ep.md").read_text()
    assert notes.startswith(f"# {HEADLINE}\n")
    assert "- 0:00 Intro" in notes
    assert f" {SUBHEADING}" in notes


def test_markdown_links_go_to_the_notes_not_the_audio(tmp_path) -> None:
    article = tmp_path / "links.md"
    article.write_text("# Links\n\nRead [the report](https://example.org/report) today.\n")
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", str(article), "-o", str(tmp_path / "l.mp3"),
         "--engine", "fake", "--no-music"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "<https://example.org/report>" in (tmp_path / "l.md").read_text()
    spoken = json.loads((tmp_path / "l.json").read_text())["segments"][2]["text"]
    assert spoken == "Read the report today."


@pytest.mark.parametrize(
    ("name", "codec", "has_chapters"),
    [
        ("ep.m4a", "aac", True),
        ("ep.m4b", "aac", True),
        ("ep.ogg", "vorbis", True),
        ("ep.opus", "opus", True),
        ("ep.flac", "flac", True),
        ("ep.wav", "pcm_s16le", False),
    ],
)
def test_every_format_opens_with_its_codec_loudness_tags_and_chapters(
    tmp_path, name, codec, has_chapters
) -> None:
    path, manifest = produce(tmp_path, f"-o={name}", "--engine", "fake")
    info = ffprobe(path)
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert [s["codec_name"] for s in audio] == [codec]
    measured = measure(path)
    assert abs(measured.integrated_lufs - -16.0) <= 1.0
    assert measured.true_peak_dbtp <= -1.0
    # Ogg and Opus keep their tags on the stream, the others on the container.
    tags = {
        k.lower(): v
        for k, v in {**info["format"].get("tags", {}), **audio[0].get("tags", {})}.items()
    }
    if name != "ep.wav":
        assert tags.get("title") == HEADLINE
        tagged = MutagenFile(path)
        assert tagged is not None
        has_cover = (
            bool(getattr(tagged, "pictures", None))
            or "covr" in (tagged.tags or {})
            or ("metadata_block_picture" in {k.lower() for k in (tagged.tags or {}).keys()})  # noqa: SIM118
        )
        assert has_cover, "the cover is embedded"
    if has_chapters:
        assert [
            (c["tags"]["title"], round(float(c["start_time"]) * 1000)) for c in info["chapters"]
        ] == [(c["title"], c["start_ms"]) for c in manifest["chapters"]]
