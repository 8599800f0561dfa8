"""The external programs we run (ffmpeg, ffprobe), found or reported missing with the fix."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence

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


def run(command: Sequence[str], what: str, *, stderr: bool = False) -> str:
    """Run `command` (an argument list) and return its stdout (or its stderr, where the
    program reports there); a failure names it with the end of its stderr."""
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL
        )
    except OSError as exc:
        raise ExportError(f"{what} failed to start: {exc}") from exc
    if done.returncode != 0:
        raise ExportError(f"{what} failed (exit {done.returncode}): {last_lines(done.stderr)}")
    return done.stderr if stderr else done.stdout


def last_lines(stderr: str, count: int = 3) -> str:
    """The tail of a program's stderr, on one line."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:]) or "no error output"
