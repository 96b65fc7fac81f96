"""Update latency (更新遅延時間): when a SKU's number changed at its source, and when RMS showed it.

A *source* is the warehouse (its file's on-hand units per SKU) or the shop's ledger (its book
balance per SKU). Every look at a source (``observe``) compares each SKU's number with the one
seen last time; a different number opens an event. Its ``changed_at`` is the source's own time
for the SKU (WMS ``updated_at``, the ledger movement's ``at``) when the source gives a time newer
than the SKU's last change and not after the look; otherwise the time of the look (the latency is
then measured from when zaiko-xl noticed: a lower bound). The first look at a SKU opens nothing:
there is no earlier number to differ from.

An event closes (``close``) when RMS shows the number that follows from the change: a push
applied the SKU, or RMS was read and already agreed. ``shown_at`` is that time. A second change
to a SKU whose first event is still open opens a second event; both close together (RMS then
shows the result of both). These events are the ``sync_events`` frame of the KPIs
(docs/data-contracts.md section 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

VALUE_COLUMNS = ("sku", "source", "value", "changed_at")
EVENT_COLUMNS = ("sku", "source", "changed_at", "shown_at")


@dataclass(frozen=True)
class Observation:
    values: pd.DataFrame  # VALUE_COLUMNS: the SKUs first seen or changed (their new last values)
    opened: pd.DataFrame  # EVENT_COLUMNS, shown_at NaT: one per changed SKU


def observe(last: pd.DataFrame, seen: pd.DataFrame, at: datetime) -> Observation:
    """Compare the numbers ``seen`` now with the ``last`` ones (both ``VALUE_COLUMNS``)."""
    merged = seen.merge(last, on=["sku", "source"], how="left", suffixes=("", "_last"), indicator=True)
    known = (merged["_merge"] == "both").to_numpy()
    changed = known & (merged["value"].to_numpy() != merged["value_last"].to_numpy())
    stamp = np.datetime64(pd.Timestamp(at).to_datetime64(), "ns")
    own = merged["changed_at"].to_numpy(dtype="datetime64[ns]")
    before = merged["changed_at_last"].to_numpy(dtype="datetime64[ns]")
    usable = ~np.isnat(own) & (own <= stamp) & (np.isnat(before) | (own > before))
    when = np.where(usable, own, stamp)
    keep = ~known | changed
    values = pd.DataFrame({"sku": merged["sku"].to_numpy()[keep], "source": merged["source"].to_numpy()[keep],
                           "value": merged["value"].to_numpy(dtype="int64")[keep],
                           "changed_at": np.where(changed, when, own)[keep]})
    opened = pd.DataFrame({"sku": merged["sku"].to_numpy()[changed], "source": merged["source"].to_numpy()[changed],
                           "changed_at": when[changed],
                           "shown_at": np.full(int(changed.sum()), np.datetime64("NaT"), dtype="datetime64[ns]")})
    return Observation(values.reset_index(drop=True), opened)


def close(open_events: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """The open events RMS now shows (``EVENT_COLUMNS`` with ``shown_at`` set).

    Args:
        open_events: ``EVENT_COLUMNS`` (``shown_at`` NaT).
        shown: ``sku``, ``shown_at``: RMS showed each SKU's number from then on. An event changed
            after its SKU's ``shown_at`` stays open (the number shown predates the change).
    """
    at = shown.drop_duplicates("sku", keep="last").set_index("sku")["shown_at"]
    when = pd.to_datetime(open_events["sku"].map(at)).to_numpy(dtype="datetime64[ns]")
    changed = open_events["changed_at"].to_numpy(dtype="datetime64[ns]")
    done = ~np.isnat(when) & (changed <= when)
    return open_events.loc[done, ["sku", "source", "changed_at"]].assign(shown_at=when[done]).reset_index(drop=True)


def reconcile_values(inputs: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """The warehouse and ledger numbers a reconcile compares (``VALUE_COLUMNS``), for SKUs RMS has.

    Args:
        inputs: the ``reconcile_input`` frame (data-contracts §8): one row per SKU.
        ledger: the ledger movements (``sku``, ``at``); a SKU's newest ``at`` dates its balance.
    """
    rows = inputs[(inputs["orphan"] == "") & ~inputs["is_set"].astype(bool) & (inputs["rms_match"] != "unmatched")]
    stock = rows[rows["wh_match"] != "unmatched"]
    booked = rows[rows["ledger_match"] != "unmatched"]
    last_move = pd.to_datetime(ledger["at"]).groupby(ledger["sku"].astype(str)).max() if len(ledger) else None
    moved = booked["sku"].map(last_move) if last_move is not None else pd.Series(pd.NaT, index=booked.index)
    frames = [pd.DataFrame({"sku": stock["sku"].astype(str).to_numpy(dtype=object), "source": "warehouse",
                            "value": stock["wh_on_hand"].to_numpy(dtype="int64"),
                            "changed_at": pd.to_datetime(stock["wh_updated_at"]).to_numpy(dtype="datetime64[ns]")}),
              pd.DataFrame({"sku": booked["sku"].astype(str).to_numpy(dtype=object), "source": "ledger",
                            "value": booked["ledger_balance"].to_numpy(dtype="int64"),
                            "changed_at": pd.to_datetime(moved).to_numpy(dtype="datetime64[ns]")})]
    return pd.concat(frames, ignore_index=True)


def agreeing(result: pd.DataFrame, agree_label: str, at: datetime) -> pd.DataFrame:
    """``sku``, ``shown_at``: the SKUs whose RMS number agrees with the sources (shown at ``at``)."""
    skus = result.loc[result["cause"] == agree_label, "sku"].astype(str)
    return pd.DataFrame({"sku": skus.to_numpy(dtype=object), "shown_at": pd.Timestamp(at)})
