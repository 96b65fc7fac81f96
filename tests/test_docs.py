"""The README cannot drift from the CLI and the error catalogue."""

from pathlib import Path

import typer

from zaiko_xl.entrypoints.cli import app
from zaiko_xl.errors import all_error_classes

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _command_names() -> list[str]:
    group = typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        names.extend(f"{name} {s}" for s in sub) if sub else names.append(name)
    return names


def test_every_command_is_in_the_readme_with_help_text():
    group = typer.main.get_command(app)
    for name in _command_names():
        assert f"zaiko-xl {name}" in README, name
    for command in group.commands.values():  # type: ignore[attr-defined]
        assert command.help, command.name


def test_every_error_code_is_in_the_readme():
    for cls in all_error_classes():
        assert cls.code in README, cls.code


def test_readme_shows_both_set_up_commands():
    assert "make demo" in README and "make test" in README
