"""Bytes to text: recognise binary files and pick the text encoding."""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Magic numbers of binary files people drop on text tools by mistake.
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK\x03\x04", b"%PDF", b"\x1f\x8b", b"ID3")
# Control characters other than tab, newline and carriage return (and form feed).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# In Western text read as Windows-1252, non-ASCII letters are a small minority; text in
# another single-byte encoding (Cyrillic cp1251, Greek...) read as cp1252 is mostly them.
_MAX_NON_ASCII_LETTER_SHARE = 0.5
# Terminal colour codes (ESC [ ... m) in text copied from a terminal: markup, not binary.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def decode(data: bytes, name: str, declared: str | None = None) -> str:
    """Return the text of `data`, normalised to NFC with '\\n' line ends.

    UTF-8 (with or without a byte-order mark) and UTF-16/32 with a BOM are read as such;
    otherwise the `declared` encoding (a web page's charset), when the bytes are valid in it;
    otherwise UTF-8, or Windows-1252, the usual legacy encoding of English text, when it
    fits; otherwise the encoding charset-normalizer detects.
    """
    if not data.strip():
        raise InputError(f"{name} is empty; give an article with some text in it")
    text = _decode_bytes(data, name, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _ANSI_ESCAPE.sub("", text)
    if len(_CONTROL.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise InputError(f"{name} looks like a binary file, not text; give a .txt or .md article")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text)


def _decode_bytes(data: bytes, name: str, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name} starts with a {encoding} byte-order mark but is not valid "
                    f"{encoding}; re-save it as UTF-8"
                ) from exc
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:65536]:
        raise InputError(f"{name} looks like a binary file, not text; give a .txt or .md article")
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # mislabelled (a Latin-1 page that says UTF-8): read as if unlabelled
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        letters = [c for c in text if c.isalpha()]
        non_ascii = sum(1 for c in letters if not c.isascii())
        if letters and non_ascii / len(letters) <= _MAX_NON_ASCII_LETTER_SHARE:
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(
            f"{name} is not UTF-8 and its encoding could not be recognised; "
            "re-save it as UTF-8 (e.g. iconv -f ENCODING -t UTF-8)"
        )
    return str(best)
