"""The sample shop's files: encodings, line ends, headers, drifted codes that survive CP932."""

import io

import pandas as pd
import pytest

from zaiko_xl.domain.sku import match_warehouse_codes
from zaiko_xl.sample_shop import generate, write_files

EXPECTED = ["warehouse.csv", "ledger.csv", "other_channel_orders.csv", "inbound.csv", "items.csv", "mapping.csv",
            "bom.csv", "set_rules.csv", "suppliers.csv", "assignments.csv", "sale_calendar.csv"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    shop = generate(skus=200, seed=4)
    folder = tmp_path_factory.mktemp("shop")
    return shop, folder, write_files(shop, folder)


def test_every_file_is_written_and_nothing_else(written):
    _, folder, paths = written
    assert list(paths) == EXPECTED
    assert sorted(p.name for p in folder.iterdir()) == sorted(EXPECTED)  # no staging folder left behind


def test_the_warehouse_file_is_cp932_with_crlf_and_wms_headers(written):
    shop, _, paths = written
    raw = paths["warehouse.csv"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp932")
    assert text.count("\r\n") == len(shop.warehouse) + 1 and "\n" not in text.replace("\r\n", "")
    assert text.splitlines()[0] == "商品コード,商品名,実在庫数,引当数,有効在庫数,ロケーション,ロット,賞味期限,最終更新日時"
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame["商品コード"].tolist() == shop.warehouse["warehouse_code"].tolist()  # drift survives the round trip
    assert frame["実在庫数"].astype(int).tolist() == shop.warehouse["on_hand"].tolist()
    assert frame["商品名"].ne("").all()
    assert frame["最終更新日時"].str.fullmatch(r"\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}").all()


def test_drifted_codes_in_the_file_match_the_item_master(written):
    shop, _, paths = written
    frame = pd.read_csv(paths["warehouse.csv"], encoding="cp932", dtype=str, keep_default_na=False)
    leaf = shop.items[~shop.items["is_set"]]
    assert (~frame["商品コード"].isin(leaf["warehouse_code"])).sum() > 0
    result = match_warehouse_codes(frame["商品コード"], leaf["sku"], shop.mapping)
    assert result.counts()["unmatched"] == 0


@pytest.mark.parametrize(("name", "header"), [
    ("ledger.csv", "日時,商品コード,区分,数量,伝票番号"),
    ("other_channel_orders.csv", "注文番号,チャネル,商品コード,数量,ステータス,注文日時,更新日時"),
    ("inbound.csv", "発注番号,商品コード,数量,発注日,入荷予定日,仕入先コード,入荷日時"),
    ("mapping.csv", "自社コード,商品管理番号,SKU管理番号,倉庫コード,JANコード"),
    ("bom.csv", "セット商品コード,構成品コード,数量"),
    ("suppliers.csv", "仕入先コード,仕入先名,リードタイム(営業日),リードタイムのばらつき(日),最小発注数,入数,休業期間"),
])
def test_other_files_are_utf8_with_bom_and_japanese_headers(written, name, header):
    _, _, paths = written
    raw = paths[name].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").split("\r\n", 1)[0] == header


def test_other_channel_orders_hold_only_yahoo_and_amazon_lines(written):
    shop, _, paths = written
    frame = pd.read_csv(paths["other_channel_orders.csv"], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert set(frame["チャネル"]) == {"Yahoo!ショッピング", "Amazon"}
    assert len(frame) == int((shop.orders["channel"] != "rakuten").sum())
    assert set(frame["ステータス"]) <= {"未発送", "発送済", "キャンセル", "返品"}
    assert (frame.loc[frame["ステータス"] == "未発送", "更新日時"] == "").all()
