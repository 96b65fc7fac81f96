"""`zaiko-xl demo`: the whole loop on a generated sample shop, as far as it is built.

The demo is a list of steps (``STEPS``); each takes the shared :class:`DemoRun`, does one
thing and adds lines to the summary. Later parts append their steps (pull from the
sandbox, reconcile, reorder, push, kpi) to the list.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from zaiko_xl.entrypoints.console import print_table
from zaiko_xl.entrypoints.demo_kpi import fresh_journal, history_step, kpi_step
from zaiko_xl.entrypoints.demo_push import push_step
from zaiko_xl.entrypoints.demo_reconcile import plant_discrepancies, reconcile_workbook
from zaiko_xl.entrypoints.demo_sync import sync_step

if TYPE_CHECKING:
    from rich.console import Console

    from zaiko_xl.sample_shop import SampleShop
    from zaiko_xl.services.pull import PullReport

WORKBOOK_NAME = "zaiko.xlsm"
CONFIG_NAME = "zaiko.toml"
DEMO_HISTORY_DAYS = 60  # days of orders pulled into 受注; the reorder's older history comes from the journal
SHOP_FOLDER = "shop"


@dataclass
class DemoRun:
    """What the steps share: the options, the shop, what was written, the summary lines."""

    out: Path
    skus: int
    seed: int
    as_of: datetime
    shop: SampleShop | None = None
    files: dict[str, Path] = field(default_factory=dict)
    workbook: Path | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (label ja / en, value)
    resources: ExitStack = field(default_factory=ExitStack)  # closed when the demo ends (the sandbox)
    sandbox_url: str | None = None
    credentials: dict[str, str] = field(default_factory=dict)
    console: Any = None  # steps that print as they go (the RMS pull)


def _generate(run: DemoRun) -> None:
    from zaiko_xl.sample_shop import generate

    shop = run.shop = generate(skus=run.skus, seed=run.seed, as_of=run.as_of)
    sets = int(shop.items["is_set"].sum())
    lines = shop.orders["channel"].value_counts()
    run.summary += [
        ("基準日時 / as of", f"{shop.as_of:%Y-%m-%d %H:%M} JST"),
        ("SKU 数 / SKUs", f"{len(shop.items):,} (単品 singles {len(shop.items) - sets:,}, セット sets {sets:,})"),
        ("商品数 / products", f"{shop.items['manage_number'].nunique():,}"),
        ("仕入先 / suppliers", f"{len(shop.suppliers):,}"),
        ("受注明細 (2年) / order lines (2 years)",
         f"{len(shop.orders):,} (楽天 {lines.get('rakuten', 0):,}, Yahoo {lines.get('yahoo', 0):,}, "
         f"Amazon {lines.get('amazon', 0):,})"),
        ("未発送 / unshipped lines", f"{int((shop.orders['status'] == 'unshipped').sum()):,}"),
        ("台帳の移動 / ledger movements", f"{len(shop.ledger):,}"),
        ("入荷予定 / pending inbound", f"{int(shop.inbound['received_at'].isna().sum()):,}"),
    ]


def _match_warehouse(run: DemoRun) -> None:
    from zaiko_xl.domain.sku import match_warehouse_codes

    shop = run.shop
    leaf = shop.items[~shop.items["is_set"]]
    drifted = int((~shop.warehouse["warehouse_code"].isin(leaf["warehouse_code"])).sum())
    counts = match_warehouse_codes(shop.warehouse["warehouse_code"], leaf["sku"], shop.mapping).counts()
    run.facts["warehouse_match"] = counts
    run.summary += [
        ("倉庫コードの表記ゆれ / drifted warehouse codes", f"{drifted:,} / {len(shop.warehouse):,}"),
        ("倉庫コードの照合 / warehouse code matching",
         f"完全一致 exact {counts['exact']:,}, 対応表 mapping {counts['mapping']:,}, "
         f"正規化 normalised {counts['normalised']:,}, 不一致 unmatched {counts['unmatched']:,}"),
        ("対応表の行 / mapping rows", f"{len(shop.mapping):,}"),
    ]


def _write_files(run: DemoRun) -> None:
    from zaiko_xl.sample_shop import write_files

    run.files = write_files(run.shop, run.out / SHOP_FOLDER)
    run.summary.append(("ファイル / files", f"{run.out / SHOP_FOLDER}: {', '.join(run.files)}"))


def _write_workbook(run: DemoRun) -> None:
    from zaiko_xl import bootstrap
    from zaiko_xl.adapters.workbook_file import create_workbook
    from zaiko_xl.entrypoints.demo_setup import config_text, set_aside, user_sheets

    sheets, ledger_in_sheet = user_sheets(run.shop)
    set_aside(run.out / WORKBOOK_NAME)  # a demo run again into the same folder starts a new workbook
    run.workbook = create_workbook(bootstrap.template_path(), run.out / WORKBOOK_NAME, sheets)
    (run.out / CONFIG_NAME).write_text(config_text(run.skus, run.seed, ledger_in_sheet=ledger_in_sheet, history_days=DEMO_HISTORY_DAYS),
                                       encoding="utf-8")
    ledger = "シート「社内台帳」/ sheet 社内台帳" if ledger_in_sheet else f"{SHOP_FOLDER}/ledger.csv"
    run.summary += [("ブック / workbook", str(run.workbook)), ("台帳 / ledger", ledger),
                    ("設定 / settings", str(run.out / CONFIG_NAME))]


LISTED_ONLY_ON_RMS = [("zk-new-2611", "red-m", 6), ("zk-new-2611", "blue-m", 4)]  # the pull finds them (マスタ外)


def _start_sandbox(run: DemoRun) -> None:
    from zaiko_xl.entrypoints.demo_setup import DEMO_RATE
    from zaiko_xl.sandbox.config import SandboxConfig
    from zaiko_xl.sandbox.seed import from_sample_shop, seed_state
    from zaiko_xl.sandbox.server import SandboxServer
    from zaiko_xl.sandbox.state import SandboxState

    config = SandboxConfig(orders_per_s=0.5)
    config.rates = dict.fromkeys(config.rates, DEMO_RATE)
    state = seed_state(SandboxState(config), *from_sample_shop(run.shop))
    state.set_stock(LISTED_ONLY_ON_RMS)  # someone listed a new item on RMS and never added it to 商品マスタ
    server = run.resources.enter_context(SandboxServer(state, seed=run.seed))
    run.sandbox_url = server.base_url
    run.credentials = {"service_secret": config.service_secret, "license_key": config.license_key}
    run.summary.append(("RMS サンドボックス / RMS sandbox", server.base_url))


def _pull(run: DemoRun) -> None:
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.services.pull import pull_workbook

    settings = load_settings(run.out / CONFIG_NAME, rms={"base_url": run.sandbox_url, **run.credentials})
    book = bootstrap.writable_workbook(settings, run.workbook)
    with bootstrap.pull_sources(settings, book.path, journal_calls=True, run_id="demo-pull") as sources:
        report = pull_workbook(book, sources, bootstrap.pull_journal(settings),
                               bootstrap.pull_options(settings, book.path), kpi=bootstrap.build_kpi_store(settings))
    run.facts["pull"] = report
    runs = {s.source: s for s in report.run.sources}
    run.summary += [
        ("RMS在庫 / RMS stock", f"{report.rows['rms_stock']:,} SKU"),
        ("受注 (直近) / recent order lines", f"{report.rows['orders']:,} (楽天 RMS {runs['rms_orders'].rows:,})"),
        ("取込の照合 / pull matching", f"倉庫 warehouse: 正規化 normalised {runs['warehouse'].normalised:,}, "
                                      f"対応表 mapping {runs['warehouse'].mapping:,}; "
                                      f"要確認 to check {report.problems:,} (照合結果)"),
        ("マスタにない RMS の SKU / RMS SKUs not in 商品マスタ", f"{report.unlisted:,} (在庫あり / with stock; 照合結果)"),
        ("ライセンス / license", report.license.render()),
        ("KPI 履歴 (取込日) / KPI history (pull day)", _kpi_recorded(report)),
    ]


def _kpi_recorded(report: PullReport) -> str:
    """What the pull put into the KPI history, for the summary."""
    kpi = report.kpi
    assert kpi is not None, "the demo's pull records the KPI history"
    if kpi.problem is not None:
        return kpi.problem.render()
    rows = kpi.rows
    return (f"{report.run.at:%Y-%m-%d}: 在庫 stock {rows.get('stock_history', 0):,}, 受注明細 order lines "
            f"{rows.get('orders', 0):,}, 返品 returns {rows.get('returns', 0):,}")


def _reorder(run: DemoRun) -> None:
    """発注計算: 発注 and 発注書 into the demo workbook, one CP932 CSV per purchase order beside it."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.services.reorder import run_reorder

    settings = load_settings(run.out / "zaiko.toml")
    source, sink = bootstrap.build_reorder(settings, bootstrap.workbook_file(settings, run.workbook), run.workbook)
    result, written = run_reorder(source, bootstrap.holiday_source(), sink, bootstrap.reorder_params(settings),
                                  run.as_of.date(), bootstrap.build_order_history(settings))
    run.facts["reorder"] = result
    summary = result.summary()
    orders = summary["suppliers"]
    per_supplier = ", ".join(f"{row['supplier']} {row['lines']:,}" for row in orders)  # type: ignore[union-attr]
    amount = sum(row["amount"] for row in orders)  # type: ignore[union-attr]
    run.summary += [
        ("発注する SKU / SKUs to order", f"{summary['to_order']:,} / {summary['skus']:,} (問題 problems {summary['problems']})"),
        ("発注書 (仕入先: 行) / POs (supplier: lines)", f"{len(orders)}: {per_supplier}"),
        ("発注金額 / total amount", f"{amount:,.0f} 円"),
        ("発注書CSV / PO files", f"{len(written) - 1} → {Path(written[-1]).parent if len(written) > 1 else '-'}"),
    ]


Step = Callable[[DemoRun], None]
def _pull_rms(run: DemoRun) -> None:
    """Start the local RMS sandbox (seeded, RMS's rate limits, a shopper) and pull stock and orders."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.rms_output import render_pull
    from zaiko_xl.sandbox.config import SandboxConfig
    from zaiko_xl.sandbox.seed import build_state
    from zaiko_xl.sandbox.server import SandboxServer
    from zaiko_xl.services.pull import pull_rms

    config = SandboxConfig(orders_per_s=0.5)
    with SandboxServer(build_state(config, skus=run.skus, seed=run.seed), seed=run.seed) as sandbox:
        run.console.print(f"RMS サンドボックス / RMS sandbox: {sandbox.base_url} (SKU {run.skus}, seed {run.seed})")
        settings = load_settings(run.out / "zaiko.toml", rms={
            "base_url": sandbox.base_url, "service_secret": config.service_secret, "license_key": config.license_key})
        with bootstrap.build_rms_client(settings) as rms:
            result = pull_rms(inventory=rms, orders=rms, license=rms, sink=bootstrap.build_pull_sink(
                run.out / "zaiko.xlsm"), now=bootstrap.jst_now(), lookback_days=settings.orders.lookback_days,
                warn_days=settings.rms.license_warn_days)
    render_pull(result, run.console)


STEPS: list[tuple[str, Step]] = [
    ("見本店舗を生成 / generate the sample shop", _generate),
    ("差異を仕込む / plant discrepancies", plant_discrepancies),
    ("倉庫コードを照合 / match the warehouse codes", _match_warehouse),
    ("店舗のファイルを書き出し / write the shop's files", _write_files),
    ("ブックを作成 / create the workbook", _write_workbook),
    ("過去2年をジャーナルへ / the shop's past two years into the journal", history_step),
    ("RMS サンドボックスを起動 / start the RMS sandbox", _start_sandbox),
    ("ブックへ取込 / pull into the workbook", _pull),
    ("差異チェック / reconcile", reconcile_workbook),
    ("発注計算 / reorder", _reorder),
    ("RMSへ反映 / push", push_step),  # after reconcile: it works from the 在庫比較 the steps before wrote
    ("入荷を同期 / sync a delivery", sync_step),  # after reconcile: its numbers are the latency's baseline
    ("KPI を計算 / compute the KPIs", kpi_step),  # keep last: it measures what the steps before journaled
]


def run_demo(*, out: Path, skus: int, seed: int, console: Console, as_of: datetime | None = None) -> DemoRun:
    """Run every step of ``STEPS`` into ``out`` and print a short bilingual summary."""
    moment = as_of or datetime.now(ZoneInfo("Asia/Tokyo")).replace(tzinfo=None, second=0, microsecond=0)
    out.mkdir(parents=True, exist_ok=True)
    fresh_journal(out)
    run = DemoRun(out=out, skus=skus, seed=seed, as_of=moment)
    with run.resources:
        for label, step in STEPS:
            with console.status(label):
                step(run)
            console.print(f"[green]✓[/] {label}")
    print_summary(run.summary, console)
    return run


def print_summary(summary: list[tuple[str, str]], console: Console) -> None:
    """The demo's closing table, one row per (label, value); in a file or a log no cell is wrapped."""
    from rich.table import Table

    table = Table(title="zaiko-xl デモ / demo", show_header=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for label, value in summary:
        table.add_row(label, value)
    print_table(console, table)
