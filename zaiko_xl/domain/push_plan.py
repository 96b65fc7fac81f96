"""The push plan: what RMS should show per SKU, and which RMS values change (pure).

Rules (data-contracts.md §8 and §9):

* pool = ``on_hand - A - buffer`` per leaf SKU (予約 items add pending inbound; 取り寄せ items
  add their backorder allowance), never below 0;
* sets take their units from the components' pools by the set rule (``domain.bom``);
* each SKU's sellable units are shared between channels by ``AllocationRule``: channels in
  ``priority`` order (ties by name) each take ``min(floor(sellable x share), cap, what is
  left)``; a channel shows 0 while sellable is below its ``zero_below``;
* the RMS target is the rakuten column, clipped to 0..99,999; only SKUs whose RMS value
  changes are planned: ``delta = target - before`` (RELATIVE), or ABSOLUTE for SKUs RMS has
  no stock record of (RELATIVE needs a record, IE0500).

Sale mode: during a sale window each SKU's buffer becomes at least its recent sales rate x
the sync interval (:func:`sale_buffers`), so that what other channels sell between two syncs
is held back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from zaiko_xl.domain.model import RMS_MAX_STOCK, AllocationRule, Channel, OrderStatus
from zaiko_xl.errors import BadValue, DuplicateSku

PLAN_COLUMNS = ("sku", "manage_number", "variant_id", "before", "target", "delta", "mode", "why")
STOCK_KINDS = ("normal", "reservation", "backorder")  # 通常 / 予約 / 取り寄せ
PUSH_CHANNEL = Channel.RAKUTEN


@dataclass(frozen=True)
class PlanPolicy:
    """Tunables of the plan (built by the service from ``Settings.push``).

    Attributes:
        buffer: units kept back per SKU unless the stock frame names its own ``buffer``.
        channels: allocation rules; a channel without a rule gets nothing.
        backorder_quantity: units a 取り寄せ item shows on top of its physical pool unless
            the frame names its own ``backorder_quantity``.
    """

    buffer: int = 0
    channels: tuple[AllocationRule, ...] = (AllocationRule(Channel.RAKUTEN),)
    backorder_quantity: int = 0


def compute_targets(stock: pd.DataFrame, policy: PlanPolicy, bom: pd.DataFrame | None = None,
                    set_rules: pd.DataFrame | None = None, *, explain: bool = True) -> pd.DataFrame:
    """What each channel should show, for every SKU of ``stock``.

    Args:
        stock: one row per SKU (sets included): ``sku``, ``on_hand``, ``allocated`` (open
            allocations of every channel, set orders exploded) and optionally ``inbound``
            (pending purchase orders), ``kind`` (normal/reservation/backorder), ``buffer``,
            ``backorder_quantity``, plus any other columns (kept).
        policy: buffer, channel rules, backorder allowance.
        bom: set structure (``set_sku``, ``component_sku``, ``quantity``), or None.
        set_rules: ``set_sku``, ``priority``, ``cap`` for the set rule.
        explain: add ``why``; without it :func:`plan_changes` explains only the planned rows
            (100,000 explanations cost about a second).

    Returns:
        ``stock`` plus ``pool`` (leaf units after buffer), ``sellable`` (after the set rule),
        one ``target_<channel>`` column per rule and ``why`` (bilingual, short).
    """
    frame = _normalised(stock, policy)
    frame["pool"] = _pool(frame)
    frame["sellable"] = _after_set_rule(frame, bom, set_rules)
    for channel, shown in _allocate_channels(frame["sellable"].to_numpy(), policy.channels).items():
        frame[f"target_{channel}"] = np.minimum(shown, RMS_MAX_STOCK)
    if f"target_{PUSH_CHANNEL}" not in frame:
        frame[f"target_{PUSH_CHANNEL}"] = 0
    if explain:
        frame["why"] = _why(frame, policy)
    return frame


def plan_changes(targets: pd.DataFrame, rms: pd.Series | None = None,
                 policy: PlanPolicy | None = None) -> pd.DataFrame:
    """Only the SKUs whose RMS value changes, as a plan frame (``PLAN_COLUMNS``).

    Args:
        targets: from :func:`compute_targets`, with ``manage_number`` and ``variant_id``;
            rows without an RMS key are skipped (they are components or other channels' SKUs).
        rms: ``sku`` -> RMS quantity at the pull (missing = no stock record); default: the
            ``rms`` column of ``targets``.
        policy: explains the planned rows when ``targets`` has no ``why``.

    Returns:
        The plan, sorted by RMS key.
    """
    before = rms.reindex(targets["sku"]).to_numpy() if rms is not None else targets["rms"].to_numpy()
    if "why" not in targets:
        target = targets[f"target_{PUSH_CHANNEL}"].to_numpy()
        changed = pd.isna(before) | (before != target)
        targets, before = targets[changed], before[changed]
        targets = targets.assign(why=_why(targets, policy or PlanPolicy()) if len(targets) else "")
    frame = pd.DataFrame({
        "sku": targets["sku"].to_numpy(), "manage_number": targets["manage_number"].to_numpy(),
        "variant_id": targets["variant_id"].to_numpy(), "before": pd.array(before, dtype="Int64"),
        "target": targets[f"target_{PUSH_CHANNEL}"].to_numpy(dtype="int64"), "why": targets["why"].to_numpy(),
    })
    keyed = frame["manage_number"].notna() & frame["variant_id"].notna() & (frame["manage_number"] != "")
    return _finish(frame[keyed])


def plan_from_confirmed(rows: pd.DataFrame) -> pd.DataFrame:
    """The plan of the 在庫比較 sheet: ticked rows (反映) whose 確定在庫 differs from RMS.

    Args:
        rows: ``sku``, ``manage_number``, ``variant_id``, ``rms`` (nullable), ``confirmed``,
            ``push`` (bool) and optionally ``row`` (the sheet row, for messages).

    Returns:
        A plan frame; ``why`` says the value was confirmed by a person.

    Raises:
        BadValue: a ticked row whose 確定在庫 is missing or outside 0..99,999.
    """
    ticked = rows[rows["push"].fillna(False).astype(bool)]
    confirmed = pd.to_numeric(ticked["confirmed"], errors="coerce")
    bad = confirmed.isna() | (confirmed < 0) | (confirmed > RMS_MAX_STOCK) | (confirmed != confirmed.round())
    if bad.any():
        first = ticked[bad].iloc[0]
        raise BadValue(where_ja=f"シート「在庫比較」{first.get('row', '?')}行目 列「確定在庫」",
                       where_en=f"sheet '在庫比較', row {first.get('row', '?')}, column '確定在庫'",
                       value=first["confirmed"], detail_ja=f"0〜{RMS_MAX_STOCK:,} の整数で入力してください",
                       detail_en=f"enter a whole number from 0 to {RMS_MAX_STOCK:,}")
    frame = pd.DataFrame({
        "sku": ticked["sku"].to_numpy(), "manage_number": ticked["manage_number"].to_numpy(),
        "variant_id": ticked["variant_id"].to_numpy(),
        "before": pd.array(pd.to_numeric(ticked["rms"], errors="coerce"), dtype="Int64"),
        "target": confirmed.astype("int64").to_numpy(), "why": "確定在庫 / confirmed",
    })
    return _finish(frame)


def inverse_plan(applied: pd.DataFrame, current: pd.Series) -> pd.DataFrame:
    """The plan that undoes applied changes by RELATIVE inverse deltas (for rollback).

    ``target = max(0, now - delta)``: orders since the push are kept (the inverse is applied
    on top of them), and units sold meanwhile cannot be taken back below 0.

    Args:
        applied: rows of a run that were applied: ``sku``, ``manage_number``, ``variant_id``,
            ``delta``.
        current: RMS key ``"manage_number:variant_id"`` -> quantity now (missing = no record).

    Returns:
        A plan frame (``before`` = the value now).
    """
    keys = applied["manage_number"].astype(str) + ":" + applied["variant_id"].astype(str)
    now = current.reindex(keys).to_numpy()
    target = np.maximum(0, np.nan_to_num(now.astype("float64"), nan=0.0) - applied["delta"].to_numpy())
    clipped = target == 0
    why = np.where(clipped, "取消 (0 で止め) / undo, stopped at 0", "取消 / undo")
    frame = pd.DataFrame({
        "sku": applied["sku"].to_numpy(), "manage_number": applied["manage_number"].to_numpy(),
        "variant_id": applied["variant_id"].to_numpy(), "before": pd.array(now, dtype="Int64"),
        "target": target.astype("int64"), "why": why,
    })
    has_record = frame["before"].notna()
    return _finish(frame[has_record])


def batches(plan: pd.DataFrame, size: int = 400) -> list[pd.DataFrame]:
    """The plan cut into requests of at most ``size`` rows, one mode per request.

    Args:
        plan: a plan frame.
        size: RMS's bulk-upsert limit is 400.

    Returns:
        Frames in send order (RELATIVE first: they keep orders that arrive meanwhile).
    """
    out: list[pd.DataFrame] = []
    for mode in ("RELATIVE", "ABSOLUTE"):
        part = plan[plan["mode"] == mode]
        out.extend(part.iloc[i:i + size] for i in range(0, len(part), size))
    return out


def sale_active(as_of: date, windows: Iterable[tuple[date, date]]) -> bool:
    """Whether ``as_of`` falls in a sale window (both ends inclusive)."""
    return any(start <= as_of <= end for start, end in windows)


def sale_buffers(orders: pd.DataFrame, as_of: datetime, interval_s: float, lookback: timedelta,
                 factor: float = 1.0) -> pd.Series:
    """Buffer per SKU from its recent sales rate: ``ceil(units per second x interval x factor)``.

    Args:
        orders: the orders frame (``sku``, ``quantity``, ``status``, ``ordered_at``); lines of
            every channel count, cancelled ones do not.
        as_of: now (JST, naive).
        interval_s: the sync interval.
        lookback: how far back "recent" reaches.
        factor: safety factor on top of the rate.

    Returns:
        int64 Series ``sku`` -> units; SKUs that did not sell are absent.
    """
    start = as_of - lookback
    recent = orders[(orders["ordered_at"] > start) & (orders["ordered_at"] <= as_of)
                    & (orders["status"] != OrderStatus.CANCELLED.value)]
    units = recent["quantity"].astype("int64").groupby(recent["sku"].to_numpy()).sum()
    rate = units / lookback.total_seconds()
    return np.ceil(rate * interval_s * factor - 1e-9).astype("int64").rename_axis("sku").rename("buffer")


def with_buffers(stock: pd.DataFrame, base: int, extra: pd.Series | None) -> pd.DataFrame:
    """``stock`` with a ``buffer`` column: the larger of its own/``base`` and ``extra``."""
    own = stock["buffer"].fillna(base) if "buffer" in stock else pd.Series(base, index=stock.index)
    if extra is None or extra.empty:
        return stock.assign(buffer=own.astype("int64"))
    more = stock["sku"].map(extra).fillna(0).astype("int64")
    return stock.assign(buffer=np.maximum(own.astype("int64"), more))


def summary(plan: pd.DataFrame) -> dict[str, int]:
    """Counts for previews and reports."""
    return {
        "skus": len(plan), "up": int((plan["delta"] > 0).sum()), "down": int((plan["delta"] < 0).sum()),
        "to_zero": int((plan["target"] == 0).sum()), "new": int((plan["mode"] == "ABSOLUTE").sum()),
        "units_before": int(plan["before"].fillna(0).sum()), "units_after": int(plan["target"].sum()),
    }


# ------------------------------------------------------------------ helpers
def _normalised(stock: pd.DataFrame, policy: PlanPolicy) -> pd.DataFrame:
    frame = stock.copy()
    for column, default in (("inbound", 0), ("buffer", policy.buffer),
                            ("backorder_quantity", policy.backorder_quantity)):
        frame[column] = (frame[column].fillna(default) if column in frame else default)
        frame[column] = frame[column].astype("int64")
    for column in ("on_hand", "allocated"):
        frame[column] = frame[column].fillna(0).astype("int64") if column in frame else 0
    frame["kind"] = frame["kind"].astype(object).fillna("normal").to_numpy(dtype=object) if "kind" in frame \
        else "normal"
    unknown = ~frame["kind"].isin(STOCK_KINDS)
    if unknown.any():
        row = frame[unknown].iloc[0]
        raise BadValue(where_ja=f"SKU {row['sku']}", where_en=f"SKU {row['sku']}", value=row["kind"],
                       detail_ja="区分は normal / reservation / backorder のいずれかです",
                       detail_en="the kind is one of normal, reservation, backorder")
    return frame


def _pool(frame: pd.DataFrame) -> np.ndarray:
    kind = frame["kind"].to_numpy(dtype=object)
    physical = frame["on_hand"].to_numpy() + np.where(kind == "reservation", frame["inbound"].to_numpy(), 0)
    pool = np.maximum(0, physical - frame["allocated"].to_numpy() - frame["buffer"].to_numpy())
    return pool + np.where(kind == "backorder", frame["backorder_quantity"].to_numpy(), 0)


def _after_set_rule(frame: pd.DataFrame, bom: pd.DataFrame | None, set_rules: pd.DataFrame | None) -> np.ndarray:
    if bom is None or bom.empty:
        return frame["pool"].to_numpy()
    from zaiko_xl.domain.bom import split_sellable

    leaves = ~frame["sku"].isin(set(bom["set_sku"]))
    pool = pd.Series(frame["pool"].to_numpy()[leaves.to_numpy()], index=frame["sku"][leaves].to_numpy())
    shown = split_sellable(pool, bom, set_rules).quantities()
    return frame["sku"].map(shown).fillna(0).astype("int64").to_numpy()


def _allocate_channels(sellable: np.ndarray, rules: Sequence[AllocationRule]) -> dict[str, np.ndarray]:
    """Channels in priority order take ``min(floor(sellable x share), cap, left)``."""
    left = sellable.astype("int64").copy()
    shown: dict[str, np.ndarray] = {}
    for rule in sorted(rules, key=lambda r: (r.priority, str(r.channel))):
        take = np.floor(sellable * rule.share + 1e-9).astype("int64")
        if rule.cap is not None:
            take = np.minimum(take, rule.cap)
        take = np.minimum(take, left)
        take = np.where(sellable < rule.zero_below, 0, take)
        left -= take
        shown[str(rule.channel)] = take
    return shown


def _why(frame: pd.DataFrame, policy: PlanPolicy) -> pd.Series:
    """e.g. ``倉庫/wh 120 − 引当/alloc 5 − 予備/buf 2 → 113; 楽天/rakuten → 56``."""
    def text(column: str) -> pd.Series:
        return frame[column].astype("int64").astype(str)

    base = "倉庫/wh " + text("on_hand") + " − 引当/alloc " + text("allocated") + " − 予備/buf " + text("buffer")
    base = base.where(frame["kind"] != "reservation", base + " + 入荷予定/inbound " + text("inbound"))
    base = base.where(frame["kind"] != "backorder", base + " + 取寄/backorder " + text("backorder_quantity"))
    out = base + " → " + text("pool")
    out = out.where(frame["sellable"] == frame["pool"], out + "; セット配分後/after sets " + text("sellable"))
    rule = next((r for r in policy.channels if r.channel == PUSH_CHANNEL), None)
    if rule is not None and (rule.share < 1 or rule.cap is not None or len(policy.channels) > 1 or rule.zero_below):
        out = out + f"; 楽天/rakuten {rule.share:.0%}"
    return out + " = " + text(f"target_{PUSH_CHANNEL}")


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(target=frame["target"].clip(0, RMS_MAX_STOCK).astype("int64"))
    duplicated = frame.duplicated(["manage_number", "variant_id"], keep=False)
    if duplicated.any():
        row = frame[duplicated].iloc[0]
        raise DuplicateSku(where_ja="反映計画", where_en="push plan", sku=f"{row['manage_number']}:{row['variant_id']}",
                           detail_ja="同じ RMS の SKU に複数の自社コードが対応しています",
                           detail_en="several shop codes map to the same RMS SKU")
    changed = frame["before"].isna() | (frame["before"] != frame["target"]).fillna(True)
    plan = frame[changed.to_numpy(dtype=bool)].copy()
    plan["delta"] = (plan["target"] - plan["before"].fillna(0)).astype("int64")
    plan["mode"] = np.where(plan["before"].isna(), "ABSOLUTE", "RELATIVE")
    plan = plan.sort_values(["manage_number", "variant_id"], kind="stable").reset_index(drop=True)
    return plan.loc[:, list(PLAN_COLUMNS)]
