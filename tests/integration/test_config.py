from pathlib import Path

import pytest

from zaiko_xl.config import example_text, load_settings, write_example
from zaiko_xl.errors import ConfigExists, ConfigFileError, InvalidSetting, MissingSecret, SecretInFile, UnknownSetting


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zaiko.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_loads_without_changes(tmp_path):
    settings = load_settings(_write(tmp_path, example_text()))
    assert settings.rms.rate_write_per_s == 1
    assert settings.base_dir == tmp_path.resolve()


def test_priority_is_flags_then_environment_then_file_then_defaults(tmp_path, monkeypatch):
    path = _write(tmp_path, '[rms]\nbase_url = "http://file"\ntimeout_s = 7\n')
    assert load_settings(path).rms.base_url == "http://file"
    monkeypatch.setenv("ZAIKO_RMS_BASE_URL", "http://env")
    settings = load_settings(path)
    assert (settings.rms.base_url, settings.rms.timeout_s, settings.rms.rate_get_per_s) == ("http://env", 7, 5)
    assert load_settings(path, rms={"base_url": "http://flag"}).rms.base_url == "http://flag"


def test_secrets_come_from_the_environment_and_never_print(tmp_path, monkeypatch):
    monkeypatch.setenv("ZAIKO_RMS_LICENSE_KEY", "SP-license-123")
    settings = load_settings(_write(tmp_path, ""))
    assert settings.require_secret("rms.license_key").get_secret_value() == "SP-license-123"
    assert "SP-license-123" not in repr(settings)


def test_a_missing_secret_says_how_to_set_it(tmp_path):
    with pytest.raises(MissingSecret) as info:
        load_settings(_write(tmp_path, "")).require_secret("rms.service_secret")
    assert "ZAIKO_RMS_SERVICE_SECRET" in info.value.render()


def test_a_secret_in_the_file_is_refused(tmp_path):
    with pytest.raises(SecretInFile) as info:
        load_settings(_write(tmp_path, '[rms]\nlicense_key = "SP-secret-999"\n'))
    assert "SP-secret-999" not in info.value.render()
    assert "rms.license_key" in info.value.render()


def test_malformed_toml_names_line_and_column(tmp_path):
    with pytest.raises(ConfigFileError) as info:
        load_settings(_write(tmp_path, '[rms]\nbase_url = "http://x\n'))
    assert "(2行 21列)" in info.value.render("ja")
    assert "(line 2, column 21)" in info.value.render("en")


def test_an_unknown_key_is_named(tmp_path):
    with pytest.raises(UnknownSetting) as info:
        load_settings(_write(tmp_path, "[push]\nbufer = 3\n"))
    assert "push.bufer" in info.value.render()


def test_an_invalid_value_names_the_key(tmp_path):
    with pytest.raises(InvalidSetting) as info:
        load_settings(_write(tmp_path, "[reorder]\nservice_level = 1.5\n"))
    assert "reorder.service_level" in info.value.render()


def test_paths_resolve_from_the_settings_folder_not_the_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir("/")
    settings = load_settings(_write(tmp_path, '[warehouse]\nfile = "wh/stock.csv"\n'))
    assert settings.resolve(settings.warehouse.file) == tmp_path.resolve() / "wh" / "stock.csv"


def test_init_does_not_overwrite_without_force(tmp_path):
    path = _write(tmp_path, "# mine\n")
    with pytest.raises(ConfigExists):
        write_example(path)
    assert path.read_text(encoding="utf-8") == "# mine\n"
    write_example(path, force=True)
    assert path.read_text(encoding="utf-8") == example_text()
