"""A read cache for workbook sheets the sync reads every cycle but people change rarely.

The item master of 100,000 SKUs takes over a second to read from the .xlsm; a sync every
30 s reads it again and again. ``CachedSheets`` keeps each sheet's frame in a pickle file
beside the journal, valid while the workbook file is unchanged (same size and modification
time); any save of the workbook, by Excel or by zaiko-xl, makes it read the file again. The
cache is our own file: it holds nothing a person has not put in the workbook, and no secret.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from pathlib import Path
from typing import Any

import pandas as pd

from zaiko_xl.ports import WorkbookSource


class CachedSheets:
    """WorkbookSource that answers from ``cache_dir`` while ``path`` has not changed."""

    def __init__(self, book: WorkbookSource, path: Path, cache_dir: Path) -> None:
        self.book, self.path, self.cache_dir = book, path, cache_dir

    def read_sheet(self, sheet: str) -> pd.DataFrame:
        stamp = self._stamp()
        cache = self.cache_dir / f".zaiko-cache-{self.path.stem}-{sheet}.pickle"
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError):
            with cache.open("rb") as handle:
                saved_stamp, frame = pickle.load(handle)
            if saved_stamp == stamp:
                return frame
        frame = self.book.read_sheet(sheet)
        if stamp is not None and stamp == self._stamp():  # unchanged while we read it
            tmp = cache.with_suffix(".tmp")
            with contextlib.suppress(OSError):
                with tmp.open("wb") as handle:
                    pickle.dump((stamp, frame), handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, cache)
        return frame

    def read_cells(self, sheet: str) -> dict[str, Any]:
        return self.book.read_cells(sheet)

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = self.path.stat()
        except OSError:
            return None
        return info.st_size, info.st_mtime_ns
