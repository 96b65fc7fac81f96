"""The KPI sheets: their columns, their rows, and the native charts drawn from them. Pure.

This is the one place that defines the KPI sheets' columns. ``adapters/columns.py`` builds the
workbook's KPI, KPI推移 and KPI原因 sheets from ``SHEET_COLUMNS`` (and the template its charts
from ``CHARTS``); ``kpi_sheets`` fills them (frames keyed by the English field names); the
standalone KPI workbook (``adapters/kpi_xlsx.py``) writes the same frames under the headers.

Layout: KPI = one row per KPI (percentages as numbers of per cent, the unit beside them), with
the charts below it; KPI推移 = one row per week or month; KPI原因 = three cause tables side by
side (cancellations, stock differences, API errors), each filled from the top, so that every
chart's data is the contiguous filled rows of its category column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from zaiko_xl.domain.kpi import BY_KEY, DEFINITIONS
from zaiko_xl.domain.kpi_result import SEGMENTS, KpiResult

SUMMARY_SHEET, TREND_SHEET, CAUSE_SHEET = "KPI", "KPI推移", "KPI原因"
CAUSE_ROWS = 12  # per cause table: the most frequent causes; the rest add up under "その他"
NOTHING = "記録なし / nothing recorded"  # the one row of a cause table without any count
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
CAUSE_GROUPS = (("cancel", "stock_cancel_rate", "キャンセル理由 / why cancelled", "キャンセル"),
                ("diff", "stock_diffs", "在庫差の原因 / difference cause", "在庫差"),
                ("api", "api_errors", "API エラー / API error", "API エラー"))
ColumnKind = Literal["text", "int", "float", "percent", "date"]


@dataclass(frozen=True)
class KpiColumn:
    field: str
    header: str
    kind: ColumnKind
    width: float = 13


def header(kpi: str, days: str = "all") -> str:
    d = BY_KEY[kpi]
    suffix = {"all": "", "normal": " (通常日 / normal)", "sale": " (セール / sale)"}[days]
    return f"{d.name_ja} / {d.name_en}{suffix}"


def trend_field(kpi: str, days: str = "all") -> str:
    return kpi if days == "all" else f"{kpi}_{days}"


def number_format(unit: str) -> str:
    return "0.00%" if unit == "%" else "#,##0.00"


def _trend_columns() -> tuple[KpiColumn, ...]:
    columns = [KpiColumn("period", "期間 / period", "date", 12)]
    for d in DEFINITIONS:
        for days in ("all", "normal", "sale") if d.key in TREND_SPLIT else ("all",):
            columns.append(KpiColumn(trend_field(d.key, days), header(d.key, days),
                                     "percent" if d.unit == "%" else "float", 14))
    return tuple(columns)


def _cause_columns() -> tuple[KpiColumn, ...]:
    columns = []
    for group, _kpi, title, short in CAUSE_GROUPS:
        columns += [KpiColumn(f"{group}_cause", title, "text", 24),
                    KpiColumn(f"{group}_baseline", f"{short} 基準値 / baseline", "int", 14),
                    KpiColumn(f"{group}_live", f"{short} 導入後 / live", "int", 14)]
    return tuple(columns)


SHEET_COLUMNS: dict[str, tuple[KpiColumn, ...]] = {
    SUMMARY_SHEET: (KpiColumn("kpi_name", "指標 / KPI", "text", 50), KpiColumn("unit", "単位 / unit", "text", 8),
                    *(KpiColumn(name, SEGMENT_HEADERS[name], "float", 16) for name, _, _ in SEGMENTS),
                    KpiColumn("latest", SEGMENT_HEADERS["latest"], "float", 16),
                    KpiColumn("kpi", "キー / key", "text", 24)),
    TREND_SHEET: _trend_columns(),
    CAUSE_SHEET: _cause_columns(),
}


@dataclass(frozen=True)
class ChartSpec:
    """A native chart: its data columns (fields of one sheet) and where it sits on the KPI sheet."""

    key: str
    kind: Literal["line", "bar"]
    title: str
    sheet: str  # the data sheet
    categories: str  # field of the category column (the chart covers its filled rows)
    series: tuple[str, ...]  # fields of the value columns
    number_format: str
    anchor: str  # top-left cell on the KPI sheet


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("stock_rates", "line", "欠品率・受注後キャンセル率の推移 / stockout and cancellation rates", TREND_SHEET,
              "period", TREND_SPLIT, "0.0%", "A24"),
    ChartSpec("latency", "line", "更新遅延時間の推移 (分) / update latency (minutes)", TREND_SHEET, "period",
              ("sync_latency_median_min", "sync_latency_p95_min"), "#,##0", "A42"),
    ChartSpec("api", "line", "API エラー・再実行 (件/日) / API errors and retries per day", TREND_SHEET, "period",
              ("api_errors", "api_retries"), "#,##0.0", "A60"),
    ChartSpec("cancel_causes", "bar", "受注後キャンセルの理由 / why orders were cancelled", CAUSE_SHEET, "cancel_cause",
              ("cancel_baseline", "cancel_live"), "#,##0", "E24"),
    ChartSpec("diff_causes", "bar", "在庫差の原因 / causes of stock differences", CAUSE_SHEET, "diff_cause",
              ("diff_baseline", "diff_live"), "#,##0", "E42"),
    ChartSpec("api_causes", "bar", "API エラーの内訳 / API errors by code", CAUSE_SHEET, "api_cause",
              ("api_baseline", "api_live"), "#,##0", "E60"),
)


def column_header(sheet: str, field: str) -> str:
    return next(c.header for c in SHEET_COLUMNS[sheet] if c.field == field)


def kpi_sheets(result: KpiResult) -> dict[str, pd.DataFrame]:
    """Sheet name -> frame (columns = the fields of ``SHEET_COLUMNS``)."""
    return {SUMMARY_SHEET: _summary(result), TREND_SHEET: _trend(result), CAUSE_SHEET: _causes(result)}


def summary_notes(result: KpiResult) -> dict[str, str]:
    """The facts shown above the KPI table (named cells of the KPI sheet)."""
    cal = result.report.calendar
    latest = result.latest_period.date().isoformat() if result.latest_period is not None else "-"
    sources = {"frozen": "固定済み / frozen", "history": "履歴から / from history", "none": "なし / none"}
    bases = {"cost": "原価 / cost", "units": "数量 / units"}
    return {"period": f"{cal.start} – {cal.end} (直近 / latest {latest})",
            "go_live": cal.go_live.isoformat() if cal.go_live else "- (全期間が基準値 / all days are baseline)",
            "baseline": sources[result.baseline_source], "turnover_basis": bases[result.report.turnover_basis]}


def _summary(result: KpiResult) -> pd.DataFrame:
    table = result.table
    scale = np.where(table["unit"] == "%", 100.0, 1.0)  # per cent as a number beside its unit
    frame = pd.DataFrame({"kpi_name": [f"{a} / {b}" for a, b in zip(table["name_ja"], table["name_en"], strict=True)],
                          "unit": table["unit"]})
    for name in [s[0] for s in SEGMENTS] + ["latest"]:
        frame[name] = table[name].to_numpy(dtype=float) * scale
    frame["kpi"] = table["kpi"]
    return frame


def _trend(result: KpiResult) -> pd.DataFrame:
    trend = result.report.trend
    wide = trend.pivot_table(index="period", columns=["kpi", "days"], values="value", dropna=False, sort=True)
    frame = pd.DataFrame({"period": pd.to_datetime(wide.index)})
    for column in SHEET_COLUMNS[TREND_SHEET][1:]:
        kpi, days = next((d.key, days) for d in DEFINITIONS for days in ("all", "normal", "sale")
                         if trend_field(d.key, days) == column.field)
        frame[column.field] = wide[(kpi, days)].to_numpy() if (kpi, days) in wide.columns else np.nan
    return frame


def _causes(result: KpiResult) -> pd.DataFrame:
    """The three cause tables side by side, each sorted by its total and filled from the top."""
    causes = result.report.causes
    every = causes.loc[causes["days"] == "all"]
    blocks = [_cause_block(every.loc[every["kpi"] == kpi], group) for group, kpi, _title, _short in CAUSE_GROUPS]
    frame = pd.concat(blocks, axis=1)
    return frame.reindex(columns=[c.field for c in SHEET_COLUMNS[CAUSE_SHEET]])


def _cause_block(rows: pd.DataFrame, group: str) -> pd.DataFrame:
    wide = rows.pivot_table(index="cause", columns="phase", values="count", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=["baseline", "live", "all"], fill_value=0).sort_values(["all"], ascending=False,
                                                                                        kind="stable")
    if len(wide) > CAUSE_ROWS:
        rest = wide.iloc[CAUSE_ROWS - 1:].sum().to_frame("other (rest)").T
        wide = pd.concat([wide.iloc[:CAUSE_ROWS - 1], rest])
    if wide.empty:  # a chart that says so rather than an empty frame
        wide = pd.DataFrame({"baseline": [0], "live": [0], "all": [0]}, index=[NOTHING])
    labels = [CAUSE_LABELS.get(c, "その他 / others" if c == "other (rest)" else c) for c in wide.index]
    return pd.DataFrame({f"{group}_cause": labels, f"{group}_baseline": wide["baseline"].to_numpy(dtype=float),
                         f"{group}_live": wide["live"].to_numpy(dtype=float)})
