"""`zaiko-xl doctor`: one result per check, each with a fix hint in Japanese and English.

Checks: configuration loads, credentials present (never shown), notification channels, RMS
license expiry, each enabled RMS API function reachable, workbook not open in Excel, journal
writable, last successful run, warehouse and ledger changes RMS does not show yet. A check that cannot run (no settings, no credentials, RMS refusing
the key or out of reach: the API checks after a failed license check) says "skip"; only "fail"
makes the command exit non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from zaiko_xl.domain.runs import Outcome
from zaiko_xl.errors import ApiAuthError, ApiError, ApiUnavailable, ZaikoError
from zaiko_xl.ports import ApiProbe, HealthProbe, LicenseSource, RunLog, SourceWatch

Status = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True)
class CheckResult:
    key: str
    status: Status
    title_ja: str
    title_en: str
    message_ja: str
    message_en: str
    hint_ja: str = ""
    hint_en: str = ""


@dataclass(frozen=True)
class DoctorInputs:
    config_error: ZaikoError | None
    config_file: str
    config_found: bool = True
    missing_secrets: tuple[tuple[str, str], ...] = ()  # (secret name, environment variable)
    channels: tuple[str, ...] = ()  # configured notification channels
    channel_problems: tuple[tuple[str, str], ...] = ()  # (ja, en) of a half-configured channel
    license: LicenseSource | None = None
    api: ApiProbe | None = None
    functions: tuple[str, ...] = ()
    health: HealthProbe | None = None
    runs: RunLog | None = None
    today: date = field(default_factory=date.today)
    now: datetime = field(default_factory=datetime.now)
    warn_days: int = 14
    last_run_max: timedelta = timedelta(hours=26)
    watch: SourceWatch | None = None  # the update-latency watch (None: no journal yet)
    pending_max: timedelta = timedelta(hours=2)


def _result(key: str, status: Status, titles: tuple[str, str], message: tuple[str, str],
            hint: tuple[str, str] = ("", "")) -> CheckResult:
    return CheckResult(key, status, *titles, *message, *hint)


def _from_error(key: str, titles: tuple[str, str], exc: ZaikoError, status: Status = "fail") -> CheckResult:
    return _result(key, status, titles, (exc.message_ja.format_map(_Ctx(exc.context)),
                                         exc.message_en.format_map(_Ctx(exc.context))),
                   (exc.hint_ja.format_map(_Ctx(exc.context)), exc.hint_en.format_map(_Ctx(exc.context))))


class _Ctx(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def run_doctor(inputs: DoctorInputs) -> list[CheckResult]:
    """Every check, in a fixed order."""
    config = _config(inputs)
    if inputs.config_error is not None:
        rest = ("credentials", "notifications", "license", "api", "workbook", "journal", "last_run", "pending")
        return [config] + [_result(k, "skip", TITLES[k], ("設定を読めないため未確認", "not checked: no settings"))
                           for k in rest]
    results = [config, _credentials(inputs), _channels(inputs)]
    if inputs.missing_secrets:
        results += [_skip_no_credentials("license"), _skip_no_credentials("api")]
    else:
        license, cause = _license(inputs)
        results.append(license)
        results.extend(_api(inputs) if cause is None else [_skip_rms_down(cause)])
    results.extend([_workbook(inputs), _journal(inputs), _last_run(inputs), _pending(inputs)])
    return results


TITLES = {
    "config": ("設定ファイル", "configuration"), "credentials": ("RMS の資格情報", "RMS credentials"),
    "notifications": ("通知先", "notifications"), "license": ("ライセンスキーの期限", "license key expiry"),
    "api": ("RMS API の接続", "RMS API reachability"), "workbook": ("ブック", "workbook"),
    "journal": ("ジャーナル", "journal"), "last_run": ("最後の実行", "last run"),
    "pending": ("RMS に未反映の変化", "changes not yet on RMS"),
}


def _skip_no_credentials(key: str) -> CheckResult:
    return _result(key, "skip", TITLES[key], ("資格情報がないため未確認", "not checked: credentials missing"))


def _config(inputs: DoctorInputs) -> CheckResult:
    if inputs.config_error is not None:
        return _from_error("config", TITLES["config"], inputs.config_error)
    if not inputs.config_found:
        return _result("config", "warn", TITLES["config"], (f"{inputs.config_file} がありません (既定値で点検)",
                                                            f"{inputs.config_file} not found (checked with defaults)"),
                       ("zaiko-xl init で作成し、ブックと同じフォルダに置いてください。",
                        "Create it with `zaiko-xl init` and keep it beside the workbook."))
    return _result("config", "ok", TITLES["config"], (f"{inputs.config_file} を読み込みました",
                                                      f"{inputs.config_file} loaded"))


def _credentials(inputs: DoctorInputs) -> CheckResult:
    if not inputs.missing_secrets:
        return _result("credentials", "ok", TITLES["credentials"],
                       ("サービスシークレットとライセンスキーがあります (値は表示しません)",
                        "service secret and license key are set (values not shown)"))
    names = ", ".join(n for n, _ in inputs.missing_secrets)
    envs = ", ".join(e for _, e in inputs.missing_secrets)
    return _result("credentials", "fail", TITLES["credentials"], (f"未設定: {names}", f"not set: {names}"),
                   (f"環境変数 {envs} を設定するか、python -m keyring set zaiko-xl <名前> で保存してください。",
                    f"Set {envs} or store them with `python -m keyring set zaiko-xl <name>`."))


def _channels(inputs: DoctorInputs) -> CheckResult:
    if inputs.channel_problems:
        ja = "; ".join(p[0] for p in inputs.channel_problems)
        en = "; ".join(p[1] for p in inputs.channel_problems)
        return _result("notifications", "fail", TITLES["notifications"], (ja, en),
                       ("README「通知の設定」を参照してください。", "See 'Notifications' in the README."))
    if not inputs.channels:
        return _result("notifications", "warn", TITLES["notifications"],
                       ("通知先がありません: 失敗や期限切れに気づけません", "no channel: failures would go unnoticed"),
                       ("[notify] にメール、または ZAIKO_NOTIFY_WEBHOOK_URL を設定してください。",
                        "Configure e-mail under [notify] or set ZAIKO_NOTIFY_WEBHOOK_URL."))
    listed = ", ".join(inputs.channels)
    return _result("notifications", "ok", TITLES["notifications"], (f"設定済み: {listed}", f"configured: {listed}"))


def _skip_rms_down(cause: ApiError) -> CheckResult:
    """The API checks when the license check already showed that no call can get through."""
    ja, en = (("RMS がキーを受け付けないため未確認 (上の行を参照)", "not checked: RMS refuses the key (see above)")
              if isinstance(cause, ApiAuthError) else
              ("RMS に接続できないため未確認 (上の行を参照)", "not checked: RMS cannot be reached (see above)"))
    return _result("api", "skip", TITLES["api"], (ja, en))


def _license(inputs: DoctorInputs) -> tuple[CheckResult, ApiError | None]:
    """The license check, and the error when it shows that no RMS call can get through."""
    titles = TITLES["license"]
    if inputs.license is None:
        return _result("license", "skip", titles, ("RMS クライアントの期限確認が未接続のため未確認",
                                                   "not checked: the RMS client's license hook is not connected")), None
    try:
        expiry = inputs.license.license_expiry()
    except ApiError as exc:
        blocking = exc if isinstance(exc, ApiAuthError | ApiUnavailable) else None
        return _from_error("license", titles, exc), blocking
    left = (expiry - inputs.today).days
    message = (f"期限 {expiry} (あと {left} 日)", f"expires {expiry} (in {left} day(s))")
    hint = ("RMS で新しいライセンスキーを発行し、ZAIKO_RMS_LICENSE_KEY かキーリングに設定してください。",
            "Issue a new key in RMS and set it in ZAIKO_RMS_LICENSE_KEY or the keyring.")
    if left < 0:
        return _result("license", "fail", titles, (f"期限切れ ({expiry})", f"expired on {expiry}"), hint), None
    return _result("license", "warn" if left <= inputs.warn_days else "ok", titles, message,
                   hint if left <= inputs.warn_days else ("", "")), None


def _api(inputs: DoctorInputs) -> list[CheckResult]:
    titles = TITLES["api"]
    if inputs.api is None:
        return [_result("api", "skip", titles, ("RMS クライアントの接続確認が未接続のため未確認",
                                                "not checked: the RMS client's probe hook is not connected"))]
    results = []
    for function in inputs.functions:
        key, named = f"api:{function}", (f"{titles[0]} {function}", f"{titles[1]} {function}")
        try:
            inputs.api.probe(function)
        except ZaikoError as exc:  # ApiError, or E731 for a function name it cannot probe
            results.append(_from_error(key, named, exc))
        else:
            results.append(_result(key, "ok", named, ("応答あり", "reachable")))
    return results


def _workbook(inputs: DoctorInputs) -> CheckResult:
    if inputs.health is None:
        return _result("workbook", "skip", TITLES["workbook"], ("未確認", "not checked"))
    try:
        exists = inputs.health.check_workbook_unlocked()
    except ZaikoError as exc:
        return _from_error("workbook", TITLES["workbook"], exc)
    if not exists:
        return _result("workbook", "warn", TITLES["workbook"], ("ブックがありません", "the workbook does not exist"),
                       ("--workbook でブックを指定するか、[workbook] path を設定してください。",
                        "Name it with --workbook or set [workbook] path."))
    return _result("workbook", "ok", TITLES["workbook"], ("Excel で開かれていません", "not open in Excel"))


def _journal(inputs: DoctorInputs) -> CheckResult:
    if inputs.health is None:
        return _result("journal", "skip", TITLES["journal"], ("未確認", "not checked"))
    try:
        inputs.health.check_journal_writable()
    except ZaikoError as exc:
        return _from_error("journal", TITLES["journal"], exc)
    return _result("journal", "ok", TITLES["journal"], ("書き込めます", "writable"))


def _last_run(inputs: DoctorInputs) -> CheckResult:
    titles = TITLES["last_run"]
    runs = inputs.runs.last_runs() if inputs.runs is not None else []
    failed = [r for r in runs if r.outcome in (Outcome.FAILED, Outcome.GUARD_TRIPPED)]
    if failed:
        r = failed[0]
        return _result("last_run", "fail", titles,
                       (f"zaiko-xl {r.command} が失敗しています ({r.started_at:%Y-%m-%d %H:%M}, {r.error_code}): {r.message_ja}",
                        f"zaiko-xl {r.command} failed ({r.started_at:%Y-%m-%d %H:%M}, {r.error_code}): {r.message_en}"),
                       (f"原因を直して zaiko-xl {r.command} を再実行してください。",
                        f"Fix the cause and run `zaiko-xl {r.command}` again."))
    done = [r for r in runs if r.outcome is Outcome.OK and r.finished_at is not None]
    if not done:
        return _result("last_run", "warn", titles, ("成功した実行の記録がまだありません", "no successful run recorded yet"),
                       ("zaiko-xl pull を実行してください。", "Run `zaiko-xl pull`."))
    last = max(done, key=lambda r: r.finished_at)
    message = (f"zaiko-xl {last.command} {last.finished_at:%Y-%m-%d %H:%M}", f"zaiko-xl {last.command} "
               f"{last.finished_at:%Y-%m-%d %H:%M}")
    if inputs.now - last.finished_at > inputs.last_run_max:
        return _result("last_run", "warn", titles, (f"{message[0]} (古い)", f"{message[1]} (old)"),
                       ("スケジューラ (タスク スケジューラ) の設定を確認してください。",
                        "Check the scheduler (Windows Task Scheduler, cron)."))
    return _result("last_run", "ok", titles, message)


def _pending(inputs: DoctorInputs) -> CheckResult:
    """Warehouse and ledger changes RMS does not show yet (``sync_pending``), warned when one is old."""
    titles = TITLES["pending"]
    if inputs.watch is None:
        return _result("pending", "skip", titles, ("ジャーナルがまだないため未確認", "not checked: no journal yet"))
    try:
        waiting = inputs.watch.open_changes()
    except ZaikoError as exc:
        return _from_error("pending", titles, exc)
    if waiting.empty:
        return _result("pending", "ok", titles, ("ありません", "none"))
    oldest = waiting["changed_at"].min().to_pydatetime()
    age_min = max(0, int((inputs.now - oldest).total_seconds() // 60))
    skus = ", ".join(list(dict.fromkeys(waiting.sort_values("changed_at")["sku"].astype(str)))[:3])
    message = (f"{len(waiting):,} 件 (最古 {oldest:%Y-%m-%d %H:%M}、{age_min:,} 分前、例: {skus})",
               f"{len(waiting):,} (oldest {oldest:%Y-%m-%d %H:%M}, {age_min:,} min ago, e.g. {skus})")
    if inputs.now - oldest <= inputs.pending_max:
        return _result("pending", "ok", titles, message)
    return _result("pending", "warn", titles, message,
                   ("zaiko-xl sync --once を実行するか、差異チェック → 確定在庫 → RMSへ反映 で反映してください。"
                    "反映できない理由は 反映計画 と zaiko-xl doctor の「最後の実行」に出ます。",
                    "Run `zaiko-xl sync --once`, or 差異チェック → 確定在庫 → RMSへ反映. Why a write failed shows on "
                    "反映計画 and in the 'last run' check."))
