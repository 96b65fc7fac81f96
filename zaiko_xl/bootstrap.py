"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from zaiko_xl.adapters.template_build import VbaModule
    from zaiko_xl.adapters.workbook_file import WorkbookFile
    from zaiko_xl.config import Settings


def workbook_file(settings: Settings, path: Path | None = None) -> WorkbookFile:
    """The shop's workbook as a file (WorkbookSource + WorkbookSink), with the backup policy.

    ``path`` (e.g. ``--workbook``) is taken as given; without it, ``workbook.path`` of the
    settings, resolved from the folder of zaiko.toml. Backups go beside the workbook.
    """
    from zaiko_xl.adapters.workbook_file import WorkbookFile

    target = path if path is not None else settings.resolve(settings.workbook.path)
    return WorkbookFile(target, backup_dir=target.parent / settings.workbook.backup_dir,
                        backups=settings.workbook.backups)


def build_template(out: Path, modules: Sequence[VbaModule]) -> Path:
    """Build workbook/template.xlsm (sheets from adapters/columns.py, the given VBA modules)."""
    from zaiko_xl import __version__
    from zaiko_xl.adapters.template_build import build_template as build

    return build(out, modules, version=__version__)
