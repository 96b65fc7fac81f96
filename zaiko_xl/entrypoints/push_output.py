"""How push, rollback and sync results look in the terminal (bilingual, stdout stays readable)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from zaiko_xl.services.push import Preview, PushResult
    from zaiko_xl.services.push_workbook import WorkbookPush
    from zaiko_xl.services.sync import SyncReport

SHOWN_ROWS = 20
_KIND = {"push": "反映 / push", "sync": "同期 / sync", "rollback": "取消 / rollback"}
_STATE = {"done": "完了 / done", "unsettled": "未確定あり / unsettled", "failed": "一部失敗 / partly failed",
          "running": "中断 / interrupted", "refused": "停止 / refused"}


def render_plan(console: Console, plan: pd.DataFrame, counts: dict[str, int]) -> None:
    """The plan table (first rows) and its counts."""
    from rich.table import Table

    table = Table(title="反映計画 / push plan", show_lines=False)
    for header in ("商品コード / SKU", "RMS 現在 / before", "反映後 / after", "増減 / change", "理由 / why"):
        table.add_column(header, justify="right" if "/ b" in header or "/ a" in header or "/ c" in header else "left")
    for row in plan.head(SHOWN_ROWS).itertuples():
        before = "(新規 / new)" if row.before is None or row.before != row.before else f"{int(row.before):,}"
        table.add_row(str(row.sku), before, f"{int(row.target):,}", f"{int(row.delta):+,}", str(row.why))
    console.print(table)
    if len(plan) > SHOWN_ROWS:
        console.print(f"… ほか {len(plan) - SHOWN_ROWS:,} 件 / {len(plan) - SHOWN_ROWS:,} more (全件は「反映計画」シート / "
                      "all rows on the 反映計画 sheet)")
    console.print(f"変更 {counts['skus']:,} 件 (増 {counts['up']:,} / 減 {counts['down']:,} / 0 にする {counts['to_zero']:,} / "
                  f"新規 {counts['new']:,}), 総在庫 {counts['units_before']:,} → {counts['units_after']:,} / "
                  f"{counts['skus']:,} SKUs change ({counts['up']:,} up, {counts['down']:,} down, "
                  f"{counts['to_zero']:,} to 0, {counts['new']:,} new), units {counts['units_before']:,} -> "
                  f"{counts['units_after']:,}")


def render_preview(console: Console, preview: Preview) -> None:
    render_plan(console, preview.plan, preview.counts)
    for trip in preview.trips:
        label = "上限超過 / hard limit" if trip.hard else "要確認 / needs confirmation"
        console.print(f"[bold yellow]{label}[/]: {trip.detail_ja} / {trip.detail_en}", markup=True)


def render_result(console: Console, result: PushResult) -> None:
    counts = result.counts
    console.print(
        f"実行 ID / run ID: {result.run_id}  {_KIND[result.kind.value]}  "
        f"状態 / state: {_STATE.get(result.state.value, result.state.value)}\n"
        f"反映 {counts.get('applied', 0):,} 件、失敗 {counts.get('failed', 0):,} 件、対象外 {counts.get('skipped', 0):,} 件、"
        f"未確定 {len(result.unknown):,} 件 / applied {counts.get('applied', 0):,}, failed {counts.get('failed', 0):,}, "
        f"skipped {counts.get('skipped', 0):,}, unknown {len(result.unknown):,}\n"
        f"要求 {result.requests:,} 回、読み直し {result.settled:,} 回、再送 {result.resent:,} 回、{result.seconds:,.1f} 秒 / "
        f"{result.requests:,} requests, {result.settled:,} read-backs, {result.resent:,} re-sent, "
        f"{result.seconds:,.1f} s")
    for note in result.notes[:5]:
        console.print(f"  - {note}", markup=False)
    console.print(f"取り消すには / to undo: zaiko-xl rollback {result.run_id}")


def render_workbook_push(console: Console, outcome: WorkbookPush, *, dry_run: bool) -> None:
    render_preview(console, outcome.preview)
    if outcome.preview.plan.empty:
        console.print("RMS と違う確定在庫はありません。送信するものはありません。/ Nothing differs from RMS; nothing to send.")
    elif dry_run:
        console.print("--dry-run: 送信していません。/ Nothing was sent.")
    if outcome.result is not None:
        render_result(console, outcome.result)
    if outcome.sheet_note:
        console.print(f"「反映計画」シートは更新できませんでした / could not update the sheet: {outcome.sheet_note}")


def render_resume(console: Console, result: PushResult | None) -> None:
    if result is None:
        console.print("再開する反映はありません。/ No interrupted push to resume.")
    else:
        render_result(console, result)


def render_sync_cycle(console: Console, report: SyncReport | Exception) -> None:
    """One cycle's line (a failed cycle of the loop: its error, the loop goes on)."""
    from zaiko_xl.errors import ZaikoError

    if isinstance(report, ZaikoError):
        console.print(f"[bold red]同期失敗 / sync failed[/] {report.render()}", markup=True)
        return
    render_sync(console, report)


def render_sync(console: Console, report: SyncReport) -> None:
    kind = "全件 / full" if report.full else "差分 / delta"
    sale = "、セール中 / sale mode" if report.sale_mode else ""
    console.print(f"同期 / sync {report.started:%Y-%m-%d %H:%M:%S} ({kind}{sale}): SKU {report.skus:,} 件、"
                  f"RMS 読込 {report.read:,} 件、変更 {report.changed:,} 件 / {report.skus:,} SKUs, "
                  f"{report.read:,} read from RMS, {report.changed:,} changed")
    if report.changes or report.shown:
        console.print(f"倉庫の在庫変化 {report.changes:,} 件、RMS に反映済み {report.shown:,} 件 / "
                      f"{report.changes:,} warehouse changes seen, {report.shown:,} now shown on RMS")
    if report.resumed is not None:
        console.print("中断していた反映を先に完了しました / completed an interrupted push first:")
        render_result(console, report.resumed)
    if report.result is not None:
        render_result(console, report.result)


def terminal_confirm(console: Console) -> Callable[[Preview], bool] | None:
    """A yes/no question on an interactive terminal; None when stdin is not one (schedulers)."""
    if not sys.stdin.isatty():
        return None

    def ask(preview: Preview) -> bool:
        import typer

        if any(t.hard for t in preview.trips):
            return False  # past a hard limit: nothing to ask; the guard refuses
        return typer.confirm("RMS へ送信しますか? / Send to RMS?", default=False)

    return ask
