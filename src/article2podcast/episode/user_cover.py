"""The user's own cover (`--cover`): checked, without trusting the file, before it is read.

A cover must be a regular file of at most 20 MB, a PNG or a JPEG that Pillow opens, square,
1400 to 3000 px; it is converted to RGB when it has transparency or a palette. Whatever Pillow
raises on a damaged or hostile file is a one-line `InputError`.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import warnings
from pathlib import Path

from ..errors import InputError
from .cover import MAX_SIDE, MIN_SIDE, SQUARE_TOLERANCE, Cover

ACCEPTED = {"PNG": "image/png", "JPEG": "image/jpeg"}
MAX_COVER_BYTES = 20 * 1024 * 1024
"""The largest cover file read: a 3000 px photo is a few MB as a JPEG, and every copy of the
episode carries its cover."""


def read_cover(path: Path) -> Cover:
    """The user's own cover at `path`, checked and made ready to embed.

    It must be a PNG or JPEG of 1400 to 3000 px, square to within 1% (a cover that is not
    square is refused, not cropped: what to cut is the user's call). A JPEG in RGB or
    greyscale is kept byte for byte, as is an RGB PNG; other modes are converted to RGB, in the
    same format, and transparency is flattened onto white.
    """
    data = _read_cover_file(path)

    from PIL import Image, UnidentifiedImageError

    try:
        return _prepared(path, data)
    except UnidentifiedImageError as exc:
        raise InputError(f"{path} is not a PNG or JPEG image; give a PNG or JPEG cover") from exc
    except Image.DecompressionBombError as exc:
        raise InputError(
            f"{path} is far larger than {MAX_SIDE}x{MAX_SIDE} px; give a smaller image"
        ) from exc
    # Pillow's ways of saying "broken": a chunk that inflates past Pillow's limits (a text
    # chunk, a colour profile) is a ValueError, data cut short an OSError or EOFError, a
    # malformed chunk a SyntaxError or a struct.error.
    except (OSError, EOFError, SyntaxError, ValueError, struct.error, IndexError) as exc:
        raise InputError(f"{path} is damaged or cut short; save the image again") from exc


def _prepared(path: Path, data: bytes) -> Cover:
    """The cover in `data`, checked before it is decoded, then decoded and made RGB."""
    from PIL import Image

    with warnings.catch_warnings():  # a huge image is refused by its size below
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
    mime = _checked_mime(path, image.format, *image.size)
    image.load()
    if image.mode == "RGB" or (image.format == "JPEG" and image.mode == "L"):
        return Cover(data, mime)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        rgb = Image.alpha_composite(flat, rgba).convert("RGB")
    else:
        rgb = image.convert("RGB")
    out = io.BytesIO()
    rgb.save(out, format=image.format, **({"quality": 95} if image.format == "JPEG" else {}))
    return Cover(out.getvalue(), mime)


def _read_cover_file(path: Path) -> bytes:
    """The bytes of the file `path`, refused unless a regular file of at most MAX_COVER_BYTES:
    a FIFO would block the run for ever, and a device (/dev/zero) never ends."""
    try:
        # Opened without waiting, so that a FIFO is found out by fstat instead of blocking.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file; check the --cover path") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied; make the file readable") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror}); check the file") from exc
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise InputError(f"{path} is {what}; give a PNG or JPEG file as --cover")
    with os.fdopen(fd, "rb") as file:
        try:
            data = file.read(MAX_COVER_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read it ({exc.strerror}); check the file") from exc
    if len(data) > MAX_COVER_BYTES:
        raise InputError(
            f"{path} is larger than {MAX_COVER_BYTES // (1024 * 1024)} MB; "
            "save the cover as a JPEG (or a smaller PNG)"
        )
    return data


def _checked_mime(path: Path, image_format: str | None, w: int, h: int) -> str:
    """The MIME type of an image of `image_format`, `w` x `h` px, if podcast apps take it."""
    if image_format is None or image_format not in ACCEPTED:
        raise InputError(
            f"{path} is a {image_format} image; podcast apps take PNG or JPEG: convert it"
        )
    if min(w, h) < MIN_SIDE:
        raise InputError(
            f"{path} is {w}x{h}; podcast apps need at least {MIN_SIDE}x{MIN_SIDE} px: "
            "give a larger image"
        )
    if abs(w - h) > SQUARE_TOLERANCE * max(w, h):
        raise InputError(
            f"{path} is {w}x{h}; podcast apps need a square cover: crop it to a square"
        )
    if max(w, h) > MAX_SIDE:
        raise InputError(
            f"{path} is {w}x{h}; podcast apps take at most {MAX_SIDE}x{MAX_SIDE} px: "
            "give a smaller image"
        )
    return ACCEPTED[image_format]
