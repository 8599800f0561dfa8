"""A batch worker's engines share the cores with the other workers instead of each taking all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from article2podcast.batch import pool
from article2podcast.batch.cluster import _shares
from article2podcast.narration import warm


@pytest.fixture(autouse=True)
def _all_cores_again() -> Iterator[None]:
    yield
    warm._cores = None


def test_a_process_alone_has_every_core() -> None:
    assert warm.cores() == (os.cpu_count() or 1)


def test_a_local_worker_takes_its_share_of_the_cores() -> None:
    pool._start_worker(os.getppid(), 2)  # our parent: the watch stays quiet
    assert warm.cores() == max(1, (os.cpu_count() or 1) // 2)


def test_a_share_is_never_below_one_core() -> None:
    warm.share_cores(0)
    assert warm.cores() == 1


class _Client:
    """What `_shares` asks of a Dask client: each worker's cores, host and threads."""

    def __init__(self, workers: dict[str, tuple[str, int, int]]) -> None:
        self.workers = workers

    def run(self, function: Any) -> dict[str, int]:
        assert function is os.cpu_count
        return {address: cores for address, (_, cores, _) in self.workers.items()}

    def scheduler_info(self) -> dict[str, Any]:
        return {
            "workers": {
                address: {"host": host, "nthreads": threads}
                for address, (host, _, threads) in self.workers.items()
            }
        }


def test_dask_workers_on_one_host_split_its_cores() -> None:
    client = _Client(
        {
            "tcp://a:1": ("a", 8, 1),
            "tcp://a:2": ("a", 8, 3),
            "tcp://b:1": ("b", 4, 1),
        }
    )
    assert _shares(client) == {"tcp://a:1": 2, "tcp://a:2": 2, "tcp://b:1": 4}
