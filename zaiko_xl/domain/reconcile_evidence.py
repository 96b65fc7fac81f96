"""Bilingual evidence text for reconciliation rows (pure): ``"<日本語> / <English>"``.

One short sentence per rule ``kind`` (see ``domain.reconcile``), naming the numbers and
times that justify the cause, e.g. ``"RMS最終更新 11/25 09:00 以降に 入荷 +12 ... / inbound
+12 ... after RMS's last update 11/25 09:00"``. Agreeing rows get an empty text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

_SOURCE = {"warehouse": ("倉庫", "warehouse"), "rms": ("RMS", "RMS"), "ledger": ("台帳", "ledger")}


def describe(x: dict[str, np.ndarray]) -> np.ndarray:
    """Evidence per row of the working arrays of ``domain.reconcile`` (agreeing rows: '')."""
    n = len(x["sku"])
    out = np.full(n, "", dtype=object)
    rows = np.flatnonzero(x["kind"] != "")
    # the differing rows only, as Python values (times stay numpy: the formatters take datetime64)
    sub = {k: v[rows] if v.dtype.kind == "M" else v[rows].tolist()
           for k, v in x.items() if isinstance(v, np.ndarray) and len(v) == n}
    for j, i in enumerate(rows.tolist()):
        row = _Row(sub, j)
        base = str(row["kind"]).removesuffix("_persistent")
        ja, en = _TEXT[base](row)
        if str(row["kind"]).endswith("_persistent"):
            ja = f"遅延が {row['delay_streak'] + 1} 回連続で解消していません (連携の分断)。{ja}"
            en = f"the delay has not cleared in {row['delay_streak'] + 1} pulls in a row (a broken link); {en}"
        elif row["cause"] == "分断" and row["streak"] > 1:
            ja, en = f"{ja} ({row['streak']} 回連続)", f"{en} ({row['streak']} pulls in a row)"
        if base not in ("code_normalised", "orphan_code") and "normalised" in (row["wh_match"], row["rms_match"]):
            ja, en = f"{ja} ※コードは正規化後に一致", f"{en}; the code matched only after normalisation"
        out[i] = f"{ja} / {en}"
    return out


class _Row:
    """Row ``i`` of the working columns, read lazily (``row["E"]`` is ``x["E"][i]``)."""

    __slots__ = ("_i", "_x")

    def __init__(self, x: dict[str, Any], i: int) -> None:
        self._x, self._i = x, i

    def __getitem__(self, key: str):
        return self._x[key][self._i]


def _z(v: float) -> float:
    return 0.0 if v != v else float(v)  # NaN -> 0


def _n(v: float) -> str:
    return "-" if np.isnan(v) else f"{int(v)}"


def _s(v: float) -> str:
    return f"{int(v):+d}"


def _t(v: np.datetime64) -> str:
    return "?" if np.isnat(v) else pd.Timestamp(v).strftime("%m/%d %H:%M")


def _orphan(r: _Row) -> tuple[str, str]:
    code_col = {"warehouse": "wh_code", "rms": "rms_code", "ledger": "ledger_code"}[r["orphan"]]
    ja, en = _SOURCE[r["orphan"]]
    return (f"{ja}のコード「{r[code_col]}」は商品マスタのどの SKU にも一致しません",
            f"{en} code '{r[code_col]}' matches no SKU of the item master")


def _no_row(source: str) -> Callable[[_Row], tuple[str, str]]:
    def text(r: _Row) -> tuple[str, str]:
        ja, en = _SOURCE[source]
        extra_ja = f" (倉庫 {_n(r['P'])})" if source == "ledger" else " (コードの表記違いの可能性)"
        extra_en = f" (warehouse {_n(r['P'])})" if source == "ledger" else " (the code may be written differently)"
        return f"{ja}にこの SKU の行がありません{extra_ja}", f"{en} has no row for this SKU{extra_en}"
    return text


def _set(r: _Row) -> tuple[str, str]:
    lim = f"{r['limit_sku']} 残り {r['limit_units']}" if r["limit_sku"] else "構成品なし"
    lim_en = f"limited by {r['limit_sku']}, {r['limit_units']} left" if r["limit_sku"] else "no components"
    return (f"構成品から組めるのは {_n(r['E'])} ({lim}) に対し RMS {_n(r['rms_quantity'])} ({_s(r['g'])})",
            f"components allow {_n(r['E'])} ({lim_en}) but RMS shows {_n(r['rms_quantity'])} ({_s(r['g'])})")


def _unknown(r: _Row) -> tuple[str, str]:
    return (f"台帳−倉庫 {_s(r['r'])}、RMS−計算値 {_s(r['g'])}、どちらも説明できる動きなし。安全側の "
            f"{_n(r['suggested'])} を提案",
            f"ledger − warehouse {_s(r['r'])} and RMS − expected {_s(r['g'])}, nothing explains either; "
            f"suggesting the safer {_n(r['suggested'])}")


def _ledger_off(r: _Row) -> tuple[str, str]:
    return (f"台帳 {_n(r['ledger_balance'])} に対し倉庫 {_n(r['P'])}: 差 {_s(r['r'])}、未計上の入荷・返品なし。倉庫を正とします",
            f"ledger {_n(r['ledger_balance'])} vs warehouse {_n(r['P'])}: {_s(r['r'])}, no unbooked receipt "
            f"or return; the warehouse is taken as right")


def _set_double(r: _Row) -> tuple[str, str]:
    return (f"セットに割り当てた {int(r['taken'])} 個を単品にも表示 (RMS {_n(r['rms_quantity'])}、単品分 {_n(r['E'])})",
            f"units given to sets ({int(r['taken'])}) are also shown for the single "
            f"(RMS {_n(r['rms_quantity'])}, single's share {_n(r['E'])})")


def _pending_parts(r: _Row) -> tuple[str, str]:
    parts = [(r["pending_inbound"], "入荷", "inbound"), (r["pending_returns"], "返品", "return"),
             (r["pending_cancels"], "キャンセル戻し", "cancellation return")]
    shown = [(q, ja, en) for q, ja, en in parts if _z(q) != 0]
    return "、".join(f"{ja} {_s(q)}" for q, ja, _ in shown), ", ".join(f"{en} {_s(q)}" for q, _, en in shown)


def _rms_unbooked(r: _Row) -> tuple[str, str]:
    ja, en = _pending_parts(r)
    return (f"RMS {_n(r['rms_quantity'])} は台帳未計上の {ja} を含みません (計算値 {_n(r['E'])})",
            f"RMS {_n(r['rms_quantity'])} lacks the unbooked {en} (expected {_n(r['E'])})")


def _behind(r: _Row) -> tuple[str, str]:
    inbound, moved = _z(r["inbound_after_rms"]), _z(r["moved_after_rms"])
    orders, change = _z(r["orders_after_rms"]), _z(r["alloc_change_after_rms"])
    parts = [(inbound, "入荷", "inbound"), (moved - inbound, "その他の入出庫", "other movements"),
             (-orders, "新規受注", "new orders"), (orders - change, "引当の解除", "allocations released")]
    shown = [(q, ja, en) for q, ja, en in parts if q != 0]
    t = _t(r["rms_t"])
    return (f"RMS最終更新 {t} 以降に " + "、".join(f"{ja} {_s(q)}" for q, ja, _ in shown)
            + f" (RMS {_n(r['rms_quantity'])} → 計算値 {_n(r['E'])})",
            ", ".join(f"{en} {_s(q)}" for q, _, en in shown)
            + f" after RMS's last update {t} (RMS {_n(r['rms_quantity'])} → expected {_n(r['E'])})")


def _rms_off(r: _Row) -> tuple[str, str]:
    buf, buf_en = (f" − 予備 {int(r['buffer'])}", f" − buffer {int(r['buffer'])}") if r["buffer"] else ("", "")
    return (f"RMS {_n(r['rms_quantity'])} に対し計算値 {_n(r['E'])} (倉庫 {_n(r['P'])} − 引当 {_n(r['allocated'])}{buf}): "
            f"差 {_s(r['g'])}、説明できる入出荷・受注なし",
            f"RMS {_n(r['rms_quantity'])} vs expected {_n(r['E'])} (warehouse {_n(r['P'])} − allocated "
            f"{_n(r['allocated'])}{buf_en}): {_s(r['g'])}, no movement or order explains it")


def _unbooked(r: _Row) -> tuple[str, str]:
    ja, en = _pending_parts(r)
    return (f"台帳に未計上: {ja} (倉庫 {_n(r['wh_on_hand'])}、台帳 {_n(r['ledger_balance'])})",
            f"not booked in the ledger: {en} (warehouse {_n(r['wh_on_hand'])}, ledger {_n(r['ledger_balance'])})")


def _file_behind(r: _Row) -> tuple[str, str]:
    t, m = _t(r["wh_t"]), _s(r["moved_after_wh"])
    return (f"倉庫ファイル {t} 以降の台帳の動き {m} (倉庫 {_n(r['wh_on_hand'])} → {_n(r['P'])})",
            f"ledger movements {m} after the warehouse file of {t} (warehouse {_n(r['wh_on_hand'])} → {_n(r['P'])})")


def _normalised(r: _Row) -> tuple[str, str]:
    for source, match, code in (("warehouse", "wh_match", "wh_code"), ("rms", "rms_match", "rms_code"),
                                ("ledger", "ledger_match", "ledger_code")):
        if r[match] == "normalised":
            ja, en = _SOURCE[source]
            return (f"{ja}のコード「{r[code]}」は正規化後に一致 (表記を揃えてください)",
                    f"{en} code '{r[code]}' matched only after normalisation (align the spelling)")
    return "コードは正規化後に一致", "a code matched only after normalisation"


_TEXT: dict[str, Callable[[_Row], tuple[str, str]]] = {
    "orphan_code": _orphan, "no_rms_row": _no_row("rms"), "no_warehouse_row": _no_row("warehouse"),
    "no_ledger_row": _no_row("ledger"), "set_over": _set, "set_under": _set, "ledger_and_rms_off": _unknown,
    "ledger_off": _ledger_off, "set_double_count": _set_double, "rms_missing_unbooked": _rms_unbooked,
    "rms_behind": _behind, "rms_off": _rms_off, "unbooked": _unbooked, "warehouse_file_behind": _file_behind,
    "code_normalised": _normalised,
}
