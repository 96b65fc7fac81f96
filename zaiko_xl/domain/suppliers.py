"""Supplier closed days (年末年始, お盆) in a one-cell text form that shop staff can edit.

Form: ``2025-12-29..2026-01-04 年末年始; 2026-08-13..2026-08-16 お盆`` (inclusive dates,
an optional label after a space, periods separated by ``;``). Used by the ``suppliers``
frame's ``closed`` column, the suppliers sheet and ``suppliers.csv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from zaiko_xl.domain.model import ClosedPeriod

_PERIOD = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*(.*?)\s*$")


def format_closed_periods(periods: Iterable[ClosedPeriod]) -> str:
    """``ClosedPeriod``s -> the one-cell text form."""
    return "; ".join(f"{p.start.isoformat()}..{p.end.isoformat()}" + (f" {p.label}" if p.label else "")
                     for p in periods)


def parse_closed_periods(text: str | None) -> tuple[ClosedPeriod, ...]:
    """The one-cell text form -> ``ClosedPeriod``s (empty text: none).

    Raises:
        ValueError: a part that is not ``YYYY-MM-DD..YYYY-MM-DD [label]`` or ends before it starts.
    """
    periods = []
    for part in (text or "").replace("；", ";").split(";"):
        if not part.strip():
            continue
        found = _PERIOD.match(part)
        if not found:
            raise ValueError(f"not a closed period 'YYYY-MM-DD..YYYY-MM-DD label': {part.strip()!r}")
        start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
        if end < start:
            raise ValueError(f"closed period ends before it starts: {part.strip()!r}")
        periods.append(ClosedPeriod(start=start, end=end, label=found[3]))
    return tuple(periods)


def closed_dates(periods: Iterable[ClosedPeriod]) -> list[date]:
    """Every date inside the periods, sorted, without repeats."""
    days = set()
    for p in periods:
        days.update(p.start + timedelta(days=i) for i in range((p.end - p.start).days + 1))
    return sorted(days)
