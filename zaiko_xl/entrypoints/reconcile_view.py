"""How `zaiko-xl reconcile` shows its result in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from zaiko_xl.services.reconcile_report import ReconcileReport


def render_reconcile(report: ReconcileReport, workbook: str, console: Console) -> None:
    """One line about the run, the counts and units per cause, the units at risk, where it went."""
    from rich.table import Table

    from zaiko_xl.domain.reconcile import Cause

    s = report.summary
    console.print(f"在庫比較 / reconciliation {s.as_of:%Y-%m-%d %H:%M} (run {s.run_id}): SKU {s.skus:,}, "
                  f"差異あり / differing {s.differing:,}, 手修正を保持 / hand edits kept {s.edited:,}")
    table = Table("原因 / cause")
    table.add_column("件数 / SKUs", justify="right")
    table.add_column("差異数量 / units", justify="right")
    for cause in Cause:
        table.add_row(f"{cause.value} {cause.en}", f"{s.counts.get(cause.value, 0):,}", f"{s.units.get(cause.value, 0):,}")
    table.add_row("合計 total", f"{s.skus:,}", f"{sum(s.units.values()):,}")
    console.print(table)
    console.print(f"リスク数量 / units at risk: {s.units_at_risk:,} (売り越しの恐れ / oversell {s.oversell_units:,}, "
                  f"販売機会の損失 / lost sales {s.lost_sale_units:,})")
    console.print(f"書き込み / wrote 在庫比較 in {workbook}", markup=False, highlight=False)
