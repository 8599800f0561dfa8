"""Progress of a run, as typed events for whoever watches (a progress bar, a web page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

STAGES = ("reading", "narrating", "mastering", "writing", "done")
"""The stages of a run, in the order their events arrive."""


@dataclass(frozen=True)
class Progress:
    """How far a run has come: `done` of `total` steps of `stage`."""

    stage: str
    """One of STAGES."""
    done: int
    """Steps finished in this stage (never more than `total`)."""
    total: int
    """Steps this stage takes (segments, when narrating; else 1)."""


OnProgress = Callable[[Progress], None]
"""What is told of each event."""


def ignore(event: Progress) -> None:
    """The watcher of a run no one watches."""
