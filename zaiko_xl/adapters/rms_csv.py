"""Writes RMS bulk-edit CSV files: Shift_JIS (CP932), CRLF, header first, every field quoted
(as RMS's own downloads are). Written to a temporary name and renamed: never half written."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from zaiko_xl.errors import BadValue, StateError, where


class Cp932CsvSink:
    """The RmsCsvSink port on a file path."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)
        try:
            data = buffer.getvalue().encode("cp932")
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start:exc.end]
            raise BadValue(value=bad, detail_ja="Shift_JIS (CP932) で表せない文字です",
                           detail_en="not representable in Shift_JIS (CP932)", **where(file=str(self.path))) from exc
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StateError(detail=f"{self.path}: {exc.strerror or exc}") from exc
        return str(self.path)
