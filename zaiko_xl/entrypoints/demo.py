"""`zaiko-xl demo`: the whole loop on a generated sample shop, as far as it is built."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def run_demo(*, out: Path, skus: int, seed: int, console: Console) -> None:
    """Generate the sample shop into ``out`` and run each built step, printing a summary."""
    from zaiko_xl.errors import NotBuiltYet

    raise NotBuiltYet(command="demo")
