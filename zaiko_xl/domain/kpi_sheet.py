"""What the KPI sheets hold and which charts they show: frames and a chart spec, no file format.

The standalone KPI workbook (``adapters/kpi_xlsx.py``) and the workbook batch writer both draw
from these: sheet name -> frame (row 1 = the headers below), and ``CHARTS`` (native Excel
charts: trend lines and bars by cause) that refer to those frames by column header.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from zaiko_xl.domain.kpi import BY_KEY, DEFINITIONS
from zaiko_xl.domain.kpi_result import SEGMENTS, KpiResult

SUMMARY_SHEET, TREND_SHEET, CAUSE_SHEET = "KPI", "KPI推移", "KPI原因"
PERIOD = "期間 / period"
CAUSE_LABELS = {
    "stockout": "在庫切れ / stockout", "customer": "お客様都合 / customer", "payment": "支払い / payment",
    "shop": "店舗都合 / shop", "other": "その他 / other", "unknown": "不明 / unknown",
    "sync_delay": "反映遅れ / sync delay", "split_stock": "在庫分断 / split stock",
    "sku_notation": "SKU 表記ゆれ / SKU notation", "set_product": "セット商品 / set product",
    "pending_movement": "未反映の入出荷 / pending movement", "no response": "応答なし / no response",
}
SEGMENT_HEADERS = {"baseline_normal": "基準値 通常日 / baseline normal", "baseline_sale": "基準値 セール / baseline sale",
                   "live_normal": "導入後 通常日 / live normal", "live_sale": "導入後 セール / live sale",
                   "all": "全期間 / all days", "latest": "直近 / latest"}
TREND_SPLIT = ("stockout_rate", "stock_cancel_rate")  # also shown for normal and sale days apart


def header(kpi: str, days: str = "all") -> str:
    d = BY_KEY[kpi]
    suffix = {"all": "", "normal": " (通常日 / normal)", "sale": " (セール / sale)"}[days]
    return f"{d.name_ja} / {d.name_en}{suffix}"


def number_format(unit: str) -> str:
    return "0.00%" if unit == "%" else "#,##0.00"


@dataclass(frozen=True)
class SeriesSpec:
    column: str  # header of the values column in the data sheet


@dataclass(frozen=True)
class ChartSpec:
    key: str
    kind: Literal["line", "bar"]
    title: str
    sheet: str  # the data sheet
    categories: str  # header of the category column
    series: tuple[SeriesSpec, ...]
    number_format: str
    anchor: str  # top-left cell on the KPI sheet
    rows_where: tuple[str, str] | None = None  # only the rows whose column equals the value (contiguous)


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("stock_rates", "line", "欠品率・受注後キャンセル率の推移 / stockout and cancellation rates", TREND_SHEET,
              PERIOD, tuple(SeriesSpec(header(k)) for k in TREND_SPLIT), "0.0%", "K2"),
    ChartSpec("latency", "line", "更新遅延時間の推移 (分) / update latency (minutes)", TREND_SHEET, PERIOD,
              (SeriesSpec(header("sync_latency_median_min")), SeriesSpec(header("sync_latency_p95_min"))),
              "#,##0.0", "K20"),
    ChartSpec("api", "line", "API エラー・再実行 (件/日) / API errors and retries per day", TREND_SHEET, PERIOD,
              (SeriesSpec(header("api_errors")), SeriesSpec(header("api_retries"))), "#,##0.0", "K38"),
    ChartSpec("cancel_causes", "bar", "受注後キャンセルの原因 / why orders were cancelled", CAUSE_SHEET,
              "原因 / cause", (SeriesSpec("基準値期間 / baseline"), SeriesSpec("導入後 / live")), "#,##0", "A18",
              ("キー / key", "stock_cancel_rate")),
    ChartSpec("diff_causes", "bar", "在庫差の原因 / causes of stock differences", CAUSE_SHEET, "原因 / cause",
              (SeriesSpec("基準値期間 / baseline"), SeriesSpec("導入後 / live")), "#,##0", "A36",
              ("キー / key", "stock_diffs")),
    ChartSpec("api_causes", "bar", "API エラーの内訳 / API errors by code", CAUSE_SHEET, "原因 / cause",
              (SeriesSpec("基準値期間 / baseline"), SeriesSpec("導入後 / live")), "#,##0", "A54",
              ("キー / key", "api_errors")),
)


def kpi_sheets(result: KpiResult) -> dict[str, pd.DataFrame]:
    """Sheet name -> frame (headers are the column names)."""
    return {SUMMARY_SHEET: _summary(result), TREND_SHEET: _trend(result), CAUSE_SHEET: _causes(result)}


def _summary(result: KpiResult) -> pd.DataFrame:
    table = result.table
    frame = pd.DataFrame({"指標 / KPI": [f"{a} / {b}" for a, b in zip(table["name_ja"], table["name_en"], strict=True)],
                          "単位 / unit": table["unit"]})
    for name in [s[0] for s in SEGMENTS] + ["latest"]:
        frame[SEGMENT_HEADERS[name]] = table[name]
    frame["キー / key"] = table["kpi"]
    return frame


def _trend(result: KpiResult) -> pd.DataFrame:
    trend = result.report.trend
    wide = trend.pivot_table(index="period", columns=["kpi", "days"], values="value", dropna=False, sort=True)
    frame = pd.DataFrame({PERIOD: [p.date() for p in wide.index]})
    for d in DEFINITIONS:
        for days in ("all", "normal", "sale") if d.key in TREND_SPLIT else ("all",):
            values = wide[(d.key, days)] if (d.key, days) in wide.columns else pd.Series(float("nan"), index=wide.index)
            frame[header(d.key, days)] = values.to_numpy()
    return frame


def _causes(result: KpiResult) -> pd.DataFrame:
    causes = result.report.causes
    every = causes.loc[causes["days"] == "all"]
    wide = every.pivot_table(index=["kpi", "cause"], columns="phase", values="count", aggfunc="sum", fill_value=0)
    rows = []
    for (kpi, cause), counts in wide.iterrows():
        rows.append({"指標 / KPI": header(kpi), "原因 / cause": CAUSE_LABELS.get(cause, cause),
                     "基準値期間 / baseline": int(counts.get("baseline", 0)), "導入後 / live": int(counts.get("live", 0)),
                     "合計 / total": int(counts.get("all", 0)), "キー / key": kpi})
    columns = ["指標 / KPI", "原因 / cause", "基準値期間 / baseline", "導入後 / live", "合計 / total", "キー / key"]
    return pd.DataFrame(rows, columns=columns).sort_values(["キー / key", "合計 / total"], ascending=[True, False],
                                                          kind="stable").reset_index(drop=True)
