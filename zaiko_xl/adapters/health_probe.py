"""Local checks of `zaiko-xl doctor`: the workbook is not open in Excel, the journal is writable."""

from __future__ import annotations

from pathlib import Path

from zaiko_xl.adapters.ops_journal import check_writable
from zaiko_xl.errors import WorkbookLocked


def lock_file(workbook: Path) -> Path | None:
    """Excel's owner file beside an open workbook: ``~$`` + the name (Office shortens long names by two characters)."""
    for name in (f"~${workbook.name}", f"~${workbook.name[2:]}"):
        candidate = workbook.with_name(name)
        if candidate.exists():
            return candidate
    return None


class FileHealthProbe:
    """The HealthProbe port on the local file system."""

    def __init__(self, workbook: Path, journal: Path) -> None:
        self.workbook, self.journal = workbook, journal

    def check_workbook_unlocked(self) -> bool:
        """False when there is no workbook; WorkbookLocked when Excel has it open."""
        if not self.workbook.exists():
            return False
        found = lock_file(self.workbook)
        if found is not None:
            raise WorkbookLocked(file=str(self.workbook), lock_file=found.name)
        return True

    def check_journal_writable(self) -> None:
        check_writable(self.journal)
