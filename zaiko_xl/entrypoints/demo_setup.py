"""What `zaiko-xl demo` sets up for its shop: the user's own sheets of the workbook and its zaiko.toml."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from zaiko_xl.adapters.columns import LEDGER

if TYPE_CHECKING:
    import pandas as pd

    from zaiko_xl.sample_shop import SampleShop


EARLIER_DIR = "zaiko-earlier-demos"  # where a demo run again into the same folder moves the earlier workbook
LEDGER_SHEET_DAYS = 120  # movements kept row by row on the demo's 社内台帳 sheet


def user_sheets(shop: SampleShop) -> tuple[dict[str, pd.DataFrame], bool]:
    """The shop's own sheets (商品マスタ, 対応表, セット構成, 仕入先, 社内台帳) and whether the ledger fits its sheet.

    The sheet gets the last ``LEDGER_SHEET_DAYS`` of movements, older ones carried forward as one
    棚卸調整 row per SKU (balances unchanged), as a shop would start its ledger sheet. A ledger
    still longer than the sheet holds stays in ``shop/ledger.csv`` (zaiko.toml then names the file).
    """
    from zaiko_xl.domain.ledger import carry_forward

    sheets = {
        "items": shop.items,
        "mapping": shop.mapping,
        "bom": shop.bom.merge(shop.set_rules, on="set_sku", how="left"),  # the set rule on every row of the set
        "suppliers": shop.suppliers,
    }
    ledger = carry_forward(shop.ledger, shop.as_of - timedelta(days=LEDGER_SHEET_DAYS))
    fits = len(ledger) <= LEDGER.max_rows
    if fits:
        sheets["ledger"] = ledger
    return sheets, fits


def set_aside(workbook: Path) -> Path | None:
    """Move an earlier demo workbook into ``zaiko-earlier-demos/`` (never deleted); returns where it went."""
    if not workbook.exists():
        return None
    # its own folder: the batch writer's rotation in BACKUP_DIR keeps only the newest few files
    target = workbook.parent / EARLIER_DIR / f"{workbook.stem}.{datetime.now():%Y%m%d-%H%M%S-%f}{workbook.suffix}"
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.replace(target)
    return target


DEMO_RATE = 50  # requests per second the demo's own sandbox allows (RMS itself: 5 / 1 / 1)


def config_text(skus: int, seed: int, *, ledger_in_sheet: bool, history_days: int | None = None) -> str:
    """The demo's zaiko.toml: the shop's files and the local RMS sandbox (credentials come from the environment)."""
    ledger = 'sheet = "社内台帳"' if ledger_in_sheet else 'file = "shop/ledger.csv"'
    history = "" if history_days is None else (
        "# 受注シートには直近の受注を出荷済みも含めて取り込みます。発注計算はそれより前の履歴 (季節性のために 1 年) を\n"
        "# ジャーナル (zaiko-journal.sqlite) の受注明細から読みます。\n"
        "# The 受注 sheet gets the recent orders, shipped lines included; the reorder reads the year before\n"
        "# (seasonality) from the order lines in the journal (zaiko-journal.sqlite).\n"
        f"lookback_days = {history_days}\ninclude_shipped = true\n")
    return f"""# zaiko-xl デモの設定 (zaiko-xl demo が作成) / settings of the zaiko-xl demo
# 同じ店舗の RMS サンドボックス / the same shop's RMS sandbox: zaiko-xl sandbox --skus {skus} --seed {seed}
# 資格情報は sandbox が表示する ZAIKO_RMS_SERVICE_SECRET / ZAIKO_RMS_LICENSE_KEY を環境変数に設定します。
# Set the credentials the sandbox prints as environment variables; they never go into this file.

[rms]
base_url = "http://127.0.0.1:8765"
# デモのサンドボックスは本物の RMS より速く応答します (本番では既定値 5/1/1 のまま)。
# The demo's sandbox answers faster than RMS; keep the defaults (5/1/1) against the real RMS.
rate_get_per_s = {DEMO_RATE}
rate_write_per_s = {DEMO_RATE}
rate_order_per_s = {DEMO_RATE}

[workbook]
path = "zaiko.xlsm"

[warehouse]
file = "shop/warehouse.csv"
preset = "generic"

[ledger]
{ledger}

[orders]
other_channel_files = ["shop/other_channel_orders.csv"]
{history}
[inbound]
file = "shop/inbound.csv"

[journal]
path = "zaiko-journal.sqlite"
"""
