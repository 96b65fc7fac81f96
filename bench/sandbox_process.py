"""The RMS sandbox in a process of its own, for benchmarks that time the client against it.

A spawned process (not a thread) keeps the server off the client's GIL, so the timings are
the client's and RMS's rate limits, not the two sharing one interpreter.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

Address = tuple[str, str, str]  # base URL, service secret, license key


@contextmanager
def sandbox_process(skus: int, seed: int, as_of: datetime, limits: dict[str, Any],
                    extra: Sequence[tuple[str, str, int]] = ()) -> Iterator[Callable[[], Address]]:
    """Start the sandbox seeded with the sample shop (plus ``extra`` RMS-only stock rows).

    Yields a function that waits until the server listens and gives its address: call it after
    the set-up that can overlap with the seeding. The process is killed on exit.
    """
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, skus, seed, as_of, limits, list(extra)), daemon=True)
    process.start()
    try:
        yield parent.recv
    finally:
        process.kill()
        process.join()


def _serve(conn: Any, skus: int, seed: int, as_of: datetime, limits: dict[str, Any],
           extra: list[tuple[str, str, int]]) -> None:
    """Child process: the sandbox seeded with the sample shop, RMS's default rate limits unless ``limits``."""
    from zaiko_xl.sample_shop import generate
    from zaiko_xl.sandbox.config import SandboxConfig
    from zaiko_xl.sandbox.seed import from_sample_shop, seed_state
    from zaiko_xl.sandbox.server import SandboxServer
    from zaiko_xl.sandbox.state import SandboxState

    config = SandboxConfig(**limits)
    state = seed_state(SandboxState(config), *from_sample_shop(generate(skus=skus, seed=seed, as_of=as_of)))
    if extra:
        state.set_stock(extra)
    server = SandboxServer(state, seed=seed).start()
    conn.send((server.base_url, config.service_secret, config.license_key))
    while True:
        time.sleep(3600)
