"""The CLI contract: commands, exact messages, exit codes."""

import pytest
from typer.testing import CliRunner

from zaiko_xl.entrypoints.cli import app

runner = CliRunner()

CONTRACT = ["demo", "sandbox", "template", "pull", "reconcile", "reorder", "push", "rollback", "sync", "kpi",
            "export-rms-csv", "init", "doctor"]


def test_help_lists_every_command_of_the_contract():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in CONTRACT:
        assert name in result.output


def test_init_writes_a_commented_settings_file(tmp_path):
    result = runner.invoke(app, ["--config", str(tmp_path / "zaiko.toml"), "init"])
    assert result.exit_code == 0
    assert "# 秘密情報" in (tmp_path / "zaiko.toml").read_text(encoding="utf-8")


def test_init_refuses_to_overwrite_with_exit_code_3(tmp_path):
    (tmp_path / "zaiko.toml").write_text("# mine\n", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(tmp_path / "zaiko.toml"), "init"])
    assert result.exit_code == 3
    assert "E106" in result.output
    assert (tmp_path / "zaiko.toml").read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize("argv", [["--version"]])
def test_version_prints_the_version(argv):
    result = runner.invoke(app, argv)
    assert result.exit_code == 0
    assert result.output.startswith("zaiko-xl ")
