"""How the CLI shows RMS results: license status, the CSV export, the sandbox banner."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from zaiko_xl.domain.rms import LicenseStatus
    from zaiko_xl.sandbox.server import SandboxServer
    from zaiko_xl.services.export_csv import CsvExportResult

_STYLE = {"ok": "green", "warning": "bold yellow", "expired": "bold red", "rejected": "bold red", "unknown": "yellow"}


def render_license(status: LicenseStatus, console: Console) -> None:
    label = "警告 / Warning " if status.level.value in ("warning", "unknown") else ""
    console.print(f"[{_STYLE[status.level.value]}]{label}{status.render()}[/]", markup=True)


def render_csv_export(result: CsvExportResult, console: Console) -> None:
    console.print(f"{result.path} を作成しました ({result.products} 商品, {result.skus} SKU)。"
                  f"RMS の「商品一括編集 > CSV更新」から取り込んでください。 / Wrote {result.path} "
                  f"({result.products} products, {result.skus} SKUs); upload it in RMS (bulk edit > CSV update).")


def sandbox_banner(server: SandboxServer, console: Console) -> None:
    config, state = server.state.config, server.state
    console.print(f"RMS サンドボックス起動 / RMS sandbox running at {server.base_url}")
    if config.uses_demo_credentials:
        console.print("デモ用の資格情報 / demo credentials (set these for zaiko-xl):")
        console.print(f"  ZAIKO_RMS_SERVICE_SECRET={config.service_secret}")
        console.print(f"  ZAIKO_RMS_LICENSE_KEY={config.license_key}")
    else:
        console.print("ZAIKO_RMS_SERVICE_SECRET / ZAIKO_RMS_LICENSE_KEY の値を受け付けます / "
                      "accepting the credentials from ZAIKO_RMS_SERVICE_SECRET / ZAIKO_RMS_LICENSE_KEY")
    console.print(f"  ZAIKO_RMS_BASE_URL={server.base_url}")
    console.print(f"SKU {len(state.inventory)}, 受注 / orders {len(state.orders)}, "
                  f"ライセンス期限 / license expiry {config.license_expiry:%Y-%m-%d %H:%M}, "
                  f"注文 / orders per min {config.orders_per_s * 60:g}")
    console.print(f"状態 / state: {server.base_url}/_sandbox/state   停止 / stop: Ctrl+C")
