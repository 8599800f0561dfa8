"""The external programs we run (ffmpeg, ffprobe), found or reported missing with the fix."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from .errors import ExportError, MissingDependencyError


def install_hint(package: str) -> str:
    """The command that installs `package` on this kind of system."""
    if sys.platform == "darwin":
        return f"brew install {package}"
    if sys.platform == "win32":
        return f"winget install {package}"
    return f"sudo apt-get install {package}"


def require(program: str, package: str = "ffmpeg") -> str:
    """The path of `program`, or a MissingDependencyError saying how to install it."""
    path = shutil.which(program)
    if path is None:
        raise MissingDependencyError(
            f"{program} is not installed; install it with '{install_hint(package)}' "
            "(scripts/produce does this for you)"
        )
    return path


_held = 0
_interrupted = False
_stopping = False


def on_stop_signal(signum: int, frame: object) -> None:
    """The handler for Ctrl-C and SIGTERM: stop (KeyboardInterrupt), unless a program is being
    started, in which case stop as soon as we hold its handle (see `spawn`). Once stopping,
    a further signal is ignored: every wait in the clean-up has an end, and cutting it short
    would leave a worker, a program or a temporary file behind."""
    global _interrupted, _stopping
    if _stopping:
        return
    if _held:
        _interrupted = True
        return
    _stopping = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within: Ctrl-C and SIGTERM stop the command through its clean-up (see
    `on_stop_signal`). Left because of one, the handler stays, ignoring any other until exit."""
    global _stopping, _interrupted
    _stopping = _interrupted = False
    previous = {
        signum: signal.signal(signum, on_stop_signal) for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        if not _stopping:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def spawn(command: Sequence[str], **options: Any) -> subprocess.Popen[bytes]:
    """Start `command`, holding back an interrupt until we have its handle: an interrupt in
    the middle of starting it could otherwise leave a program running that nobody knows of,
    and that goes on writing a file after everything was cleaned up."""
    global _held, _interrupted, _stopping
    _held += 1
    try:
        process = subprocess.Popen(list(command), **options)
    except BaseException:
        _held -= 1
        raise
    _held -= 1
    if _interrupted and not _held:
        _interrupted = False
        _stopping = True
        process.kill()
        process.wait()
        raise KeyboardInterrupt
    return process


def run(command: Sequence[str], what: str, *, stderr: bool = False) -> str:
    """Run `command` (an argument list) and return its stdout (or its stderr, where the
    program reports there); a failure names it with the end of its stderr."""
    try:
        process = spawn(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
    except OSError as exc:
        raise ExportError(f"{what} failed to start: {exc}") from exc
    with process:
        try:
            out, err = process.communicate()
        except BaseException:
            process.kill()
            process.wait()
            raise
    done = subprocess.CompletedProcess(
        process.args, process.returncode, out.decode(errors="replace"), err.decode(errors="replace")
    )
    if done.returncode != 0:
        raise ExportError(f"{what} failed (exit {done.returncode}): {last_lines(done.stderr)}")
    return done.stderr if stderr else done.stdout


def last_lines(stderr: str, count: int = 3) -> str:
    """The tail of a program's stderr, on one line."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "no error output"
