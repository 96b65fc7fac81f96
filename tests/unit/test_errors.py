from zaiko_xl.errors import (
    BadValue,
    MissingSecret,
    ZaikoError,
    all_error_classes,
    where,
)


def test_every_error_code_is_unique():
    codes = [cls.code for cls in all_error_classes()]
    assert len(codes) == len(set(codes))


def test_every_error_has_japanese_and_english_text():
    for cls in all_error_classes():
        assert cls.message_ja and cls.message_en, cls.__name__
        assert cls.message_ja != cls.message_en, cls.__name__


def test_codes_follow_their_branch_and_exit_code():
    for cls in all_error_classes():
        if cls is ZaikoError:
            continue
        parent = cls.__mro__[1]
        if parent is not ZaikoError:
            assert cls.code[:2] == parent.code[:2], cls.__name__
            assert cls.exit_code == parent.exit_code, cls.__name__


def test_bad_value_names_file_row_and_column_in_both_languages():
    err = BadValue(value="abc", detail_ja="数値ではありません", detail_en="not a number",
                   **where(file="wh.csv", row=12, column="在庫数"))
    assert err.render() == (
        "E205 ファイル wh.csv 12行目 列「在庫数」: 値「abc」は使えません (数値ではありません)。 / "
        "file wh.csv, row 12, column '在庫数': value 'abc' is not allowed (not a number)."
    )


def test_missing_secret_says_how_to_set_it():
    text = MissingSecret(name="rms.license_key", env="ZAIKO_RMS_LICENSE_KEY", keyring_user="rms_license_key").render()
    assert "ZAIKO_RMS_LICENSE_KEY" in text
    assert "keyring set zaiko-xl rms_license_key" in text


def test_a_missing_template_field_does_not_crash_rendering():
    assert "{detail}" in ZaikoError().render("en")
