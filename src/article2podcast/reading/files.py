"""Reading the files a user names, with errors that say what to do."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError


def read_user_file(path: Path, expected: str, option: str = "") -> bytes:
    """The bytes of `path`; `expected` says what it should be ("an article file"), `option`
    which command-line option named it, if one did."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        where = f"the {option} path" if option else "the path"
        raise InputError(f"{path}: no such file; check {where}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a directory; give {expected}") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied; make the file readable") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from exc
