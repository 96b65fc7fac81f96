"""Settings: one model, explicit sources (flags > environment > OS keyring > zaiko.toml > defaults).

``zaiko.toml`` lives beside the workbook (or is named with ``--config``). Secrets never come
from that file or the workbook: only from ``ZAIKO_*`` environment variables or the OS keyring
(service name ``zaiko-xl``). Paths in the file are resolved from the file's folder, never the cwd.
Each section belongs to one feature; add a field to your section with a default and a comment.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, InitSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from zaiko_xl.errors import ConfigExists, ConfigFileError, InvalidSetting, MissingSecret, SecretInFile, UnknownSetting

CONFIG_FILE_NAME = "zaiko.toml"
KEYRING_SERVICE = "zaiko-xl"
DEMO_BASE_URL = "http://127.0.0.1:8765"

# secret name -> (section, field, environment variable, keyring user name)
SECRETS: dict[str, tuple[str, str, str, str]] = {
    "rms.service_secret": ("rms", "service_secret", "ZAIKO_RMS_SERVICE_SECRET", "rms_service_secret"),
    "rms.license_key": ("rms", "license_key", "ZAIKO_RMS_LICENSE_KEY", "rms_license_key"),
    "notify.webhook_url": ("notify", "webhook_url", "ZAIKO_NOTIFY_WEBHOOK_URL", "notify_webhook_url"),
    "notify.smtp_password": ("notify", "smtp_password", "ZAIKO_NOTIFY_SMTP_PASSWORD", "notify_smtp_password"),
    "notify.chatwork_token": ("notify", "chatwork_token", "ZAIKO_NOTIFY_CHATWORK_TOKEN", "notify_chatwork_token"),
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RmsSettings(_Section):
    base_url: str = "https://api.rms.rakuten.co.jp"
    service_secret: SecretStr | None = None  # secret: environment or keyring only
    license_key: SecretStr | None = None  # secret: environment or keyring only
    timeout_s: float = Field(30.0, gt=0)
    rate_get_per_s: float = Field(5.0, gt=0)  # bulk-get, range get
    rate_write_per_s: float = Field(1.0, gt=0)  # bulk-upsert, single-SKU get/put
    retry_budget_s: float = Field(120.0, ge=0)  # total time retries may take per call
    license_warn_days: int = Field(14, ge=0)
    rate_order_per_s: float = Field(1.0, gt=0)  # searchOrder, getOrder, license expiry
    retry_base_s: float = Field(1.0, ge=0)  # first backoff step; doubles per try, with jitter
    retry_cap_s: float = Field(30.0, ge=0)  # longest single backoff wait
    retry_max_attempts: int = Field(6, ge=1)  # tries per call, the first one included
    settle_s: float = Field(2.0, ge=0)  # wait before reading back a write whose outcome is unknown
    order_version: int = Field(10, ge=7)  # getOrder version; 7+ returns SKU data (SkuModelList)
    find_unlisted: bool = True  # pull: sweep RMS for SKUs with stock not in 商品マスタ (~SKUs in stock / 1000 calls)


class WorkbookSettings(_Section):
    path: Path = Path("zaiko.xlsm")
    backup_dir: Path = Path("zaiko-backups")  # beside the workbook; a copy before every batch write
    backups: int = Field(5, ge=0)  # newest copies kept per workbook (0: no backup)


class WarehouseSettings(_Section):
    file: Path = Path("warehouse.csv")
    preset: str = "generic"  # generic | hinban | sku | jan | auto (adapters/wms_presets.py)
    encoding: Literal["auto", "utf-8", "utf-8-sig", "cp932"] = "auto"
    columns: dict[str, str] = Field(default_factory=dict)  # field -> header, overrides the preset
    sheet: str | None = None  # xlsx: the sheet to read; None = the first visible sheet


class LedgerSettings(_Section):
    file: Path | None = None  # None: the ledger sheet (社内台帳) of the workbook
    sheet: str = "社内台帳"  # the sheet, in the workbook or in an .xlsx ledger file
    columns: dict[str, str] = Field(default_factory=dict)  # field -> header (sku, kind, quantity, at, reference)
    encoding: Literal["auto", "utf-8", "utf-8-sig", "cp932"] = "auto"  # a CSV ledger file


class OrdersSettings(_Section):
    lookback_days: int = Field(60, ge=1)
    other_channel_files: list[Path] = Field(default_factory=list)
    other_channel_preset: str = "auto"  # auto | generic | yahoo | amazon (adapters/order_presets.py)
    other_channel_columns: dict[str, str] = Field(default_factory=dict)  # field -> header, over the preset
    include_shipped: bool = False  # pull shipped order lines too (RMS and other channels); slower


class InboundSettings(_Section):
    file: Path | None = None  # the inbound schedule (purchase orders; CSV or XLSX); None: no inbound
    sheet: str | None = None  # xlsx: the sheet to read; None = the first visible sheet
    columns: dict[str, str] = Field(default_factory=dict)  # field -> header (sku, quantity, expected_on, ...)
    encoding: Literal["auto", "utf-8", "utf-8-sig", "cp932"] = "auto"


class ReconcileSettings(_Section):
    tolerance: int = Field(0, ge=0)
    tolerance_by_group: dict[str, int] = Field(default_factory=dict)
    delay_max_pulls: int = Field(3, ge=1)  # a 遅延 seen in this many previous pulls in a row becomes 分断
    keep_pulls: int = Field(20, ge=2)  # pulls whose differences the journal keeps (older ones are pruned)


class ChannelRule(_Section):
    """How much of a SKU's sellable stock one channel shows (data-contracts.md §8)."""

    channel: Literal["rakuten", "yahoo", "amazon", "other"]
    share: float = Field(1.0, ge=0, le=1)  # of sellable stock
    cap: int | None = Field(None, ge=0)  # never show more than this
    priority: int = 0  # lower takes first when shares overlap or stock is short
    zero_below: int = Field(0, ge=0)  # show 0 while sellable stock is below this ("send 0 below N")


class PushSettings(_Section):
    buffer: int = Field(0, ge=0)  # units per SKU kept back from every channel
    max_zero_share: float = Field(0.10, ge=0, le=1)  # soft: share of SKUs set to 0 (--yes passes)
    max_total_change_share: float = Field(0.30, ge=0, le=1)  # soft: change of total stock
    max_sku_change: int = Field(500, ge=0)  # soft: units one SKU may move
    hard_max_zero_share: float = Field(0.50, ge=0, le=1)  # hard: never passed, not even with --yes
    hard_max_total_change_share: float = Field(0.90, ge=0, le=1)
    hard_max_sku_change: int = Field(5000, ge=0)
    max_pull_age_min: int = Field(30, ge=1)  # never push from an older pull
    sync_interval_s: int = Field(300, ge=5)  # loop interval of `zaiko-xl sync` (also sizes sale buffers)
    batch_size: int = Field(400, ge=1, le=400)  # SKUs per bulk-upsert request (RMS allows 400)
    channels: list[ChannelRule] = Field(default_factory=lambda: [ChannelRule(channel="rakuten")])
    kind_by_group: dict[str, Literal["normal", "reservation", "backorder"]] = Field(default_factory=dict)
    backorder_quantity: int = Field(0, ge=0)  # units a 取り寄せ item shows on top of its stock
    lock_stale_min: int = Field(120, ge=1)  # a run lock held longer than this is reported as probably hung
    full_sync_every: int = Field(12, ge=0)  # sync: read every SKU's RMS stock every N cycles (0: first only)


_Level = Annotated[float, Field(gt=0, lt=1)]


class ReorderSettings(_Section):
    """Replenishment rules (issue 7); formulas in the README and reference/replenishment.md."""

    service_level: float = Field(0.95, gt=0, lt=1)  # target of tiers without their own level
    review_period_days: int = Field(7, ge=0)  # R: days between orders; 0 = continuous review
    service_type: Literal["cycle", "fill_rate", "cost"] = "fill_rate"  # what service_level means (see README)
    tier_service_levels: dict[str, _Level] = Field(default_factory=lambda: {"A": 0.98, "B": 0.95, "C": 0.90})
    tier_cutoffs: tuple[_Level, _Level] = (0.8, 0.95)  # revenue shares that end tiers A and B
    order_rule: Literal["order_up_to", "fixed_lot"] = "order_up_to"  # S - IP, or one lot
    lot: Literal["none", "eoq", "cover", "fixed"] = "none"  # the lot Q (continuous review)
    cover_days: float = Field(30.0, ge=0)  # lot = "cover": days of demand per lot
    fixed_lot: float = Field(0.0, ge=0)  # lot = "fixed": units per lot
    order_cost_yen: float = Field(3000.0, ge=0)  # cost per order (EOQ) when the supplier has none
    holding_rate_per_year: float = Field(0.25, ge=0)  # holding cost per year, share of the unit cost
    stockout_cost_share: float = Field(1.0, ge=0)  # service_type = "cost": share of the margin lost
    annual_days: int = Field(365, ge=7)  # window of mean and std
    recent_days: int = Field(28, ge=1)  # window of the recent mean
    recent_weight: float = Field(0.5, ge=0, le=1)  # d = w * recent + (1 - w) * annual
    seasonality: bool = True  # multiply by last year's same-period index
    season_min_days: int = Field(14, ge=1)  # the same period is max(this, L + R) days
    season_prior_units: float = Field(10.0, ge=0)  # K: index = (units + K) / (expected + K); 0 = plain ratio
    scale_std_by_season: bool = False  # also scale sigma by the seasonal index
    exclude_sale_windows: bool = True  # drop [sale] windows from the statistics
    excluded_dates: list[date] = Field(default_factory=list)  # more days to drop (e.g. a TV spike)
    weekend_days: list[Annotated[int, Field(ge=0, le=6)]] = Field(default_factory=lambda: [5, 6])  # Mon = 0
    out_dir: Path = Path("発注書CSV")  # folder of the purchase-order CSVs; relative: beside the workbook


class SaleWindow(_Section):
    name: str
    start: date
    end: date


class SaleSettings(_Section):
    windows: list[SaleWindow] = Field(default_factory=list)
    rate_lookback_h: float = Field(3.0, gt=0)  # sale mode: "recent" sales rate over this many hours
    buffer_factor: float = Field(1.0, ge=0)  # sale mode: buffer = rate x sync interval x this


class NotifySettings(_Section):
    webhook_url: SecretStr | None = None  # secret: contains a token
    webhook_kind: Literal["generic", "slack", "teams", "chatwork"] = "generic"
    chatwork_token: SecretStr | None = None  # secret: Chatwork API token (X-ChatWorkToken), with webhook_kind chatwork
    webhook_timeout_s: float = Field(10.0, gt=0)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False  # upgrade the connection with STARTTLS before logging in (port 587)
    smtp_ca_file: Path | None = None  # extra CA certificates (PEM) to trust for STARTTLS; None: the system's
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None  # secret
    smtp_timeout_s: float = Field(30.0, gt=0)
    mail_from: str | None = None
    mail_to: list[str] = Field(default_factory=list)
    renotify_hours: float = Field(24.0, gt=0)  # an open incident is sent again after this long
    max_per_hour: int = Field(10, ge=1)  # throttle: at most this many notices per hour (the rest wait)
    send_resolved: bool = True  # also say when an incident is over (解消)
    stall_minutes: int = Field(60, ge=1)  # sync stalled: no successful push for this long
    thresholds: dict[str, float] = Field(default_factory=dict)  # KPI key -> notify when worse than this


class KpiSettings(_Section):
    go_live: date | None = None  # 本番開始日: days before it are the baseline (導入前の基準値)
    history_days: int = Field(730, ge=7)  # how many days back the report reads
    demand_window_days: int = Field(28, ge=1)  # a SKU has demand on a day if it had an order within this many days
    trend: Literal["week", "month"] = "week"  # bucket of the trend lines


class PilotSettings(_Section):
    # 並行稼働 (pilot): zaiko-xl computes everything for these SKUs but pushes nothing; the push and
    # sync services must refuse to send while enabled. The pilot report compares its numbers
    # with the shop's current operation (the RMS values the shop set by hand).
    enabled: bool = False
    skus: list[str] = Field(default_factory=list)  # 自社コード; empty = every SKU
    tolerance: int = Field(0, ge=0)  # differences up to this many units count as agreement


class DoctorSettings(_Section):
    # RMS API functions zaiko-xl uses; `zaiko-xl doctor` makes one harmless call to each (adapters/rms_health.py)
    functions: list[str] = Field(default_factory=lambda: [
        "inventories.bulk.get", "inventories.bulk.get.range", "inventories.bulk.upsert", "rpay.order.searchOrder",
        "rpay.order.getOrder", "license.expiryDate.get"])
    last_run_max_hours: float = Field(26.0, gt=0)  # warn when the last successful run is older
    pending_max_hours: float = Field(2.0, gt=0)  # warn when a change RMS does not show yet is older


class JournalSettings(_Section):
    path: Path = Path("zaiko-journal.sqlite")


class Settings(BaseSettings):
    """Every setting of zaiko-xl. Environment: ZAIKO_<SECTION>_<FIELD>, e.g. ZAIKO_RMS_BASE_URL."""

    model_config = SettingsConfigDict(
        env_prefix="ZAIKO_", env_nested_delimiter="_", env_nested_max_split=1,
        extra="forbid", frozen=True, case_sensitive=False,
    )

    base_dir: Path = Path(".")  # the folder of zaiko.toml; relative paths resolve from here
    rms: RmsSettings = RmsSettings()
    workbook: WorkbookSettings = WorkbookSettings()
    warehouse: WarehouseSettings = WarehouseSettings()
    ledger: LedgerSettings = LedgerSettings()
    orders: OrdersSettings = OrdersSettings()
    inbound: InboundSettings = InboundSettings()
    reconcile: ReconcileSettings = ReconcileSettings()
    push: PushSettings = PushSettings()
    reorder: ReorderSettings = ReorderSettings()
    sale: SaleSettings = SaleSettings()
    notify: NotifySettings = NotifySettings()
    kpi: KpiSettings = KpiSettings()
    pilot: PilotSettings = PilotSettings()
    doctor: DoctorSettings = DoctorSettings()
    journal: JournalSettings = JournalSettings()

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # init holds flags, then keyring secrets, then the TOML dict (see load_settings)
        return init_settings, env_settings

    def resolve(self, path: Path) -> Path:
        """A path from the settings, resolved from the folder of zaiko.toml."""
        return path if path.is_absolute() else (self.base_dir / path)

    def require_secret(self, name: str) -> SecretStr:
        """The secret's value, or MissingSecret that says how to set it (never echoing it)."""
        section, field, env, user = SECRETS[name]
        value = getattr(getattr(self, section), field)
        if value is None or not value.get_secret_value():
            raise MissingSecret(name=name, env=env, keyring_user=user)
        return value


def read_toml(path: Path) -> dict[str, Any]:
    """Parse zaiko.toml with line/column on errors; refuse secrets in the file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigFileError(file=str(path), line=0, column=0, detail=exc.strerror or str(exc)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError carries the place only in its text: "... (at line 2, column 17)"
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(found[1]), int(found[2])) if found else (0, 0)
        msg = str(exc).split(" (at ")[0]
        raise ConfigFileError(file=str(path), line=line, column=col, detail=msg) from exc
    for name, (section, field, env, _user) in SECRETS.items():
        if field in (data.get(section) or {}):
            raise SecretInFile(key=name, file=str(path), env=env)
    return data


def _keyring_secrets() -> dict[str, dict[str, str]]:
    """Secrets stored in the OS keyring (Windows Credential Manager); none if no keyring works."""
    found: dict[str, dict[str, str]] = {}
    try:
        import keyring
        for section, field, _env, user in SECRETS.values():
            value = keyring.get_password(KEYRING_SERVICE, user)
            if value:
                found.setdefault(section, {})[field] = value
    except Exception:  # no backend, locked store, D-Bus missing: the keyring is optional
        return {}
    return found


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Load settings once per invocation.

    Priority: ``overrides`` (flags, nested dicts per section) > environment > keyring >
    zaiko.toml > defaults. Nested sections merge field by field across sources.
    """
    base_dir = config_file.resolve().parent if config_file is not None else Path(".").resolve()
    file_data = read_toml(config_file) if config_file is not None and config_file.exists() else {}
    keyring_data = _keyring_secrets()

    class _BoundSettings(Settings):
        @classmethod
        def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                       dotenv_settings, file_secret_settings):  # type: ignore[override]
            return (init_settings, env_settings,
                    InitSettingsSource(settings_cls, keyring_data),
                    InitSettingsSource(settings_cls, file_data))

    try:
        return _BoundSettings(base_dir=base_dir, **overrides)
    except ValidationError as exc:
        raise _translate(exc, config_file) from exc


def _translate(exc: ValidationError, config_file: Path | None) -> Exception:
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"])
    if first["type"] == "extra_forbidden":
        return UnknownSetting(key=key, file=str(config_file or CONFIG_FILE_NAME))
    return InvalidSetting(key=key, detail=first["msg"])


def example_text() -> str:
    """The commented zaiko.toml that `zaiko-xl init` writes."""
    from importlib.resources import files

    return files("zaiko_xl.resources").joinpath("zaiko.example.toml").read_text(encoding="utf-8")


def write_example(path: Path, *, force: bool = False) -> Path:
    """Write the example settings file; refuse to overwrite unless ``force``."""
    if path.exists() and not force:
        raise ConfigExists(file=str(path))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(example_text(), encoding="utf-8")
    tmp.replace(path)
    return path
