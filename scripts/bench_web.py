"""The web app measured, in one run: the sample article from "add" to a playable episode
through the app, against the same article made by the command line (both with fresh caches),
and the app's response times while a batch is producing.

    /work/main/.venv/bin/python scripts/bench_web.py [--engine NAME] [--requests N]

The app runs in a process of its own on 127.0.0.1 (uvicorn on `webapp.app.make_app`), as
`serve` runs it; requests come from this process.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "article2podcast" / "data" / "john-legend.txt"
BATCH = sorted((ROOT / "tests" / "data").glob("*.txt"))
PATIENCE_S = 1800.0
SERVER = """
import sys
from pathlib import Path

import uvicorn

from article2podcast.settings import Settings
from article2podcast.webapp.app import Config, make_app

folder, cache, port, engine = sys.argv[1:5]
settings = Settings(cache_dir=Path(cache), **({"engine": engine} if engine else {}))
base = f"http://127.0.0.1:{port}/"
app = make_app(Config(folder=Path(folder), base_url=base, key=None, settings=settings))
uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning")
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def by_command_line(scratch: Path, engine: str | None) -> float:
    """Seconds the command line takes to make the sample, cold."""
    command = [sys.executable, "-m", "article2podcast", str(SAMPLE)]
    command += ["--output-dir", str(scratch / "cli-out"), "--cache-dir", str(scratch / "cli-cache")]
    command += ["--engine", engine] if engine else []
    started = time.perf_counter()
    subprocess.run(command, env=_env(), check=True, capture_output=True)
    return time.perf_counter() - started


@contextmanager
def app_server(scratch: Path, engine: str | None) -> Iterator[httpx.Client]:
    """The web app on a library of its own, with a fresh cache; a client for it."""
    port = _free_port()
    folder, cache = scratch / "library", scratch / "web-cache"
    command = [sys.executable, "-c", SERVER, str(folder), str(cache), str(port), engine or ""]
    log = (scratch / "server.log").open("wb")
    server = subprocess.Popen(command, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.get("/api/items").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the web app did not start")
            time.sleep(0.1)
        yield client
    finally:
        client.close()
        server.terminate()
        server.wait(60)
        log.close()


def _until_done(client: httpx.Client, item_id: int) -> dict[str, object]:
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        item: dict[str, object] = client.get(f"/api/items/{item_id}").json()
        if item["status"] in ("done", "failed"):
            return item
        time.sleep(0.05)
    raise SystemExit(f"item {item_id} was not done in {PATIENCE_S:.0f} s")


def _status(client: httpx.Client, url: str, headers: dict[str, str] | None = None) -> int:
    """The status of GET `url`, on a connection of its own (a route that is still a scaffold
    answers 500 and closes the connection)."""
    try:
        return httpx.get(f"{client.base_url}{url}", headers=headers, timeout=60).status_code
    except httpx.TransportError:
        return 0


def _range(client: httpx.Client, url: str) -> int:
    return _status(client, url, {"Range": "bytes=0-65535"})


def through_the_app(client: httpx.Client) -> tuple[float, float | None, str]:
    """Seconds from "add" to done, and to the first bytes of the audio (None: not served)."""
    started = time.perf_counter()
    added = client.post("/api/items", files={"file": (SAMPLE.name, SAMPLE.read_bytes())})
    added.raise_for_status()
    item = _until_done(client, int(added.json()["id"]))
    done = time.perf_counter() - started
    if item["status"] != "done":
        raise SystemExit(f"the sample failed in the app: {item['error']}")
    audio = str(item["audio_url"])
    playable = time.perf_counter() - started if _range(client, audio) == 206 else None
    return done, playable, audio


def _timed(client: httpx.Client, url: str, headers: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    status = client.get(url, headers=headers).status_code
    return time.perf_counter() - started, status


def under_load(
    client: httpx.Client, audio: str, requests: int
) -> tuple[str, list[float], list[float], int]:
    """Response times of the page and of a range request while the batch is producing."""
    page = "/" if _status(client, "/") == 200 else "/api/items"
    served = _range(client, audio) == 206
    ids = []
    for path in BATCH:
        added = client.post("/api/items", files={"file": (path.name, path.read_bytes())})
        added.raise_for_status()
        ids.append(int(added.json()["id"]))
    pages: list[float] = []
    ranges: list[float] = []
    busy = 0
    while len(pages) < requests:
        states = [item["status"] for item in client.get("/api/items").json()]
        if not any(status in ("queued", "producing") for status in states):
            break  # the batch is done: what follows would not be under load
        busy += 1
        seconds, status = _timed(client, page, {})
        if status == 200:
            pages.append(seconds)
        if served:
            seconds, status = _timed(client, audio, {"Range": "bytes=100000-165535"})
            if status == 206:
                ranges.append(seconds)
        time.sleep(0.2)
    for item_id in ids:
        _until_done(client, item_id)
    return page, pages, ranges, busy


def _ms(values: list[float]) -> str:
    if not values:
        return "n/a (not served yet)"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    median = statistics.median(ordered) * 1000
    return f"median {median:7.1f} ms, p90 {p90 * 1000:7.1f} ms (n={len(values)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", help="the engine (default: the default engine)")
    parser.add_argument("--requests", type=int, default=50, help="requests of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="a2p-bench-web-") as scratch_name:
        scratch = Path(scratch_name)
        cli = by_command_line(scratch, args.engine)
        with app_server(scratch, args.engine) as client:
            done, playable, audio = through_the_app(client)
            page, pages, ranges, busy = under_load(client, audio, args.requests)
    print(f"$ {' '.join(['python', *sys.argv])}")
    print(f"engine: {args.engine or 'default'}; {os.cpu_count()} cores; sample {SAMPLE.name}")
    print(f"{'what':<46} {'result'}")
    print(f"{'command line, cold (whole run)':<46} {cli:7.1f} s")
    print(f"{'web app, cold: add -> done':<46} {done:7.1f} s")
    shown = f"{playable:7.1f} s" if playable is not None else "n/a (audio not served yet)"
    print(f"{'web app, cold: add -> first audio bytes':<46} {shown}")
    print(f"{f'GET {page} while producing':<46} {_ms(pages)}")
    print(f"{'GET audio, Range 64 KiB, while producing':<46} {_ms(ranges)}")
    print(f"(rounds while the batch of {len(BATCH)} was producing: {busy})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
