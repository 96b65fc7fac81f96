"""The demo's push step: tick 反映 as a person would, then push the confirmed stock to the sandbox.

The step works from whatever 在庫比較 holds (the reconcile step fills it): it ticks 反映 on the
rows explained by a sync delay (遅延) or a change not yet sent (未反映) whose 確定在庫 differs from
RMS, writes the sheet back as a person's edit leaves it, and runs the same ``push_workbook``
as ``zaiko-xl push --workbook --yes`` (confirmed, so within the hard limits only). It does not
roll back; the summary names the run and the command that would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from zaiko_xl.ports import SheetUpdate

if TYPE_CHECKING:
    from zaiko_xl.entrypoints.demo import DemoRun
    from zaiko_xl.ports import Workbook
    from zaiko_xl.services.push_workbook import WorkbookPush

PUSH_CAUSES = ("delay", "pending")  # 遅延, 未反映: RMS is behind; the 確定在庫 is the fix
CAUSE_NAMES = {"delay": "遅延 delay", "pending": "未反映 pending"}


def tick_push(book: Workbook, causes: tuple[str, ...] = PUSH_CAUSES) -> pd.Series:
    """Tick 反映 on the 在庫比較 rows of ``causes`` whose 確定在庫 (or 提案在庫) differs from RMS.

    Demo only: it does what a person does by hand, keeping 確定在庫 where one was typed and
    taking 提案在庫 where none was, and leaves the sheet's update time as it was.

    Returns:
        The cause of every ticked row (empty when 在庫比較 has none to tick).
    """
    rows = book.read_sheet("reconcile")
    if rows.empty:
        return pd.Series(dtype=object)
    target = pd.to_numeric(rows["confirmed"], errors="coerce").fillna(pd.to_numeric(rows["suggested"], errors="coerce"))
    rms = pd.to_numeric(rows["rms_quantity"], errors="coerce")
    chosen = rows["cause"].isin(causes) & target.notna() & (target != rms)
    if not chosen.any():
        return pd.Series(dtype=object)
    rows["confirmed"] = rows["confirmed"].astype(object).where(~chosen, target.astype("Int64").astype(object))
    rows["push"] = rows["push"].astype(object).where(~chosen, True)
    updated_at = book.read_cells("reconcile").get("updated_at")
    book.write_sheets({"reconcile": SheetUpdate(rows=rows, cells={"updated_at": updated_at})})
    return rows.loc[chosen, "cause"]


def push_step(run: DemoRun) -> None:
    """反映: tick the delayed and pending rows, push them (confirmed, guarded) to the demo's sandbox."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.errors import RuleViolation
    from zaiko_xl.services.push_workbook import push_workbook

    settings = load_settings(run.out / "zaiko.toml", rms={"base_url": run.sandbox_url, **run.credentials})
    book = bootstrap.writable_workbook(settings, run.workbook)
    ticked = tick_push(book)
    if ticked.empty:
        run.summary.append(("反映 / push", "在庫比較に反映する行がありません / nothing to push"))
        return
    deps = bootstrap.build_push_deps(settings)
    try:
        with deps.rms.client:  # type: ignore[attr-defined]
            done = push_workbook(book, deps, bootstrap.push_options(settings, confirmed=True),
                                 source=run.workbook.name)
    except RuleViolation as exc:  # a guard stopped it: the demo says so and goes on
        run.summary.append(("反映 / push", f"安全装置で停止 / stopped by a guard: {exc.render()}"))
        return
    run.facts["push"] = done
    _report(run, ticked, done)


def _report(run: DemoRun, ticked: pd.Series, done: WorkbookPush) -> None:
    counts, result = done.preview.counts, done.result
    by_cause = ", ".join(f"{CAUSE_NAMES[c]} {n:,}" for c, n in ticked.value_counts().items())
    run.summary.append(("反映にチェック / ticked 反映", f"{len(ticked):,} 行 rows ({by_cause})"))
    if result is None:
        run.summary.append(("反映 / push", "RMS と違う確定在庫はありません / nothing differs from RMS"))
        return
    applied = result.counts.get("applied", 0)
    run.summary += [
        ("反映 (前 → 後) / push (before → after)",
         f"{counts['skus']:,} SKU (増 up {counts['up']:,}, 減 down {counts['down']:,}); "
         f"RMS 在庫 units {counts['units_before']:,} → {counts['units_after']:,}"),
        ("反映の結果 / push result", f"送信 sent {applied:,} SKU, 状態 state {result.state.value}, "
                                   f"実行 ID run {result.run_id}"),
        ("取消 / rollback", f"zaiko-xl --config {run.out / 'zaiko.toml'} rollback {result.run_id} "
                          "(デモでは取り消しません / the demo does not roll back)"),
    ]
