"""Piper on all the cores: one worker with every onnxruntime thread, or a worker a core?

Loads the voice in each worker first, then times only the synthesis of the bundled sample's
utterances: one process with `cores` threads, against `cores` processes of one thread each
taking every `cores`-th utterance. Repeat the pair a few times; the machine is shared.

    .venv/bin/python scripts/piper_threads.py [REPEATS]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "article2podcast" / "data" / "john-legend.txt"
sys.path.insert(0, str(ROOT / "src"))


def _work(threads: int, part: int, parts: int, start: Any, done: Any) -> None:
    from article2podcast.model import VoiceSettings
    from article2podcast.narration.engines import create_engine
    from article2podcast.planning import make_plan
    from article2podcast.scripting.speakable import has_words
    from article2podcast.settings import DEFAULT_RATE, Settings

    plan = make_plan(str(SAMPLE), Settings(engine="piper"))
    engine = create_engine("piper", None, threads=threads)
    roles = engine.role_voices()
    mine = [u for u in plan.utterances if has_words(u.text)][part::parts]
    engine.synthesize_timed("Warm up.", VoiceSettings(rate=DEFAULT_RATE))
    start.wait()
    began = time.perf_counter()
    for utterance in mine:
        voice = VoiceSettings(voice=roles[utterance.role], rate=DEFAULT_RATE)
        engine.synthesize_timed(utterance.text, voice)
    done.put(time.perf_counter() - began)


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    cores = os.cpu_count() or 1
    context = multiprocessing.get_context("spawn")
    shapes = [(f"1 worker x {cores} threads", cores, 1), (f"{cores} workers x 1 thread", 1, cores)]
    for label, threads, parts in shapes * repeats:
        start, done = context.Barrier(parts + 1), context.Queue()
        workers = [
            context.Process(target=_work, args=(threads, i, parts, start, done))
            for i in range(parts)
        ]
        for worker in workers:
            worker.start()
        start.wait()
        began = time.perf_counter()
        for _ in workers:
            done.get()
        print(f"{label}: {time.perf_counter() - began:.2f} s", flush=True)
        for worker in workers:
            worker.join()


if __name__ == "__main__":
    main()
