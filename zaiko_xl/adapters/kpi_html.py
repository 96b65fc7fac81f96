"""The KPI report as one self-contained HTML page (inline CSS and SVG) for e-mail and the browser.

Charts are inline SVG; each has its numbers in a table beside it, because some mail
clients do not show SVG. Written atomically.
"""

from __future__ import annotations

import math
import os
from html import escape
from pathlib import Path

import pandas as pd

from zaiko_xl.adapters.svg_charts import bar_chart, line_chart
from zaiko_xl.domain.kpi import BY_KEY
from zaiko_xl.domain.kpi_result import KpiResult
from zaiko_xl.domain.kpi_sheet import CAUSE_LABELS, SEGMENT_HEADERS
from zaiko_xl.domain.notify import format_value
from zaiko_xl.errors import UnreadableFile, where

CSS = ("body{font-family:'Yu Gothic','Meiryo',sans-serif;color:#222;max-width:980px;margin:16px auto}"
       "table{border-collapse:collapse;margin:8px 0 20px}th,td{border:1px solid #ccc;padding:4px 8px;font-size:13px}"
       "th{background:#ddebf7;text-align:left}td.n{text-align:right}.better{color:#2e7d32}.worse{color:#c62828}"
       "h2{font-size:17px;border-bottom:2px solid #1f77b4;padding-bottom:2px}.small{font-size:12px;color:#555}")
TREND_CHARTS = (("欠品率・受注後キャンセル率 / stockout and cancellation rates", ("stockout_rate", "stock_cancel_rate"), True),
                ("更新遅延時間 (分) / update latency (min)", ("sync_latency_median_min", "sync_latency_p95_min"), False),
                ("API エラー・再実行 (件/日) / API errors and retries per day", ("api_errors", "api_retries"), False))
CAUSE_CHARTS = (("受注後キャンセルの原因 / why orders were cancelled", "stock_cancel_rate"),
                ("在庫差の原因 / causes of stock differences", "stock_diffs"),
                ("API エラーの内訳 / API errors by code", "api_errors"))


def render_kpi_html(result: KpiResult, shop: str = "") -> str:
    cal = result.report.calendar
    head = (f"<h1>zaiko-xl KPI レポート / KPI report {escape(shop)}</h1><p class='small'>期間 / period "
            f"{cal.start} – {cal.end} ・ 本番開始 / go-live {cal.go_live or '未設定 / not set'} ・ セール / sales "
            f"{', '.join(f'{a}–{b}' for a, b in cal.sale_windows) or 'なし / none'} ・ 基準値 / baseline: "
            f"{result.baseline_source} ・ 在庫回転 / turnover basis: {result.report.turnover_basis}</p>")
    body = [head, "<h2>KPI 一覧 / summary</h2>", _summary_table(result), "<h2>推移 / trends</h2>", _trends(result),
            "<h2>原因 / causes</h2>", _causes(result), "<h2>欠品日数の多い SKU / SKUs out of stock most</h2>",
            _top(result)]
    return (f"<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'><title>zaiko-xl KPI</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")


def write_html(path: Path, html: str) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UnreadableFile(**where(file=str(path)), detail=exc.strerror or str(exc)) from exc
    return path


def _summary_table(result: KpiResult) -> str:
    columns = ["baseline_normal", "live_normal", "baseline_sale", "live_sale", "latest"]
    rows = ["<table><tr><th>指標 / KPI</th>" + "".join(f"<th>{SEGMENT_HEADERS[c]}</th>" for c in columns) + "</tr>"]
    for r in result.table.to_dict("records"):
        cells = []
        for c in columns:
            css = _trend_class(r["baseline_normal"], r[c], r["lower_is_better"]) if c != "baseline_normal" else ""
            cells.append(f"<td class='n {css}'>{format_value(r[c], r['unit'])}</td>")
        rows.append(f"<tr><td>{escape(r['name_ja'])} / {escape(r['name_en'])}</td>{''.join(cells)}</tr>")
    return "".join(rows) + "</table>"


def _trend_class(base: float, value: float, lower_is_better: bool) -> str:
    if math.isnan(base) or math.isnan(value) or value == base:
        return ""
    return "better" if (value < base) == lower_is_better else "worse"


def _trends(result: KpiResult) -> str:
    trend = result.report.trend.loc[result.report.trend["days"] == "all"]
    wide = trend.pivot_table(index="period", columns="kpi", values="value", dropna=False, sort=True)
    labels = [p.strftime("%m/%d") for p in wide.index]
    go_live = result.report.calendar.go_live
    marker = next((i for i, p in enumerate(wide.index) if go_live and p.date() >= go_live), None)
    parts = []
    for title, keys, percent in TREND_CHARTS:
        series = {BY_KEY[k].name_ja: [float(v) for v in wide.get(k, pd.Series(math.nan, index=wide.index))]
                  for k in keys}
        parts.append(line_chart(title, labels, series, percent=percent, marker_at=marker, marker_label="本番開始"))
        parts.append(_numbers(labels, series, keys))
    return "".join(parts)


def _numbers(labels: list[str], series: dict[str, list[float]], keys: tuple[str, ...]) -> str:
    head = "".join(f"<th>{escape(n)}</th>" for n in series)
    rows = "".join(f"<tr><td>{escape(label)}</td>" + "".join(
        f"<td class='n'>{format_value(vs[i], BY_KEY[k].unit)}</td>" for k, vs in zip(keys, series.values(), strict=True))
        + "</tr>" for i, label in list(enumerate(labels))[-8:])
    return f"<table><tr><th>期間 / period</th>{head}</tr>{rows}</table>"


def _causes(result: KpiResult) -> str:
    causes = result.report.causes
    every = causes.loc[(causes["phase"] == "all") & (causes["days"] == "all")]
    parts = []
    for title, key in CAUSE_CHARTS:
        rows = every.loc[every["kpi"] == key].sort_values("count", ascending=False)
        if rows.empty:
            parts.append(f"<p class='small'>{escape(title)}: なし / none</p>")
            continue
        labels = [CAUSE_LABELS.get(c, c) for c in rows["cause"]]
        parts.append(bar_chart(title, labels, [float(c) for c in rows["count"]]))
    return "".join(parts)


def _top(result: KpiResult) -> str:
    top = result.report.top_stockouts
    if top.empty:
        return "<p class='small'>なし / none</p>"
    rows = "".join(f"<tr><td>{escape(str(r.sku))}</td><td class='n'>{r.stockout_days}</td>"
                   f"<td class='n'>{r.demand_days}</td></tr>" for r in top.itertuples())
    return (f"<table><tr><th>SKU</th><th>欠品日数 / days out</th><th>需要のある日数 / days with demand</th></tr>"
            f"{rows}</table>")
