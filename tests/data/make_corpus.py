"""Write the corpus of input files (good and broken) used by tests/integration/test_ingest_corpus.py.

Run from the repository root: ``python tests/data/make_corpus.py`` (writes tests/data/ingest/).
The output is deterministic (XlsxWriter with a fixed creation date), and a test checks that
the committed files equal a fresh run. CP932 files are written here because an editor would
silently save them as UTF-8.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent / "ingest"
GENERIC = "商品コード,商品名,実在庫数,引当数,有効在庫数,ロケーション,ロット,賞味期限,最終更新日時"
FIXED = dt.datetime(2025, 1, 1)


def _csv(lines: list[str], encoding: str = "cp932", newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def _xlsx(path: Path, sheets: dict[str, list[list[object]]], errors: dict[str, dict[str, str]] | None = None) -> None:
    """A workbook; ``errors`` puts real error cells (t="e", as Excel saves them) at sheet -> cell -> #ERR."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"default_date_format": "yyyy/mm/dd hh:mm"})
    book.set_properties({"created": FIXED})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.datetime):
                    sheet.write_datetime(r, c, value)
                elif value is not None:
                    sheet.write(r, c, value)
        for cell, error in (errors or {}).get(name, {}).items():
            sheet.write_formula(cell, "=NA()" if error == "#N/A" else "=1/0", None, error)
    book.close()


TEXT_FILES: dict[str, Callable[[], bytes]] = {
    # --- warehouse: files that import
    "wh_ok_cp932.csv": lambda: _csv([
        GENERIC,
        "TS-001-RED-M,Tシャツ 赤 M,12,2,10,A-01-01,L2401,,2025/11/20 09:00",
        'TS-001-RED-L,Tシャツ 赤 L,"1,234",0,"1,234",A-01-02,L2401,,2025/11/20 09:00',
        "ＴＳ－００１－ＢＬＵ－Ｍ,Tシャツ 青 M,５,０,５,A-01-03,,,2025/11/20 09:00",
        "CF-200,コーヒー豆 200g,30,5,25,B-02-01,L2410,2026/03/31,2025/11/20 09:00",
        "CF-200,コーヒー豆 200g,8,0,8,B-02-02,L2411,2026/04/30,2025/11/20 09:00",
        '"mug-300 ",マグカップ,40,0,40,C-01-01,,,2025-11-20 09:00:00',
    ]),
    "wh_ok_hinban_bom.tsv": lambda: _csv([
        "品番\t品名\t在庫数\t引当済数\tフリー在庫数\t棚番\tロットNo\t賞味期限\t更新日時",
        "TS-001-RED-M\tTシャツ 赤 M\t12\t2\t10\tA-01-01\tL2401\t\t2025-11-20 09:00:00",
        "CF-200\tコーヒー豆\t30\t5\t25\tB-02-01\tL2410\t2026年3月31日\t2025-11-20 09:00:00",
    ], encoding="utf-8-sig"),
    "wh_ok_preamble.csv": lambda: _csv([
        "在庫一覧表",
        "出力日時: 2025/11/20 09:00",
        "",
        GENERIC,
        'TS-001-RED-M,"Tシャツ ""赤"", M",12,2,10,A-01-01,,,2025/11/20 09:00',
        'TS-001-RED-L,"Tシャツ 赤',
        'L (2 行の商品名)",3,0,3,A-01-02,,,2025/11/20 09:00',
    ], encoding="utf-8"),
    "wh_ok_jan.csv": lambda: _csv([
        "JANコード,商品名,良品在庫数,引当数,引当可能数,ロケーション名,ロット,使用期限,在庫日時",
        "4901234567894,Tシャツ 赤 M,12,2,10,A-01-01,,,2025/11/20 09:00",
    ], encoding="utf-8"),
    "wh_warnings.csv": lambda: _csv([
        GENERIC,
        "A-1,商品A,10,2,8,,,,",
        "A-2,商品B,10,2,5,,,,",
        "A-3,商品C,1,3,-2,,,,",
        "A-1,商品A,10,2,8,,,,",
    ]),
    # --- warehouse: files that must be refused
    "wh_missing_columns.csv": lambda: _csv(["品目,商品名,在庫", "A-1,商品A,10"]),
    "wh_text_in_numbers.csv": lambda: _csv([
        GENERIC,
        "A-1,全角は使える,１２,０,１２,,,,",
        'A-2,桁区切りも使える,"1,234",0,"１，２３４",,,,',
        "A-3,漢数字,十二,0,0,,,,",
        "A-4,単位付き,12個,0,12,,,,",
        "A-5,小数,12.5,0,12,,,,",
        "A-6,言葉,在庫なし,0,0,,,,",
    ]),
    "wh_negative_too_large.csv": lambda: _csv([
        GENERIC,
        "A-1,商品A,-3,0,0,,,,",
        "A-2,商品B,100000,0,100000,,,,",
        "A-3,商品C,5,-1,6,,,,",
        "A-4,商品D,▲2,0,0,,,,",
        'A-5,商品E,"99,999",0,"99,999",,,,',
    ]),
    "wh_duplicates.csv": lambda: _csv([
        GENERIC,
        "A-1,商品A,10,0,10,X-1,,,",
        "A-1,商品A,10,0,10,X-1,,,",
        "A-2,商品B,5,0,5,X-2,,,",
        "A-2,商品B,6,0,6,X-2,,,",
    ]),
    "wh_empty.csv": lambda: b"",
    "wh_header_only.csv": lambda: _csv([GENERIC]),
    "wh_wrong_encoding.csv": lambda: _csv([GENERIC, "A-1,商品A,1,0,1,,,,"], encoding="utf-8")
    + "A-2,Café crème,2,0,2,,,,\r\n".encode("latin-1"),
    "wh_excel_errors.csv": lambda: _csv([GENERIC, "A-1,商品A,#N/A,0,0,,,,", "A-2,商品B,3,#VALUE!,3,,,,"]),
    "wh_hinban_as_generic.csv": lambda: _csv(["品番,品名,在庫数,引当済数,フリー在庫数", "A-1,商品A,10,0,10"]),
    "wh_row_too_long.csv": lambda: _csv([GENERIC, "A-1,Tシャツ, 赤,12,0,12,A-01,,,2025/11/20 09:00"]),
    "wh_not_a_workbook.xlsx": lambda: _csv([GENERIC, "A-1,商品A,1,0,1,,,,"]),
    "wh_many_problems.csv": lambda: _csv([
        GENERIC,
        "TS-001-RED-M,Tシャツ 赤 M,12,2,10,A-01-01,,,2025/11/20 09:00",
        "TS-001-RED-L,Tシャツ 赤 L,十,0,10,A-01-02,,,2025/11/20 09:00",
        "TS-001-BLU-M,Tシャツ 青 M,-4,0,0,A-01-03,,,2025/11/20 09:00",
        ",Tシャツ 青 L,3,0,3,A-01-04,,,2025/11/20 09:00",
        "CF-200,コーヒー豆,120000,0,120000,B-02-01,,2026/02/30,2025/11/20 09:00",
        "TS-001-RED-M,Tシャツ 赤 M,13,2,11,A-01-01,,,2025/11/20 09:00",
    ]),
    # --- ledger
    "ledger_bad.csv": lambda: _csv([
        "日時,種別,コード,数量,伝票番号",
        "2025/11/01 10:00,入荷,TS-001-RED-M,20,PO-1",
        "2025/11/02 11:00,移動,TS-001-RED-M,2,MV-1",
        "2025/11/03 12:00,出荷,TS-001-RED-M,-3,SO-1",
        "昨日,出荷,TS-001-RED-M,1,SO-2",
        "2025/11/04 09:00,棚卸調整,TS-001-RED-M,-1,ST-1",
        "2025/11/05 09:00,返品,,1,RT-1",
    ]),
    # --- other channels' orders
    "orders_yahoo.csv": lambda: _csv([
        "OrderId,OrderTime,OrderStatus,ItemId,SubCode,Quantity,LastUpdateTime",
        "shop-10000001,2025/11/20 10:00:00,2,ts-001,TS-001-RED-M,1,2025/11/20 10:05:00",
        "shop-10000002,2025/11/20 11:00:00,4,ts-001,TS-001-RED-L,2,2025/11/20 12:00:00",
        "shop-10000003,2025/11/19 09:00:00,5,CF-200,,3,2025/11/20 08:00:00",
    ]),
    "orders_amazon.txt": lambda: _csv([
        "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tsku\tquantity\titem-status",
        "503-1111111-1111111\t\t2025-11-20T01:00:00+00:00\t2025-11-20T01:05:00+00:00\tUnshipped\tTS-001-RED-M\t1\tUnshipped",
        "503-2222222-2222222\t\t2025-11-19T23:30:00+00:00\t2025-11-20T03:00:00+00:00\tShipped\tCF-200\t2\tShipped",
        "503-3333333-3333333\t\t2025-11-19T15:00:00Z\t2025-11-19T16:00:00Z\tCanceled\tTS-001-RED-L\t0\tCancelled",
    ], encoding="utf-8", newline="\n"),
    "orders_generic.csv": lambda: _csv([
        "受注番号,チャネル,注文日時,商品コード,数量,ステータス,更新日時",
        "W-1,自社サイト,2025/11/20 10:00,TS-001-RED-M,1,未発送,",
        "W-2,自社サイト,2025/11/18 10:00,CF-200,1,返品,2025/11/20 09:00",
    ], encoding="utf-8-sig"),
    "orders_bad.csv": lambda: _csv([
        "受注番号,注文日時,商品コード,数量,ステータス",
        "W-1,2025/11/20 10:00,TS-001-RED-M,2個,未発送",
        "W-2,2025/11/20 11:00,TS-001-RED-L,1,調査中",
    ]),
}


def _write_workbooks(out: Path) -> None:
    _xlsx(out / "wh_ok_sku.xlsx", {
        "在庫一覧": [
            ["SKUコード", "商品名", "現在庫", "出荷引当", "有効在庫", "棚番", "ロット番号", "出荷期限日", "最終更新"],
            ["TS-001-RED-M", "Tシャツ 赤 M", 12, 2, 10, "A-01-01", None, None, dt.datetime(2025, 11, 20, 9)],
            ["CF-200", "コーヒー豆", 30.0, 5, 25, "B-02-01", "L2410", dt.datetime(2026, 3, 31), "2025/11/20 09:00"],
        ],
        "メモ": [["この行は読まれません"]],
    })
    _xlsx(out / "wh_excel_errors.xlsx", {
        "在庫": [GENERIC.split(","), ["A-1", "商品A", None, 0, 0], ["A-2", "商品B", 3, None, 3],
                 [None, "商品C", 3, 0, 3], ["A-4", "商品D", 3, 0, None]],
    }, errors={"在庫": {"C2": "#N/A", "D3": "#VALUE!", "A4": "#REF!", "E5": "#DIV/0!"}})
    _xlsx(out / "ledger_ok.xlsx", {
        "社内台帳": [
            ["日時", "種別", "コード", "数量", "伝票番号", "備考"],
            [dt.datetime(2025, 11, 1, 10), "入荷", "TS-001-RED-M", 20, "PO-1", None],
            [dt.datetime(2025, 11, 2, 11), "出荷", "TS-001-RED-M", 2, "SO-1", None],
            [dt.datetime(2025, 11, 3, 12), "キャンセル戻し", "TS-001-RED-M", 1, "SO-1", "顧客都合"],
            [dt.datetime(2025, 11, 4, 9), "棚卸調整", "TS-001-RED-M", -1, "ST-1", None],
            ["2025/11/05 09:00", "交換", "TS-001-RED-M", 0, "EX-1", "同品交換"],
        ],
    })


def write_corpus(out: Path = HERE) -> list[Path]:
    """Write every corpus file into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    for name, make in TEXT_FILES.items():
        (out / name).write_bytes(make())
    _write_workbooks(out)
    return sorted(out.iterdir())


if __name__ == "__main__":
    for path in write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
