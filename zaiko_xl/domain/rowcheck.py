"""Vectorised per-row validation: the first problem of each row, as an error code.

The replenishment math runs over whole columns (10,000 rows in one UDF call, 100,000 SKUs in a
plan). A bad value must not stop the other rows, so checks record, per row, the code of the
first failing check and the column it concerns; computed results of such rows are set to NaN.
Messages are rendered from ``zaiko_xl.errors`` only when a row is shown to a person.
"""

from __future__ import annotations

import numpy as np

from zaiko_xl.errors import ReorderInputError, reorder_row_error

NO_ERROR = ""


class RowErrors:
    """The first error code and column of every row (``""`` = no error so far)."""

    def __init__(self, n: int) -> None:
        self.code = np.full(n, NO_ERROR, dtype="<U4")
        self.column = np.full(n, NO_ERROR, dtype=object)
        self.context: dict[int, dict[str, object]] = {}
        self._ok = np.ones(n, dtype=bool)

    def __len__(self) -> int:
        return len(self.code)

    @property
    def ok(self) -> np.ndarray:
        """True where the row has no error (read-only view)."""
        view = self._ok.view()
        view.flags.writeable = False
        return view

    def flag(self, mask: np.ndarray, code: str, column: str = "", **context: object) -> None:
        """Record ``code`` for rows in ``mask`` that have no error yet."""
        new = np.asarray(mask, dtype=bool) & self._ok
        if not new.any():
            return
        self.code[new] = code
        self.column[new] = column
        self._ok[new] = False
        if context:
            for i in np.flatnonzero(new):
                self.context[int(i)] = context

    def flag_row(self, i: int, code: str, column: str = "", **context: object) -> None:
        """Record ``code`` for row ``i`` (if it has no error yet) with its own context."""
        if self._ok[i]:
            self.code[i], self.column[i], self._ok[i] = code, column, False
            if context:
                self.context[int(i)] = context

    def merge(self, other: RowErrors) -> None:
        """Take the other's errors for rows that have none yet."""
        new = self._ok & ~other.ok
        self.code[new] = other.code[new]
        self.column[new] = other.column[new]
        self._ok[new] = False
        for i in np.flatnonzero(new):
            if int(i) in other.context:
                self.context[int(i)] = other.context[int(i)]

    def put(self, rows: np.ndarray, part: RowErrors) -> None:
        """Copy the errors of ``part`` (a subset computed separately) into ``rows``."""
        self.code[rows], self.column[rows], self._ok[rows] = part.code, part.column, part.ok
        self.context.update({int(rows[i]): c for i, c in part.context.items()})

    def error(self, i: int, **extra: object) -> ReorderInputError | None:
        """The error object of row ``i`` (None when the row is fine)."""
        code = str(self.code[i])
        if code == NO_ERROR:
            return None
        context = {"column": self.column[i], **self.context.get(i, {}), **extra}
        return reorder_row_error(code, **context)

    def texts(self) -> np.ndarray:
        """``#E263 ja / en`` for every row with an error, ``""`` elsewhere (cached per code+column)."""
        out = np.full(len(self), "", dtype=object)
        cache: dict[tuple[str, object], str] = {}
        for i in np.flatnonzero(~self.ok):
            key = (str(self.code[i]), self.column[i])
            if key not in cache or int(i) in self.context:
                err = self.error(int(i))
                cache[key] = "#" + err.render() if err is not None else ""
            out[i] = cache[key]
        return out

    # ------------------------------------------------------------------ common checks
    def require_number(self, values: np.ndarray, column: str) -> None:
        """E261 where the value is NaN (empty or not a number)."""
        self.flag(np.isnan(values), "E261", column)

    def require_non_negative(self, values: np.ndarray, column: str) -> None:
        """E261 for NaN, E262 for negative values."""
        self.require_number(values, column)
        self.flag(values < 0, "E262", column)

    def require_open_unit(self, values: np.ndarray, column: str) -> None:
        """E261 for NaN, E263 outside (0, 1)."""
        self.require_number(values, column)
        self.flag((values <= 0) | (values >= 1), "E263", column)

    def require_whole(self, values: np.ndarray, column: str, minimum: int) -> None:
        """E261 for NaN, E269 for fractions or values below ``minimum``."""
        self.require_number(values, column)
        with np.errstate(invalid="ignore"):
            bad = (values < minimum) | (np.abs(values - np.round(values)) > 1e-9)
        self.flag(bad, "E269", column, minimum=minimum)
