"""The demo's sync step: the warehouse books a delivery, and `zaiko-xl sync --once` shows it on RMS.

After the push step, the warehouse receives a delivery for a few SKUs: their rows in the
warehouse file get more units and the WMS's update time a few minutes ago, as a WMS export
would. Then the same ``sync_once`` as ``zaiko-xl sync --once --yes`` runs on the demo's
sandbox: its first cycle reads every SKU, pushes what differs, and measures the update latency
(更新遅延時間) of the delivery from the file's time to the moment RMS accepted the new numbers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from zaiko_xl.entrypoints.demo import DemoRun

DELIVERY_ROWS = 12
DELIVERY_UNITS = 10
WMS_TIME = "%Y/%m/%d %H:%M:%S"  # as the sample shop's WMS writes 最終更新日時


def receive_delivery(path: Path, *, rows: int, units: int, now: datetime, seed: int) -> pd.DataFrame:
    """Add ``units`` to ``rows`` rows of a CP932 warehouse export and stamp them 2–15 minutes before ``now``
    (never before a row's own last movement: a WMS's times only move forward).

    Returns:
        The changed rows as written (商品コード, 実在庫数, 最終更新日時).
    """
    frame = pd.read_csv(path, encoding="cp932", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(frame), size=min(rows, len(frame)), replace=False))
    minutes = rng.integers(2, 16, size=len(picked))
    for column in ("実在庫数", "有効在庫数"):
        frame.loc[picked, column] = (pd.to_numeric(frame.loc[picked, column]) + units).astype(str)
    before = pd.to_datetime(frame.loc[picked, "最終更新日時"], format=WMS_TIME, errors="coerce")
    stamps = [max(now - timedelta(minutes=int(m)), last + timedelta(seconds=1)) if pd.notna(last)
              else now - timedelta(minutes=int(m)) for m, last in zip(minutes, before, strict=True)]
    frame.loc[picked, "最終更新日時"] = [f"{min(stamp, now):{WMS_TIME}}" for stamp in stamps]
    frame.to_csv(path, index=False, encoding="cp932", lineterminator="\r\n")
    return frame.loc[picked, ["商品コード", "実在庫数", "最終更新日時"]]


def sync_step(run: DemoRun) -> None:
    """入荷 -> 同期: a delivery in the warehouse file, one unattended sync cycle, the latency it took."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.errors import RuleViolation
    from zaiko_xl.services.sync import sync_once

    settings = load_settings(run.out / "zaiko.toml", rms={"base_url": run.sandbox_url, **run.credentials})
    started = bootstrap.jst_now()
    delivered = receive_delivery(settings.resolve(settings.warehouse.file), rows=DELIVERY_ROWS, units=DELIVERY_UNITS,
                                 now=started, seed=run.seed)
    ports, deps, options = bootstrap.build_sync(settings, run.workbook)
    try:
        with deps.rms.client:  # type: ignore[attr-defined]
            report = sync_once(ports, deps, replace(options, push=replace(options.push, confirmed=True)))
    except RuleViolation as exc:  # a guard stopped it: the demo says so and goes on
        run.summary.append(("同期 / sync", f"安全装置で停止 / stopped by a guard: {exc.render()}"))
        return
    run.facts["sync"] = report
    pushed = report.result.counts.get("applied", 0) if report.result is not None else 0
    run.summary += [
        ("入荷 (倉庫ファイル) / delivery in the warehouse file", f"{len(delivered):,} 行 rows +{DELIVERY_UNITS}"),
        ("同期 1 回 / one sync cycle", f"SKU {report.skus:,}、RMS 読込 {report.read:,}、反映 {pushed:,} / "
                                      f"{report.read:,} read, {pushed:,} applied"),
        ("倉庫の在庫変化 → RMS / warehouse changes → RMS", f"{report.changes:,} 件 seen, {report.shown:,} 件 shown"),
        ("更新遅延 (この同期) / update latency (this sync)", _latency(settings, started)),
    ]


def _latency(settings, since: datetime) -> str:
    """Median and longest latency of the changes closed by this step, from the journal."""
    from zaiko_xl import bootstrap

    events = bootstrap.build_kpi_store(settings).kpi_inputs(since.date(), since.date(), 0).sync_events
    done = events[events["shown_at"].notna() & (events["shown_at"] >= pd.Timestamp(since))]
    if done.empty:
        return "—"
    minutes = (done["shown_at"] - done["changed_at"]).dt.total_seconds() / 60
    return f"中央値 median {minutes.median():.1f} 分 min、最長 max {minutes.max():.1f} 分 min ({len(done):,} 件)"
