"""`python -m article2podcast` and the `article2podcast` command."""

import sys

EXIT_INTERRUPTED = 130


def run() -> int:
    """The command: loading it takes a moment, in which Ctrl-C has nothing to clean up and
    must not end in a traceback; from then on the CLI answers it (see `cli.main`)."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        print("article2podcast: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
