"""The sample articles the tests read live in the repository, so a clone tests itself."""

from __future__ import annotations

from conftest import BUNDLED_SAMPLE, ROOT, SAMPLES

PAGES = ("ars-1", "bbc-1", "guardian-1", "nytimes-1", "tmz-1")


def test_the_samples_are_inside_the_repository() -> None:
    assert SAMPLES.resolve().is_relative_to(ROOT.resolve())
    for name in PAGES:
        assert (SAMPLES / f"{name}.html").stat().st_size > 10_000
        assert (SAMPLES / f"{name}.txt").read_text(encoding="utf-8").strip()


def test_the_reference_article_copy_is_the_bundled_one() -> None:
    """The scripts read every sample from one folder; the copy must not drift from the package's."""
    assert (SAMPLES / "john-legend.txt").read_bytes() == BUNDLED_SAMPLE.read_bytes()
