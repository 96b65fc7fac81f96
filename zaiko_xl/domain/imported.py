"""What reading one input table gives: the frame, the warnings to list, and where it came from.

Readers (adapters) build these; services and the domain consume them. The frame follows the
column contract of ``docs/data-contracts.md`` for its kind (``warehouse``, ``ledger``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from zaiko_xl.errors import InputWarning


@dataclass(frozen=True)
class ImportedTable:
    """One table read without fatal problems.

    Attributes:
        kind: the frame contract it follows, e.g. ``"warehouse"``.
        frame: the rows, English column names, contract dtypes.
        source: what the user calls it: a file name, ``file > sheet`` or a sheet name.
        warnings: non-fatal findings (merged duplicates, mismatches), in row order.
        code_kind: what the code column holds when it is not the usual code (``"jan"``).
    """

    kind: str
    frame: pd.DataFrame
    source: str
    warnings: tuple[InputWarning, ...] = field(default=())
    code_kind: str = "code"

    @property
    def rows(self) -> int:
        return len(self.frame)
