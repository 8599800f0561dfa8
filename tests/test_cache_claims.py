"""Two runs claiming a new clip cache at once: another run's tag, caught half-written or
renamed away between the listing and the look, is not a stranger's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from article2podcast.narration import clipfiles
from article2podcast.narration.clipcache import ClipCache
from article2podcast.narration.clipfiles import TAG, is_ours


def test_a_temporary_tag_renamed_away_while_looked_at_is_no_stranger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    other = folder / ".a2p-tag-0123456789abcdef.tmp"
    other.write_bytes(TAG)
    real = clipfiles.read_regular

    def renamed_meanwhile(path: Path, limit: int) -> bytes | None:
        if path.name == other.name:  # the other run renames it into place just now
            path.replace(folder / "CACHEDIR.TAG")
            raise FileNotFoundError(path)
        return real(path, limit)

    monkeypatch.setattr(clipfiles, "read_regular", renamed_meanwhile)
    ClipCache(folder).prepare()  # before the fix: "not an article2podcast cache"
    assert is_ours(folder / "CACHEDIR.TAG")


@pytest.mark.parametrize("written", [1, 8, 20])
def test_a_temporary_tag_caught_half_written_is_ours(tmp_path: Path, written: int) -> None:
    path = tmp_path / ".a2p-tag-0123456789abcdef.tmp"
    path.write_bytes(TAG[:written])
    assert is_ours(path)


def test_a_temporary_name_with_anything_else_in_it_is_not_ours(tmp_path: Path) -> None:
    path = tmp_path / ".a2p-tag-0123456789abcdef.tmp"
    path.write_bytes(b"Signature: something else entirely")
    assert not is_ours(path)
    path.write_bytes(b"S")  # a prefix of the signature: could be ours being written
    assert is_ours(path)
