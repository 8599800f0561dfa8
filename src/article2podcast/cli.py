"""The command line: `article2podcast INPUT [-o OUTPUT] [options]`.

The only place that turns our exceptions into one line on stderr and an exit code:
0 done, 1 anything else, 2 bad usage or unusable input, 3 a missing system dependency.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from . import __version__
from .audio.formats import FORMATS
from .cli_common import EXIT_FAILURE, EXIT_OK, PROG, Parser, article, one_line, say
from .cli_options import add_production_arguments, settings_from
from .environment import environment
from .errors import Article2PodcastError
from .programs import stop_on_signals
from .settings import Settings

if TYPE_CHECKING:
    from .api import Episode, Plan
    from .progress import Progress

__all__ = ["PROG", "build_parser", "main", "one_line", "settings_from"]

# The episode command imports only what making an episode needs (tests/test_startup.py): a
# subcommand's module, and what it imports (the feed, the library, the web app, Dask), is
# imported when that subcommand is run.
SUBCOMMANDS = {
    **dict.fromkeys(("check", "cache", "feed", "serve"), "cli_commands"),
    **dict.fromkeys(("add", "status", "retry", "remove"), "cli_library"),
}
"""The module of each subcommand (its SUBCOMMANDS has its parser, its RUNNERS its runner)."""

EXIT_INTERRUPTED = 130
INTERRUPTED = {
    "": "no episode was written",
    "check": "nothing was written",
    "cache": "the clips not yet removed are kept",
    "feed": "the feed was not changed",
    "serve": "the feed was not changed",
    "add": "the episodes finished so far are in the library; add again to go on",
    "status": "nothing was changed",
    "retry": "the episodes finished so far are in the library; add again to go on",
    "remove": "nothing more was removed",
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
            f"feed for a folder; '{PROG} serve DIR' serves it; '{PROG} add SOURCE... --to DIR' "
            "makes many articles (files, reading lists, feeds) into a library that keeps its "
            "feed current. Exit codes: 0 done, 1 failure, "
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
    add_production_arguments(parser, defaults)
    parser.add_argument(
        "--plan", action="store_true", help="print the manifest of what would be read; no audio"
    )
    parser.add_argument("--voices", action="store_true", help="list the engine's voices and exit")
    parser.add_argument("--sample", action="store_true", help="narrate the bundled sample article")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


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
        parser, runner = _subcommand(command)
        return runner(parser().parse_args(argv[1:]))
    return _run(build_parser().parse_args(argv))


def _subcommand(
    name: str,
) -> tuple[Callable[[], argparse.ArgumentParser], Callable[[argparse.Namespace], int]]:
    """The parser and runner of the subcommand `name`."""
    module = importlib.import_module(f".{SUBCOMMANDS[name]}", __package__)
    return module.SUBCOMMANDS[name], module.RUNNERS[name]


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


def _run(args: argparse.Namespace) -> int:
    from .api import plan
    from .narration.prestart import prestarted

    settings = settings_from(args)
    if args.voices:
        from .narration.voices import list_voices

        for voice in list_voices(settings.engine, settings.engine_settings()):
            print(f"{voice.id}\t{voice.name}\t{','.join(voice.languages)}")
        return EXIT_OK
    if args.plan:
        return _plan(plan(article(args), settings), settings)
    # The engine's worker starts while the article is read and planned.
    with prestarted(settings.engine, settings.engine_settings(), settings.jobs):
        the_plan = plan(article(args), settings)
        _warn(the_plan)
        episode = _produce_with_progress(the_plan, args.output, settings, quiet=args.quiet)
    if not args.quiet:
        cached = episode.clips - episode.narrated
        redone = f", {episode.redone} redone after listening back" if settings.verify else ""
        parts = f"; {episode.encoded} of {episode.parts} parts encoded" if episode.parts else ""
        say(f"{episode.narrated} clips narrated, {cached} from the cache{redone}{parts}")
        print(_summary(episode))
    return EXIT_OK


def _plan(the_plan: Plan, settings: Settings) -> int:
    import json

    _warn(the_plan)
    json.dump(the_plan.manifest(settings), sys.stdout, indent=2, ensure_ascii=False)
    print()
    return EXIT_OK


def _warn(the_plan: Plan) -> None:
    for warning in the_plan.warnings:
        say(f"{PROG}: warning: {warning}")


def _produce_with_progress(
    the_plan: Plan, output: str | None, settings: Settings, *, quiet: bool
) -> Episode:
    from .api import produce

    if quiet or not sys.stderr.isatty():  # no bar: tqdm is not even imported (0.1 s)
        return produce(the_plan, settings, output=output)
    from tqdm import tqdm

    with tqdm(
        total=len(the_plan.segments),
        unit="segment",
        desc="narrating",
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
