"""Hostile cases for what a run writes (issue 13): we only replace files we made, two articles
never share an episode, nothing private is published, killed runs leave nothing for long, and
a full temporary folder is named as such."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from article2podcast.episode.cover import make_cover
from article2podcast.episode.naming import SIDECARS, public_source, public_url
from conftest import SHORT_ARTICLE
from test_faults import tmpfs

FAKE = ("--engine", "fake")
SLUG = "small-town-library-opens-its-doors-at-midnight"
MINE = b"the user's own file, not ours"
REAL_FFMPEG = shutil.which("ffmpeg")


def start(
    cwd: Path, *args: str | Path, stdin: str | None = None, **env: str
) -> subprocess.Popen[str]:
    """Start a run (in a session of its own, so it can be killed with all it started)."""
    with contextlib.ExitStack() as stack:
        source = subprocess.DEVNULL
        if stdin is not None:
            piped = cwd / f"stdin-{time.monotonic_ns()}.html"
            piped.write_text(stdin, encoding="utf-8")
            source = stack.enter_context(piped.open("rb")).fileno()
        return subprocess.Popen(
            [sys.executable, "-m", "article2podcast", *map(str, args), *FAKE],
            stdin=source, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
            env={**os.environ, **env}, start_new_session=True,
        )  # fmt: skip


def finish(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr


def article(tmp_path: Path, name: str, text: str = SHORT_ARTICLE) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def manifest(episode: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(episode.with_suffix(".json").read_text())
    return data


def whole(episode: Path) -> dict[str, object]:
    """The episode's manifest, after checking that every file of the episode is there and
    names it."""
    data = manifest(episode)
    assert data["audio"] == episode.name
    for suffix in SIDECARS:
        assert (episode.parent / (episode.stem + suffix)).is_file(), suffix
    assert episode.stat().st_size > 1000
    return data


# 1. We only ever replace files we made.


@pytest.mark.parametrize("suffix", [".mp3", *SIDECARS])
def test_a_users_file_at_a_default_name_is_left_alone_and_the_next_name_is_taken(
    run_cli, short_article, tmp_path, suffix
) -> None:
    """`hello-world.md` (an article titled "Hello World") is not overwritten by the notes."""
    theirs = tmp_path / "audio" / f"{SLUG}{suffix}"
    theirs.parent.mkdir()
    theirs.write_bytes(MINE)
    done = run_cli(short_article, *FAKE)
    assert done.returncode == 0, done.stderr
    assert theirs.read_bytes() == MINE
    episode = tmp_path / "audio" / f"{SLUG}-2.mp3"
    assert done.stdout.startswith(str(Path("audio") / episode.name))
    whole(episode)
    assert {p.name for p in theirs.parent.glob(f"{SLUG}.*")} == {theirs.name}


@pytest.mark.parametrize("suffix", SIDECARS)
def test_output_stops_at_a_sidecar_name_held_by_a_file_not_ours(
    run_cli, short_article, tmp_path, suffix
) -> None:
    theirs = tmp_path / f"ep{suffix}"
    theirs.write_bytes(MINE)
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert done.returncode == 2
    assert done.stderr == (
        f"article2podcast: -o {tmp_path / 'ep.mp3'}: {theirs} is in the way (article2podcast "
        "did not make it, so it is not replaced); move it away or choose another name\n"
    )
    assert theirs.read_bytes() == MINE
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([theirs.name, short_article.name])


def test_a_json_file_that_is_not_our_manifest_is_in_the_way(
    run_cli, short_article, tmp_path
) -> None:
    theirs = tmp_path / "ep.json"
    theirs.write_text('{"audio": "ep.mp3", "title": "my own notes"}')
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert done.returncode == 2 and "ep.json is in the way" in done.stderr
    assert theirs.read_text() == '{"audio": "ep.mp3", "title": "my own notes"}'


def test_a_fifo_at_a_sidecar_name_is_in_the_way_and_never_blocks(
    run_cli, short_article, tmp_path
) -> None:
    os.mkfifo(tmp_path / "ep.json")
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)  # the fixture's timeout
    assert done.returncode == 2 and "ep.json is in the way" in done.stderr


def test_our_own_episode_is_replaced_by_another_article_named_with_o(
    run_cli, short_article, tmp_path
) -> None:
    other = article(tmp_path, "other.txt", SHORT_ARTICLE.replace("Library", "Museum"))
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    done = run_cli(other, "-o", tmp_path / "ep.mp3", *FAKE)
    assert done.returncode == 0, done.stderr
    assert str(whole(tmp_path / "ep.mp3")["title"]).startswith("Small Town Museum")


def test_a_cover_given_leaves_a_png_of_that_name_alone(run_cli, short_article, tmp_path) -> None:
    """`-o ep.mp3 --cover ep.png`: no cover is written beside the episode, so ep.png is not in
    the way; and a generated cover of ours goes once a cover is given."""
    assert run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE).returncode == 0
    assert "ep.png" in manifest(tmp_path / "ep.mp3")["sidecars"]  # type: ignore[operator]
    (tmp_path / "ep.png").unlink()
    theirs = tmp_path / "art.png"
    theirs.write_bytes(make_cover("Mine", "Mine").data)
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", "--cover", theirs, *FAKE)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "ep.png").exists()
    own = tmp_path / "own.png"
    own.write_bytes(theirs.read_bytes())
    assert run_cli(short_article, "-o", tmp_path / "c.mp3", *FAKE).returncode == 0
    assert (tmp_path / "c.png").exists()  # generated, ours
    done = run_cli(short_article, "-o", tmp_path / "c.mp3", "--cover", own, *FAKE)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "c.png").exists(), "our generated cover, no longer used, is gone"
    assert "c.png" not in manifest(tmp_path / "c.mp3")["sidecars"]  # type: ignore[operator]


def test_a_users_png_beside_an_episode_made_with_a_cover_is_kept(
    run_cli, short_article, tmp_path
) -> None:
    cover = tmp_path / "art.png"
    cover.write_bytes(make_cover("Mine", "Mine").data)
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", "--cover", cover, *FAKE)
    assert done.returncode == 0, done.stderr
    theirs = tmp_path / "ep.png"
    theirs.write_bytes(MINE)
    done = run_cli(short_article, "-o", tmp_path / "ep.mp3", *FAKE)
    assert done.returncode == 2 and "ep.png is in the way" in done.stderr
    assert theirs.read_bytes() == MINE


# 2. Two different articles never share an episode.


def untitled(which: str) -> str:
    """A web page with no headline, as saved and piped in."""
    return (
        f"<html><body><article><p>The {which} page says one thing, and then it says a little "
        "more about it. It goes on for a while, as articles do.</p><p>And a second paragraph "
        "says that it is all true.</p></article></body></html>"
    )


def test_two_articles_with_the_same_headline_get_an_episode_each(run_cli, tmp_path) -> None:
    one = article(tmp_path, "one/library.txt")
    two = article(tmp_path, "two/library.txt", SHORT_ARTICLE.replace("37 readers", "12 readers"))
    for path in (one, two, one, two):
        assert run_cli(path, *FAKE).returncode == 0
    audio = tmp_path / "audio"
    assert sorted(p.name for p in audio.glob("*.mp3")) == [f"{SLUG}-2.mp3", f"{SLUG}.mp3"]
    first, second = whole(audio / f"{SLUG}.mp3"), whole(audio / f"{SLUG}-2.mp3")
    assert "37 readers" in json.dumps(first) and "12 readers" in json.dumps(second)
    assert first["article_id"] != second["article_id"]


def test_an_edited_file_replaces_its_own_episode(run_cli, short_article, tmp_path) -> None:
    assert run_cli(short_article, *FAKE).returncode == 0
    short_article.write_text(SHORT_ARTICLE.replace("37 readers", "40 readers"), encoding="utf-8")
    assert run_cli(short_article, *FAKE).returncode == 0
    assert [p.name for p in (tmp_path / "audio").glob("*.mp3")] == [f"{SLUG}.mp3"]
    assert "40 readers" in json.dumps(whole(tmp_path / "audio" / f"{SLUG}.mp3"))


def test_two_untitled_pages_on_standard_input_get_an_episode_each(run_cli, tmp_path) -> None:
    pages = [untitled("first"), untitled("second")]
    for page in (*pages, pages[0]):
        assert run_cli("-", *FAKE, stdin=page).returncode == 0
    episodes = sorted((tmp_path / "audio").glob("*.mp3"))
    assert [p.name for p in episodes] == ["untitled-article-2.mp3", "untitled-article.mp3"]
    said = {str(whole(episode)["segments"]) for episode in episodes}
    assert any("first page" in s for s in said) and any("second page" in s for s in said)


def test_articles_with_the_same_headline_produced_at_once_get_an_episode_each(
    tmp_path,
) -> None:
    paths = [
        article(tmp_path, f"{n}/library.txt", SHORT_ARTICLE.replace("37", str(n))) for n in range(3)
    ]
    finish(*(start(tmp_path, path) for path in paths))
    episodes = sorted((tmp_path / "audio").glob("*.mp3"))
    assert [p.name for p in episodes] == [f"{SLUG}-2.mp3", f"{SLUG}-3.mp3", f"{SLUG}.mp3"]
    said = sorted(
        next(n for n in range(3) if f"said {n} readers" in json.dumps(whole(episode)))
        for episode in episodes
    )
    assert said == [0, 1, 2]
    assert [p.name for p in (tmp_path / "audio").iterdir() if p.name.startswith(".")] == []


def test_untitled_pages_on_standard_input_at_once_get_an_episode_each(tmp_path) -> None:
    pages = [untitled("first"), untitled("second")]
    finish(*(start(tmp_path, "-", stdin=page) for page in pages))
    episodes = sorted((tmp_path / "audio").glob("*.mp3"))
    assert len(episodes) == 2
    assert len({whole(episode)["article_id"] for episode in episodes}) == 2


def test_the_same_article_produced_twice_at_once_leaves_one_episode(
    short_article, tmp_path
) -> None:
    finish(start(tmp_path, short_article), start(tmp_path, short_article))
    assert [p.name for p in (tmp_path / "audio").glob("*.mp3")] == [f"{SLUG}.mp3"]
    whole(tmp_path / "audio" / f"{SLUG}.mp3")


# 5. Nothing private is published.


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("http://user:pass@example.org/a", "http://example.org/a"),
        ("https://user@example.org:8443/a?id=3", "https://example.org:8443/a?id=3"),
        (
            "https://example.org/a?token=T&page=2&api_key=K&X-Amz-Signature=S&access_token=A",
            "https://example.org/a?page=2",
        ),
        ("https://example.org/a?PHPSESSID=1&author=me&sig=2", "https://example.org/a?author=me"),
        ("https://example.org/a#access_token=A", "https://example.org/a"),
        ("http://[::1]:80/a?password=p&q=a+b", "http://[::1]:80/a?q=a+b"),
    ],
)
def test_a_public_address_has_no_credentials_and_no_secret_parameters(url, public) -> None:
    assert public_url(url) == public


@pytest.mark.parametrize(
    ("source", "public"),
    [("/home/someone/private/article.txt", "article.txt"), ("-", "-"), ("a.md", "a.md")],
)
def test_a_local_source_is_named_by_its_file_name(source, public) -> None:
    assert public_source(source) == public


PAGE = """<!doctype html><html lang="en"><head><title>Lanterns on the River</title>
<link rel="canonical" href="http://editor:hunter2@127.0.0.1/story.html?access_token=SECRET9&id=7">
<meta property="og:image" content="http://127.0.0.1/lead.jpg?signature=SECRET8">
</head><body><article><h1>Lanterns on the River</h1>
<p>The town floated a thousand paper lanterns down the river on Saturday night, and the
whole street came out to watch them drift past the old mill.</p>
<p>Organisers said they would do it again next year, with twice as many lanterns.</p>
</article></body></html>"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    """A web server on 127.0.0.1 serving one article page."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "story.html").write_text(PAGE, encoding="utf-8")

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_credentials_and_tokens_in_the_address_are_published_nowhere(
    run_cli, site, tmp_path
) -> None:
    url = f"http://reader:s3cr3tpw@{site}/story.html?session_token=SECRET7&id=7"
    out = tmp_path / "pub"
    out.mkdir()
    done = run_cli(url, "-o", out / "ep.mp3", *FAKE)
    assert done.returncode == 0, done.stderr
    fed = run_cli("feed", out, "--base-url", "https://example.org/pod/")
    assert fed.returncode == 0, fed.stderr
    data = manifest(out / "ep.mp3")
    assert data["source"] == f"http://{site}/story.html?id=7"
    comment = str(ID3(out / "ep.mp3").getall("COMM")[0])
    assert "127.0.0.1/story.html?id=7" in comment
    texts = (".json", ".md", ".html", ".xml", ".vtt", ".srt")
    published = [comment, *(p.read_text("utf-8") for p in out.iterdir() if p.suffix in texts)]
    for text in published:
        for secret in ("s3cr3tpw", "reader:", "SECRET7", "SECRET8", "SECRET9", "hunter2"):
            assert secret not in text


def test_a_local_source_is_recorded_by_its_name_not_its_path(
    run_cli, short_article, tmp_path
) -> None:
    done = run_cli(short_article.resolve(), "-o", tmp_path / "ep.mp3", *FAKE)
    assert done.returncode == 0, done.stderr
    assert manifest(tmp_path / "ep.mp3")["source"] == "library.txt"
    folder = str(tmp_path.resolve())
    for path in tmp_path.glob("ep.*"):
        if path.suffix != ".mp3" and path.suffix != ".png":
            assert folder not in path.read_text(encoding="utf-8"), path.name
    assert folder not in str(ID3(tmp_path / "ep.mp3").getall("COMM")[0])


# 13. A killed run leaves nothing for long.


def slow_encoder(tmp_path: Path, started: Path) -> dict[str, str]:
    """A PATH on which the episode's encoder reads its input in real time (so a run can be
    caught in the middle) and says when it has started."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "ffmpeg"
    script.write_text(
        '#!/bin/bash\nif [[ " $* " == *" tee "* || " $* " == *" -reservoir "* ]]; then\n'
        f'touch {started}\n'
        f'exec {REAL_FFMPEG} -re "$@"\nfi\nexec {REAL_FFMPEG} "$@"\n'
    )
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def leftovers(out: Path, temp: Path) -> list[str]:
    return sorted(
        [p.name for p in out.iterdir() if p.name.startswith(".")]
        + [p.name for p in temp.iterdir() if p.name.startswith("article2podcast-")]
    )


def caught_in_the_middle(tmp_path: Path, article_path: Path, out: Path, temp: Path):  # type: ignore[no-untyped-def]
    started = tmp_path / "started"
    env = {**slow_encoder(tmp_path, started), "TMPDIR": str(temp)}
    process = start(tmp_path, article_path, "-o", out / "ep.mp3", **env)
    while not started.exists():
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    time.sleep(0.5)
    assert any(".part" in name for name in leftovers(out, temp))
    assert any(name.startswith("article2podcast-run-") for name in leftovers(out, temp))
    return process


def age(paths: list[Path], seconds: float = 120.0) -> None:
    """Make `paths` look as old as a run killed `seconds` ago would have left them."""
    then = time.time() - seconds
    for path in paths:
        os.utime(path, (then, then), follow_symlinks=False)


def test_what_a_killed_run_left_is_removed_by_the_next_run(short_article, tmp_path) -> None:
    """At once: a lock held by each live run, not the files' age, tells what is left over."""
    out, temp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temp.mkdir()
    process = caught_in_the_middle(tmp_path, short_article, out, temp)
    os.killpg(process.pid, signal.SIGKILL)  # the run, its engine and its ffmpegs
    process.communicate(timeout=60)
    assert leftovers(out, temp), "the killed run could not clean up"
    other = article(tmp_path, "other.txt", SHORT_ARTICLE.replace("Library", "Museum"))
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", str(other), "-o", str(out / "b.mp3"), *FAKE],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "TMPDIR": str(temp)},
        timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert leftovers(out, temp) == []


def test_a_live_runs_files_are_never_taken_for_leftovers(short_article, tmp_path) -> None:
    """Even when they look old: a run may take hours."""
    out, temp = tmp_path / "out", tmp_path / "tmp"
    out.mkdir()
    temp.mkdir()
    process = caught_in_the_middle(tmp_path, short_article, out, temp)
    try:
        left = leftovers(out, temp)
        age([p for p in [*out.iterdir(), *temp.iterdir()] if p.name in left])
        other = article(tmp_path, "other.txt", SHORT_ARTICLE.replace("Library", "Museum"))
        done = subprocess.run(
            [sys.executable, "-m", "article2podcast", str(other), "-o", str(out / "b.mp3"),
             *FAKE],
            capture_output=True, text=True, cwd=tmp_path,
            env={**os.environ, "TMPDIR": str(temp)}, timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert set(left) <= set(leftovers(out, temp)), "the live run's files are all there"
    finally:
        _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    whole(out / "ep.mp3")
    assert leftovers(out, temp) == []


# 15. A full temporary folder is named as such.


def test_a_full_temporary_folder_is_named_with_the_fix(short_article, tmp_path) -> None:
    with tmpfs(tmp_path / "small-tmp", "size=1m") as temp:
        with contextlib.suppress(OSError), open(temp / "filler", "wb") as filler:
            filler.write(b"\0" * (1024 * 1024 - 64 * 1024))
        out = tmp_path / "out"
        out.mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "article2podcast", str(short_article), "-o",
             str(out / "ep.m4a"), *FAKE],
            capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "TMPDIR": str(temp)},
            timeout=600, check=False,
        )  # fmt: skip
        assert sorted(p.name for p in temp.iterdir()) == ["filler"]
    assert done.returncode == 1
    assert done.stderr == (
        f"article2podcast: the temporary folder {temp} is full; free some space there, or set "
        "TMPDIR to a folder with room (nothing was written)\n"
    )
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("same", [True, False], ids=["same file", "another file"])
def test_an_episode_from_before_article_ids_is_replaced_only_by_its_own_article(
    run_cli, short_article, tmp_path, same
) -> None:
    """Manifests made before `article_id` named their file by its whole path: the same file
    replaces its episode after an upgrade, a different one with the same headline does not."""
    assert run_cli(short_article, *FAKE).returncode == 0
    manifest_path = tmp_path / "audio" / f"{SLUG}.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    del manifest["article_id"]
    manifest["source"] = str(short_article.resolve() if same else tmp_path / "elsewhere.txt")
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert run_cli(short_article, *FAKE).returncode == 0
    names = sorted(p.name for p in (tmp_path / "audio").glob("*.mp3"))
    assert names == ([f"{SLUG}.mp3"] if same else [f"{SLUG}-2.mp3", f"{SLUG}.mp3"])
