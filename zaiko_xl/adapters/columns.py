"""The one table of the workbook: sheet names, Japanese headers <-> English field names, ownership.

Everything that reads or writes a sheet (the template build, the batch writer and reader, the
live Excel layer) takes names and places from here; ``workbook/template.xlsm`` is built from it
and a test checks the committed template against it. Field names follow docs/data-contracts.md.

To add a column, append a ``Column`` to the sheet's list below (at the end, so that existing
workbooks keep their layout) and rebuild the template (``zaiko-xl template build``).

Ownership:
- ``Owner.ZAIKO``: zaiko-xl rewrites the rows below the header on every run. People read them;
  columns marked ``editable`` may be edited (they are unlocked), and those with ``keep`` survive
  the next run (hand edits are read back first and carried over by the sheet's ``key``).
- ``Owner.USER``: the shop's own data (ledger, item master, mapping, BOM, suppliers, the
  ``xlwings.conf`` settings). zaiko-xl only reads these and never writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from zaiko_xl.adapters.sheet_spec import (  # re-exported: callers take the whole vocabulary from here
    MAX_ROWS,
    TICK,
    Cell,
    Column,
    Grid,
    Kind,
    Owner,
    Sheet,
    cell_ref,
    column_index,
    column_letter,
    grid_cells,
    normalise_header,
    split_ref,
)
from zaiko_xl.domain import kpi_sheet
from zaiko_xl.domain.reorder_layout import PURCHASE_ORDER_COLUMNS, REORDER_COLUMNS, LayoutColumn

# ---------------------------------------------------------------- value labels
CAUSE_LABELS: Mapping[str, str] = MappingProxyType({
    "ok": "一致", "delay": "遅延", "split": "分断", "notation": "表記揺れ",
    "set": "セット", "pending": "未反映", "unknown": "不明",
})
CAUSES_HIGHLIGHTED = ("delay", "split", "notation", "set", "pending", "unknown")
MATCH_LABELS: Mapping[str, str] = MappingProxyType({
    "exact": "完全一致", "normalised": "正規化", "mapping": "対応表", "unmatched": "未照合",
})
CHANNEL_LABELS: Mapping[str, str] = MappingProxyType({
    "rakuten": "楽天", "yahoo": "Yahoo!", "amazon": "Amazon", "other": "その他",
})
ORDER_STATUS_LABELS: Mapping[str, str] = MappingProxyType({
    "unshipped": "未出荷", "shipped": "出荷済", "cancelled": "キャンセル", "returned": "返品",
})
PUSH_STATUS_LABELS: Mapping[str, str] = MappingProxyType({
    "planned": "予定", "sent": "送信済", "failed": "失敗", "skipped": "対象外",
})
# Where a code on 照合結果 comes from (domain.pull_match.Source) and what is wrong with it (Problem).
SOURCE_LABELS: Mapping[str, str] = MappingProxyType({
    "rms_stock": "RMS在庫", "rms_orders": "受注(楽天)", "other_orders": "受注(他モール)", "warehouse": "倉庫在庫",
    "ledger": "社内台帳", "inbound": "入荷予定", "bom": "セット構成", "master": "商品マスタ・対応表",
})
PROBLEM_LABELS: Mapping[str, str] = MappingProxyType({
    "collision": "重複", "unmatched": "未照合", "refused": "RMS不可", "missing": "RMS未登録",
    "unlisted": "マスタ外",
})
# The legend above the 照合結果 table: what each kind of row means and what to do about it.
MATCH_LEGEND = (
    "正規化: 全角/半角・ハイフン・大文字小文字・空白の違いを直して一致。元のコードを直すか対応表に登録すると完全一致になります"
    " / normalised: matched after fixing width, hyphens, case or spaces; fix the source code or add it to 対応表.",
    "対応表: 対応表 (または商品マスタの商品管理番号・SKU管理番号・倉庫コード・JAN) で一致。そのままで問題ありません"
    " / mapping: matched through 対応表 or the item master's codes; nothing to do.",
    "未照合: どの SKU とも一致しません (在庫比較に入りません)。対応表にこのコードを登録してください"
    " / unmatched: matches no SKU and is left out of the comparison; add the code to 対応表.",
    "重複: 複数のコードが 1 つの SKU に一致 (在庫の二重計上・分断のおそれ)、または 1 つのコードが複数の SKU を指します"
    " / collision: several codes for one SKU (stock counted twice or split), or one code for several SKUs.",
    "RMS不可・RMS未登録: 商品マスタの RMS のコードが RMS の規則に合わない、または RMS に在庫レコードがありません"
    " / RMS refuses the item master's RMS code, or RMS has no stock record of it.",
    "マスタ外: 在庫のある RMS の SKU が商品マスタにありません (RMS は販売を続けます)。商品マスタに追加するか RMS で在庫を 0 に"
    " / not in the master: an RMS SKU with stock that 商品マスタ lacks; add it, or set it to 0 on RMS.",
)

_UPDATED = Cell("updated_at", "最終更新 / Updated", "C2", "A2", Kind.DATETIME)


def _sku(**kw: object) -> Column:
    return Column("sku", "商品コード", width=16, aliases=("自社コード", "SKU", "品番"), **kw)  # type: ignore[arg-type]


# How each system names a SKU (docs/data-contracts.md §1): on the item master and the mapping sheet.
_IDENTITY = (
    Column("manage_number", "商品管理番号", width=16),
    Column("variant_id", "SKU管理番号", width=14),
    Column("warehouse_code", "倉庫コード", width=16),
    Column("jan", "JANコード", width=15, aliases=("JAN",)),
)


@dataclass(frozen=True, slots=True)
class Button:
    """A form button on 操作 bound to a VBA Sub in macros/*.bas (which calls RunPython)."""

    caption: str
    macro: str
    description: str


BUTTONS: tuple[Button, ...] = (
    Button("在庫取込", "ZaikoPull",
           "RMS の在庫・受注、倉庫ファイル、社内台帳を取り込みます。/ Pull RMS stock and orders, the warehouse file and the ledger."),
    Button("差異チェック", "ZaikoReconcile",
           "三者を比較し、差異の原因と確定在庫の案を「在庫比較」に書きます。/ Compare, explain and suggest 確定在庫."),
    Button("発注計算", "ZaikoReorder",
           "安全在庫・発注点・発注数を計算し「発注」「発注書」に書きます。/ Reorder plan and purchase-order drafts."),
    Button("RMSへ反映", "ZaikoPush",
           "反映に ○ を付けた確定在庫を、確認のうえ RMS へ送ります。/ Push ticked 確定在庫 to RMS after confirmation."),
    Button("KPI更新", "ZaikoKpi",
           "欠品率などの KPI とグラフを更新します。/ Refresh the KPIs and their charts."),
)

# ---------------------------------------------------------------- zaiko-owned sheets
DASHBOARD = Sheet(
    key="dashboard", name="操作", title="zaiko-xl 在庫管理 / Stock control", owner=Owner.ZAIKO,
    columns=(), header_row=0, freeze_cols=0,
    cells=(
        Cell("status", "状態 / Status", "C15", "B15"),
        Cell("last_run", "最終実行 / Last run", "C16", "B16"),
        Cell("last_pull", "最終取込 / Last pull", "C17", "B17", Kind.DATETIME),
        Cell("license_expiry", "ライセンス期限 / License key expiry", "C18", "B18", Kind.DATE),
        Cell("license_warning", "警告 / Warning", "C19", "B19"),
        Cell("template_version", "テンプレート版 / Template version", "C20", "B20"),
    ),
)

RECONCILE = Sheet(
    key="reconcile", name="在庫比較", title="在庫比較 / Reconciliation", owner=Owner.ZAIKO,
    header_row=7, key_field="sku", protect=True, freeze_cols=2,
    cells=(_UPDATED,),
    grids=(Grid(
        key="summary", corner="B3", title="原因 / Cause",
        rows=(("count", "件数 / SKUs"), ("units", "差異数量 / Units")),
        columns=(*((c, CAUSE_LABELS[c]) for c in ("ok", *CAUSES_HIGHLIGHTED)), ("total", "合計")),
    ),),
    columns=(
        _sku(),
        Column("name", "商品名", width=28),
        Column("rms_quantity", "RMS在庫", Kind.INT, 9),
        Column("warehouse_on_hand", "倉庫在庫", Kind.INT, 9),  # on hand (実在庫): before allocations
        Column("ledger_balance", "台帳在庫", Kind.INT, 9),
        Column("open_allocations", "引当", Kind.INT, 7),
        Column("expected_rms", "RMSあるべき数", Kind.INT, 11),
        Column("difference", "差異", Kind.INT, 7),
        Column("cause", "原因", width=10, labels=CAUSE_LABELS),
        Column("suggested", "提案在庫", Kind.INT, 9),
        Column("confirmed", "確定在庫", Kind.INT, 9, editable=True, keep=True, baseline="suggested"),
        Column("push", "反映", Kind.BOOL, 6, editable=True, keep=True),
        # last: one sentence in Japanese and English (up to ~200 characters) that runs on into the empty
        # cells to its right; the person's columns (提案在庫, 確定在庫, 反映) stay in view left of it
        Column("evidence", "根拠", width=60),
    ),
)

PUSH_PLAN = Sheet(
    key="push_plan", name="反映計画", title="反映計画 (送信前の確認) / Push plan preview", owner=Owner.ZAIKO,
    key_field="sku", protect=True, cells=(_UPDATED,),
    columns=(
        _sku(),
        Column("manage_number", "商品管理番号", width=16),
        Column("variant_id", "SKU管理番号", width=14),
        Column("before", "現在のRMS在庫", Kind.INT, 12),
        Column("after", "反映後", Kind.INT, 9),
        Column("change", "増減", Kind.INT, 8),
        Column("reason", "理由", width=40),
        Column("status", "状態", width=9, labels=PUSH_STATUS_LABELS),
    ),
)

def _layout(columns: tuple[LayoutColumn, ...]) -> tuple[Column, ...]:
    """Columns of a sheet defined in the domain (the replenishment sheets' one definition)."""
    return tuple(Column(c.field, c.header, Kind(c.kind), c.width, editable=c.editable, formula=c.formula,
                        number_format=c.number_format) for c in columns)


# The replenishment sheets: columns in domain/reorder_layout.py (the reorder service fills them).
REORDER = Sheet(
    key="reorder", name="発注", title="発注 (補充計算) / Replenishment", owner=Owner.ZAIKO,
    key_field="sku", protect=True, freeze_cols=2, cells=(_UPDATED,), columns=_layout(REORDER_COLUMNS),
)

PURCHASE_ORDERS = Sheet(
    key="purchase_orders", name="発注書", title="発注書 (案) / Purchase-order drafts", owner=Owner.ZAIKO,
    cells=(_UPDATED,), freeze_cols=2, columns=_layout(PURCHASE_ORDER_COLUMNS),
)

# The KPI sheets: columns from domain/kpi_sheet.py (one place for them); the charts on KPI are built
# by the template from kpi_sheet.CHARTS and follow the rows written (adapters/chart_ranges.py).
_KPI_KINDS = {"text": Kind.TEXT, "int": Kind.INT, "float": Kind.FLOAT, "percent": Kind.PERCENT, "date": Kind.DATE}


def _kpi_columns(sheet_name: str) -> tuple[Column, ...]:
    return tuple(Column(c.field, c.header, _KPI_KINDS[c.kind], c.width) for c in kpi_sheet.SHEET_COLUMNS[sheet_name])


KPI = Sheet(
    key="kpi", name=kpi_sheet.SUMMARY_SHEET, title="KPI (重要指標) / Key performance indicators", owner=Owner.ZAIKO,
    header_row=8, max_rows=len(kpi_sheet.DEFINITIONS), freeze_cols=0,
    cells=(_UPDATED, Cell("period", "期間 / period", "C3", "A3"), Cell("go_live", "本番開始 / go-live", "C4", "A4"),
           Cell("baseline", "基準値 / baseline", "C5", "A5"),
           Cell("turnover_basis", "在庫回転の基準 / turnover basis", "C6", "A6")),
    columns=_kpi_columns(kpi_sheet.SUMMARY_SHEET),
)
KPI_TREND = Sheet(
    key="kpi_trend", name=kpi_sheet.TREND_SHEET, title="KPI推移 (週・月ごと) / KPI trend per week or month",
    owner=Owner.ZAIKO, max_rows=1000, cells=(_UPDATED,), columns=_kpi_columns(kpi_sheet.TREND_SHEET),
)
KPI_CAUSES = Sheet(
    key="kpi_causes", name=kpi_sheet.CAUSE_SHEET, title="KPI原因 (件数) / KPI causes (counts)", owner=Owner.ZAIKO,
    max_rows=kpi_sheet.CAUSE_ROWS, freeze_cols=0, cells=(_UPDATED,), columns=_kpi_columns(kpi_sheet.CAUSE_SHEET),
)

RMS_STOCK = Sheet(
    key="rms_stock", name="RMS在庫", title="RMS在庫 (取込) / RMS stock as pulled", owner=Owner.ZAIKO,
    cells=(_UPDATED,),
    columns=(
        Column("manage_number", "商品管理番号", width=16),
        Column("variant_id", "SKU管理番号", width=14),
        Column("quantity", "在庫数", Kind.INT, 9),
        Column("updated", "RMS更新日時", Kind.DATETIME, 17),
        _sku(),
        Column("match", "照合", width=10, labels=MATCH_LABELS),
    ),
)

ORDERS = Sheet(
    key="orders", name="受注", title="受注 (取込) / Orders as pulled", owner=Owner.ZAIKO,
    cells=(_UPDATED,),
    columns=(
        Column("order_number", "受注番号", width=28),
        Column("channel", "販売チャネル", width=11, labels=CHANNEL_LABELS),
        _sku(),
        Column("quantity", "数量", Kind.INT, 7),
        Column("status", "状態", width=10, labels=ORDER_STATUS_LABELS),
        Column("ordered_at", "注文日時", Kind.DATETIME, 17),
        Column("changed_at", "変更日時", Kind.DATETIME, 17),
        Column("code", "元のコード", width=22),  # as the channel wrote it; RMS: manageNumber:variantId
        Column("match", "照合", width=10, labels=MATCH_LABELS),
    ),
)

WAREHOUSE = Sheet(
    key="warehouse", name="倉庫在庫", title="倉庫在庫 (取込) / Warehouse stock as pulled", owner=Owner.ZAIKO,
    cells=(_UPDATED,),
    columns=(
        Column("warehouse_code", "倉庫コード", width=22),  # drifted codes are often 全角: twice as wide
        Column("on_hand", "実在庫", Kind.INT, 8),
        Column("reserved", "引当済", Kind.INT, 8),
        Column("available", "出荷可能", Kind.INT, 9),
        Column("location", "ロケーション", width=12),
        Column("lot", "ロット", width=10),
        Column("expiry", "有効期限", Kind.DATE, 11),
        Column("updated_at", "倉庫更新日時", Kind.DATETIME, 17),
        _sku(),
        Column("match", "照合", width=10, labels=MATCH_LABELS),
    ),
)

INBOUND = Sheet(
    key="inbound", name="入荷予定", title="入荷予定 (取込) / Inbound as pulled", owner=Owner.ZAIKO,
    cells=(_UPDATED,),
    columns=(
        _sku(),
        Column("quantity", "数量", Kind.INT, 8),
        Column("expected_on", "入荷予定日", Kind.DATE, 11),
        Column("supplier", "仕入先コード", width=12),
        Column("reference", "発注番号", width=20),
        Column("received_at", "入荷日時", Kind.DATETIME, 17),
        Column("code", "元のコード", width=16),
        Column("match", "照合", width=10, labels=MATCH_LABELS),
    ),
)

# What pull could not match exactly, so a person can fix 対応表 (zaiko-xl never writes 対応表 itself).
MATCH_REPORT = Sheet(
    key="match_report", name="照合結果", title="照合結果 (コードの対応) / Code matching report", owner=Owner.ZAIKO,
    header_row=21, freeze_cols=2, cells=(_UPDATED,),  # rows 13-19: MATCH_LEGEND (title, 6 lines)
    grids=(Grid(
        key="summary", corner="A4", title="取込元 / Source",
        rows=tuple(SOURCE_LABELS.items()),
        columns=(("rows", "行数"), ("exact", "完全一致"), ("mapping", "対応表"), ("normalised", "正規化"),
                 ("unmatched", "未照合"), ("problems", "要確認")),
    ),),
    columns=(
        Column("source", "取込元", width=14, labels=SOURCE_LABELS),
        Column("code", "元のコード", width=22),
        _sku(),
        Column("match", "照合", width=10, labels=MATCH_LABELS),
        Column("problem", "問題", width=10, labels=PROBLEM_LABELS),
        Column("rows", "行数", Kind.INT, 7),
        Column("detail", "内容 / Detail", width=56),
    ),
)

# ---------------------------------------------------------------- user-owned sheets
LEDGER = Sheet(
    key="ledger", name="社内台帳", title="", owner=Owner.USER, header_row=1,
    columns=(
        _sku(required=True),
        Column("kind", "区分", width=12, required=True, aliases=("種別",)),
        Column("quantity", "数量", Kind.INT, 8, required=True),
        Column("at", "日時", Kind.DATETIME, 17, required=True, aliases=("日付",)),
        Column("reference", "伝票番号", width=16, aliases=("備考",)),
    ),
)

ITEMS = Sheet(
    key="items", name="商品マスタ", title="", owner=Owner.USER, header_row=1, key_field="sku", unique_key=True,
    columns=(
        _sku(required=True),
        *_IDENTITY,
        Column("name", "商品名", width=28),
        Column("variant_label", "バリエーション", width=14),
        Column("group", "商品グループ", width=12),
        Column("supplier", "仕入先コード", width=12),
        Column("alt_supplier", "代替仕入先コード", width=14),
        Column("unit_cost", "原価", Kind.INT, 9),
        Column("price", "売価", Kind.INT, 9),
        Column("is_set", "セット商品", Kind.BOOL, 9),
    ),
)

MAPPING = Sheet(
    key="mapping", name="対応表", title="", owner=Owner.USER, header_row=1, key_field="sku",
    columns=(
        _sku(required=True),
        *_IDENTITY,
        Column("note", "備考", width=24),
    ),
)

BOM = Sheet(
    key="bom", name="セット構成", title="", owner=Owner.USER, header_row=1,
    # priority / cap are the set rule (docs/data-contracts.md §4): one value per set, on any of its rows.
    columns=(
        Column("set_sku", "セット商品コード", width=16, required=True),
        Column("component_sku", "構成品コード", width=16, required=True),
        Column("quantity", "数量", Kind.INT, 7, required=True),
        Column("priority", "優先順位", Kind.INT, 9),
        Column("cap", "上限", Kind.INT, 7),
    ),
)

SUPPLIERS = Sheet(
    key="suppliers", name="仕入先", title="", owner=Owner.USER, header_row=1, key_field="supplier",
    columns=(
        Column("supplier", "仕入先コード", width=12, required=True),
        Column("name", "仕入先名", width=20),
        Column("lead_time_days", "リードタイム(営業日)", Kind.INT, 14, required=True, aliases=("リードタイム(日)",)),
        Column("lead_time_std_days", "LTのばらつき(日)", Kind.FLOAT, 12, aliases=("リードタイムのばらつき(日)",)),
        Column("moq", "最小発注数", Kind.INT, 9),
        Column("case_pack", "入数", Kind.INT, 7),
        # closed days, one cell: "2026-12-29..2027-01-04 年末年始; 2027-08-13..2027-08-16 お盆" (domain/suppliers.py)
        Column("closed", "休業期間", width=36, aliases=("休業日",)),
        # optional: a plain number of calendar days instead of business days (e.g. from abroad)
        Column("lead_time_calendar_days", "リードタイム(暦日)", Kind.INT, 12),
        Column("order_cost", "発注費用(円)", Kind.INT, 10),  # yen per order, for the EOQ lot (optional)
    ),
)

XLWINGS_CONF = Sheet(
    key="xlwings_conf", name="xlwings.conf", title="", owner=Owner.USER, header_row=0, columns=(),
)

# Workbook order: the daily work first, then what was pulled, then the shop's own sheets.
SHEETS: tuple[Sheet, ...] = (
    DASHBOARD, RECONCILE, PUSH_PLAN, REORDER, PURCHASE_ORDERS, KPI, KPI_TREND, KPI_CAUSES,
    RMS_STOCK, WAREHOUSE, ORDERS, INBOUND, MATCH_REPORT,
    LEDGER, ITEMS, MAPPING, BOM, SUPPLIERS, XLWINGS_CONF,
)
_BY_NAME = {s.name: s for s in SHEETS} | {s.key: s for s in SHEETS}


def sheet(name_or_key: str) -> Sheet:
    """A sheet by its workbook name (``在庫比較``) or its English key (``reconcile``)."""
    try:
        return _BY_NAME[name_or_key]
    except KeyError:
        raise KeyError(f"unknown sheet {name_or_key!r}; known: {', '.join(s.name for s in SHEETS)}") from None


def zaiko_sheets() -> tuple[Sheet, ...]:
    return tuple(s for s in SHEETS if s.owner is Owner.ZAIKO)


def user_sheets() -> tuple[Sheet, ...]:
    return tuple(s for s in SHEETS if s.owner is Owner.USER)


__all__ = [
    "BOM", "BUTTONS", "CAUSES_HIGHLIGHTED", "CAUSE_LABELS", "CHANNEL_LABELS", "DASHBOARD", "INBOUND", "ITEMS",
    "KPI", "KPI_CAUSES", "KPI_TREND", "LEDGER", "MAPPING", "MATCH_LABELS", "MATCH_LEGEND",
    "MATCH_REPORT", "MAX_ROWS", "ORDERS", "ORDER_STATUS_LABELS", "PROBLEM_LABELS", "PURCHASE_ORDERS",
    "PUSH_PLAN", "PUSH_STATUS_LABELS", "RECONCILE", "REORDER", "RMS_STOCK", "SHEETS", "SOURCE_LABELS",
    "SUPPLIERS", "TICK",
    "WAREHOUSE", "XLWINGS_CONF", "Button", "Cell", "Column", "Grid", "Kind", "Owner", "Sheet", "cell_ref",
    "column_index", "column_letter", "grid_cells", "normalise_header", "sheet", "split_ref", "user_sheets",
    "zaiko_sheets",
]
