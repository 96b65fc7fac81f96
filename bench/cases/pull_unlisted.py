"""What the search for RMS SKUs not in 商品マスタ adds to a pull of a 10,000-SKU shop.

``pull.unlisted_sweep_10k``: the sandbox in its own process with RMS's real rate limits (range
and bulk-get 5 requests/s), seeded with the 10,000-SKU sample shop plus RMS-only SKUs (30 with
stock, 5 at 0). Timed against it with the real client:

* ``bulk_get_s``: the stock of the master's keys by bulk-get (what every pull reads anyway);
* ``sweep_s``: the in-stock sweep as ``pull`` runs it, its windows planned from those quantities
  (``services.pull_rms.sweep_in_stock``): the extra time of ``find_unlisted = true``;
* ``blind_sweep_s``: the same sweep without the known quantities (windows found by splitting), to
  show what the planning saves.

The 30 unlisted SKUs must all be found. Reported, not targeted: RMS's rate limit sets the time.
"""

from __future__ import annotations

import time

from bench.registry import Metrics, case
from bench.sandbox_process import sandbox_process

SKUS, SMOKE_SKUS, SEED = 10_000, 300, 1
EXTRA_IN_STOCK, EXTRA_AT_ZERO = 30, 5


def _extra() -> list[tuple[str, str, int]]:
    """RMS-only SKUs: some with stock (spread over quantities), some at 0."""
    rows = [("rms-only", f"ro-{i:03d}", 1 + (i * 7) % 60) for i in range(EXTRA_IN_STOCK)]
    return rows + [("rms-only", f"zero-{i}", 0) for i in range(EXTRA_AT_ZERO)]


@case("pull.unlisted_sweep_10k", repeat=1, target="report (bound by RMS's 5 requests/s for range calls)")
def unlisted_sweep_10k(smoke: bool = False) -> Metrics:
    from tests.sandbox_server import FAST
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.domain.pull_match import Master, rms_keys_to_pull
    from zaiko_xl.domain.pull_unlisted import quantity_list, unlisted_stock
    from zaiko_xl.sample_shop import generate
    from zaiko_xl.services.pull_rms import sweep_in_stock

    skus = SMOKE_SKUS if smoke else SKUS
    as_of = bootstrap.jst_now().replace(second=0)
    with sandbox_process(skus, SEED, as_of, FAST if smoke else {}, extra=_extra()) as address:
        shop = generate(skus=skus, seed=SEED, as_of=as_of)
        master = Master(shop.items, shop.mapping)
        keys, _ = rms_keys_to_pull(master)
        base_url, secret, key = address()
        fast = {"rate_get_per_s": 1000} if smoke else {}
        settings = load_settings(None, rms={"base_url": base_url, "service_secret": secret, "license_key": key,
                                            **fast})
        with bootstrap.build_rms_client(settings) as client:
            start = time.perf_counter()
            stock = client.get_stock(keys)
            bulk_get = time.perf_counter() - start
            start = time.perf_counter()
            sweep = sweep_in_stock(client, stock["quantity"])
            planned = time.perf_counter() - start
            start = time.perf_counter()
            blind = sweep_in_stock(client)
            blind_s = time.perf_counter() - start
        unlisted = unlisted_stock(sweep.stock, master)
        assert len(unlisted) == EXTRA_IN_STOCK, len(unlisted)
        return {"seconds": round(planned, 2), "sweep_s": round(planned, 2), "sweep_requests": sweep.requests,
                "bulk_get_s": round(bulk_get, 2), "bulk_get_skus": len(keys), "in_stock_skus": len(sweep.stock),
                "unlisted_found": len(unlisted), "crowded": quantity_list(sweep.crowded),
                "blind_sweep_s": round(blind_s, 2), "blind_sweep_requests": blind.requests}
