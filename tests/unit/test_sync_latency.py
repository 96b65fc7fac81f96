"""Update latency: which source changes open an event, when, and when RMS showing them closes it."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from zaiko_xl.domain.sync_latency import VALUE_COLUMNS, close, observe

T = pd.Timestamp
LOOK = datetime(2026, 11, 26, 10, 0)


def _values(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(VALUE_COLUMNS))
    return frame.assign(changed_at=pd.to_datetime(frame["changed_at"]))


def test_the_first_look_remembers_every_sku_and_opens_nothing():
    seen = _values(("A", "warehouse", 5, "2026-11-26 09:00"), ("B", "warehouse", 0, None))
    found = observe(_values(), seen, LOOK)
    assert found.opened.empty
    assert found.values["sku"].tolist() == ["A", "B"] and found.values["value"].tolist() == [5, 0]


def test_a_changed_number_opens_an_event_at_the_sources_own_time():
    last = _values(("A", "warehouse", 5, "2026-11-25 18:00"), ("B", "warehouse", 3, "2026-11-25 18:00"))
    seen = _values(("A", "warehouse", 7, "2026-11-26 09:40"), ("B", "warehouse", 3, "2026-11-26 09:40"))
    found = observe(last, seen, LOOK)
    assert found.opened[["sku", "source"]].values.tolist() == [["A", "warehouse"]]
    assert found.opened["changed_at"].tolist() == [T("2026-11-26 09:40")]
    assert found.opened["shown_at"].isna().all()
    assert found.values[["sku", "value"]].values.tolist() == [["A", 7]]  # B unchanged: nothing to store


def test_without_a_usable_source_time_the_change_dates_from_the_look():
    last = _values(("A", "warehouse", 5, "2026-11-26 09:00"), ("B", "warehouse", 5, "2026-11-26 09:00"),
                   ("C", "warehouse", 5, None))
    seen = _values(("A", "warehouse", 1, None),                 # the file has no time
                   ("B", "warehouse", 1, "2026-11-26 08:00"),   # not newer than the last change
                   ("C", "warehouse", 1, "2026-11-26 11:00"))   # after the look (a WMS clock ahead)
    found = observe(last, seen, LOOK)
    assert found.opened["changed_at"].tolist() == [T(LOOK)] * 3


def test_sources_are_kept_apart():
    last = _values(("A", "warehouse", 5, None), ("A", "ledger", 5, None))
    seen = _values(("A", "warehouse", 5, None), ("A", "ledger", 6, "2026-11-26 09:30"))
    found = observe(last, seen, LOOK)
    assert found.opened[["sku", "source"]].values.tolist() == [["A", "ledger"]]


def _open(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["sku", "source", "changed_at"])
    return frame.assign(changed_at=pd.to_datetime(frame["changed_at"]), shown_at=pd.NaT)


def test_rms_showing_a_sku_closes_its_open_events_changed_before():
    waiting = _open(("A", "warehouse", "2026-11-26 09:00"), ("A", "warehouse", "2026-11-26 09:30"),
                    ("B", "warehouse", "2026-11-26 09:10"), ("C", "ledger", "2026-11-26 10:30"))
    shown = pd.DataFrame({"sku": ["A", "C"], "shown_at": pd.to_datetime(["2026-11-26 10:05", "2026-11-26 10:05"])})
    closed = close(waiting, shown)
    assert closed.values.tolist() == [["A", "warehouse", T("2026-11-26 09:00"), T("2026-11-26 10:05")],
                                      ["A", "warehouse", T("2026-11-26 09:30"), T("2026-11-26 10:05")]]
    # B: not shown; C: changed after RMS was read, so what RMS shows predates the change


def test_a_reconcile_watches_the_warehouse_and_ledger_of_skus_rms_has():
    from tests.unit.reconcile_rows import WH_T, frame, single
    from zaiko_xl.domain.sync_latency import reconcile_values

    inputs = frame(single("A"), single("B", rms_match="unmatched"), single("C", wh_match="unmatched", wh_on_hand=None),
                   single("S", is_set=True, wh_match="", ledger_match=""),
                   single("X", orphan="warehouse", rms_match="unmatched"))
    ledger = pd.DataFrame({"sku": ["A", "A", "C"], "at": pd.to_datetime(["2026-11-25 08:00", "2026-11-25 10:00",
                                                                          "2026-11-24 10:00"])})
    seen = reconcile_values(inputs, ledger)
    assert seen.values.tolist() == [["A", "warehouse", 30, WH_T], ["A", "ledger", 30, T("2026-11-25 10:00")],
                                    ["C", "ledger", 30, T("2026-11-24 10:00")]]
