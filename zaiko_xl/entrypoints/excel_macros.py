"""RunPython targets: one short function per button on the sheet 操作 (see macros/ZaikoButtons.bas).

Each function takes the calling workbook (``xw.Book.caller()``, inside the function, never
stored), and inside ``excel_run`` (errors -> bilingual alert, progress -> status bar) makes
one service call and reports the result. The same services back the CLI commands. Nothing
here runs on Linux (xlwings needs Excel); tests check that every macro names a function here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlwings as xw

from zaiko_xl import bootstrap
from zaiko_xl.entrypoints.excel_io import ExcelRun, excel_run, ledger_frame, workbook_path
from zaiko_xl.services import workbook_buttons as services

CANCELLED = "送信を取り消しました (何も送っていません) / Cancelled; nothing was sent."


def pull_button() -> None:
    """在庫取込: RMS stock and orders, the warehouse file and the ledger -> their sheets; the KPI history."""
    with excel_run(xw.Book.caller(), "在庫取込") as run:
        path = workbook_path(run.book)
        with bootstrap.pull_sources(run.settings, path, ledger_frame=ledger_frame(run.book, run.settings)) as sources:
            summary = services.pull(run.workbook, run.progress, sources, bootstrap.pull_journal(run.settings),
                                    bootstrap.pull_options(run.settings, path), bootstrap.build_kpi_store(run.settings))
        run.done(summary.render())


def reconcile_button() -> None:
    """差異チェック: compare the three sources and write 在庫比較 (hand edits survive)."""
    with excel_run(xw.Book.caller(), "差異チェック") as run:
        now = bootstrap.jst_now()
        ports = bootstrap.build_reconcile(run.settings, run.workbook, run.book.name)
        run.done(services.reconcile(**ports, as_of=now, run_id=bootstrap.new_run_id("reconcile", now),
                                    progress=run.progress).render())


def reorder_button() -> None:
    """発注計算: replenishment (live UDF formulas) and purchase-order drafts (the service of `zaiko-xl reorder`)."""
    from zaiko_xl import bootstrap
    from zaiko_xl.services.reorder import run_reorder

    with excel_run(xw.Book.caller(), "発注計算") as run:
        source, sink = bootstrap.build_reorder(run.settings, run.workbook, Path(run.book.fullname))
        result, _ = run_reorder(source, bootstrap.holiday_source(), sink, bootstrap.reorder_params(run.settings),
                                date.today(), bootstrap.build_order_history(run.settings))
        run.done(services.reorder_summary(result).render())


def push_button() -> None:
    """RMSへ反映: show the push plan, ask, and only then send it."""
    with excel_run(xw.Book.caller(), "RMSへ反映") as run:
        confirmed_push(run)


def confirmed_push(run: ExcelRun) -> None:
    """Plan (nothing sent), show the summary, and send only when the person presses OK."""
    deps = bootstrap.build_push_deps(run.settings, run.progress)
    options, source = bootstrap.push_options(run.settings), run.book.name
    with deps.rms.client:  # type: ignore[attr-defined]  # the HTTP client: closed when the button is done
        plan = services.plan_push(run.workbook, deps, options, source=source)
        if not plan.changes:
            run.done(services.NOTHING_TO_PUSH.render())
        elif not run.confirm(plan.question()):
            run.done(CANCELLED)
        else:
            run.done(services.send_push(run.workbook, plan, deps, options, source=source).render())


def kpi_button() -> None:
    """KPI更新: compute the KPIs and refresh the KPI sheets and their charts (as `zaiko-xl kpi`)."""
    with excel_run(xw.Book.caller(), "KPI更新") as run:
        store = bootstrap.build_kpi_store(run.settings)
        options = bootstrap.kpi_options(run.settings, bootstrap.jst_now().date())
        run.done(services.kpi(run.workbook, store, options, run.progress, store).render())
