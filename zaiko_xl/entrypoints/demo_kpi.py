"""The demo's journal history and its last step: the KPI sheets and the HTML report.

Before the pull, the sample shop's ledger, orders and returns of two years up to the day before
today go into the demo's journal (``kpi_history``; the reorder reads its order history from
there). The earlier steps journal what they do themselves (the pull's own day of stock, order
lines and returns, its RMS calls, reconcile, push and sync results). The last step records the
sample's history again up to the day before the pull's day, so the sample's order lines (with the
cancel reasons of every channel) replace the pull's copies of the same lines and no day is counted
twice; then the same service as `zaiko-xl kpi` computes every KPI up to today and writes the KPI
sheets of the demo workbook, and the HTML report goes beside the workbook. The demo has no
go-live date: every day is the baseline (導入前の基準値), as for a shop before it goes live.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zaiko_xl.domain.kpi_result import KpiResult
    from zaiko_xl.entrypoints.demo import DemoRun

KPI_REPORT = "kpi-report.html"
HISTORY_DAYS = 730
HEADLINES = (("stockout_rate", "欠品率 / stockout rate"),
             ("stock_cancel_rate", "受注後キャンセル率 / cancellations for missing stock"),
             ("stock_diffs", "在庫差件数 / SKUs with a difference"),
             ("sync_latency_median_min", "更新遅延時間 (中央値) / update latency (median)"),
             ("turnover", "在庫回転 / stock turnover"),
             ("api_errors", "API エラー / API errors"),
             ("return_delay_median_h", "返品処理遅延 (中央値) / return booking delay (median)"))


def fresh_journal(out: Path) -> None:
    """Start every demo run with an empty journal (a run never mixes with an earlier shop's history)."""
    from zaiko_xl.config import CONFIG_FILE_NAME, load_settings

    settings = load_settings(out / CONFIG_FILE_NAME)
    settings.resolve(settings.journal.path).unlink(missing_ok=True)


def history_step(run: DemoRun) -> None:
    """The shop's two years into the journal, as two years of daily pulls would have left them (the
    reorder reads its order history from there, the KPIs everything)."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import CONFIG_FILE_NAME, load_settings
    from zaiko_xl.sample_shop.kpi_history import kpi_history

    store = bootstrap.build_kpi_store(load_settings(run.out / CONFIG_FILE_NAME))
    history = kpi_history(run.shop, before=bootstrap.jst_now().date())  # the pull records today
    for name, frame in history.items():
        store.record(name, frame)
    run.summary.append(("ジャーナルの受注履歴 / order history in the journal",
                        f"{len(history['orders']):,} 行 lines, {HISTORY_DAYS} 日 days"))


def kpi_step(run: DemoRun) -> None:
    from zaiko_xl import bootstrap
    from zaiko_xl.config import CONFIG_FILE_NAME, load_settings
    from zaiko_xl.sample_shop.kpi_history import kpi_history
    from zaiko_xl.services.kpi import KpiOptions, publish_kpi_report, refresh_kpis

    settings = load_settings(run.out / CONFIG_FILE_NAME)
    store = bootstrap.build_kpi_store(settings)
    pulled = run.facts.get("pull")
    for name, frame in kpi_history(run.shop, before=pulled.run.at.date() if pulled is not None else None).items():
        store.record(name, frame)
    sale = run.shop.sale_days
    options = KpiOptions(as_of=run.as_of.date() + timedelta(days=1), history_days=HISTORY_DAYS,
                         sale_windows=tuple(zip(sale["start"].dt.date, sale["end"].dt.date, strict=True)))
    workbook = run.workbook
    assert workbook is not None, "the workbook step runs before the KPI step"
    result = refresh_kpis(store, options, bootstrap.workbook_file(settings, workbook), store)
    published = publish_kpi_report(result, files=bootstrap.build_kpi_files(), html_path=workbook.with_name(KPI_REPORT))
    run.facts["kpi"] = result
    run.summary += [*_headlines(result), ("KPI シート / KPI sheets", f"{workbook}: KPI, KPI推移, KPI原因"),
                    ("KPI レポート / KPI report", str(published.files[0]))]


def _headlines(result: KpiResult) -> list[tuple[str, str]]:
    from zaiko_xl.domain.notify import format_value

    cal = result.report.calendar
    table = result.table.set_index("kpi")
    lines = [("KPI の期間 (基準値) / KPI period (baseline)", f"{cal.start} – {cal.end}")]
    for key, label in HEADLINES:
        row = table.loc[key]
        normal, sale = (format_value(row[c], row["unit"]) for c in ("baseline_normal", "baseline_sale"))
        lines.append((label, f"{format_value(row['all'], row['unit'])} (通常日 {normal} / セール {sale})"))
    return lines
