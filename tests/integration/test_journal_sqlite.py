"""The reconcile history on a real SQLite journal file."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from tests.fakes import FakeComparisonSheet, FakeReconcileSources
from tests.unit.reconcile_rows import frames_of
from zaiko_xl.adapters.journal_schema import MIGRATIONS, connect
from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory
from zaiko_xl.domain.reconcile import ReconcileParams
from zaiko_xl.errors import JournalTooNew, JournalUnreadable
from zaiko_xl.sample_shop import generate
from zaiko_xl.sample_shop.discrepancies import plant
from zaiko_xl.services.reconcile import reconcile

DEFAULTS = ReconcileParams()


@pytest.fixture(scope="module")
def planted():
    shop, truth = plant(generate(300, 21), seed=3, share=0.05)
    return shop, truth.set_index("sku")


def _pull(shop, journal, sheet, n, params=DEFAULTS):
    as_of = (pd.Timestamp(shop.as_of) + pd.Timedelta(minutes=n)).to_pydatetime()
    return reconcile(FakeReconcileSources(frames_of(shop)), sheet, journal, params=params, as_of=as_of,
                     run_id=f"run-{n}")


def test_a_new_journal_gets_every_migration_and_prefixed_tables(tmp_path):
    conn = connect(tmp_path / "j.sqlite")
    versions = [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    tables = {t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert versions == [v for v, _, _ in MIGRATIONS]
    assert {"reconcile_run", "reconcile_difference", "reconcile_suggestion", "pull_run", "pull_source",
            "schema_version"} <= tables
    assert all(t.startswith(("reconcile_", "pull_", "push_", "kpi_", "ops_", "notify_", "schema_version", "sqlite_")) for t in tables)
    conn.close()
    assert [v for (v,) in connect(tmp_path / "j.sqlite").execute("SELECT version FROM schema_version")] == versions


def test_pulls_survive_in_the_file_and_differences_persist_across_pulls(tmp_path, planted):
    shop, truth = planted
    path, sheet = tmp_path / "zaiko-journal.sqlite", FakeComparisonSheet()
    _pull(shop, SqliteReconcileHistory(path), sheet, 1)
    rows = _pull(shop, SqliteReconcileHistory(path), sheet, 2).rows.set_index("sku")  # a new process, same file
    split = truth.index[truth["plant"] == "split_rms"][0]
    assert rows.loc[split, "streak"] == 2 and "(2 回連続)" in rows.loc[split, "evidence"]
    with sqlite3.connect(path) as conn:
        runs = conn.execute("SELECT run_id, sku_count FROM reconcile_run ORDER BY seq").fetchall()
        diffs = conn.execute("SELECT COUNT(*) FROM reconcile_difference").fetchone()[0]
        suggestions = conn.execute("SELECT COUNT(*) FROM reconcile_suggestion").fetchone()[0]
    assert runs == [("run-1", len(rows)), ("run-2", len(rows))]
    assert diffs == 2 * int((rows["cause"] != "一致").sum()) and suggestions == len(rows)


def test_delays_become_splits_across_real_pulls(tmp_path, planted):
    shop, truth = planted
    journal, sheet = SqliteReconcileHistory(tmp_path / "j.sqlite"), FakeComparisonSheet()
    delayed = truth.index[truth["plant"] == "delay_inbound"][0]
    params = ReconcileParams(delay_max_pulls=1)
    causes = [_pull(shop, journal, sheet, n, params).rows.set_index("sku").loc[delayed, "cause"] for n in (1, 2)]
    assert causes == ["遅延", "分断"]


def test_hand_edits_survive_with_the_real_journal(tmp_path, planted):
    shop, truth = planted
    journal, sheet = SqliteReconcileHistory(tmp_path / "j.sqlite"), FakeComparisonSheet()
    _pull(shop, journal, sheet, 1)
    sku = truth.index[truth["plant"] == "unknown"][0]
    sheet.edit(sku, confirmed=3, push=True)
    _pull(shop, journal, sheet, 2)
    row = sheet.rows.set_index("sku").loc[sku]
    assert (row["confirmed"], row["push"]) == (3, True)


def test_only_the_last_pulls_are_kept(tmp_path, planted):
    shop, _ = planted
    path, sheet = tmp_path / "j.sqlite", FakeComparisonSheet()
    for n in range(5):
        _pull(shop, SqliteReconcileHistory(path, keep_pulls=3), sheet, n)
    with sqlite3.connect(path) as conn:
        assert [r for (r,) in conn.execute("SELECT run_id FROM reconcile_run ORDER BY seq")] == ["run-2", "run-3", "run-4"]
        assert conn.execute("SELECT COUNT(DISTINCT seq) FROM reconcile_difference").fetchone()[0] == 3


def test_a_journal_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "j.sqlite"
    connect(path).execute("INSERT INTO schema_version VALUES (999, 'future', '2030-01-01')")
    with pytest.raises(JournalTooNew) as err:
        SqliteReconcileHistory(path).previous(3)
    assert err.value.render() == (f"E504 ジャーナル {path} は新しい版の zaiko-xl で作られています (版 999、この版は "
                                  f"{MIGRATIONS[-1][0]} まで)。 zaiko-xl を更新してください。 / The journal {path} was made "
                                  f"by a newer zaiko-xl (schema 999; this version knows up to {MIGRATIONS[-1][0]}). "
                                  "Update zaiko-xl.")


def test_a_damaged_journal_gives_a_clear_error(tmp_path):
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(JournalUnreadable) as err:
        SqliteReconcileHistory(path).previous(3)
    assert err.value.code == "E505" and str(path) in err.value.render()


def test_a_later_migration_is_applied_once_to_an_existing_journal(tmp_path, monkeypatch):
    import zaiko_xl.adapters.journal_schema as schema

    path = tmp_path / "j.sqlite"
    connect(path).close()
    later = (*MIGRATIONS, (MIGRATIONS[-1][0] + 1, "a later part", "CREATE TABLE later_part (run_id TEXT PRIMARY KEY)"))
    monkeypatch.setattr(schema, "MIGRATIONS", later)
    for _ in range(2):
        conn = schema.connect(path)
        rows = conn.execute("SELECT version, description FROM schema_version ORDER BY version").fetchall()
        conn.execute("INSERT OR IGNORE INTO later_part VALUES ('p1')")
        conn.close()
    assert rows[-1] == (later[-1][0], "a later part") and len(rows) == len(later)
