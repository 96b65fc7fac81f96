"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory
    from zaiko_xl.config import Settings
    from zaiko_xl.domain.reconcile import ReconcileParams


def reconcile_params(settings: Settings) -> ReconcileParams:
    """Reconciliation tunables from the settings (buffer from [push])."""
    from zaiko_xl.domain.reconcile import ReconcileParams

    rc = settings.reconcile
    return ReconcileParams(tolerance=rc.tolerance, tolerance_by_group=dict(rc.tolerance_by_group),
                           buffer=settings.push.buffer, delay_max_pulls=rc.delay_max_pulls)


def reconcile_history(settings: Settings) -> SqliteReconcileHistory:
    """The journal's reconcile history (SQLite file at ``journal.path``)."""
    from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory

    return SqliteReconcileHistory(settings.resolve(settings.journal.path), keep_pulls=settings.reconcile.keep_pulls)
