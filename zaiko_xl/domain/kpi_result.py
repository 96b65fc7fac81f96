"""The KPI result every front end shows: one row per KPI with baseline, live, sale and latest values.

Pure. ``KpiResult.to_json`` is the stable JSON of `zaiko-xl kpi --json` (version 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from zaiko_xl.domain.kpi import DEFINITIONS, KpiReport
from zaiko_xl.domain.notify import format_value

JSON_VERSION = 1
SEGMENTS = (("baseline_normal", "baseline", "normal"), ("baseline_sale", "baseline", "sale"),
            ("live_normal", "live", "normal"), ("live_sale", "live", "sale"), ("all", "all", "all"))


@dataclass(frozen=True)
class KpiResult:
    report: KpiReport
    table: pd.DataFrame  # one row per KPI: kpi, name_ja, name_en, unit, lower_is_better, <segment> columns, latest
    baseline_source: Literal["frozen", "history", "none"]
    latest_period: pd.Timestamp | None

    def latest(self) -> dict[str, float]:
        """Each KPI over the last trend period (all days): what thresholds are checked against."""
        return dict(zip(self.table["kpi"], self.table["latest"], strict=True))

    def to_json(self) -> dict[str, Any]:
        """Stable keys (version 1); NaN becomes null."""
        cal = self.report.calendar
        kpis = {}
        for row in self.table.to_dict("records"):
            kpis[row["kpi"]] = {"name_ja": row["name_ja"], "name_en": row["name_en"], "unit": row["unit"],
                                "lower_is_better": row["lower_is_better"],
                                **{name: _num(row[name]) for name, _, _ in SEGMENTS}, "latest": _num(row["latest"])}
        trend = self.report.trend.pivot_table(index=["period", "days"], columns="kpi", values="value", dropna=False,
                                              sort=True).reset_index()
        return {
            "version": JSON_VERSION, "start": cal.start.isoformat(), "end": cal.end.isoformat(),
            "go_live": cal.go_live.isoformat() if cal.go_live else None, "trend_bucket": cal.trend,
            "demand_window_days": cal.demand_window_days,
            "sale_windows": [[a.isoformat(), b.isoformat()] for a, b in cal.sale_windows],
            "turnover_basis": self.report.turnover_basis, "baseline_source": self.baseline_source,
            "latest_period": self.latest_period.date().isoformat() if self.latest_period is not None else None,
            "kpis": kpis,
            "trend": [{k: (v.date().isoformat() if isinstance(v, pd.Timestamp) else _num(v) if k != "days" else v)
                       for k, v in row.items()} for row in trend.to_dict("records")],
            "causes": self.report.causes.to_dict("records"),
            "top_stockouts": self.report.top_stockouts.to_dict("records"),
        }


def _num(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def build_result(report: KpiReport, baseline_rows: pd.DataFrame,
                 baseline_source: Literal["frozen", "history", "none"]) -> KpiResult:
    """The result of a report; ``baseline_rows`` (kpi, days, value ...) fill the baseline columns."""
    return KpiResult(report, _table(report, baseline_rows), baseline_source, _latest_period(report))


def _latest_period(report: KpiReport) -> pd.Timestamp | None:
    periods = report.trend["period"]
    return periods.max() if len(periods) else None


def _table(report: KpiReport, baseline_rows: pd.DataFrame) -> pd.DataFrame:
    latest = _latest_period(report)
    last = report.trend.loc[(report.trend["period"] == latest) & (report.trend["days"] == "all")]
    last_values = dict(zip(last["kpi"], last["value"], strict=True))
    rows = []
    for d in DEFINITIONS:
        row = {"kpi": d.key, "name_ja": d.name_ja, "name_en": d.name_en, "unit": d.unit,
               "lower_is_better": d.lower_is_better}
        for name, phase, days in SEGMENTS:
            rows_of = baseline_rows if phase == "baseline" else report.summary.loc[report.summary["phase"] == phase]
            match = rows_of.loc[(rows_of["kpi"] == d.key) & (rows_of["days"] == days), "value"]
            row[name] = float(match.iloc[0]) if len(match) else math.nan
        row["latest"] = float(last_values.get(d.key, math.nan))
        rows.append(row)
    return pd.DataFrame(rows)


def kpi_text(result: KpiResult) -> str:
    """The summary as plain text (e-mail body, logs): one line per KPI."""
    cal = result.report.calendar
    lines = [f"zaiko-xl KPI {cal.start} - {cal.end} (本番開始 / go-live {cal.go_live or '-'})",
             "指標 / KPI: 基準値 / baseline -> 導入後 / live (通常日 / normal days), セール / sale, 直近 / latest"]
    for r in result.table.to_dict("records"):
        v = {k: format_value(r[k], r["unit"]) for k in ("baseline_normal", "live_normal", "baseline_sale",
                                                          "live_sale", "latest")}
        lines.append(f"- {r['name_ja']} / {r['name_en']}: {v['baseline_normal']} -> {v['live_normal']}, "
                     f"{v['baseline_sale']} -> {v['live_sale']}, {v['latest']}")
    return "\n".join(lines)
