"""The KPI use case: read the history, compute every KPI, freeze the baseline at go-live.

The baseline (導入前の基準値) is what the KPIs were before go-live. It is frozen in the journal
by the first report after the go-live date, so later reports compare against the same numbers
even when old history has been pruned; changing the go-live date captures it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

import pandas as pd

from zaiko_xl.domain.kpi import KpiCalendar, KpiReport, compute_kpis, period_bounds
from zaiko_xl.domain.kpi_result import KpiResult, build_result, kpi_text
from zaiko_xl.errors import KpiNoData, NotifyNotConfigured
from zaiko_xl.ports import BaselineStore, KpiReportFiles, KpiSource, ReportMailer
from zaiko_xl.services.notify import KpiAlerts, NotifyOutcome, notify_kpis


@dataclass(frozen=True)
class KpiOptions:
    as_of: date  # the report covers complete days before this one
    history_days: int = 730
    go_live: date | None = None
    sale_windows: tuple[tuple[date, date], ...] = ()
    demand_window_days: int = 28
    trend: Literal["week", "month"] = "week"


def compute_kpi_report(source: KpiSource, options: KpiOptions, baseline: BaselineStore | None = None) -> KpiResult:
    """Every KPI for the period before ``options.as_of``, with the baseline and the latest period."""
    start, end = period_bounds(options.as_of, options.history_days)
    inputs = source.kpi_inputs(start, end, options.demand_window_days)
    if _empty(inputs.stock_history) and _empty(inputs.orders):
        raise KpiNoData(start=start.isoformat(), end=end.isoformat())
    calendar = KpiCalendar(start, end, options.go_live, options.sale_windows, options.demand_window_days,
                           options.trend)
    report = compute_kpis(inputs, calendar)
    frozen, source_kind = _baseline(report, options, baseline)
    return build_result(report, frozen, source_kind)


def _empty(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty


def _baseline(report: KpiReport, options: KpiOptions, store: BaselineStore | None):
    """The baseline rows to show (kpi, days, value ...) and where they come from."""
    computed = report.summary.loc[report.summary["phase"] == "baseline"].drop(columns="phase")
    if options.go_live is None or store is None or options.as_of <= options.go_live:
        return computed, ("history" if len(computed) else "none")
    saved = store.load_baseline()
    if saved is not None and saved[0] == options.go_live:
        return saved[1], "frozen"
    if len(computed):
        store.save_baseline(options.go_live, computed)
        return computed, "frozen"
    return computed, "none"


@dataclass
class PublishOutcome:
    files: list[Path] = field(default_factory=list)
    mailed: bool = False
    notified: NotifyOutcome | None = None


def publish_kpi_report(result: KpiResult, *, files: KpiReportFiles, html_path: Path | None = None,
                       xlsx_path: Path | None = None, mailer: ReportMailer | None = None, mail: bool = False,
                       alerts: KpiAlerts | None = None) -> PublishOutcome:
    """Write the asked files, mail the report, and notify KPIs worse than their thresholds."""
    outcome = PublishOutcome()
    if html_path is not None:
        outcome.files.append(files.html(result, html_path))
    if xlsx_path is not None:
        outcome.files.append(files.workbook(result, xlsx_path))
    if mail:
        if mailer is None:
            raise NotifyNotConfigured()
        cal = result.report.calendar
        mailer.send_mail(f"zaiko-xl KPI レポート / KPI report {cal.start} - {cal.end}", kpi_text(result),
                         files.html_text(result))
        outcome.mailed = True
    if alerts is not None:
        outcome.notified = notify_kpis(result, alerts)
    return outcome
