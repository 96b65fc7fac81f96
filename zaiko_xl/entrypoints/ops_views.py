"""Terminal views of the operations commands: the KPI table, doctor lines, notification outcomes."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from zaiko_xl.domain.notify import format_value

if TYPE_CHECKING:
    from rich.console import Console

    from zaiko_xl.domain.kpi_result import KpiResult
    from zaiko_xl.services.doctor import CheckResult
    from zaiko_xl.services.notify import NotifyOutcome

COLUMNS = (("baseline_normal", "基準値 通常日\nbaseline normal"), ("live_normal", "導入後 通常日\nlive normal"),
           ("baseline_sale", "基準値 セール\nbaseline sale"), ("live_sale", "導入後 セール\nlive sale"),
           ("latest", "直近\nlatest"))
MARKS = {"ok": ("[green]OK[/]", "OK"), "warn": ("[yellow]注意[/]", "WARN"), "fail": ("[red]失敗[/]", "FAIL"),
         "skip": ("[dim]未確認[/]", "SKIP")}


def _style(base: float, value: float, lower_is_better: bool) -> str:
    if math.isnan(base) or math.isnan(value) or base == value:
        return ""
    return "green" if (value < base) == lower_is_better else "red"


def render_kpi(result: KpiResult, console: Console) -> None:
    from rich.table import Table

    cal = result.report.calendar
    table = Table(title=f"KPI {cal.start} – {cal.end}  (本番開始 / go-live: {cal.go_live or '-'})", show_lines=False)
    table.add_column("指標 / KPI")
    for _, label in COLUMNS:
        table.add_column(label, justify="right")
    for r in result.table.to_dict("records"):
        cells = []
        for key, _ in COLUMNS:
            text = format_value(r[key], r["unit"])
            style = _style(r["baseline_normal"], r[key], r["lower_is_better"]) if key != "baseline_normal" else ""
            cells.append(f"[{style}]{text}[/]" if style else text)
        table.add_row(f"{r['name_ja']} / {r['name_en']}", *cells)
    console.print(table)
    console.print(f"基準値 / baseline: {result.baseline_source}  在庫回転 / turnover: {result.report.turnover_basis}  "
                  f"直近 / latest: {result.latest_period.date() if result.latest_period is not None else '-'}",
                  markup=False)


def render_checks(results: list[CheckResult], console: Console) -> None:
    for r in results:
        mark = MARKS[r.status][0]
        console.print(f"{mark} {r.title_ja} / {r.title_en}: {r.message_ja} / {r.message_en}", markup=True,
                      highlight=False)
        if r.status in ("fail", "warn") and (r.hint_ja or r.hint_en):
            console.print(f"     対処 / fix: {r.hint_ja} / {r.hint_en}", markup=False)


def render_outcome(outcome: NotifyOutcome, console: Console) -> None:
    for channel, key, status in outcome.sent:
        console.print(f"通知しました / notified: {channel} {key} ({status})", markup=False)
    for channel, key, message in outcome.failed:
        console.print(f"通知失敗 / not notified: {channel} {key}: {message}", markup=False)
    if outcome.held:
        console.print(f"上限のため保留 / held by the throttle: {outcome.held}", markup=False)
