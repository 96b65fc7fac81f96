"""The demo's reconciliation steps: plant discrepancies into the shop, reconcile the pulled workbook.

The planted truth stays out of the workbook and the shop's files (it is test knowledge); the
demo only prints how many of the planted discrepancies reconciliation explained with their
right cause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from zaiko_xl.entrypoints.demo import DemoRun

PLANT_SHARE = 0.03  # of the SKUs; every kind of discrepancy at least once (when the shop has room for it)


def plant_discrepancies(run: DemoRun) -> None:
    """Plant discrepancies of every kind before the files are written and the sandbox is seeded."""
    from zaiko_xl.sample_shop.discrepancies import plant

    run.shop, truth = plant(run.shop, seed=run.seed, share=PLANT_SHARE)
    planted = _planted(truth)
    run.facts["planted"] = truth
    run.summary.append(("仕込んだ差異 / planted discrepancies",
                        f"{len(planted):,} SKU, {planted['plant'].nunique()} 種類 / kinds (正解はブックに書きません / "
                        "the answers stay out of the workbook)"))


def reconcile_workbook(run: DemoRun) -> None:
    """`zaiko-xl reconcile` on the pulled workbook: 在庫比較 and its summary, journaled."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.domain.reconcile import Cause
    from zaiko_xl.services.reconcile import reconcile

    settings = load_settings(run.out / "zaiko.toml")
    now = bootstrap.jst_now()
    book = bootstrap.workbook_file(settings, run.workbook)
    report = reconcile(**bootstrap.build_reconcile(settings, book, run.workbook.name), as_of=now,
                       run_id=bootstrap.new_run_id("reconcile", now))
    run.facts["reconcile"] = report
    s = report.summary
    counts = ", ".join(f"{c.value} {s.counts.get(c.value, 0):,}" for c in Cause)
    run.summary += [("在庫比較 / reconciliation", f"{counts}; リスク数量 / units at risk {s.units_at_risk:,}")]
    truth = run.facts.get("planted")
    if truth is not None:
        right, planted, other = _scored(truth, report.rows)
        run.summary.append(("仕込んだ差異の原因 / planted causes found",
                            f"{right:,} / {planted:,} 正しい原因 / right cause; 仕込み以外の差異 (サンドボックスの"
                            f"模擬注文など) / other differences (e.g. the sandbox's live orders) {other:,}"))


def _planted(truth: pd.DataFrame) -> pd.DataFrame:
    """The planted rows (not the shop's own drifted warehouse codes, not untouched SKUs)."""
    return truth[(truth["plant"] != "") & (truth["plant"] != "baseline_drift")]


def _scored(truth: pd.DataFrame, rows: pd.DataFrame) -> tuple[int, int, int]:
    """(planted rows with their right cause, planted rows, differing rows nothing was planted on)."""
    joined = truth.merge(rows[["sku", "cause"]], on="sku", how="right", suffixes=("_truth", ""))
    planted = joined["plant"].fillna("").isin(_planted(truth)["plant"].unique()) & (joined["plant"] != "")
    right = int((planted & (joined["cause"] == joined["cause_truth"])).sum())
    other = int((~planted & joined["plant"].fillna("").ne("baseline_drift") & (joined["cause"] != "一致")).sum())
    return right, int(planted.sum()), other
