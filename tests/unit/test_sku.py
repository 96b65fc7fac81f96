"""SKU identity: normalisation, RMS code rules, matching with collisions and unmatched codes."""

import pandas as pd
import pytest

from zaiko_xl.domain.sku import (
    CodeProblem,
    Match,
    RmsField,
    match_codes,
    match_rms_keys,
    match_warehouse_codes,
    normalise_code,
    normalise_codes,
    rms_code_problem,
    rms_code_problems,
    rms_key,
)


@pytest.mark.parametrize(("raw", "expected"), [
    ("TS-0012-NV-L", "ts-0012-nv-l"),  # already clean: only case folds
    ("ＴＳ－００１２－ＮＶ－Ｌ", "ts-0012-nv-l"),  # 全角 letters, digits and hyphen
    ("TSー0012ーNVーL", "ts-0012-nv-l"),  # katakana long-vowel mark
    ("TSｰ0012ｰNVｰL", "ts-0012-nv-l"),  # half-width long-vowel mark
    ("TS−0012−NV−L", "ts-0012-nv-l"),  # minus sign
    ("TS‐0012‐NV‐L", "ts-0012-nv-l"),  # hyphen U+2010
    ("TS‑0012", "ts-0012"),  # non-breaking hyphen
    ("TS‒0012", "ts-0012"),  # figure dash
    ("TS–0012", "ts-0012"),  # en dash
    ("TS—0012", "ts-0012"),  # em dash
    ("TS―0012", "ts-0012"),  # horizontal bar
    ("TS﹣0012", "ts-0012"),  # small hyphen-minus
    ("TS─0012", "ts-0012"),  # box drawing line
    ("TS-0012-NV-L ", "ts-0012-nv-l"),  # trailing space
    ("TS-0012-NV-L\u3000", "ts-0012-nv-l"),  # trailing 全角 space
    ("  TS-0012-NV-L", "ts-0012-nv-l"),  # leading spaces
    ("TS- 0012 -NV-L", "ts-0012-nv-l"),  # inner spaces
    ("TS-0012\t-NV-L", "ts-0012-nv-l"),  # a tab inside
    ("TS-0012\u200b-NV-L", "ts-0012-nv-l"),  # zero-width space
    ("ts-0012-nv-l", "ts-0012-nv-l"),  # lower case
    ("ＴＳー００１２ーＮＶーＬ ", "ts-0012-nv-l"),  # several drifts at once
    ("under_score", "under_score"),  # '_' stays
    ("ＡＢ＿１", "ab_1"),  # 全角 underscore
    ("   ", ""),  # only spaces
])
def test_normalise_code_turns_every_drift_into_one_form(raw, expected):
    assert normalise_code(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Red-M", "Red-M"),
    ("Ｒｅｄ－Ｍ ", "Red-M"),
    ("RED-m", "RED-m"),
])
def test_normalise_code_keeps_case_when_asked(raw, expected):
    assert normalise_code(raw, fold_case=False) == expected


def test_normalise_codes_keeps_index_and_missing_values():
    codes = pd.Series(["ＡＢ－1", None, "ab-1 ", "X"], index=[10, 11, 12, 13])
    out = normalise_codes(codes)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.tolist()[0] == "ab-1" and pd.isna(out.iloc[1]) and out.tolist()[2:] == ["ab-1", "x"]


@pytest.mark.parametrize(("code", "field", "problem"), [
    ("tshirt-basic", RmsField.MANAGE_NUMBER, None),
    ("TSHIRT_Basic", RmsField.MANAGE_NUMBER, None),  # upper case is folded by RMS, not refused
    ("a" * 32, RmsField.MANAGE_NUMBER, None),
    ("a" * 33, RmsField.MANAGE_NUMBER, CodeProblem.TOO_LONG),
    ("", RmsField.MANAGE_NUMBER, CodeProblem.EMPTY),
    (None, RmsField.VARIANT_ID, CodeProblem.EMPTY),
    ("t shirt", RmsField.MANAGE_NUMBER, CodeProblem.BAD_CHARACTERS),
    ("ｔｓ-1", RmsField.MANAGE_NUMBER, CodeProblem.BAD_CHARACTERS),
    ("ts.1", RmsField.MANAGE_NUMBER, CodeProblem.BAD_CHARACTERS),
    ("Red-M", RmsField.VARIANT_ID, None),
    ("1", RmsField.VARIANT_ID, None),
    ("red/M", RmsField.VARIANT_ID, CodeProblem.BAD_CHARACTERS),
    ("レッド", RmsField.VARIANT_ID, CodeProblem.BAD_CHARACTERS),
    ("V" * 33, RmsField.VARIANT_ID, CodeProblem.TOO_LONG),
])
def test_rms_code_problem_names_what_rms_would_refuse(code, field, problem):
    assert rms_code_problem(code, field) == problem


def test_rms_code_problems_lists_every_refused_code_of_a_frame():
    frame = pd.DataFrame({"manage_number": ["ok-1", "ng 1", "a" * 40], "variant_id": ["A", "", "B_2"]},
                         index=[5, 6, 7])
    found = rms_code_problems(frame)
    assert sorted(zip(found["row"], found["field"], found["problem"], strict=True)) == [
        (6, "manage_number", "bad_characters"), (6, "variant_id", "empty"), (7, "manage_number", "too_long")]


def test_rms_code_problems_is_empty_for_good_codes():
    assert rms_code_problems(pd.DataFrame({"manage_number": ["a"], "variant_id": ["B"]})).empty


SKUS = pd.Series(["TS-0001-M", "TS-0001-L", "MG-0003", "BG-0009"])


def test_match_codes_prefers_exact_then_mapping_then_normalised():
    codes = pd.Series(["TS-0001-M", "W1234567", "ｔｓ－0001－ｌ ", "NOPE"], index=list("abcd"))
    mapping = pd.DataFrame({"code": ["W1234567", "TS-0001-M"], "sku": ["MG-0003", "BG-0009"]})
    result = match_codes(codes, SKUS, mapping)
    assert result.resolved["sku"].tolist()[:3] == ["TS-0001-M", "MG-0003", "TS-0001-L"]
    assert pd.isna(result.resolved["sku"].iloc[3])
    assert result.resolved["match"].tolist() == ["exact", "mapping", "normalised", "unmatched"]
    assert result.resolved.index.tolist() == list("abcd")
    assert result.counts() == {"exact": 1, "mapping": 1, "normalised": 1, "unmatched": 1}


def test_match_codes_reports_unmatched_codes_and_skus():
    result = match_codes(pd.Series(["TS-0001-M", "ZZ-1", "ZZ-1", "ZZ-2"]), SKUS)
    assert result.unmatched_codes[["code", "rows"]].values.tolist() == [["ZZ-1", 2], ["ZZ-2", 1]]
    assert result.unmatched_skus.tolist() == ["TS-0001-L", "MG-0003", "BG-0009"]


def test_two_master_skus_with_one_normalised_key_never_match_by_normalisation():
    skus = pd.Series(["AB-1", "ab-1", "CD-2"])
    result = match_codes(pd.Series(["ＡＢ－１", "AB-1", "cd-2"]), skus)
    assert result.resolved["match"].tolist() == ["unmatched", "exact", "normalised"]
    master = result.collisions[result.collisions["side"] == "master"]
    assert master[["key", "codes"]].values.tolist() == [["ab-1", ("AB-1", "ab-1")]]


def test_two_raw_codes_of_one_sku_are_a_source_collision():
    result = match_codes(pd.Series(["MG-0003", "mg-0003 ", "MG-0003"]), SKUS)
    source = result.collisions[result.collisions["side"] == "source"]
    assert source[["key", "codes", "skus"]].values.tolist() == [["MG-0003", ("MG-0003", "mg-0003 "), ("MG-0003",)]]


def test_unmatched_codes_that_normalise_alike_are_a_source_collision():
    result = match_codes(pd.Series(["XX-9", "ｘｘ－９"]), SKUS)
    source = result.collisions[result.collisions["side"] == "source"]
    assert source[["key", "codes", "skus"]].values.tolist() == [["xx-9", ("XX-9", "ｘｘ－９"), ()]]


def test_one_alias_naming_two_skus_is_a_mapping_collision_and_does_not_match():
    mapping = pd.DataFrame({"code": ["W1", "W1"], "sku": ["MG-0003", "BG-0009"]})
    result = match_codes(pd.Series(["W1"]), SKUS, mapping)
    assert result.resolved["match"].tolist() == ["unmatched"]
    assert result.collisions[["side", "key", "skus"]].values.tolist() == [["mapping", "W1", ("BG-0009", "MG-0003")]]


def test_a_clean_source_has_no_collisions():
    result = match_codes(SKUS.copy(), SKUS)
    assert result.collisions.empty and result.unmatched_codes.empty and result.unmatched_skus.empty


def test_match_warehouse_codes_uses_the_warehouse_code_column_of_the_mapping():
    mapping = pd.DataFrame({"sku": ["MG-0003", "BG-0009"], "warehouse_code": ["W7", None]})
    result = match_warehouse_codes(pd.Series(["W7", "w7 ", "BG-0009"]), SKUS, mapping)
    assert result.resolved["sku"].tolist() == ["MG-0003", "MG-0003", "BG-0009"]
    assert result.resolved["match"].tolist() == ["mapping", "normalised", "exact"]


def test_match_rms_keys_variant_id_is_case_sensitive_exact_and_the_mapping_resolves_numeric_ids():
    skus = pd.Series(["TS-1-M", "TS-1-L", "MG-3"])
    mapping = pd.DataFrame({"sku": ["TS-1-M", "TS-1-L"], "manage_number": ["ts-1", "ts-1"], "variant_id": ["1", "2"]})
    result = match_rms_keys(pd.Series(["ts-1", "TS-1", "mg-3", "mg-3"]), pd.Series(["1", "2", "MG-3", "mg-3"]),
                            skus, mapping)
    assert result.resolved["sku"].tolist() == ["TS-1-M", "TS-1-L", "MG-3", "MG-3"]
    assert result.resolved["match"].tolist() == ["mapping", "mapping", "exact", "normalised"]
    assert result.resolved["code"].tolist() == ["ts-1:1", "ts-1:2", "mg-3:MG-3", "mg-3:mg-3"]


def test_match_rms_keys_without_the_mapping_leaves_numeric_ids_unmatched():
    result = match_rms_keys(pd.Series(["ts-1"]), pd.Series(["1"]), pd.Series(["TS-1-M"]))
    assert result.resolved["match"].tolist() == ["unmatched"]
    assert result.unmatched_skus.tolist() == ["TS-1-M"]


def test_rms_key_folds_the_manage_number_only():
    assert rms_key("TShirt-Basic", "Red-M") == "tshirt-basic:Red-M"


def test_matching_is_vectorised_over_a_hundred_thousand_rows():
    skus = pd.Series([f"TS-{i:06d}-M" for i in range(100_000)])
    codes = skus.copy()
    codes.iloc[::20] = codes.iloc[::20].str.lower() + " "
    result = match_warehouse_codes(codes, skus)
    assert result.counts() == {"exact": 95_000, "mapping": 0, "normalised": 5_000, "unmatched": 0}
    assert set(result.resolved["sku"]) == set(skus)
    assert Match.NORMALISED.value == "normalised"
