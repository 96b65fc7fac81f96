"""`zaiko-xl demo`: the whole loop on a generated sample shop, as far as it is built.

Steps so far: start the local RMS sandbox (seeded, RMS's rate limits, a shopper placing
orders), pull RMS stock and orders from it. Each later part adds its step here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def run_demo(*, out: Path, skus: int, seed: int, console: Console) -> None:
    """Generate the sample shop into ``out`` and run each built step, printing a summary."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.rms_output import render_pull
    from zaiko_xl.sandbox.config import SandboxConfig
    from zaiko_xl.sandbox.seed import build_state
    from zaiko_xl.sandbox.server import SandboxServer
    from zaiko_xl.services.pull import pull_rms

    out.mkdir(parents=True, exist_ok=True)
    config = SandboxConfig(orders_per_s=0.5)
    with SandboxServer(build_state(config, skus=skus, seed=seed), seed=seed) as sandbox:
        console.print(f"RMS サンドボックス / RMS sandbox: {sandbox.base_url} (SKU {skus}, seed {seed})")
        settings = load_settings(out / "zaiko.toml", rms={
            "base_url": sandbox.base_url, "service_secret": config.service_secret, "license_key": config.license_key})
        with bootstrap.build_rms_client(settings) as rms:
            result = pull_rms(inventory=rms, orders=rms, license=rms, sink=bootstrap.build_pull_sink(out / "zaiko.xlsm"),
                              now=bootstrap.jst_now(), lookback_days=settings.orders.lookback_days,
                              warn_days=settings.rms.license_warn_days)
    render_pull(result, console)
