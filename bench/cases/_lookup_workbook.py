"""The three-way check as shops do it today: a workbook of lookup formulas, recalculated by LibreOffice.

Sheet 比較 (first, so the CSV export holds it) has one row per SKU of the item master::

    RMS    =VLOOKUP(rms_key, RMS!A:B, 2, FALSE)
    倉庫   =VLOOKUP(warehouse_code, 倉庫!A:B, 2, FALSE)      (the item master's 倉庫コード)
    台帳   =SUMIF(台帳!A:A, sku, 台帳!D:D)         (D = signed quantity, a helper formula per row)
    引当   =SUMIFS(受注!C:C, 受注!A:A, sku, 受注!B:B, "unshipped")
    差異   =RMS - MAX(0, 倉庫 - 引当)
    台帳差 =台帳 - 倉庫

(LibreOffice 7.4 has no XLOOKUP, so VLOOKUP with exact match; ranges are bounded to the data.)
Every formula is written with a sentinel cached value; LibreOffice keeps cached values of
OOXML files unless its profile says ``OOXMLRecalcMode = 0`` (always recalculate), which
``libreoffice_profile`` sets. A sentinel left in the output means no recalculation happened.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pandas as pd
import xlsxwriter

SENTINEL = -999_999
_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def write_lookup_workbook(path: Path, items: pd.DataFrame, warehouse: pd.DataFrame, rms: pd.DataFrame,
                          ledger: pd.DataFrame, orders: pd.DataFrame) -> int:
    """Write the formula workbook (no real cached values); returns the number of formula cells."""
    wb = xlsxwriter.Workbook(str(path))
    cmp_ws = wb.add_worksheet("比較")
    n_rms, n_wh = _data_sheet(wb, "RMS", ["キー", "在庫数"], zip(
        rms["manage_number"] + ":" + rms["variant_id"], rms["quantity"], strict=True)), \
        _data_sheet(wb, "倉庫", ["コード", "在庫数"], zip(warehouse["warehouse_code"], warehouse["on_hand"], strict=True))
    led = wb.add_worksheet("台帳")
    led.write_row(0, 0, ["SKU", "区分", "数量", "符号付数量"])
    for i, (sku, kind, qty) in enumerate(zip(ledger["sku"], ledger["kind"], ledger["quantity"], strict=True), 1):
        led.write_row(i, 0, [sku, kind, int(qty)])
        led.write_formula(i, 3, f'=IF(B{i + 1}="出荷",-C{i + 1},C{i + 1})', None, SENTINEL)
    n_led = len(ledger) + 1
    n_ord = _data_sheet(wb, "受注", ["SKU", "状態", "数量"], zip(
        orders["sku"], orders["status"], orders["quantity"], strict=True))
    cmp_ws.write_row(0, 0, ["SKU", "RMSキー", "倉庫コード", "RMS", "倉庫", "台帳", "引当", "差異", "台帳差"])
    keys = items["manage_number"] + ":" + items["variant_id"]
    codes = items["warehouse_code"].fillna("").astype(str)
    for i, (sku, key, code) in enumerate(zip(items["sku"], keys, codes, strict=True), 1):
        r = i + 1
        cmp_ws.write_row(i, 0, [sku, key, code])
        for col, formula in enumerate([
                f"=VLOOKUP(B{r},RMS!$A$2:$B${n_rms},2,FALSE)",
                f"=VLOOKUP(C{r},倉庫!$A$2:$B${n_wh},2,FALSE)",
                f"=SUMIF(台帳!$A$2:$A${n_led},A{r},台帳!$D$2:$D${n_led})",
                f'=SUMIFS(受注!$C$2:$C${n_ord},受注!$A$2:$A${n_ord},A{r},受注!$B$2:$B${n_ord},"unshipped")',
                f"=D{r}-MAX(0,E{r}-G{r})", f"=F{r}-E{r}"], start=3):
            cmp_ws.write_formula(i, col, formula, None, SENTINEL)
    wb.close()
    return 6 * len(items) + len(ledger)


def comparable_skus(items: pd.DataFrame, bom: pd.DataFrame, warehouse: pd.DataFrame, rms: pd.DataFrame) -> pd.Index:
    """The SKUs lookup formulas can check: singles no set uses, whose warehouse and RMS codes are exact.

    VLOOKUP finds exact codes only (a drifted warehouse code gives #N/A) and knows nothing of
    sets; on every other SKU the formulas are wrong or #N/A, which is the shops' problem that
    zaiko-xl solves, not a like-for-like comparison.
    """
    used = set(bom["component_sku"]) | set(bom["set_sku"])
    codes = warehouse["warehouse_code"].value_counts()
    keys = set(rms["manage_number"] + ":" + rms["variant_id"])
    ok = (~items["is_set"].astype(bool) & ~items["sku"].isin(used)
          & items["warehouse_code"].map(codes).eq(1)
          & (items["manage_number"] + ":" + items["variant_id"]).isin(keys))
    return pd.Index(items.loc[ok, "sku"])


def _data_sheet(wb: xlsxwriter.Workbook, name: str, header: list[str], rows) -> int:
    ws = wb.add_worksheet(name)
    ws.write_row(0, 0, header)
    n = 0
    for n, row in enumerate(rows, 1):
        ws.write_row(n, 0, [v if isinstance(v, str) else int(v) for v in row])
    return n + 1


def libreoffice_profile(folder: Path) -> Path:
    """A LibreOffice user profile that recalculates OOXML formulas on load."""
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
    return folder


def recalc_to_csv(xlsx: Path, out_dir: Path, profile: Path, timeout_s: float = 1800) -> tuple[Path, float]:
    """Open ``xlsx`` in LibreOffice headless (recalculating) and export sheet 1 as CSV; returns (csv, seconds)."""
    start = time.perf_counter()
    subprocess.run(["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out_dir), str(xlsx)],
                   check=True, capture_output=True, timeout=timeout_s)
    seconds = time.perf_counter() - start
    csv = out_dir / (xlsx.stem + ".csv")
    if not csv.exists():
        raise RuntimeError(f"LibreOffice wrote no {csv}")
    return csv, seconds


def read_differences(csv: Path) -> pd.DataFrame:
    """sku, diff_rms, diff_ledger and the number of sentinel (not recalculated) cells."""
    frame = pd.read_csv(csv, encoding="utf-8")
    return frame.rename(columns={"SKU": "sku", "差異": "diff_rms", "台帳差": "diff_ledger"})
