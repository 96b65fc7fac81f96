"""The RmsStockWriter port on the RMS client: one bulk-upsert request, sent exactly once.

``HttpRmsClient.upsert`` settles unknown outcomes on its own, SKU by SKU, inside one call.
The push executor needs the request to leave only after the journal says ``sending``, and
settles unknown outcomes itself, batch by batch, from the journaled ``pre`` values (which
also works after kill -9). So this adapter sends through the client's transport (same
pacing, same retries of what was certainly not applied: 429, 409, refused connections)
and turns an unknown outcome into WriteOutcomeUnknown (E306) without reading back.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from zaiko_xl.adapters import rms_endpoints as ep
from zaiko_xl.adapters.rms_http import HttpRmsClient
from zaiko_xl.adapters.rms_transport import WriteUnknown
from zaiko_xl.adapters.rms_upsert import _name_rejected_sku, check_changes
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import StockChange, UpsertMode
from zaiko_xl.domain.rms_codes import normalise_manage_number
from zaiko_xl.errors import ApiError, WriteOutcomeUnknown


class HttpRmsStockWriter:
    """Reads stock with bulk-get and writes one bulk-upsert per call."""

    def __init__(self, client: HttpRmsClient) -> None:
        self.client = client

    def get_stock(self, keys: Sequence[RmsSkuKey]) -> pd.DataFrame:
        return self.client.get_stock([_folded(k) for k in keys])

    def send_batch(self, changes: Sequence[StockChange], mode: UpsertMode) -> None:
        changes = [StockChange(_folded(c.key), c.quantity) for c in changes]
        check_changes(changes, mode)
        body = {"inventories": [{"manageNumber": c.key.manage_number, "variantId": c.key.variant_id,
                                 "mode": mode.value, "quantity": c.quantity} for c in changes]}
        try:
            self.client.transport.call(ep.BULK_UPSERT, body=body, write=True)
        except WriteUnknown as exc:
            raise WriteOutcomeUnknown(endpoint=ep.BULK_UPSERT.function, sku=f"{changes[0].key} (+{len(changes) - 1})",
                                      detail=exc.detail) from exc
        except ApiError as exc:
            named = _name_rejected_sku(exc, changes, ep.BULK_UPSERT)
            if named is exc:
                raise
            raise named from exc


def _folded(key: RmsSkuKey) -> RmsSkuKey:
    return RmsSkuKey(normalise_manage_number(key.manage_number), key.variant_id)
