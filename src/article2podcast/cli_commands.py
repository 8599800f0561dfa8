"""The command line's subcommands check, cache, feed and serve (what every command shares is in
`cli_common`)."""

from __future__ import annotations

import argparse
import datetime
import decimal
import re
import socket
from collections.abc import Callable
from pathlib import Path

from .api import plan
from .cli_common import EXIT_FAILURE, EXIT_OK, PROG, Parser, article, say
from .narration.clipcache import DEFAULT_MAX_BYTES, ClipCache, default_cache_dir
from .narration.engines import DEFAULT_ENGINE, ENGINE_NAMES
from .narration.narrator import EngineFailure, EngineProcess, resolve_voices
from .publishing.library import write_feed
from .scripting.checking import check, render
from .settings import Settings

MAX_PORT = 65535


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


def build_check_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    parser.add_argument("--engine", choices=ENGINE_NAMES, default=DEFAULT_ENGINE)
    parser.add_argument(
        "--verify",
        action="store_true",
        help="narrate it (from the cache where it can), listen back, and list the sentences "
        "heard worst (the [verify] extra)",
    )
    parser.add_argument(
        "--keep-references",
        action="store_true",
        help="keep citation marks, edit links and reference sections (they are skipped)",
    )
    parser.add_argument(
        "--language", metavar="CODE", help="the article's language, as for the episode"
    )
    return parser


def build_cache_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    parser = Parser(
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
    parser.add_argument(
        "--language",
        help="the show's language code (default: the one its episodes share, else the most "
        "common)",
    )
    return parser


def build_serve_parser() -> argparse.ArgumentParser:
    from .cli_options import add_batch_arguments  # (it imports this module)

    parser = Parser(
        prog=f"{PROG} serve",
        description=(
            "Serve a library folder as a private web app: add articles from any device (a URL "
            "or a file), watch them being produced, and listen in your podcast app to the feed "
            "it serves (with byte ranges so players can seek). Ctrl-C stops it."
        ),
    )
    parser.add_argument("folder", metavar="DIR", help="the library folder (made if missing)")
    parser.add_argument(
        "--port", type=_port, default=8000, help="the port (default 8000; 0: any free port)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 shares "
        "it on your network, with a key)",
    )
    parser.add_argument(
        "--key",
        type=_key,
        help="the key every request needs (kept in the library; default: one is made and kept "
        "when --host is not this machine only)",
    )
    add_batch_arguments(parser)
    return parser


def _key(value: str) -> str:
    from .webapp.security import KEY_FORM

    if not KEY_FORM.fullmatch(value):
        raise argparse.ArgumentTypeError(
            "--key must be 16 to 200 letters, digits, '-', '_', '.' or '~' (make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
        )
    return value


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
"""Each subcommand's parser."""


def _run_check(args: argparse.Namespace) -> int:
    settings = Settings(
        engine=args.engine,
        voice=args.voice,
        lexicon=Path(args.lexicon) if args.lexicon else None,
        keep_references=args.keep_references,
        language=args.language,
    )
    if args.verify:
        from .hearing import worst_heard

        print(worst_heard(plan(article(args), settings), settings))
        return EXIT_OK
    the_plan = plan(article(args), settings)
    report = check(the_plan)
    with EngineProcess(settings.engine) as engine:
        voices = resolve_voices(engine, settings.requested_voices(), the_plan.script.language)
        voice = voices["narrator"]
        try:
            said = engine.pronunciations(list(report.names), voice)
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
    from .batch.runner import BASE_URL, KEY, make_library_folder
    from .batch.store import Library
    from .cli_options import production
    from .publishing.serving import bind, make_server, port_of, run_until_stopped
    from .webapp.app import Config, make_app
    from .webapp.security import is_loopback, new_key

    folder = Path(args.folder)
    settings, workers = production(args)
    listening = bind(args.host, args.port)
    try:
        host = _reachable_address() if args.host in ("0.0.0.0", "", "::") else args.host
        host = f"[{host}]" if ":" in host else host
        base = f"http://{host}:{port_of(listening)}/"
        make_library_folder(folder, "DIR")
        with Library.open(folder) as library:
            key = args.key or library.fact(KEY)
            if key is None and not is_loopback(args.host):
                key = new_key()  # shared beyond this machine: never without a key
            if key is not None:
                library.set_fact(KEY, key)
            write_feed(folder, base, empty_ok=True, key=key)
            library.set_fact(BASE_URL, base)
        config = Config(folder, base, key, settings, workers=workers, dask=args.dask)
        server = make_server(make_app(config))
        query = f"?key={key}" if key else ""
        print(f"serving {folder} at {base}{query}", flush=True)
        print(f"paste this feed address into your podcast app: {base}feed.xml{query}", flush=True)
        if run_until_stopped(server, listening):
            say(f"{PROG}: stopped serving {folder}")
            return EXIT_OK
    except KeyboardInterrupt:  # before the server took over the signals
        say(f"{PROG}: stopped serving {folder}")
        return EXIT_OK
    finally:
        listening.close()
    if not server.started:  # the producer could not start (uvicorn has said why)
        say(f"{PROG}: could not start serving {folder}")
        return EXIT_FAILURE
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


RUNNERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": _run_check,
    "cache": _run_cache,
    "feed": _run_feed,
    "serve": _run_serve,
}
"""Each subcommand's runner."""
