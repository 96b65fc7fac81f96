"""Files of the KPI report: the HTML page and the standalone KPI workbook."""

from __future__ import annotations

from pathlib import Path

from zaiko_xl.adapters.kpi_html import render_kpi_html, write_html
from zaiko_xl.adapters.kpi_xlsx import write_kpi_workbook
from zaiko_xl.domain.kpi_result import KpiResult
from zaiko_xl.domain.kpi_sheet import kpi_sheets


class KpiFiles:
    def html(self, result: KpiResult, path: Path) -> Path:
        return write_html(path, render_kpi_html(result))

    def html_text(self, result: KpiResult) -> str:
        return render_kpi_html(result)

    def workbook(self, result: KpiResult, path: Path) -> Path:
        cal = result.report.calendar
        notes = [f"期間 / period {cal.start} – {cal.end}; 本番開始 / go-live {cal.go_live or '-'}; "
                 f"基準値 / baseline: {result.baseline_source}; 在庫回転 / turnover: {result.report.turnover_basis}",
                 "定義 / definitions: README「KPI の定義 / KPI definitions」"]
        return write_kpi_workbook(path, kpi_sheets(result), notes)
