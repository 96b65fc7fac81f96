"""`zaiko-xl sandbox`: build the seeded state and serve it in the foreground until Ctrl+C."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from zaiko_xl.sandbox.config import SandboxConfig
from zaiko_xl.sandbox.seed import from_sample_shop, seed_state
from zaiko_xl.sandbox.server import SandboxServer
from zaiko_xl.sandbox.state import SandboxState


def run(*, port: int, seed: int, skus: int, orders_per_s: float, environ: Mapping[str, str],
        on_started: Callable[[SandboxServer], None]) -> None:
    """Serve on 127.0.0.1:``port``; OSError when the port cannot be used."""
    from zaiko_xl.sample_shop import generate

    config = SandboxConfig.from_env(environ, orders_per_s=orders_per_s)
    # the same shop as `zaiko-xl demo --skus N --seed S`, so staff rehearse on familiar data
    state = seed_state(SandboxState(config), *from_sample_shop(generate(skus=skus, seed=seed)))
    server = SandboxServer(state, port=port, seed=seed)
    try:
        server.serve_forever(on_started)
    except KeyboardInterrupt:
        return
