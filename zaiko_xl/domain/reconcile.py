"""Three-way reconciliation: RMS vs warehouse vs ledger, with a cause per SKU (pure, vectorised).

Input: the ``reconcile_input`` frame (data-contracts §8, built by
``domain.reconcile_inputs.build_reconcile_input``), the BOM and set rules, optional
history of previous pulls (``domain.reconcile_history``) and ``ReconcileParams``.
Output: the ``reconcile_result`` frame, one row per input row.

The numbers, per single SKU::

    P  = warehouse on_hand + ledger movements after the warehouse file's time  (physical now)
    sellable = max(0, P - allocated - buffer)
    E  = channel(sellable - units the set rule gives to sets)       (what RMS should show)
    E_then   = the same with P and allocations as they were at RMS's last update
    ledger residual r = ledger - (on_hand + moved_after_wh - pending)  (0 when the books agree)
    RMS gap g = rms - E

``channel(x) = 0 if x < zero_below else min(floor(x * share), cap, 99,999)``. A set's E is
what the set rule (data-contracts §4) gives it, after ``channel``. "Off" means
``|x| > tolerance`` of the SKU's group. The warehouse is taken as the physical truth.

Decision order (the first rule that fires wins; ``kind`` names the rule):

 1. ``orphan_code``       a raw code matching no SKU                               -> 表記揺れ
 2. ``no_rms_row`` / ``no_warehouse_row`` / ``no_ledger_row`` (a single SKU without a
    row in that source; the ledger only when the warehouse holds stock)          -> 表記揺れ
 3. ``set_over`` / ``set_under``  a set whose RMS number is off                     -> セット
 4. ``ledger_and_rms_off``  r off and g off with no explanation for g              -> 不明
 5. ``ledger_off``        r off (RMS right or explained)                           -> 分断
 6. ``set_double_count``  g equals the units the set rule gave to sets             -> セット
 7. ``rms_missing_unbooked``  g equals minus the unbooked (pending) units          -> 未反映
 8. ``rms_behind``        RMS equals E_then and E_then != E (movements or orders
    newer than RMS's last update explain g)                                      -> 遅延
 9. ``rms_off``           g off, nothing explains it                               -> 分断
10. ``unbooked``          received inbound / returns / cancellation returns not
    yet booked in the ledger (pending > tolerance)                               -> 未反映
11. ``warehouse_file_behind``  ledger movements newer than the warehouse file      -> 遅延
12. ``code_normalised``   numbers agree, a code matched only after normalisation   -> 表記揺れ
13. agreement                                                                       -> 一致

Persistence: a 遅延 whose lagging source has not changed (same ``lag_since``: RMS's last
update or the warehouse file's time) in each of the previous ``delay_max_pulls`` pulls is
no longer a delay but a broken link: it becomes 分断 (``kind`` gets ``_persistent``).
``streak`` counts the consecutive pulls (this one included) in which the SKU differed.

Suggested 確定在庫: E, except 不明 -> min(E, E from the ledger) (the safer one), and
unmatched / orphan rows -> blank (nothing comparable).

The parts below come from the shared domain modules: codes are matched by ``domain.sku``
(through ``reconcile_codes``; pulled sheets arrive matched), the set rule is
``domain.bom.split_sellable`` (through ``reconcile_sets``), movement signs are
``domain.ledger``'s. Where they differ from the stand-ins this engine was first written
against (RMS keys, ambiguous codes, unknown ledger kinds, purchase orders of several SKUs,
two lines of one SKU in one order), the decisions are in data-contracts §8.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import pandas as pd

from zaiko_xl.domain.model import RMS_MAX_STOCK
from zaiko_xl.domain.reconcile_evidence import describe
from zaiko_xl.domain.reconcile_history import streaks
from zaiko_xl.domain.reconcile_sets import allot_sets


class Cause(StrEnum):
    """The cause of a difference, in the seed's terms (the value is the sheet label)."""

    AGREE = "一致"
    DELAY = "遅延"
    SPLIT = "分断"
    NOTATION = "表記揺れ"
    SET = "セット"
    PENDING = "未反映"
    UNKNOWN = "不明"

    @property
    def en(self) -> str:
        return {"一致": "agree", "遅延": "sync delay", "分断": "split", "表記揺れ": "notation",
                "セット": "set product", "未反映": "pending movement", "不明": "unknown"}[self.value]


@dataclass(frozen=True)
class ReconcileParams:
    """Tunables of one reconciliation (built from Settings by bootstrap)."""

    tolerance: int = 0  # |difference| up to this counts as agreement
    tolerance_by_group: Mapping[str, int] = field(default_factory=dict)  # item group -> tolerance
    buffer: int = 0  # units kept back from RMS (an input column ``buffer`` overrides per SKU)
    share: float = 1.0  # Rakuten's share of the sellable units
    cap: int | None = None  # never show more than this on Rakuten
    zero_below: int = 0  # show 0 when sellable units are below this
    delay_max_pulls: int = 3  # a delay seen in this many previous pulls becomes 分断


RESULT_COLUMNS = ["sku", "name", "group", "is_set", "rms", "warehouse", "ledger", "allocated", "expected",
                  "diff_rms", "diff_ledger", "cause", "kind", "evidence", "suggested", "streak",
                  "raw_cause", "lag_since"]


def reconcile(inputs: pd.DataFrame, params: ReconcileParams, *, bom: pd.DataFrame | None = None,
              set_rules: pd.DataFrame | None = None, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Classify every row of ``inputs``; returns the ``reconcile_result`` frame (data-contracts §8)."""
    x = _numbers(inputs.reset_index(drop=True), params, bom, set_rules)
    kind = _first_rule(x)
    raw_cause = np.array([_CAUSE_OF[k] for k in kind], dtype=object) if len(kind) else np.empty(0, object)
    lag = np.where(kind == "warehouse_file_behind", x["wh_t"], x["rms_t"])
    lag = np.where(raw_cause == Cause.DELAY.value, lag, np.datetime64("NaT"))
    prior = streaks(pd.DataFrame({"sku": x["sku"], "raw_cause": raw_cause, "lag_since": lag}), history)
    persistent = (raw_cause == Cause.DELAY.value) & (prior["delay_streak"].to_numpy() >= params.delay_max_pulls)
    kind = np.where(persistent, kind + "_persistent", kind)
    cause = np.where(persistent, Cause.SPLIT.value, raw_cause)
    differs = cause != Cause.AGREE.value
    x.update(kind=kind, cause=cause, streak=np.where(differs, prior["diff_streak"].to_numpy() + 1, 0),
             delay_streak=prior["delay_streak"].to_numpy(), suggested=_suggest(x, kind, cause))
    return _result(inputs.reset_index(drop=True), x, raw_cause, lag)


def _numbers(df: pd.DataFrame, p: ReconcileParams, bom: pd.DataFrame | None,
             set_rules: pd.DataFrame | None) -> dict[str, np.ndarray]:
    """Every quantity the rules need, as float arrays (NaN = not known)."""
    f = lambda col: _floats(df, col)  # noqa: E731
    x = {"sku": df["sku"].astype(str).to_numpy(), "is_set": df["is_set"].fillna(False).to_numpy(dtype=bool),
         "orphan": df["orphan"].fillna("").astype(str).to_numpy(),
         "wh_t": df["wh_updated_at"].to_numpy(dtype="datetime64[ns]"),
         "rms_t": df["rms_updated"].to_numpy(dtype="datetime64[ns]")}
    for col in ("wh_on_hand", "rms_quantity", "ledger_balance", "allocated", "moved_after_wh", "moved_after_rms",
                "inbound_after_rms", "alloc_change_after_rms", "orders_after_rms", "pending_inbound",
                "pending_returns", "pending_cancels"):
        x[col] = f(col)
    for col in ("wh_match", "rms_match", "ledger_match", "wh_code", "rms_code", "ledger_code"):
        x[col] = df[col].fillna("").astype(str).to_numpy() if col in df else np.full(len(df), "", object)
    buffer = f("buffer") if "buffer" in df else np.full(len(df), np.nan)
    x["buffer"] = buffer = np.where(np.isnan(buffer), p.buffer, buffer)
    zero = lambda a: np.nan_to_num(a)  # noqa: E731
    x["pending"] = zero(x["pending_inbound"]) + zero(x["pending_returns"]) + zero(x["pending_cancels"])
    x["P"] = x["wh_on_hand"] + zero(x["moved_after_wh"])
    alloc = zero(x["allocated"])
    sellable = np.maximum(0, x["P"] - alloc - buffer)
    sets = allot_sets(df["sku"].astype(str), np.where(x["is_set"], 0, np.nan_to_num(sellable)), bom, set_rules)
    x["taken"], x["limit_sku"], x["limit_units"] = sets.taken.astype(float), sets.limit_sku, sets.limit_units
    own = np.where(x["is_set"], sets.units, sellable - x["taken"])
    x["E"] = _channel(own, p)
    p_then = x["P"] - zero(x["moved_after_rms"])
    a_then = alloc - zero(x["alloc_change_after_rms"])
    x["E_then"] = _channel(np.maximum(0, p_then - a_then - buffer) - x["taken"], p)
    p_ledger = x["ledger_balance"] + x["pending"]
    x["E_ledger"] = _channel(np.maximum(0, p_ledger - alloc - buffer) - x["taken"], p)
    x["g"] = x["rms_quantity"] - x["E"]
    x["r"] = x["ledger_balance"] - (x["wh_on_hand"] + zero(x["moved_after_wh"]) - x["pending"])
    x["tol"] = df["group"].fillna("").astype(str).map(dict(p.tolerance_by_group)).fillna(p.tolerance) \
        .to_numpy(dtype=float) if "group" in df else np.full(len(df), float(p.tolerance))
    return x


def _channel(units: np.ndarray, p: ReconcileParams) -> np.ndarray:
    shown = np.floor(np.maximum(units, 0) * p.share)
    shown = np.minimum(shown, RMS_MAX_STOCK if p.cap is None else min(p.cap, RMS_MAX_STOCK))
    return np.where(units < p.zero_below, 0, shown)


def _first_rule(x: dict[str, np.ndarray]) -> np.ndarray:
    """The ``kind`` of each row: the first rule of the module docstring that fires."""
    tol, g, r = x["tol"], x["g"], x["r"]
    single = ~x["is_set"] & (x["orphan"] == "")
    off = lambda a: np.abs(np.nan_to_num(a)) > tol  # noqa: E731
    rms_off, ledger_off = single & off(g), single & off(r)
    set_double = rms_off & (x["taken"] > 0) & ~off(g - x["taken"])
    pending_rms = rms_off & (x["pending"] > 0) & ~off(g + x["pending"])
    moved = (np.nan_to_num(x["moved_after_rms"]) != 0) | (np.nan_to_num(x["alloc_change_after_rms"]) != 0)
    behind = rms_off & moved & (x["E_then"] != x["E"]) & ~off(x["rms_quantity"] - x["E_then"])
    explained = set_double | pending_rms | behind
    stock = np.nan_to_num(x["P"]) != 0
    normalised = (x["wh_match"] == "normalised") | (x["rms_match"] == "normalised") | (x["ledger_match"] == "normalised")
    rules = [
        ("orphan_code", x["orphan"] != ""),
        ("no_rms_row", (x["orphan"] == "") & (x["rms_match"] == "unmatched")),
        ("no_warehouse_row", single & (x["wh_match"] == "unmatched")),
        ("no_ledger_row", single & (x["ledger_match"] == "unmatched") & stock),
        ("set_over", x["is_set"] & off(g) & (np.nan_to_num(g) > 0)),
        ("set_under", x["is_set"] & off(g)),
        ("ledger_and_rms_off", ledger_off & rms_off & ~explained),
        ("ledger_off", ledger_off),
        ("set_double_count", set_double),
        ("rms_missing_unbooked", pending_rms),
        ("rms_behind", behind),
        ("rms_off", rms_off),
        ("unbooked", single & (x["pending"] > tol)),
        ("warehouse_file_behind", single & off(x["moved_after_wh"])),
        ("code_normalised", normalised),
    ]
    return np.select([m for _, m in rules], [k for k, _ in rules], default="").astype(object)


_CAUSE_OF = {"orphan_code": "表記揺れ", "no_rms_row": "表記揺れ", "no_warehouse_row": "表記揺れ",
             "no_ledger_row": "表記揺れ", "set_over": "セット", "set_under": "セット",
             "ledger_and_rms_off": "不明", "ledger_off": "分断", "set_double_count": "セット",
             "rms_missing_unbooked": "未反映", "rms_behind": "遅延", "rms_off": "分断", "unbooked": "未反映",
             "warehouse_file_behind": "遅延", "code_normalised": "表記揺れ", "": "一致"}


def _suggest(x: dict[str, np.ndarray], kind: np.ndarray, cause: np.ndarray) -> np.ndarray:
    blank = np.isin(kind, ["orphan_code", "no_rms_row", "no_warehouse_row"]) | np.isnan(x["E"])
    safer = np.fmin(x["E"], x["E_ledger"])
    return np.where(blank, np.nan, np.where(cause == Cause.UNKNOWN.value, safer, x["E"]))


def _result(df: pd.DataFrame, x: dict[str, np.ndarray], raw_cause: np.ndarray, lag: np.ndarray) -> pd.DataFrame:
    out = pd.DataFrame({
        "sku": x["sku"], "name": df["name"].fillna("").astype(str) if "name" in df else "",
        "group": df["group"].fillna("").astype(str) if "group" in df else "", "is_set": x["is_set"],
        "rms": ints(x["rms_quantity"]), "warehouse": ints(x["wh_on_hand"]), "ledger": ints(x["ledger_balance"]),
        "allocated": ints(np.where(x["orphan"] != "", np.nan, np.nan_to_num(x["allocated"]))),
        "expected": ints(np.where(x["orphan"] != "", np.nan, x["E"])),
        "diff_rms": ints(x["g"]), "diff_ledger": ints(x["ledger_balance"] - x["wh_on_hand"]),
        "cause": x["cause"], "kind": x["kind"], "evidence": "", "suggested": ints(x["suggested"]),
        "streak": x["streak"].astype(np.int64), "raw_cause": raw_cause, "lag_since": lag,
    })
    out["evidence"] = describe(x)
    return out[RESULT_COLUMNS]


def ints(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Float array (NaN = unknown) -> Int64."""
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _floats(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
