"""Child processes the tests stop with Ctrl+C (SIGINT)."""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def interruptible(args: list[str], **options: Any) -> subprocess.Popen:
    """``subprocess.Popen`` whose child takes SIGINT as Ctrl+C (KeyboardInterrupt).

    A test run started in the background by a non-interactive shell (``make test &``, some CI
    runners) has SIGINT ignored, and a child inherits that: Python then installs no Ctrl+C
    handler and the signal is lost. The child gets the default disposition back before exec.
    """
    return subprocess.Popen(args, preexec_fn=_default_sigint, **options)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
