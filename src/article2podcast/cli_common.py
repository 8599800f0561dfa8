"""What every command of the command line shares: its name, its exit codes, the parser that
fails in one line, one safe line on stderr, and the article it was given.

Apart from the subcommands (`cli_commands`, `cli_library`) so that the episode command loads
none of what they import (the feed, the library, the web app)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from .errors import InputError

PROG = "article2podcast"
EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_MISSING_DEPENDENCY = 0, 1, 2, 3


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, not argparse's usage block.
        self.exit(EXIT_USAGE, one_line(f"{PROG}: {message} (see {PROG} --help)") + "\n")


def say(line: str) -> None:
    print(one_line(line), file=sys.stderr)


def one_line(text: str) -> str:
    """`text` as one safe line: every control or invisible character (a newline, the ESC that
    starts a terminal command, a bidi override, an undecodable byte of a file name) is shown
    as its escape, as repr shows it, so that a name can neither split a message nor drive the
    terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def article(args: argparse.Namespace) -> str:
    if args.sample:
        if args.input is not None:
            raise InputError("give either an article or --sample, not both")
        from importlib.resources import files

        return str(files("article2podcast") / "data" / "john-legend.txt")
    if args.input is None:
        raise InputError("no article given; name a .txt or .md file, '-' for stdin, or --sample")
    return str(args.input)
