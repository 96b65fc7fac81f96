"""The shopper: a thread that places, cancels and ships orders while the sandbox runs.

Its pace (``orders_per_s``) and mix (``cancel_share``, ``ship_share``) come from the
config and can be changed at run time; 0 pauses it. Seeded, so a drill can be replayed.
A cancel is the customer's (changeReasonDetail 1), or, for a fifth of them, the shop's for
missing stock (8), as when the warehouse could not ship what RMS sold.
"""

from __future__ import annotations

import random
import threading

from zaiko_xl.sandbox.state import Line, OutOfStock, SandboxState

STOCKOUT_SHARE = 0.2  # of the shopper's cancels: the shop cancels because the warehouse could not ship


class Shopper:
    def __init__(self, state: SandboxState, seed: int) -> None:
        self._state = state
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.actions = {"placed": 0, "cancelled": 0, "shipped": 0, "sold_out": 0}

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sandbox-shopper", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while True:
            pace = self._state.config.orders_per_s
            if self._stop.wait(1 / pace if pace > 0 else 0.2):
                return
            if pace > 0:
                self.step()

    def step(self) -> None:
        """One action: cancel or ship an open order, or place a new one."""
        state, config = self._state, self._state.config
        with state.lock:
            roll, open_orders = self._rng.random(), state.open_orders()
            if open_orders and roll < config.cancel_share:  # a fifth of them the shop's, for missing stock
                stockout = roll < config.cancel_share * STOCKOUT_SHARE
                state.cancel_order(self._rng.choice(open_orders), reason=8 if stockout else 1)
                self.actions["cancelled"] += 1
            elif open_orders and roll < config.cancel_share + config.ship_share:
                state.ship_order(self._rng.choice(open_orders))
                self.actions["shipped"] += 1
            else:
                self._place()

    def _place(self) -> None:
        keys = list(self._state.inventory)
        for _ in range(20):  # look for a SKU in stock
            key = keys[self._rng.randrange(len(keys))] if keys else None
            units = self._rng.choice((1, 1, 1, 2))
            if key is None:
                break
            try:
                self._state.place_order([Line(key[0], key[1], units)])
            except OutOfStock:
                continue
            self.actions["placed"] += 1
            return
        self.actions["sold_out"] += 1
