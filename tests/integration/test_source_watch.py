"""The update-latency watch on a real journal file: open changes, closing them, and the KPI events."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pandas as pd

from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.adapters.source_watch import SqliteSourceWatch
from zaiko_xl.domain.sync_latency import VALUE_COLUMNS

T = pd.Timestamp


def _seen(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    return frame.assign(changed_at=pd.to_datetime(frame["changed_at"]))


def _events(path) -> pd.DataFrame:
    events = SqliteKpiStore(path).kpi_inputs(date(2026, 11, 1), date(2026, 11, 30), 0).sync_events
    return events.astype({"sku": str, "source": str}).sort_values(["sku", "changed_at"]).reset_index(drop=True)


def test_changes_are_journaled_open_then_closed_once(tmp_path):
    path = tmp_path / "journal.sqlite"
    watch = SqliteSourceWatch(path)
    assert watch.observe(_seen(("A", "warehouse", 5, "2026-11-26 08:00"), ("B", "warehouse", 2, None)),
                         datetime(2026, 11, 26, 9, 0)).empty
    opened = watch.observe(_seen(("A", "warehouse", 4, "2026-11-26 09:02"), ("B", "warehouse", 2, None)),
                           datetime(2026, 11, 26, 9, 5))
    assert opened[["sku", "changed_at"]].values.tolist() == [["A", T("2026-11-26 09:02")]]
    assert _events(path)["shown_at"].isna().tolist() == [True]  # journaled while open (sync_pending)

    # the same numbers again: nothing new
    assert watch.observe(_seen(("A", "warehouse", 4, "2026-11-26 09:02")), datetime(2026, 11, 26, 9, 10)).empty

    closed = watch.shown(pd.DataFrame({"sku": ["A", "B"], "shown_at": [T("2026-11-26 09:12")] * 2}))
    assert closed[["sku", "shown_at"]].values.tolist() == [["A", T("2026-11-26 09:12")]]
    assert watch.open_changes().empty
    assert _events(path)[["sku", "source", "changed_at", "shown_at"]].values.tolist() == [
        ["A", "warehouse", T("2026-11-26 09:02"), T("2026-11-26 09:12")]]
    assert watch.shown(pd.DataFrame({"sku": ["A"], "shown_at": [T("2026-11-26 09:20")]})).empty  # closed once


def test_a_sku_not_shown_stays_open_until_a_later_write(tmp_path):
    path = tmp_path / "journal.sqlite"
    watch = SqliteSourceWatch(path)
    watch.observe(_seen(("A", "warehouse", 5, None), ("B", "warehouse", 5, None)), datetime(2026, 11, 26, 9, 0))
    watch.observe(_seen(("A", "warehouse", 6, None), ("B", "warehouse", 6, None)), datetime(2026, 11, 26, 9, 5))
    watch.shown(pd.DataFrame({"sku": ["A"], "shown_at": [T("2026-11-26 09:06")]}))
    assert watch.open_changes()["sku"].tolist() == ["B"]
    watch.observe(_seen(("B", "warehouse", 7, "2026-11-26 09:30")), datetime(2026, 11, 26, 9, 35))
    watch.shown(pd.DataFrame({"sku": ["B"], "shown_at": [T("2026-11-26 09:40")]}))
    events = _events(path)
    assert events[["sku", "changed_at", "shown_at"]].values.tolist() == [
        ["A", T("2026-11-26 09:05"), T("2026-11-26 09:06")],
        ["B", T("2026-11-26 09:05"), T("2026-11-26 09:40")],
        ["B", T("2026-11-26 09:30"), T("2026-11-26 09:40")]]


def test_reconcile_opens_a_change_rms_lags_and_closes_it_once_rms_agrees(tmp_path):
    from tests.fakes import FakeComparisonSheet, FakeReconcileHistory, FakeReconcileSources
    from tests.unit.reconcile_rows import frames_of
    from zaiko_xl.domain.reconcile import ReconcileParams
    from zaiko_xl.sample_shop import generate
    from zaiko_xl.services.reconcile import reconcile

    shop = generate(120, 4)
    watch, sheet, history = SqliteSourceWatch(tmp_path / "journal.sqlite"), FakeComparisonSheet(), FakeReconcileHistory()

    def look(n: int, frames) -> pd.DataFrame:
        at = pd.Timestamp(shop.as_of) + pd.Timedelta(minutes=10 * n)
        frames = dataclasses.replace(frames, pulled_at=at.to_pydatetime())
        reconcile(FakeReconcileSources(frames), sheet, history, params=ReconcileParams(), as_of=at.to_pydatetime(),
                  run_id=f"r{n}", watch=watch)
        return sheet.rows.set_index("sku")

    first = look(0, frames_of(shop))
    agreeing = set(first.index[first["cause"] == "一致"])
    rows = shop.warehouse.index[shop.warehouse["warehouse_code"].isin(agreeing)]
    sku = shop.warehouse.loc[rows[0], "warehouse_code"]
    assert watch.open_changes().empty  # the first look only remembers
    received = pd.Timestamp(shop.as_of) + pd.Timedelta(minutes=5)
    warehouse = shop.warehouse.copy()
    warehouse.loc[warehouse["warehouse_code"] == sku, "on_hand"] += 6
    warehouse.loc[warehouse["warehouse_code"] == sku, "updated_at"] = received
    booked = pd.DataFrame({"sku": [sku], "kind": ["入荷"], "quantity": [6], "at": [received], "reference": ["PO-1"]})
    ledger = pd.concat([shop.ledger, booked.astype({"quantity": shop.ledger["quantity"].dtype})], ignore_index=True)
    second = look(1, dataclasses.replace(frames_of(shop), warehouse=warehouse, ledger=ledger))
    assert second.loc[sku, "cause"] != "一致"  # RMS lags the delivery
    assert sorted(watch.open_changes()[["sku", "source", "changed_at"]].values.tolist()) == [
        [sku, "ledger", received], [sku, "warehouse", received]]

    item = shop.items.set_index("sku").loc[sku]
    rms = shop.rms_stock.copy()
    hit = (rms["manage_number"] == item["manage_number"]) & (rms["variant_id"] == item["variant_id"])
    rms.loc[hit, "quantity"] += 6  # the push landed
    third = look(2, dataclasses.replace(frames_of(shop), warehouse=warehouse, ledger=ledger, rms_stock=rms))
    assert third.loc[sku, "cause"] == "一致" and watch.open_changes().empty
    events = SqliteKpiStore(tmp_path / "journal.sqlite").kpi_inputs(received.date(), received.date(), 0).sync_events
    shown = pd.Timestamp(shop.as_of) + pd.Timedelta(minutes=20)
    assert sorted(events.astype({"sku": str, "source": str}).values.tolist()) == [
        [sku, "ledger", received, shown], [sku, "warehouse", received, shown]]
