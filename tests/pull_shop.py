"""Test helper: a shop's folder ready for `pull`, with the RMS sandbox seeded from the same sample shop.

The folder holds what a shop has: ``zaiko.xlsm`` (the packaged template with the shop's own
sheets filled: 商品マスタ, 対応表, セット構成, 仕入先, 社内台帳), the files of ``shop/`` (warehouse
export in CP932, other channels' orders, inbound) and ``zaiko.toml`` (the demo's). ``plant_codes``
adds the code problems the pull must find, each with the answer it must give.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from tests.sandbox_server import Sandbox
from zaiko_xl import bootstrap
from zaiko_xl.adapters.workbook_file import create_workbook
from zaiko_xl.config import Settings, load_settings
from zaiko_xl.entrypoints.demo_setup import config_text, user_sheets
from zaiko_xl.sample_shop import SampleShop, generate, write_files
from zaiko_xl.sandbox.config import jst_now
from zaiko_xl.sandbox.seed import from_sample_shop, seed_state

FAST_ENV = {"ZAIKO_RMS_RATE_ORDER_PER_S": "1000", "ZAIKO_RMS_RATE_GET_PER_S": "1000", "ZAIKO_RMS_RETRY_BASE_S": "0.01"}


@dataclass(frozen=True)
class ShopFolder:
    shop: SampleShop
    folder: Path
    workbook: Path
    config: Path

    def settings(self, sandbox: Sandbox, **rms: object) -> Settings:
        """zaiko.toml with the RMS part pointed at the sandbox (fast retries)."""
        return load_settings(self.config, rms=sandbox.rms_overrides(**rms))

    def env(self, sandbox: Sandbox) -> dict[str, str]:
        """Environment for a CLI run against the sandbox."""
        return {**sandbox.env(), **FAST_ENV}


@dataclass(frozen=True)
class Planted:
    """Codes planted into the shop, with the SKU each must resolve to."""

    normalised: dict[str, str]  # warehouse code -> sku
    mapping: dict[str, str]  # warehouse code known only to 対応表 -> sku
    unmatched: str  # a warehouse code no SKU has
    collision: tuple[str, str, str]  # two warehouse codes of one SKU, and that SKU
    refused: str  # an RMS key of 商品マスタ that RMS would refuse
    missing: str  # an RMS key of 商品マスタ that RMS has no record of


def small_shop(skus: int = 40, seed: int = 5, as_of: datetime | None = None) -> SampleShop:
    """A sample shop as of now (whole minutes), so that its recent orders fall into pull's window."""
    return generate(skus=skus, seed=seed, as_of=as_of or jst_now().replace(second=0, microsecond=0))


def shop_folder(root: Path, sandbox: Sandbox, shop: SampleShop, *, sheets_of: SampleShop | None = None) -> ShopFolder:
    """Write the shop's folder under ``root`` and seed ``sandbox`` with the same shop.

    ``sheets_of``: another version of the shop whose sheets go into the workbook (e.g. a broken 商品マスタ).
    """
    seed_state(sandbox.server.state, *from_sample_shop(shop))
    write_files(shop, root / "shop")
    sheets, ledger_in_sheet = user_sheets(sheets_of or shop)
    workbook = create_workbook(bootstrap.template_path(), root / "zaiko.xlsm", sheets)
    config = root / "zaiko.toml"
    config.write_text(config_text(len(shop.items), 1, ledger_in_sheet=ledger_in_sheet), encoding="utf-8")
    return ShopFolder(shop, root, workbook, config)


def plant_codes(shop: SampleShop) -> tuple[SampleShop, Planted]:
    """The shop with planted code problems in its warehouse file, 対応表 and 商品マスタ."""
    items, wh = shop.items, shop.warehouse.copy()
    plain = wh[wh["warehouse_code"].isin(items["sku"])]  # rows whose code is exactly the SKU
    a, b, c = plain.index[:3]
    sku_a, sku_b, sku_c = (wh.at[i, "warehouse_code"] for i in (a, b, c))
    wide = unicodedata.normalize("NFKC", sku_b).translate(
        {ord(ch): ord(ch) + 0xFEE0 for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"}) + " "
    wh.at[b, "warehouse_code"] = wide
    wh.at[c, "warehouse_code"] = f"OLD-{sku_c}"
    extra = pd.DataFrame([{**wh.loc[a].to_dict(), "warehouse_code": sku_a.lower(), "location": "Z-99-99-99"},
                          {**wh.loc[a].to_dict(), "warehouse_code": "ZZ-9999-X", "location": "Z-99-99-98"}])
    mapping = pd.concat([shop.mapping, pd.DataFrame([{"sku": sku_c, "warehouse_code": f"OLD-{sku_c}"}])],
                        ignore_index=True)
    new_items = pd.concat([items, pd.DataFrame([
        {**items.iloc[0].to_dict(), "sku": "ZZ-RED-M", "manage_number": "zz-0001", "variant_id": "赤-M",
         "warehouse_code": None, "jan": None},
        {**items.iloc[0].to_dict(), "sku": "ZZ-0002", "manage_number": "zz-0002", "variant_id": "ZZ-0002",
         "warehouse_code": None, "jan": None},
    ])], ignore_index=True)
    planted = Planted(normalised={wide: sku_b}, mapping={f"OLD-{sku_c}": sku_c}, unmatched="ZZ-9999-X",
                      collision=(sku_a, sku_a.lower(), sku_a), refused="zz-0001:赤-M", missing="zz-0002:ZZ-0002")
    changed = dataclasses.replace(shop, warehouse=pd.concat([wh, extra], ignore_index=True), mapping=mapping,
                                  items=new_items)
    return changed, planted
