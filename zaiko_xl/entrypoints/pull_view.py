"""How `zaiko-xl pull` shows its result: the license line, a table per source, warnings, where it wrote."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from zaiko_xl.adapters.columns import SOURCE_LABELS
from zaiko_xl.entrypoints.rms_output import render_license

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from zaiko_xl.services.pull import PullReport

MAX_WARNINGS_SHOWN = 20
HEADERS = ("取込元\nsource", "行数\nrows", "完全一致\nexact", "対応表\nmapping", "正規化\nnormalised",
           "未照合\nunmatched", "要確認\ncheck", "注意\nwarn", "時点\nas of")


def render_workbook_pull(report: PullReport, workbook: Path, console: Console) -> None:
    """License status first (a warning stands out), the per-source table, the summary, the warnings."""
    render_license(report.license, console)
    console.print(source_table(report))
    console.print("ファイル / files: " + ", ".join(s.name for s in report.run.sources if s.name != "RMS"),
                  markup=False)
    ja, en = report.summary()
    console.print(f"{ja} / {en}")
    if report.problems:
        console.print("[yellow]照合結果シートで要確認のコードを見て、対応表を直してください / "
                      "see the 照合結果 sheet and fix 対応表 for the codes to check[/]", markup=True)
    if report.unlisted:
        console.print(f"[yellow]在庫のある RMS の SKU {report.unlisted:,} 件が商品マスタにありません (RMS は販売を続けます)。"
                      "照合結果シートの「マスタ外」を見て、商品マスタに追加するか RMS で在庫を 0 にしてください / "
                      f"{report.unlisted:,} RMS SKUs with stock are not in 商品マスタ (RMS keeps selling them); see "
                      "'マスタ外' on the 照合結果 sheet and add them to 商品マスタ or set them to 0 on RMS[/]", markup=True)
    for warning in report.warnings[:MAX_WARNINGS_SHOWN]:
        console.print(f"  - {warning.render()}", markup=False)
    if len(report.warnings) > MAX_WARNINGS_SHOWN:
        console.print(f"  ... ({len(report.warnings) - MAX_WARNINGS_SHOWN} more)", markup=False)
    if report.kpi is not None and report.kpi.problem is not None:
        console.print(report.kpi.problem.render(), style="yellow", markup=False)
    console.print(f"書き込み先 / written to: {workbook}", markup=False)


def source_table(report: PullReport) -> Table:
    """One row per source: counts per match method, problems, warnings, the time its numbers are as of."""
    from rich.table import Table

    table = Table(*HEADERS, title=f"取込 / pull {report.run.at:%Y-%m-%d %H:%M}")
    for column in table.columns[1:8]:
        column.justify = "right"
    for s in report.run.sources:
        counts = (s.rows, s.exact, s.mapping, s.normalised, s.unmatched, s.problems, s.warnings)
        table.add_row(SOURCE_LABELS.get(s.source, s.source), *(f"{n:,}" for n in counts), _time(s.as_of))
    return table


def _time(value: datetime | None) -> str:
    return f"{value:%m-%d %H:%M}" if value is not None else "-"
