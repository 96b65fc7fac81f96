"""How `zaiko-xl reorder` shows its result in the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from zaiko_xl.services.reorder import ReorderResult

MAX_PROBLEMS_SHOWN = 20


def render_reorder(result: ReorderResult, written: list[str], console: Console) -> None:
    """Summary, purchase orders per supplier, row problems, files written."""
    from rich.table import Table

    summary = result.summary()
    console.print(f"発注計算 / replenishment plan {summary['as_of']}: SKU {summary['skus']}, "
                  f"発注あり / to order {summary['to_order']}, 問題 / problems {summary['problems']}")
    suppliers = summary["suppliers"]
    if suppliers:
        table = Table("仕入先 / supplier", "行 / lines", "数量 / qty", "金額 / amount (円)")
        for row in suppliers:  # type: ignore[attr-defined]
            table.add_row(str(row["supplier"]), str(row["lines"]), f"{row['quantity']:,}", f"{row['amount']:,.0f}")
        console.print(table)
    for problem in result.problems[:MAX_PROBLEMS_SHOWN]:
        sku = problem.context.get("sku", "")
        console.print(f"  - SKU {sku}: {problem.render()}", markup=False, highlight=False)
    if len(result.problems) > MAX_PROBLEMS_SHOWN:
        console.print(f"  ... ({len(result.problems) - MAX_PROBLEMS_SHOWN} more)")
    for path in written:
        console.print(f"書き出し / wrote {path}", markup=False, highlight=False)
