"""Reconciliation settings reach the domain and the journal path resolves beside zaiko.toml."""

from __future__ import annotations

from zaiko_xl.bootstrap import reconcile_history, reconcile_params
from zaiko_xl.config import load_settings


def test_tolerances_buffer_and_persistence_come_from_zaiko_toml(tmp_path):
    toml = tmp_path / "zaiko.toml"
    toml.write_text('[reconcile]\ntolerance = 1\ndelay_max_pulls = 5\nkeep_pulls = 7\n'
                    '[reconcile.tolerance_by_group]\napparel = 2\n[push]\nbuffer = 3\n'
                    '[journal]\npath = "data/j.sqlite"\n', encoding="utf-8")
    settings = load_settings(toml)
    params = reconcile_params(settings)
    assert (params.tolerance, dict(params.tolerance_by_group), params.buffer, params.delay_max_pulls) == \
        (1, {"apparel": 2}, 3, 5)
    history = reconcile_history(settings)
    assert history.path == tmp_path / "data" / "j.sqlite" and history.keep_pulls == 7
