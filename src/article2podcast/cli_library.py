"""The library's subcommands: `add SOURCE... --to DIR`, `status DIR`, `retry DIR`,
`remove DIR ITEM`.

Exit codes: 0 every item done, 1 any item failed (each listed on stderr, one line per item),
2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .batch.runner import Event, Report, add, describe, produce_queued, publish, remove_episode
from .batch.store import MAX_ATTEMPTS, STATUSES, Library, Row
from .cli_common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, PROG, Parser, one_line, say
from .cli_options import add_batch_arguments, count, production
from .errors import InputError


def build_add_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=f"{PROG} add",
        description=(
            "Add articles to a library folder and produce every one that is new or changed, "
            "in parallel; the folder's feed.xml and index.html are rewritten as each episode "
            "lands. A SOURCE is an article file (.txt, .md, .html), a folder of them, a reading "
            "list (a file of http(s) addresses, one per line), an RSS or Atom feed (a file or "
            "an address), or an OPML file of feeds. Run it again to add what is new."
        ),
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="what to add")
    parser.add_argument(
        "--to", metavar="DIR", default=".", help="the library folder (default: this folder)"
    )
    parser.add_argument("--limit", metavar="N", type=count, help="at most N entries per feed")
    parser.add_argument(
        "--since", metavar="DATE", help="only feed entries published on or after DATE (2026-11-01)"
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="where the folder is served (remembered): the feed's links start with it",
    )
    add_batch_arguments(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return parser


def build_status_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=f"{PROG} status",
        description="List a library's items by status (queued, producing, done, failed).",
    )
    parser.add_argument("folder", metavar="DIR", help="the library folder")
    return parser


def build_retry_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=f"{PROG} retry",
        description=(
            "Queue a library's failed items again (their attempts counted afresh) and produce "
            "them, with the production options given here."
        ),
    )
    parser.add_argument("folder", metavar="DIR", help="the library folder")
    add_batch_arguments(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return parser


def build_remove_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=f"{PROG} remove",
        description=(
            "Remove an item and its episode's files from a library; a feed that lists it again "
            "does not bring it back."
        ),
    )
    parser.add_argument("folder", metavar="DIR", help="the library folder")
    parser.add_argument(
        "item", metavar="ITEM", help="the item: its number (status shows it), address or episode"
    )
    return parser


def _run_add(args: argparse.Namespace) -> int:
    from .batch.sources import parse_since

    settings, workers = production(args, check_dask=False)  # (add checks the cluster itself)
    since = parse_since(args.since) if args.since else None
    with _Watcher(quiet=args.quiet) as watcher:
        report = add(
            args.sources,
            Path(args.to),
            settings,
            limit=args.limit,
            since=since,
            workers=workers,
            dask=args.dask,
            base_url=args.base_url,
            on_event=watcher,
        )
    return _finish(report, quiet=args.quiet)


def _run_retry(args: argparse.Namespace) -> int:
    settings, workers = production(args)
    report = Report()
    with Library.open(Path(args.folder), create=False) as library, _Watcher(args.quiet) as watch:
        library.requeue_failed(everything=True)
        produce_queued(library, settings, report, workers=workers, dask=args.dask, on_event=watch)
    return _finish(report, quiet=args.quiet)


def _finish(report: Report, *, quiet: bool) -> int:
    for what, why in report.failed:
        say(f"{PROG}: failed: {what}" + (f": {why}" if why else ""))
    for row in report.given_up:
        say(
            f"{PROG}: gave up on {describe(row.item)} after {row.attempts} attempts: "
            f"{row.error}; '{PROG} retry' tries it again"
        )
    if not quiet:
        print(
            f"{report.new} new, {report.changed} changed, {len(report.produced)} produced, "
            f"{len(report.failed)} failed"
        )
        if report.produced and report.base_url is None:
            say(
                f"{PROG}: no feed.xml yet: give --base-url URL once (where the folder is served) "
                "and the library keeps its feed current"
            )
    return EXIT_OK if report.ok else EXIT_FAILURE


def _run_status(args: argparse.Namespace) -> int:
    with Library.open(Path(args.folder), create=False) as library:
        rows = library.rows()
    for status in STATUSES:
        group = [row for row in rows if row.status == status]
        print(f"{status}: {len(group)}")
        for row in group:
            print(_status_line(row))
    return EXIT_FAILURE if any(row.status == "failed" for row in rows) else EXIT_OK


def _status_line(row: Row) -> str:
    line = f"{row.id:>4}  {describe(row.item)}"
    if row.episode and row.status == "done":
        line += f"  ({row.episode})"
    if row.status == "failed":
        tried = f"attempt {row.attempts} of {MAX_ATTEMPTS}"
        line += f"  [{tried}{', given up' if row.given_up else ''}] {row.error}"
    return one_line(line)


def _run_remove(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    with Library.open(folder, create=False) as library:
        row = library.row(args.item)
        if row is None:
            raise InputError(
                f"{args.item!r} is no item of the library in {folder}; "
                f"'{PROG} status {folder}' lists them with their numbers"
            )
        removed = remove_episode(folder, row.episode) if row.episode else 0
        library.forget(row)
        publish(library)
    print(f"removed {describe(row.item)} ({removed} files)")
    return EXIT_OK


class _Watcher:
    """One overall bar on a terminal (done, failed, what is being made, time left); plain
    lines otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None  # a tqdm bar
        self.total = self.done = self.failed = 0
        self.current: dict[str, str] = {}
        self.started = time.monotonic()

    def __enter__(self) -> _Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        if event.kind == "queued":
            self.total = event.total
            if sys.stderr.isatty():
                from tqdm import tqdm

                self.bar = tqdm(total=event.total, unit="article", file=sys.stderr)
            else:
                say(f"producing {event.total} article{'' if event.total == 1 else 's'}")
            return
        assert event.item is not None
        if event.kind == "progress":
            return  # (the web app shows it; the bar counts articles)
        name = describe(event.item)
        if event.kind == "started":
            self.current[event.item.key] = name
        else:
            self.current.pop(event.item.key, None)
            self.done += event.kind == "done"
            self.failed += event.kind == "failed"
        if self.bar is not None:
            self._draw(event.kind != "started")
        elif event.kind == "done":
            say(f"[{self.done + self.failed}/{self.total}] done: {name} -> {event.episode}")
        elif event.kind == "failed":
            say(f"[{self.done + self.failed}/{self.total}] failed: {name}: {event.error}")

    def _draw(self, advanced: bool) -> None:
        if advanced:
            self.bar.update(1)
        now = ", ".join(list(self.current.values())[:2])[:60]
        self.bar.set_postfix_str(
            f"{self.done} done, {self.failed} failed" + (f"; now: {now}" if now else "")
        )


SUBCOMMANDS: dict[str, Callable[[], argparse.ArgumentParser]] = {
    "add": build_add_parser,
    "status": build_status_parser,
    "retry": build_retry_parser,
    "remove": build_remove_parser,
}
RUNNERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "add": _run_add,
    "status": _run_status,
    "retry": _run_retry,
    "remove": _run_remove,
}
EXIT_CODES = (EXIT_OK, EXIT_FAILURE, EXIT_USAGE)
