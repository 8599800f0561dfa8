"""Many articles at once against one command per article, measured in the same run.

`scripts/bench --batch [--engine pyttsx3|piper|both] [--runs N]`: the six sample articles
(tests/data/*.txt) produced three ways, each with fresh clip caches, so each narrates the same
work from cold:
- loop: `python -m article2podcast ARTICLE --output-dir DIR --cache-dir FRESH`, one after
  another, each with the default --jobs (all cores);
- add: `article2podcast add ARTICLES --to LIB --workers 2 --cache-dir FRESH`;
- dask: the same `add` with `--dask` on a local cluster started for the run (`dask scheduler`
  and two `dask worker --nthreads 1`, their clip cache a fresh folder); its start-up is shown
  apart and not counted in the wall time.
Memory: the resident set (VmRSS) of every process of the run's process trees, read from /proc
every 0.2 s; the largest of each role is shown (main: the command, or the Dask client; worker:
a batch worker process, or a Dask worker; engine: an engine process; ffmpeg). For the batch,
the main process's resident set when the second and the last episode landed shows whether it
grows with the number of articles. Each wall time is the median of --runs runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ("ars-1", "bbc-1", "guardian-1", "nytimes-1", "tmz-1", "john-legend")
DASK = str(Path(sys.executable).parent / "dask")
CORES = os.cpu_count() or 1
WORKERS = 2
TICK_S = 0.2
ENV = os.environ | {
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
}
PROGRAM = [sys.executable, "-m", "article2podcast"]


@dataclass
class Sample:
    """The peak resident set of each role of the processes watched, in MB."""

    peaks: dict[str, float] = field(default_factory=dict)
    main_at: dict[int, float] = field(default_factory=dict)
    """The main process's resident set when N episodes had landed (batch runs)."""
    landed: dict[int, float] = field(default_factory=dict)
    """When the Nth episode landed, in seconds from the start."""


class Watcher:
    """Reads VmRSS of the process trees under `roots` every TICK_S seconds, in a thread.

    `roles` maps a root's pid to the role names of its tree by depth (0: the root itself);
    deeper processes take the last name; ffmpeg and ffprobe are `ffmpeg` at any depth."""

    def __init__(self, count_episodes: Callable[[], int] | None = None) -> None:
        self.roots: dict[int, list[str]] = {}
        self.sample = Sample()
        self.count_episodes = count_episodes
        self._stop = threading.Event()
        self._start = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, pid: int, roles: list[str]) -> None:
        self.roots[pid] = roles

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(TICK_S):
            self.tick()

    def tick(self) -> None:
        parents = _parents()
        if self.count_episodes is not None:
            landed = self.count_episodes()
            self.sample.landed.setdefault(landed, time.perf_counter() - self._start)
        for pid, (depth, root) in _descendants(parents, set(self.roots)).items():
            rss, name = _status(pid)
            if rss is None or "resource_tracker" in _cmdline(pid):
                continue
            roles = self.roots[root]
            role = "ffmpeg" if name in ("ffmpeg", "ffprobe") else roles[min(depth, len(roles) - 1)]
            peaks = self.sample.peaks
            peaks[role] = max(peaks.get(role, 0.0), rss)
            if depth == 0 and role == "main" and self.count_episodes is not None:
                self.sample.main_at[landed] = max(self.sample.main_at.get(landed, 0.0), rss)


def _parents() -> dict[int, int]:
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    return parents


def _descendants(parents: dict[int, int], roots: set[int]) -> dict[int, tuple[int, int]]:
    """Each process under `roots` (the roots too): its depth and its root."""
    found = {root: (0, root) for root in roots if root in parents}
    frontier = list(found)
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while frontier:
        pid = frontier.pop()
        depth, root = found[pid]
        for child in children.get(pid, []):
            if child not in found:
                found[child] = (depth + 1, root)
                frontier.append(child)
    return found


def _status(pid: int) -> tuple[float | None, str]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None, ""
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    rss = fields.get("VmRSS")
    return (int(rss.split()[0]) / 1024 if rss else None), fields.get("Name", "").strip()


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
        )
    except OSError:
        return ""


@dataclass(frozen=True)
class Result:
    seconds: float
    audio_s: float
    sample: Sample
    start_s: float = 0.0
    """How long the Dask cluster took to start (not in `seconds`)."""


def run(command: list[str], watcher: Watcher, roles: list[str], env: dict[str, str]) -> None:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    watcher.watch(process.pid, roles)
    _, stderr = process.communicate()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}): {stderr.decode()[-2000:]}")


def audio_seconds(folder: Path) -> tuple[float, int]:
    manifests = [p for p in folder.glob("*.json") if not p.name.endswith(".chapters.json")]
    durations = []
    for path in manifests:
        try:  # the library's folder has other JSON files than manifests
            durations.append(json.loads(path.read_text())["duration_ms"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sum(durations) / 1000, len(durations)


def loop(articles: Path, work: Path, engine: list[str]) -> Result:
    out = work / "loop"
    start = time.perf_counter()
    with Watcher() as watcher:
        for article in sorted(articles.iterdir()):
            cache = Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
            command = [*PROGRAM, str(article), "--output-dir", str(out), "--cache-dir", str(cache)]
            run([*command, "-q", *engine], watcher, ["main", "engine"], ENV)
            watcher.sample.landed[len(watcher.sample.landed) + 1] = time.perf_counter() - start
    seconds = time.perf_counter() - start
    return Result(seconds, _checked(out), watcher.sample)


def batch(articles: Path, work: Path, engine: list[str]) -> Result:
    library, cache = work / "add", Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
    command = [*PROGRAM, "add", str(articles), "--to", str(library), "--cache-dir", str(cache)]
    start = time.perf_counter()
    with Watcher(lambda: audio_seconds(library)[1]) as watcher:
        run([*command, "--workers", str(WORKERS), "-q", *engine], watcher, _BATCH_ROLES, ENV)
    seconds = time.perf_counter() - start
    return Result(seconds, _checked(library), watcher.sample)


_BATCH_ROLES = ["main", "worker", "engine"]


def on_dask(articles: Path, work: Path, engine: list[str]) -> Result:
    library = work / "dask"
    cache = Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
    started = time.perf_counter()
    with Cluster(work, cache) as cluster:
        start_s = time.perf_counter() - started
        command = [*PROGRAM, "add", str(articles), "--to", str(library), "--cache-dir", str(cache)]
        start = time.perf_counter()
        with Watcher(lambda: audio_seconds(library)[1]) as watcher:
            for pid in cluster.workers:  # the nanny, its worker process, the engines
                watcher.watch(pid, ["nanny", "worker", "engine"])
            run([*command, "--dask", cluster.address, "-q", *engine], watcher, ["main"], ENV)
        seconds = time.perf_counter() - start
    return Result(seconds, _checked(library), watcher.sample, start_s)


class Cluster:
    """A local Dask scheduler and WORKERS workers of one thread, their clip cache `cache`."""

    def __init__(self, work: Path, cache: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(dir=work, prefix="dask-"))
        self.cache = cache
        self.processes: list[subprocess.Popen[bytes]] = []
        self.workers: list[int] = []
        self.address = ""

    def __enter__(self) -> Cluster:
        file = self.folder / "scheduler.json"
        self._start(
            [
                DASK,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(file),
            ],
            ENV,
        )
        env = ENV | {
            "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
            "ARTICLE2PODCAST_CACHE_DIR": str(self.cache),
        }
        for n in range(WORKERS):
            local = self.folder / f"worker-{n}"
            self.workers.append(
                self._start(
                    [
                        DASK,
                        "worker",
                        "--scheduler-file",
                        str(file),
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--local-directory",
                        str(local),
                    ],
                    env,
                )
            )
        from distributed import Client

        with Client(scheduler_file=str(file), timeout=60) as client:
            client.wait_for_workers(WORKERS, timeout=60)
            self.address = client.scheduler.address
        return self

    def _start(self, command: list[str], env: dict[str, str]) -> int:
        log = (self.folder / f"{len(self.processes)}.log").open("wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.processes.append(process)
        return process.pid

    def __exit__(self, *exc: object) -> None:
        for process in reversed(self.processes):  # the workers first, then the scheduler
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _checked(folder: Path) -> float:
    seconds, count = audio_seconds(folder)
    if count != len(ARTICLES):
        sys.exit(f"{folder}: {count} episodes, expected {len(ARTICLES)}")
    return seconds


VARIANTS: dict[str, Callable[[Path, Path, list[str]], Result]] = {
    "loop of single commands": loop,
    f"add --workers {WORKERS}": batch,
    f"add --dask (local cluster, {WORKERS} workers)": on_dask,
}


def measure(engine: str, runs: int) -> dict[str, Result]:
    flags = [] if engine == "pyttsx3" else ["--engine", engine]
    results: dict[str, list[Result]] = {name: [] for name in VARIANTS}
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="a2p-bench-batch-") as tmp:
            work = Path(tmp)
            articles = work / "articles"
            articles.mkdir()
            for name in ARTICLES:
                shutil.copy(ROOT / "tests" / "data" / f"{name}.txt", articles)
            for name, variant in VARIANTS.items():
                results[name].append(variant(articles, work, flags))
                print(f"  {engine}: {name}: {results[name][-1].seconds:.1f} s", file=sys.stderr)
    return {name: _median(rows) for name, rows in results.items()}


def _median(rows: list[Result]) -> Result:
    middle = sorted(rows, key=lambda row: row.seconds)[len(rows) // 2]
    peaks: dict[str, float] = {}
    for row in rows:
        for role, mb in row.sample.peaks.items():
            peaks[role] = max(peaks.get(role, 0.0), mb)
    sample = Sample(peaks, middle.sample.main_at, middle.sample.landed)
    start_s = statistics.median(row.start_s for row in rows)
    return Result(middle.seconds, middle.audio_s, sample, start_s)


ENGINE_NAMES = {"pyttsx3": "espeak-ng", "piper": "Piper"}


def table(by_engine: dict[str, dict[str, Result]]) -> None:
    print(
        "| engine | how | wall | audio | audio min / wall min | vs loop | peak memory: main "
        "| per worker | per engine | ffmpeg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for engine, results in by_engine.items():
        base = results["loop of single commands"].seconds
        for name, row in results.items():
            peaks = row.sample.peaks
            print(
                f"| {ENGINE_NAMES[engine]} | {name} | {row.seconds:.1f} s "
                f"| {row.audio_s / 60:.1f} min | {row.audio_s / row.seconds:.1f} "
                f"| {row.seconds / base:.2f}x | {_mb(peaks.get('main'))} "
                f"| {_mb(peaks.get('worker'))} | {_mb(peaks.get('engine'))} "
                f"| {_mb(peaks.get('ffmpeg'))} |"
            )
    print()
    for engine, results in by_engine.items():
        for name, row in results.items():
            if row.start_s:
                print(
                    f"- {ENGINE_NAMES[engine]}, {name}: the cluster took {row.start_s:.1f} s "
                    "to start (not counted above)"
                )
            landed = ", ".join(f"{s:.1f}" for n, s in sorted(row.sample.landed.items()) if n)
            print(f"- {ENGINE_NAMES[engine]}, {name}: episodes landed at {landed} s")
            seen = row.sample.main_at
            if seen:
                shown = sorted({n for n in seen if n in (0, 2)} | {max(seen)})
                print(
                    f"- {ENGINE_NAMES[engine]}, {name}: main process's peak RSS while "
                    + ", ".join(f"{n} episodes had landed: {seen[n]:.0f} MB" for n in shown)
                )


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} MB"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="scripts/bench --batch", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per figure (median is kept)")
    parser.add_argument("--engine", choices=("pyttsx3", "piper", "both"), default="both")
    args = parser.parse_args(argv)
    engines = ["pyttsx3", "piper"] if args.engine == "both" else [args.engine]
    words = sum(len((ROOT / "tests" / "data" / f"{n}.txt").read_text().split()) for n in ARTICLES)
    print(
        f"{len(ARTICLES)} articles, {words} words, {CORES} cores, cold clip caches, "
        f"median of {args.runs} run(s); command: scripts/bench --batch "
        f"--engine {args.engine} --runs {args.runs}\n"
    )
    table({engine: measure(engine, args.runs) for engine in engines})


if __name__ == "__main__":
    main(sys.argv[1:])
