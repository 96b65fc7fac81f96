"""The `zaiko-xl` command line: a stable contract (see DESIGN.md and the README).

Each command reads its options, loads settings, calls one service and renders the result.
Errors are turned into one bilingual line and a documented exit code by ``cli_errors``.
Heavy modules are imported inside the commands so that ``zaiko-xl --help`` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from zaiko_xl import __version__
from zaiko_xl.config import CONFIG_FILE_NAME
from zaiko_xl.entrypoints.console import cli_errors, stdout_console

app = typer.Typer(
    help="zaiko-xl: 楽天市場の在庫を Excel で正しく保つ / keep a Rakuten Ichiba shop's stock right from Excel.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
template_app = typer.Typer(help="テンプレートブック / the workbook template.", no_args_is_help=True)
app.add_typer(template_app, name="template")

DEFAULT_TEMPLATE = Path("workbook/template.xlsm")
WorkbookOpt = Annotated[Path, typer.Option("--workbook", "-w", help="対象のブック / the workbook (.xlsm/.xlsx)")]


@dataclass
class GlobalOptions:
    config: Path | None
    debug: bool


def _globals(ctx: typer.Context) -> GlobalOptions:
    return ctx.obj if isinstance(ctx.obj, GlobalOptions) else GlobalOptions(None, False)


def _config_path(ctx: typer.Context, workbook: Path | None = None) -> Path:
    """--config, else zaiko.toml beside the workbook, else in the current folder."""
    given = _globals(ctx).config
    if given is not None:
        return given
    return (workbook.parent if workbook is not None else Path(".")) / CONFIG_FILE_NAME


def _parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"日付は YYYY-MM-DD で指定してください / use YYYY-MM-DD: {text}",
                                 param_hint=option) from None


def _parse_time(text: str | None, option: str = "--now") -> datetime | None:
    """A JST time given on the command line (None stays None: the clock decides)."""
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise typer.BadParameter(f"日時は YYYY-MM-DDTHH:MM で指定してください / use YYYY-MM-DDTHH:MM: {text}",
                                 param_hint=option) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"zaiko-xl {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    config: Annotated[Path | None, typer.Option("--config", help="設定ファイル / settings file (default: zaiko.toml beside the workbook)")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="エラー時にトレースバックを表示 / show tracebacks")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="版を表示 / show the version")] = False,
) -> None:
    ctx.obj = GlobalOptions(config=config, debug=debug)


@app.command()
def init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="既存のファイルを上書き / overwrite an existing file")] = False,
) -> None:
    """コメント付きの zaiko.toml を作成 / write a commented zaiko.toml to fill in."""
    from zaiko_xl.config import write_example

    with cli_errors(_globals(ctx).debug):
        path = write_example(_config_path(ctx), force=force)
        stdout_console().print(f"{path} を作成しました。/ Wrote {path}.")


@app.command()
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="出力フォルダ / output folder")] = Path("zaiko-demo"),
    skus: Annotated[int, typer.Option("--skus", min=10, max=100_000, help="SKU 数 / number of SKUs")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="乱数の種 / random seed")] = 1,
) -> None:
    """見本店舗と RMS サンドボックスで一連の流れを実行 / run the whole loop on a sample shop."""
    from zaiko_xl.entrypoints.demo import run_demo

    with cli_errors(_globals(ctx).debug):
        run_demo(out=out, skus=skus, seed=seed, console=stdout_console())


@app.command()
def sandbox(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="待ち受けポート / port on 127.0.0.1")] = 8765,
    seed: Annotated[int, typer.Option("--seed", help="乱数の種 / random seed")] = 1,
    skus: Annotated[int, typer.Option("--skus", min=1, max=200_000, help="SKU 数 / number of SKUs")] = 500,
    orders_per_min: Annotated[float, typer.Option("--orders-per-min", min=0, help="模擬注文の頻度 / simulated orders per minute")] = 6.0,
) -> None:
    """ローカルの RMS シミュレーターを起動 / run the local RMS simulator on 127.0.0.1."""
    import os

    from zaiko_xl.entrypoints.rms_output import sandbox_banner
    from zaiko_xl.errors import InvalidSetting
    from zaiko_xl.sandbox.main import run

    with cli_errors(_globals(ctx).debug):
        try:
            run(port=port, seed=seed, skus=skus, orders_per_s=orders_per_min / 60, environ=os.environ,
                on_started=lambda server: sandbox_banner(server, stdout_console()))
        except OSError as exc:
            raise InvalidSetting(key="--port", detail=f"{port}: {exc.strerror or exc}") from exc


@template_app.command("build")
def template_build(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="出力先 / output file")] = DEFAULT_TEMPLATE,
    macros: Annotated[Path, typer.Option("--macros", help="VBA の .bas のフォルダ / folder of the .bas macros")] = Path("macros"),
) -> None:
    """workbook/template.xlsm をコードと macros/ から作成 / build the template from code and macros/."""
    from zaiko_xl import bootstrap
    from zaiko_xl.entrypoints.excel_vba import template_modules

    with cli_errors(_globals(ctx).debug):
        path = bootstrap.build_template(out, template_modules(macros))
        stdout_console().print(f"{path} を作成しました。/ Wrote {path}.")
        if out == DEFAULT_TEMPLATE:  # the canonical template: the package carries a copy (demo, installs)
            copy = bootstrap.install_template(path)
            stdout_console().print(f"パッケージ用にコピーしました / copied for the package: {copy}")


@app.command()
def pull(
    ctx: typer.Context,
    workbook: WorkbookOpt,
    now: Annotated[str | None, typer.Option("--now", hidden=True, help="テスト・訓練用: 取込の時刻 (JST, YYYY-MM-DDTHH:MM) / tests and drills: the pull's time")] = None,
) -> None:
    """RMS 在庫・受注、倉庫ファイル、社内台帳をシートへ取込 / pull RMS, warehouse and ledger into sheets."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.console import progress_bar
    from zaiko_xl.entrypoints.pull_view import render_workbook_pull
    from zaiko_xl.entrypoints.runs import recorded_run
    from zaiko_xl.services.pull import pull_workbook

    at = _parse_time(now)
    with cli_errors(_globals(ctx).debug):
        settings = load_settings(_config_path(ctx, workbook))
        with recorded_run(settings, "pull"):
            book = bootstrap.writable_workbook(settings, workbook)
            with bootstrap.pull_sources(settings, workbook, journal_calls=True) as sources, progress_bar() as progress:
                report = pull_workbook(book, sources, bootstrap.pull_journal(settings),
                                       bootstrap.pull_options(settings, workbook, at), progress,
                                       bootstrap.build_kpi_store(settings))
        render_workbook_pull(report, workbook, stdout_console())


@app.command()
def reconcile(
    ctx: typer.Context,
    workbook: WorkbookOpt,
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
                                                   help="比較の基準日時 (既定: 今、日本時間) / compare as of (default: now, JST)")] = None,
) -> None:
    """三者を比較し差異の原因と確定在庫を提案 / compare, classify, highlight, suggest 確定在庫."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.reconcile_view import render_reconcile
    from zaiko_xl.entrypoints.runs import recorded_run
    from zaiko_xl.services.reconcile import reconcile as compare

    with cli_errors(_globals(ctx).debug):
        settings = load_settings(_config_path(ctx, workbook))
        with recorded_run(settings, "reconcile") as run_id:
            ports = bootstrap.build_reconcile(settings, bootstrap.workbook_file(settings, workbook), workbook.name)
            report = compare(**ports, as_of=as_of or bootstrap.jst_now(), run_id=run_id)
        render_reconcile(report, str(workbook), stdout_console())


@app.command()
def reorder(
    ctx: typer.Context,
    workbook: WorkbookOpt,
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"],
                                                   help="発注日 (既定: 今日) / order date (default: today)")] = None,
) -> None:
    """発注シートと発注書案を作成 / replenishment sheet and purchase-order drafts."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.reorder_view import render_reorder
    from zaiko_xl.entrypoints.runs import recorded_run
    from zaiko_xl.services.reorder import run_reorder

    with cli_errors(_globals(ctx).debug):
        settings = load_settings(_config_path(ctx, workbook))
        with recorded_run(settings, "reorder"):
            source, sink = bootstrap.build_reorder(settings, bootstrap.workbook_file(settings, workbook), workbook)
            result, written = run_reorder(source, bootstrap.holiday_source(), sink,
                                          bootstrap.reorder_params(settings), as_of.date() if as_of else date.today(),
                                          bootstrap.build_order_history(settings))
        render_reorder(result, written, stdout_console())


@app.command()
def push(
    ctx: typer.Context,
    workbook: WorkbookOpt,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="送信せず計画だけ表示 / show the plan, send nothing")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="確認なしで送信 (上限内) / send without asking (within hard limits)")] = False,
    resume: Annotated[bool, typer.Option("--resume", help="中断した反映を再開 / resume an interrupted push")] = False,
) -> None:
    """確定在庫を RMS へ反映 / push confirmed stock to RMS."""
    from contextlib import ExitStack

    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints import push_output as out
    from zaiko_xl.entrypoints.runs import recorded_run
    from zaiko_xl.services import push as push_service
    from zaiko_xl.services.push_workbook import push_workbook

    console = stdout_console()
    with cli_errors(_globals(ctx).debug):
        settings = load_settings(_config_path(ctx, workbook))
        with recorded_run(settings, "push --dry-run" if dry_run else "push") as run_id, ExitStack() as stack:
            deps = bootstrap.build_push_deps(settings, run_id=run_id)
            options = bootstrap.push_options(settings, confirmed=yes)
            stack.enter_context(deps.rms.client)  # type: ignore[attr-defined]  # closed: its calls are journaled
            if resume:
                result = push_service.resume(deps, options)
                out.render_resume(console, result)
            else:
                done = push_workbook(bootstrap.workbook_file(settings, workbook), deps, options,
                                     source=workbook.name, dry_run=dry_run, confirm=out.terminal_confirm(console))
                out.render_workbook_push(console, done, dry_run=dry_run)
                result = done.result
            if result is not None:
                push_service.raise_for_outcome(result)


@app.command()
def rollback(
    ctx: typer.Context,
    run_id: Annotated[str, typer.Argument(help="反映の実行 ID / the push run ID")],
    yes: Annotated[bool, typer.Option("--yes", help="確認なしで送信 (上限内) / send without asking (within hard limits)")] = False,
) -> None:
    """反映前の RMS の値に戻す / restore the RMS values a journaled push replaced."""
    from contextlib import ExitStack

    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints import push_output as out
    from zaiko_xl.entrypoints.runs import recorded_run
    from zaiko_xl.services import push as push_service

    console = stdout_console()
    with cli_errors(_globals(ctx).debug):
        settings = load_settings(_config_path(ctx))
        with recorded_run(settings, "rollback") as this_run, ExitStack() as stack:
            deps = bootstrap.build_push_deps(settings, run_id=this_run)
            stack.enter_context(deps.rms.client)  # type: ignore[attr-defined]  # closed: its calls are journaled
            result = push_service.rollback(run_id, deps, bootstrap.push_options(settings, confirmed=yes),
                                           confirm=out.terminal_confirm(console),
                                           journal_name=str(settings.resolve(settings.journal.path)))
            out.render_result(console, result)
            push_service.raise_for_outcome(result)


@app.command()
def sync(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="1 回だけ実行 (既定) / run one cycle (the default)")] = False,
    interval: Annotated[int | None, typer.Option("--interval", min=5, help="繰り返し間隔(秒) / loop interval in seconds")] = None,
    workbook: Annotated[Path | None, typer.Option("--workbook", "-w", help="商品マスタのブック / workbook with the item master")] = None,
    full: Annotated[bool, typer.Option("--full", help="全 SKU の RMS 在庫を読み直す / read every SKU's RMS stock")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="要確認の安全装置を越えて送信 (上限内) / pass soft guards (within hard limits)")] = False,
) -> None:
    """無人同期: 倉庫+受注 -> RMS (安全装置付き) / unattended sync with all guards."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints import push_output as out
    from zaiko_xl.entrypoints.runs import recorded_run
    from zaiko_xl.services.sync import run_sync

    console = stdout_console()
    with cli_errors(_globals(ctx).debug):
        settings = load_settings(_config_path(ctx, workbook))
        show = lambda r: out.render_sync_cycle(console, r)  # noqa: E731
        if once or interval is None:
            with recorded_run(settings, "sync") as run_id:
                ports, deps, options = bootstrap.build_sync(settings, workbook, run_id=run_id)
                with deps.rms.client:  # type: ignore[attr-defined]  # closed: its calls are journaled
                    run_sync(ports, deps, options, loop_s=None, full=full, yes=yes, report=show)
            return
        with recorded_run(settings, "sync", record_ok=False):  # a loop that cannot start
            ports, deps, options = bootstrap.build_sync(settings, workbook, run_id="sync-loop")
        with deps.rms.client:  # type: ignore[attr-defined]
            run_sync(ports, deps, options, loop_s=interval, full=full, yes=yes, report=show,
                     cycle_scope=lambda: recorded_run(settings, "sync"))  # every cycle is a run


@app.command()
def kpi(
    ctx: typer.Context,
    workbook: WorkbookOpt,
    as_json: Annotated[bool, typer.Option("--json", help="JSON で出力 / print JSON")] = False,
    html: Annotated[Path | None, typer.Option("--html", help="HTML レポートの出力先 / write the HTML report")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="グラフ付き KPI ブックの出力先 / write a KPI workbook")] = None,
    mail: Annotated[bool, typer.Option("--mail", help="レポートをメール送信 / e-mail the report")] = False,
    notify_: Annotated[bool, typer.Option("--notify", help="基準を超えた KPI を通知 / notify KPIs over thresholds")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="この日の前日までを集計 (YYYY-MM-DD) / report up to the day before")] = None,
) -> None:
    """KPI を計算し KPI シートとグラフを更新 / compute the KPIs and refresh the KPI sheets and charts."""
    import json

    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.ops_views import render_kpi, render_outcome
    from zaiko_xl.services.kpi import publish_kpi_report, refresh_kpis

    with cli_errors(_globals(ctx).debug):
        settings = load_settings(_config_path(ctx, workbook))
        store = bootstrap.build_kpi_store(settings)
        today = _parse_date(as_of, "--as-of") if as_of else bootstrap.jst_now().date()
        result = refresh_kpis(store, bootstrap.kpi_options(settings, today), bootstrap.workbook_file(settings, workbook),
                              store)
        published = publish_kpi_report(result, files=bootstrap.build_kpi_files(), html_path=html, xlsx_path=xlsx,
                                       mailer=bootstrap.build_mailer(settings), mail=mail,
                                       alerts=bootstrap.kpi_alerts(settings) if notify_ else None)
        console = stdout_console()
        if as_json:
            typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
            return
        render_kpi(result, console)
        console.print(f"{workbook} の KPI シートを更新しました。/ Updated the KPI sheets of {workbook}.", markup=False)
        for path in published.files:
            console.print(f"{path} を作成しました。/ Wrote {path}.", markup=False)
        if published.notified is not None:
            render_outcome(published.notified, console)


@app.command("export-rms-csv")
def export_rms_csv(
    ctx: typer.Context,
    source: Annotated[Path, typer.Option("--from", help="在庫の表 (CSV/XLSX: 商品管理番号・SKU管理番号・在庫数) / stock table")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="XLSX のシート名 / sheet of an XLSX file")] = None,
    out: Annotated[Path, typer.Option("--out", help="出力先 / output file")] = Path("normal-item.csv"),
) -> None:
    """API 停止時の手動アップロード用 normal-item.csv を作成 / write normal-item.csv for manual upload."""
    from zaiko_xl import bootstrap
    from zaiko_xl.entrypoints.rms_output import render_csv_export
    from zaiko_xl.services.export_csv import export_rms_csv as export

    with cli_errors(_globals(ctx).debug):
        result = export(bootstrap.build_stock_table(source, sheet), bootstrap.build_rms_csv_sink(out))
        render_csv_export(result, stdout_console())


@app.command()
def doctor(
    ctx: typer.Context,
    workbook: Annotated[Path | None, typer.Option("--workbook", "-w", help="点検するブック / the workbook to check")] = None,
    notify_: Annotated[bool, typer.Option("--notify", help="期限切れ・停止・失敗を通知 / notify expiry, stalls, failures")] = False,
) -> None:
    """設定・資格情報・ライセンス期限・接続を点検 / check configuration, credentials, license, reachability."""
    from zaiko_xl import bootstrap
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.ops_views import render_checks, render_outcome
    from zaiko_xl.errors import DoctorFailed
    from zaiko_xl.services.doctor import run_doctor
    from zaiko_xl.services.notify import notify_health

    with cli_errors(_globals(ctx).debug):
        now, config_file, console = bootstrap.jst_now(), _config_path(ctx, workbook), stdout_console()
        results = run_doctor(bootstrap.doctor_inputs(config_file, workbook, today=now.date(), now=now))
        render_checks(results, console)
        if notify_ and results[0].status == "ok":
            render_outcome(notify_health(bootstrap.health_alerts(load_settings(config_file), now=now)), console)
        failed = [r.key for r in results if r.status == "fail"]
        if failed:
            raise DoctorFailed(failed=len(failed), total=len(results), names=", ".join(failed))


def main() -> None:
    """Console-script entry point."""
    app()
