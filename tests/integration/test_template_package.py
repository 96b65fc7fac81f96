"""The template travels inside the package, so the demo and `create_workbook` find it when installed."""

import tomllib
from pathlib import Path

from tests.workbook_fixtures import COMMITTED_TEMPLATE, ROOT
from zaiko_xl import bootstrap


def test_the_packaged_template_is_the_committed_one_byte_for_byte():
    packaged = bootstrap.template_path()
    assert packaged.is_file(), "run `zaiko-xl template build` (it copies the template into zaiko_xl/resources)"
    assert packaged.read_bytes() == COMMITTED_TEMPLATE.read_bytes(), "run `make template` and commit both files"


def test_the_package_data_names_the_template():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["zaiko_xl"]
    relative = bootstrap.template_path().relative_to(Path(bootstrap.__file__).parent).as_posix()
    assert relative in patterns


def test_template_build_to_the_default_place_refreshes_the_packaged_copy(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from zaiko_xl.entrypoints.cli import app

    monkeypatch.chdir(tmp_path)  # the default --out is workbook/template.xlsm of the current folder
    (tmp_path / "workbook").mkdir()
    copies = []
    monkeypatch.setattr(bootstrap, "install_template", lambda built: copies.append(built.read_bytes()) or built)
    result = CliRunner().invoke(app, ["template", "build", "--macros", str(ROOT / "macros")])
    assert result.exit_code == 0, result.output
    assert copies == [(tmp_path / "workbook" / "template.xlsm").read_bytes()]
    assert "パッケージ用にコピーしました / copied for the package:" in result.output
