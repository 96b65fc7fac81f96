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

from dataclasses import replace

import pandas as pd

from zaiko_xl.domain.pull_match import REPORT_COLUMNS, Master, Problem, PullSource, ResolvedPull
from zaiko_xl.domain.rms import RMS_STOCK_COLUMNS
from zaiko_xl.domain.sku import rms_keys

MIN_SELLABLE = 1  # a SKU at 0 cannot oversell (and a shop may hold tens of thousands of them)


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

