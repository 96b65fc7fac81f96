"""Pull, the pure part: every pulled source's codes resolved to ``sku``, and what did not match exactly.

``resolve_pull(master, pulled)`` takes the shop's master (商品マスタ + 対応表) and the frames each
source gave (RMS stock and orders, the warehouse file, the ledger, other channels' orders,
inbound) and returns the frames of zaiko-xl's pulled sheets (each row keeps its raw ``code``
and records ``sku`` and ``match``) plus the rows of the 照合結果 report: every code matched
only through 対応表 or by normalisation, every unmatched code, collisions, and the master's
RMS keys that RMS would refuse or has no record of. Matching itself is ``domain.sku``; the RMS
SKUs with stock that the master does not name (``unlisted``) come from ``domain.pull_unlisted``.

Which aliases each source uses (the item master's columns count as a mapping, like 対応表):
RMS keys: (manage_number, variant_id); the warehouse: ``warehouse_code`` (``jan`` when the
export is keyed by JAN); orders of other channels, the ledger and inbound: the shop code,
or a ``warehouse_code`` / ``jan`` listed in the master; セット構成: the shop code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

import pandas as pd

from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms_codes import is_valid_key, key_problem
from zaiko_xl.domain.sku import CodeMatch, Match, match_codes, match_rms_keys, rms_keys

IDENTITY = ("sku", "manage_number", "variant_id", "warehouse_code", "jan")
ORDER_COLUMNS = ("order_number", "channel", "sku", "quantity", "status", "ordered_at", "changed_at")
INBOUND_COLUMNS = ("sku", "quantity", "expected_on", "supplier", "reference", "received_at")
ORDER_SHEET_COLUMNS = ("order_number", "channel", "sku", "quantity", "status", "ordered_at", "changed_at", "code",
                       "match")
INBOUND_SHEET_COLUMNS = ("sku", "quantity", "expected_on", "supplier", "reference", "received_at", "code", "match")
REPORT_COLUMNS = ("source", "code", "sku", "match", "problem", "rows", "detail")
COUNT_COLUMNS = ("rows", "exact", "mapping", "normalised", "unmatched", "problems")
Matcher = Callable[[pd.DataFrame], CodeMatch]


class PullSource(StrEnum):
    """Where a code on 照合結果 comes from (the labels are in ``adapters.columns.SOURCE_LABELS``)."""

    RMS_STOCK = "rms_stock"
    RMS_ORDERS = "rms_orders"
    OTHER_ORDERS = "other_orders"
    WAREHOUSE = "warehouse"
    LEDGER = "ledger"
    INBOUND = "inbound"
    BOM = "bom"  # the codes of セット構成
    MASTER = "master"  # the item master and 対応表 themselves (collisions among their codes)


class Problem(StrEnum):
    COLLISION = "collision"  # several codes for one SKU, or one code for several SKUs
    UNMATCHED = "unmatched"
    REFUSED = "refused"  # an RMS key of the master that RMS would refuse (not asked for)
    MISSING = "missing"  # an RMS key of the master that RMS has no stock record of
    UNLISTED = "unlisted"  # an RMS SKU with stock that the master does not name (domain.pull_unlisted)


# The per-row detail of 照合結果 (the sheet's legend explains each kind of row at length).
_MATCH_TEXT = {Match.UNMATCHED.value: "対応表にこのコードを登録してください / add this code to 対応表"}
_MISSING_TEXT = "RMS に在庫レコードがありません / RMS has no stock record of it"


@dataclass(frozen=True)
class Master:
    """The shop's own tables: ``items`` (商品マスタ), ``mapping`` (対応表), ``bom`` (セット構成), contract columns."""

    items: pd.DataFrame
    mapping: pd.DataFrame
    bom: pd.DataFrame | None = None

    @property
    def skus(self) -> pd.Series:
        return self.items["sku"].astype("str").reset_index(drop=True)

    @cached_property
    def identities(self) -> pd.DataFrame:
        """Every (sku, manage_number, variant_id, warehouse_code, jan) row of the item master and 対応表; blanks None."""
        frames = [f.reindex(columns=list(IDENTITY)) for f in (self.items, self.mapping)]
        out = pd.concat(frames, ignore_index=True).astype(object)
        for column in IDENTITY:
            out[column] = out[column].where(out[column].notna() & (out[column] != ""), None)
        return out

    def aliases(self, *columns: str) -> pd.DataFrame:
        """``code`` -> ``sku`` pairs from the given identity columns (blank codes dropped)."""
        ids = self.identities
        parts = [pd.DataFrame({"code": ids[c], "sku": ids["sku"]}) for c in columns]
        return pd.concat(parts, ignore_index=True).dropna()


@dataclass(frozen=True)
class Pulled:
    """What each source gave, codes as written (frame contracts: docs/data-contracts.md §2)."""

    rms_stock: pd.DataFrame
    rms_orders: pd.DataFrame  # RMS order lines (domain.rms.RMS_ORDER_COLUMNS)
    warehouse: pd.DataFrame
    ledger: pd.DataFrame
    other_orders: pd.DataFrame  # orders of other channels (``orders`` contract), possibly empty
    inbound: pd.DataFrame  # possibly empty
    rms_missing: tuple[RmsSkuKey, ...] = ()  # keys asked for that RMS has no record of
    refused: pd.DataFrame | None = None  # from ``rms_keys_to_pull``: code, sku, detail
    warehouse_code_kind: str = "code"  # "jan" when the warehouse export is keyed by JAN


@dataclass(frozen=True)
class ResolvedPull:
    """The pulled sheets' rows (by sheet key), the 照合結果 rows and the counts per source."""

    sheets: dict[str, pd.DataFrame]
    report: pd.DataFrame  # REPORT_COLUMNS
    counts: pd.DataFrame  # index: PullSource values; COUNT_COLUMNS
    ledger: pd.DataFrame | None = None  # the ledger's movements with ``sku`` resolved (no sheet; KPI returns)


def empty_orders() -> pd.DataFrame:
    """An ``orders`` frame with no rows (no other channel's export is configured)."""
    return _empty(ORDER_COLUMNS)


def empty_inbound() -> pd.DataFrame:
    """An ``inbound`` frame with no rows (no inbound file is configured)."""
    return _empty(INBOUND_COLUMNS)


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    times = {"ordered_at", "changed_at", "expected_on", "received_at"}
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in times else "int64" if c == "quantity" else "str")
                         for c in columns})


def rms_keys_to_pull(master: Master) -> tuple[list[RmsSkuKey], pd.DataFrame]:
    """The RMS keys named by the master (folded, unique), and those RMS would refuse (not to be asked).

    Returns:
        The keys, and a frame ``code`` (``manage_number:variant_id``), ``sku``, ``detail`` of refused keys.
    """
    ids = master.identities.dropna(subset=["manage_number", "variant_id"])
    pairs = ids.assign(manage_number=ids["manage_number"].astype("str").str.lower(),
                       variant_id=ids["variant_id"].astype("str")).drop_duplicates(["manage_number", "variant_id"])
    keys, refused = [], []
    for sku, manage_number, variant_id in zip(pairs["sku"], pairs["manage_number"], pairs["variant_id"], strict=True):
        key = RmsSkuKey(manage_number, variant_id)
        problem = None if is_valid_key(manage_number, variant_id) else key_problem(key)
        if problem is None:
            keys.append(key)
        else:
            refused.append((str(key), sku, f"{problem.detail_ja} / {problem.detail_en}"))
    return keys, pd.DataFrame(refused, columns=["code", "sku", "detail"])


def resolve_pull(master: Master, pulled: Pulled) -> ResolvedPull:
    """Resolve every source, build the sheets' rows and the report (see the module docstring)."""
    skus = master.skus
    rms_aliases = master.identities.dropna(subset=["manage_number", "variant_id"])
    flow = master.aliases("warehouse_code", "jan")
    wh_column = "jan" if pulled.warehouse_code_kind == "jan" else "warehouse_code"
    def rms(frame: pd.DataFrame) -> CodeMatch:
        return match_rms_keys(frame["manage_number"].astype("str"), frame["variant_id"].astype("str"), skus,
                              rms_aliases)

    def codes(column: str, aliases: pd.DataFrame | None) -> Matcher:
        return lambda frame: match_codes(frame[column], skus, aliases)

    jobs: dict[PullSource, tuple[pd.DataFrame, Matcher]] = {
        PullSource.RMS_STOCK: (pulled.rms_stock, rms), PullSource.RMS_ORDERS: (pulled.rms_orders, rms),
        PullSource.WAREHOUSE: (pulled.warehouse, codes("warehouse_code", master.aliases(wh_column))),
        PullSource.LEDGER: (pulled.ledger, codes("sku", flow)),
        PullSource.OTHER_ORDERS: (pulled.other_orders, codes("sku", flow)),
        PullSource.INBOUND: (pulled.inbound, codes("sku", flow)),
    }
    if master.bom is not None:
        bom_codes = pd.concat([master.bom["set_sku"], master.bom["component_sku"]], ignore_index=True)
        jobs[PullSource.BOM] = (bom_codes.astype("str").to_frame("code"), codes("code", None))
    matches = {source: _matched(frame, match) for source, (frame, match) in jobs.items()}
    report = _report(matches, pulled, master)
    ledger = _with_match(pulled.ledger.drop(columns=["sku"]), matches[PullSource.LEDGER]).drop(columns=["code"])
    return ResolvedPull(sheets=_sheets(pulled, matches), report=report, counts=_counts(matches, report),
                        ledger=ledger.reset_index(drop=True))


def _matched(frame: pd.DataFrame, match: Matcher) -> CodeMatch:
    """``match(frame)``, or the empty result at once for a source without rows (no lookup tables built)."""
    if len(frame):
        return match(frame)
    empty = pd.DataFrame({"code": pd.Series(dtype="str"), "sku": pd.Series(dtype="str"),
                          "match": pd.Series(dtype="str")}, index=frame.index)
    return CodeMatch(empty, pd.DataFrame(columns=["side", "key", "codes", "skus"]),
                     pd.DataFrame(columns=["code", "key", "rows"]), pd.Series([], dtype="str", name="sku"))


# ---------------------------------------------------------------- the sheets' rows
def _with_match(frame: pd.DataFrame, match: CodeMatch) -> pd.DataFrame:
    resolved = match.resolved
    return frame.assign(sku=resolved["sku"].to_numpy(), match=resolved["match"].to_numpy(),
                        code=resolved["code"].to_numpy())


def _sheets(pulled: Pulled, matches: dict[PullSource, CodeMatch]) -> dict[str, pd.DataFrame]:
    rms = _with_match(pulled.rms_stock, matches[PullSource.RMS_STOCK])
    warehouse = _with_match(pulled.warehouse.drop(columns=["sku"], errors="ignore"), matches[PullSource.WAREHOUSE])
    rms_orders = _with_match(pulled.rms_orders, matches[PullSource.RMS_ORDERS])
    other = _with_match(pulled.other_orders.drop(columns=["sku"]), matches[PullSource.OTHER_ORDERS])
    orders = pd.concat([f.reindex(columns=list(ORDER_SHEET_COLUMNS)) for f in (rms_orders, other) if len(f)],
                       ignore_index=True) if len(rms_orders) or len(other) else pd.DataFrame(
        columns=list(ORDER_SHEET_COLUMNS))
    inbound = _with_match(pulled.inbound.drop(columns=["sku"]), matches[PullSource.INBOUND])
    return {
        "rms_stock": rms[["manage_number", "variant_id", "quantity", "updated", "sku", "match"]].reset_index(drop=True),
        "orders": orders.sort_values(["ordered_at", "order_number"], kind="stable").reset_index(drop=True),
        "warehouse": warehouse.drop(columns=["code"]).reset_index(drop=True),
        "inbound": inbound.reindex(columns=list(INBOUND_SHEET_COLUMNS)).reset_index(drop=True),
    }


# ---------------------------------------------------------------- 照合結果
_STOCK_SOURCES = (PullSource.RMS_STOCK, PullSource.WAREHOUSE)  # two codes for one SKU split or double its stock
_PROBLEM_ORDER = {Problem.UNLISTED: 0, Problem.REFUSED: 0, Problem.COLLISION: 1, Problem.UNMATCHED: 2,
                  Problem.MISSING: 3, "": 4}
_MATCH_ORDER = {Match.UNMATCHED: 0, Match.NORMALISED: 1, Match.MAPPING: 2, Match.EXACT: 3, "": 4}
_SOURCE_ORDER = {s.value: i for i, s in enumerate(PullSource)}


def _report(matches: dict[PullSource, CodeMatch], pulled: Pulled, master: Master) -> pd.DataFrame:
    parts = [_source_rows(source, match) for source, match in matches.items()]
    parts += [_master_collisions(matches.values()), _rms_key_rows(pulled, master)]
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "rows" else object) for c in REPORT_COLUMNS})
    collided = rows["problem"] == Problem.COLLISION.value  # the codes of one collision stay together
    keys = pd.DataFrame({"p": rows["problem"].map(_PROBLEM_ORDER), "m": rows["match"].map(_MATCH_ORDER).where(~collided, 0),
                         "s": rows["source"].map(_SOURCE_ORDER), "sku": rows["sku"].fillna(""), "code": rows["code"]})
    rows = rows.iloc[keys.sort_values(list(keys.columns), kind="stable").index]
    return rows.astype({"rows": "int64"}).reset_index(drop=True)[list(REPORT_COLUMNS)]


def _source_rows(source: PullSource, match: CodeMatch) -> pd.DataFrame:
    """One row per distinct non-exact code; codes of a collision (stock sources) marked as such."""
    res = match.resolved
    collided = match.collisions[match.collisions["side"] == "source"] if source in _STOCK_SOURCES else None
    collided_codes = {c: codes for codes in (collided["codes"] if collided is not None else ()) for c in codes}
    shown = res[(res["match"] != Match.EXACT.value) | res["code"].isin(list(collided_codes))]
    grouped = shown.groupby(["code", "match"], sort=False, dropna=False).agg(sku=("sku", "first"),
                                                                            rows=("sku", "size")).reset_index()
    unmatched = grouped["match"] == Match.UNMATCHED.value
    grouped["problem"] = unmatched.map({True: Problem.UNMATCHED.value, False: ""})
    grouped["detail"] = grouped["match"].map(_MATCH_TEXT).fillna("")
    for i, code in enumerate(grouped["code"]):
        if code in collided_codes:
            codes = ", ".join(collided_codes[code])
            grouped.loc[i, ["problem", "detail"]] = [
                Problem.COLLISION.value, f"同じ SKU のコード: {codes} / codes of one SKU: {codes}"]
    return grouped.assign(source=source.value)


def _master_collisions(matches: Iterable[CodeMatch]) -> pd.DataFrame:
    """Codes of the item master / 対応表 that are ambiguous, reported once whichever source met them."""
    seen: dict[tuple[str, str, tuple[str, ...]], dict[str, object]] = {}
    for match in matches:
        table = match.collisions
        for side, key, skus in zip(table["side"], table["key"], table["skus"], strict=True):
            if side == "source" or (side, key, skus) in seen:
                continue
            names = ", ".join(skus)
            detail = ("1 つのコードが複数の SKU を指します。1 つに直してください / one code names several SKUs; keep one"
                      if side == "mapping" else
                      "正規化すると同じになる SKU です。この形のコードは照合しません / these SKUs are alike after "
                      "normalisation; codes written like them are not matched")
            seen[(side, key, skus)] = {"source": PullSource.MASTER.value, "code": key, "sku": names, "match": "",
                                       "problem": Problem.COLLISION.value, "rows": len(skus), "detail": detail}
    return pd.DataFrame(list(seen.values()), columns=list(REPORT_COLUMNS))


def _rms_key_rows(pulled: Pulled, master: Master) -> pd.DataFrame:
    rows = []
    if pulled.refused is not None:
        rows += [{"source": PullSource.RMS_STOCK.value, "code": code, "sku": sku, "match": "",
                  "problem": Problem.REFUSED.value, "rows": 1, "detail": detail}
                 for code, sku, detail in zip(pulled.refused["code"], pulled.refused["sku"], pulled.refused["detail"],
                                              strict=True)]
    if pulled.rms_missing:
        ids = master.identities.dropna(subset=["manage_number", "variant_id"])
        owner = dict(zip(rms_keys(ids["manage_number"], ids["variant_id"]), ids["sku"], strict=True))
        rows += [{"source": PullSource.RMS_STOCK.value, "code": str(key), "sku": owner.get(str(key)), "match": "",
                  "problem": Problem.MISSING.value, "rows": 1, "detail": _MISSING_TEXT} for key in pulled.rms_missing]
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))


def _counts(matches: dict[PullSource, CodeMatch], report: pd.DataFrame) -> pd.DataFrame:
    problems = report.loc[report["problem"] != "", "source"].value_counts()
    table = {}
    for source in PullSource:
        match = matches.get(source)
        by_match = match.counts() if match is not None else {m.value: 0 for m in Match}
        rows = len(match.resolved) if match is not None else 0
        table[source.value] = {"rows": rows, **by_match, "problems": int(problems.get(source.value, 0))}
    return pd.DataFrame.from_dict(table, orient="index")[list(COUNT_COLUMNS)].astype("int64")
