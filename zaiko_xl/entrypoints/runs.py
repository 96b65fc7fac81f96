"""Recording batch runs: wrap a command's work so the journal knows how it ended and people hear of it.

Usage in a batch command (inside ``cli_errors``)::

    settings = load_settings(...)
    with recorded_run(settings, "sync"):
        ...one service call...

A failure (or a tripped guard, E4xx) is recorded and notified at once on every configured
channel; the next successful run of the same command records "ok" and sends "resolved".
`zaiko-xl doctor` shows the last runs; the stalled-sync check reads the push/sync runs.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from zaiko_xl import bootstrap
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.errors import RuleViolation, ZaikoError

if TYPE_CHECKING:
    from zaiko_xl.config import Settings

log = logging.getLogger("zaiko_xl")


@contextmanager
def recorded_run(settings: Settings, command: str, *, record_ok: bool = True) -> Iterator[str]:
    """Yield a run ID; record the outcome in the journal and notify failures (errors propagate unchanged).

    ``record_ok=False`` records only a failure (set-up work that is not a run of its own).
    """
    started = bootstrap.jst_now()
    run_id = f"{command}-{started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    try:
        yield run_id
    except ZaikoError as exc:
        outcome = Outcome.GUARD_TRIPPED if isinstance(exc, RuleViolation) else Outcome.FAILED
        _finish(settings, RunRecord(run_id, command, started, bootstrap.jst_now(), outcome, exc.code,
                                    exc.message("ja"), exc.message("en")))
        raise
    except KeyboardInterrupt:
        _finish(settings, RunRecord(run_id, command, started, bootstrap.jst_now(), Outcome.INTERRUPTED))
        raise
    except Exception:
        _finish(settings, RunRecord(run_id, command, started, bootstrap.jst_now(), Outcome.FAILED, "E000",
                                    "予期しないエラー", "unexpected error"))
        raise
    if record_ok:
        _finish(settings, RunRecord(run_id, command, started, bootstrap.jst_now(), Outcome.OK))


def _finish(settings: Settings, run: RunRecord) -> None:
    """Record and notify; a journal or channel problem here is logged, never hides the run's own error."""
    from zaiko_xl.services.notify import notify_run

    try:
        bootstrap.build_run_log(settings).record_run(run)
        notifiers = bootstrap.build_notifiers(settings)
        if notifiers and run.outcome is not Outcome.INTERRUPTED:
            outcome = notify_run(run, notifiers=notifiers, state=bootstrap.build_notify_state(settings),
                                 now=bootstrap.jst_now(), policy=bootstrap.notify_policy(settings),
                                 secrets=bootstrap.secret_values(settings))
            for channel, key, message in outcome.failed:
                log.warning("notification to %s about %s failed: %s", channel, key, message)
    except ZaikoError as exc:
        log.warning("could not record run %s: %s", run.run_id, exc.render("en"))
