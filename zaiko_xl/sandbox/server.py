"""Run the sandbox: in a background thread (tests, the demo) or in the foreground (the CLI).

Always on 127.0.0.1. Port 0 picks a free ephemeral port; ``base_url`` tells which.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable

import uvicorn

from zaiko_xl.sandbox.app import DropConnection, make_app
from zaiko_xl.sandbox.shopper import Shopper
from zaiko_xl.sandbox.state import SandboxState

HOST = "127.0.0.1"


class _HideDroppedConnections(logging.Filter):
    """Injected connection drops are on purpose: keep their tracebacks out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DropConnection))


_HIDE_DROPPED = _HideDroppedConnections()


class SandboxServer:
    """uvicorn serving the sandbox app on a loopback socket, plus the shopper thread."""

    def __init__(self, state: SandboxState, *, port: int = 0, seed: int = 1, log_level: str = "warning") -> None:
        self.state = state
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((HOST, port))
        self.port = self._socket.getsockname()[1]
        app = make_app(state)
        self.shopper = Shopper(state, seed)
        app.state.shopper = self.shopper
        config = uvicorn.Config(app, http="h11", lifespan="off", log_level=log_level, access_log=False,
                                timeout_graceful_shutdown=1, timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None
        logging.getLogger("uvicorn.error").addFilter(_HIDE_DROPPED)  # adding the same filter twice is a no-op

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout_s: float = 10.0) -> SandboxServer:
        """Serve in a daemon thread; return once the socket accepts requests."""
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name="rms-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the RMS sandbox did not start")
            time.sleep(0.01)
        self.shopper.start()
        return self

    def stop(self) -> None:
        self.shopper.stop()
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()

    def serve_forever(self, on_started: Callable[[SandboxServer], None] | None = None) -> None:
        """Serve in this thread until Ctrl+C."""
        self.start()
        if on_started is not None:
            on_started(self)
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
