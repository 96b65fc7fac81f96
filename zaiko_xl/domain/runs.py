"""Batch runs (pull, push, sync ...) and their outcome. Pure value objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

PUSH_COMMANDS = ("push", "sync")  # runs that change RMS: the stall check watches these


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    GUARD_TRIPPED = "guard_tripped"  # a safety guard stopped it (E4xx)
    INTERRUPTED = "interrupted"  # Ctrl+C, killed


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    command: str
    started_at: datetime
    finished_at: datetime | None
    outcome: Outcome
    error_code: str = ""
    message_ja: str = ""
    message_en: str = ""
