"""`zaiko-xl sandbox`: build the seeded state and serve it in the foreground until Ctrl+C."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from zaiko_xl.sandbox.config import SandboxConfig
from zaiko_xl.sandbox.seed import build_state
from zaiko_xl.sandbox.server import SandboxServer


def run(*, port: int, seed: int, skus: int, orders_per_s: float, environ: Mapping[str, str],
        on_started: Callable[[SandboxServer], None]) -> None:
    """Serve on 127.0.0.1:``port``; OSError when the port cannot be used."""
    config = SandboxConfig.from_env(environ, orders_per_s=orders_per_s)
    server = SandboxServer(build_state(config, skus=skus, seed=seed), port=port, seed=seed)
    try:
        server.serve_forever(on_started)
    except KeyboardInterrupt:
        return
