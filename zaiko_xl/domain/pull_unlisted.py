"""RMS SKUs with stock that the shop's master does not name (pure): RMS sells them, nobody reconciles them.

``pull`` reads RMS stock by the keys 商品マスタ and 対応表 name. A SKU someone listed on RMS
but never added to the master would stay invisible, while RMS keeps selling its own number.
A range sweep of every SKU with stock (quantity >= 1) finds them; this module picks out the
rows whose key the master does not know and turns them into 照合結果 rows.

Keys compare as RMS compares them (``domain.sku.rms_key``): ``manageNumber`` folded to lower
case (RMS folds it), ``variantId`` exactly as written (RMS keeps its case: ``Red-M`` and
``red-M`` are two SKUs). No SKU is guessed for an unlisted row: it never enters the pulled
sheets, the comparison or a push.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from zaiko_xl.domain.pull_match import REPORT_COLUMNS, Master, Problem, PullSource, ResolvedPull
from zaiko_xl.domain.rms import RMS_STOCK_COLUMNS
from zaiko_xl.domain.sku import rms_keys

MIN_SELLABLE = 1  # a SKU at 0 cannot oversell (and a shop may hold tens of thousands of them)
RANGE_ROWS_MAX = 1000  # RMS's range query answers at most this many SKUs (more: IE0116)
WINDOW_FILL = 900  # known SKUs a planned window may hold: the rest of the 1000 is room for unknown ones


@dataclass(frozen=True)
class SweepPlan:
    """The range calls to make, and the quantities not worth asking for."""

    windows: tuple[tuple[int, int], ...]  # (min, max) quantity windows, ascending, together covering the sweep
    crowded: tuple[int, ...] = ()  # quantities more than 1000 known SKUs share: RMS would refuse them (IE0116)


def plan_sweep(known: pd.Series, low: int, high: int, fill: int = WINDOW_FILL) -> SweepPlan:
    """Quantity windows covering [low, high], each holding at most ``fill`` of the SKUs whose stock is known.

    The master's SKUs were just read by bulk-get, so their quantities tell where RMS's SKUs
    crowd; windows cut there ask RMS once per window instead of finding the cuts by trial
    (a window that still holds more than 1000 is split by the caller). A single quantity
    holding more than ``fill`` is a window of its own; one holding more than 1000 is not
    asked at all (``crowded``).

    Args:
        known: stock quantities of the SKUs read so far (any order, any index).
        low, high: the quantities to cover (low <= high).
    """
    counts = known[(known >= low) & (known <= high)].astype("int64").value_counts().sort_index()
    windows: list[tuple[int, int]] = []
    crowded: list[int] = []
    start, held = low, 0
    for quantity, count in counts.items():
        q, n = int(quantity), int(count)
        if held + n > fill and start < q:  # close the window before q
            windows.append((start, q - 1))
            start, held = q, 0
        if n > fill:  # q alone: one window, or none when RMS would refuse it
            if n > RANGE_ROWS_MAX:
                crowded.append(q)
            else:
                windows.append((q, q))
            start, held = q + 1, 0
        else:
            held += n
    if start <= high:
        windows.append((start, high))
    return SweepPlan(tuple(windows), tuple(crowded))


def quantity_list(quantities: Sequence[int]) -> str:
    """Quantities for a message, runs folded: ``1-14, 18, 49-51``."""
    runs: list[list[int]] = []
    for q in sorted(set(quantities)):
        if runs and q == runs[-1][1] + 1:
            runs[-1][1] = q
        else:
            runs.append([q, q])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


def unlisted_stock(swept: pd.DataFrame, master: Master) -> pd.DataFrame:
    """The swept RMS rows with stock whose (manage_number, variant_id) neither 商品マスタ nor 対応表 names.

    Args:
        swept: RMS stock rows (``RMS_STOCK_COLUMNS``), e.g. a range sweep of quantities >= 1.
        master: the shop's item master and mapping (their ``manage_number`` / ``variant_id``).

    Returns:
        The unlisted rows (``RMS_STOCK_COLUMNS``), one per key, sorted by manage_number, variant_id.
    """
    columns = list(RMS_STOCK_COLUMNS)
    if swept.empty:
        return swept.reindex(columns=columns).reset_index(drop=True)
    ids = master.identities.dropna(subset=["manage_number", "variant_id"])
    known = pd.Index(rms_keys(ids["manage_number"], ids["variant_id"]).unique())
    keys = rms_keys(swept["manage_number"], swept["variant_id"])
    stocked = swept["quantity"].astype("int64") >= MIN_SELLABLE
    found = swept[columns].assign(_key=keys)[stocked & ~keys.isin(known)]
    found = found.sort_values("updated").drop_duplicates("_key", keep="last").drop(columns="_key")
    return found.sort_values(["manage_number", "variant_id"], kind="stable").reset_index(drop=True)


def unlisted_detail(manage_number: str, variant_id: str, quantity: int) -> str:
    """The 照合結果 detail of one unlisted SKU: what it is and what to do, in Japanese and English."""
    return (f"商品マスタにない RMS の SKU です (商品管理番号 {manage_number}・SKU管理番号 {variant_id}、RMS在庫 {quantity})。"
            "RMS はこの在庫数で販売を続けます。商品マスタに追加するか、販売しない SKU なら RMS で在庫を 0 にしてください"
            f" / RMS SKU not in 商品マスタ (manageNumber {manage_number}, variantId {variant_id}, RMS stock "
            f"{quantity}); RMS keeps selling it. Add it to 商品マスタ, or set its stock to 0 on RMS if it is not for sale.")


def unlisted_rows(unlisted: pd.DataFrame) -> pd.DataFrame:
    """One 照合結果 row (``REPORT_COLUMNS``) per unlisted SKU: source RMS在庫, problem ``unlisted``, no ``sku``."""
    rows = [{"source": PullSource.RMS_STOCK.value, "code": f"{m}:{v}", "sku": None, "match": "",
             "problem": Problem.UNLISTED.value, "rows": 1, "detail": unlisted_detail(m, v, int(q))}
            for m, v, q in zip(unlisted["manage_number"], unlisted["variant_id"], unlisted["quantity"], strict=True)]
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS)).astype({"rows": "int64"})


def with_unlisted(resolved: ResolvedPull, unlisted: pd.DataFrame) -> ResolvedPull:
    """``resolved`` with the unlisted SKUs first on 照合結果 and counted as RMS在庫 problems (nothing else changes)."""
    if unlisted.empty:
        return resolved
    report = pd.concat([unlisted_rows(unlisted), resolved.report], ignore_index=True)
    counts = resolved.counts.copy()
    counts.loc[PullSource.RMS_STOCK.value, "problems"] += len(unlisted)
    return replace(resolved, report=report.astype({"rows": "int64"}), counts=counts)

