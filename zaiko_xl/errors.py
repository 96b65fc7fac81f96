"""The one error tree of zaiko-xl: stable codes, Japanese and English messages.

Tree (codes are stable; scripts and the README depend on them)::

    ZaikoError                  E000
    ├── ConfigError             E1xx  settings, zaiko.toml, secrets          exit 3
    ├── InputError              E2xx  files, sheets, rows, columns           exit 4
    ├── ApiError                E3xx  RMS API, license key                   exit 5
    ├── RuleViolation           E4xx  guards and business rules              exit 6
    ├── StateError              E5xx  workbook locked, journal, run lock     exit 7
    ├── OpsError                E7xx  KPI, notifications, doctor, pilot      exit 9
    └── NotBuiltYet             E901  a command that is not built yet        exit 8

Every class carries ``code``, ``message_ja`` and ``message_en``: ``str.format`` templates
filled from the keyword context given at raise time. Only entry points catch these.
Never put a secret into the context.
"""

from __future__ import annotations

from typing import Any, ClassVar

# Exit codes of the CLI (documented in the README; stable).
EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _SafeDict(dict):
    """format_map helper: a missing key renders as {key} instead of raising."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class ZaikoError(Exception):
    """Base of every error a user can see."""

    code: ClassVar[str] = "E000"
    exit_code: ClassVar[int] = EXIT_UNEXPECTED
    message_ja: ClassVar[str] = "エラーが発生しました: {detail}"
    message_en: ClassVar[str] = "An error occurred: {detail}"
    hint_ja: ClassVar[str] = ""
    hint_en: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}  # optional template fields and their values when not given

    def __init__(self, **context: Any) -> None:
        self.context: dict[str, Any] = {**self.defaults, **context}
        super().__init__(self.render("en"))

    def message(self, lang: str) -> str:
        template = self.message_ja if lang == "ja" else self.message_en
        text = template.format_map(_SafeDict(self.context))
        hint = self.hint_ja if lang == "ja" else self.hint_en
        if hint:
            text += " " + hint.format_map(_SafeDict(self.context))
        return text

    def render(self, lang: str = "both") -> str:
        """One line: ``E204 <ja> / <en>`` (or just one language)."""
        if lang == "both":
            return f"{self.code} {self.message('ja')} / {self.message('en')}"
        return f"{self.code} {self.message(lang)}"


def where(file: str | None = None, sheet: str | None = None, row: int | None = None,
          column: str | None = None) -> dict[str, str]:
    """Location strings for a message, in both languages (row numbers are 1-based, as Excel shows)."""
    ja, en = [], []
    if file:
        ja.append(f"ファイル {file}")
        en.append(f"file {file}")
    if sheet:
        ja.append(f"シート「{sheet}」")
        en.append(f"sheet '{sheet}'")
    if row is not None:
        ja.append(f"{row}行目")
        en.append(f"row {row}")
    if column:
        ja.append(f"列「{column}」")
        en.append(f"column '{column}'")
    return {"where_ja": " ".join(ja) or "(場所不明)", "where_en": ", ".join(en) or "(unknown place)"}


# ---------------------------------------------------------------- E1xx configuration
class ConfigError(ZaikoError):
    code = "E100"
    exit_code = 3
    message_ja = "設定エラー: {detail}"
    message_en = "Configuration error: {detail}"


class ConfigFileError(ConfigError):
    code = "E101"
    message_ja = "設定ファイル {file} を読めません ({line}行 {column}列): {detail}"
    message_en = "Cannot read settings file {file} (line {line}, column {column}): {detail}"


class UnknownSetting(ConfigError):
    code = "E102"
    message_ja = "設定ファイル {file} に不明な項目「{key}」があります。"
    message_en = "Unknown setting '{key}' in {file}."
    hint_ja = "綴りを確認するか、zaiko-xl init の雛形を参照してください。"
    hint_en = "Check the spelling or compare with the template from `zaiko-xl init`."


class InvalidSetting(ConfigError):
    code = "E103"
    message_ja = "設定「{key}」の値が不正です: {detail}"
    message_en = "Invalid value for setting '{key}': {detail}"


class MissingSecret(ConfigError):
    code = "E104"
    message_ja = "{name} が設定されていません。"
    message_en = "{name} is not set."
    hint_ja = ("環境変数 {env} を設定するか、`python -m keyring set zaiko-xl {keyring_user}` で"
               "資格情報マネージャーに保存してください。")
    hint_en = ("Set the environment variable {env} or store it in the OS keyring with "
               "`python -m keyring set zaiko-xl {keyring_user}`.")


class SecretInFile(ConfigError):
    code = "E105"
    message_ja = "秘密情報「{key}」を設定ファイル {file} に書かないでください。"
    message_en = "Do not put the secret '{key}' into the settings file {file}."
    hint_ja = "行を削除し、環境変数 {env} または OS のキーリングを使ってください。"
    hint_en = "Remove the line and use the environment variable {env} or the OS keyring."


class ConfigExists(ConfigError):
    code = "E106"
    message_ja = "{file} は既に存在します。上書きしません。"
    message_en = "{file} already exists; not overwriting it."
    hint_ja = "--force を付けると上書きします。"
    hint_en = "Use --force to overwrite."


# ---------------------------------------------------------------- E12x workbook template (issue 5)
class TemplateToolMismatch(ConfigError):
    code = "E120"
    message_ja = "テンプレート作成に使う {tool} の版 {found} が、必要な版 {wanted} と一致しません。"
    message_en = "The template build needs {tool} {wanted}, but found {found}."
    hint_ja = "pip install \"{tool}=={wanted}\" を実行してから再実行してください。"
    hint_en = "Run `pip install \"{tool}=={wanted}\"` and build again."


# ---------------------------------------------------------------- E2xx input files and sheets
class InputError(ZaikoError):
    code = "E200"
    exit_code = 4
    message_ja = "入力エラー: {where_ja}: {detail}"
    message_en = "Input error: {where_en}: {detail}"


class UnreadableFile(InputError):
    code = "E201"
    message_ja = "{where_ja} を読めません: {detail}"
    message_en = "Cannot read {where_en}: {detail}"


class EmptyFile(InputError):
    code = "E202"
    message_ja = "{where_ja} にデータがありません。"
    message_en = "{where_en} contains no data."


class EncodingProblem(InputError):
    code = "E203"
    message_ja = ("{where_ja} の文字コードを判別できません ({tried_ja} を試しました。"
                  "{line}行目に読めない文字があります)。")
    message_en = ("Cannot tell the encoding of {where_en} (tried {tried_en}; "
                  "line {line} has bytes none of them can read).")
    hint_ja = "Excel で開き「CSV UTF-8 (コンマ区切り)」で保存し直してください。"
    hint_en = "Open it in Excel and save it again as 'CSV UTF-8 (Comma delimited)'."


class MissingColumn(InputError):
    code = "E204"
    message_ja = "{where_ja}: 必須の列「{column_name}」がありません。{column_hint_ja}"
    message_en = "{where_en}: required column '{column_name}' is missing.{column_hint_en}"
    # files read by mapping (warehouse, ledger, orders) can be remapped; the workbook's own sheets cannot
    REMAP_HINT: ClassVar[dict[str, str]] = {"column_hint_ja": " 見出しが違う場合は zaiko.toml の列の対応 ([warehouse.columns] など) で指定できます。",
                  "column_hint_en": " If your file names it differently, map it in zaiko.toml ([warehouse.columns] etc.)."}
    defaults: ClassVar[dict[str, Any]] = {"column_hint_ja": "", "column_hint_en": ""}


class BadValue(InputError):
    code = "E205"
    message_ja = "{where_ja}: 値「{value}」は使えません ({detail_ja})。"
    message_en = "{where_en}: value '{value}' is not allowed ({detail_en})."


class DuplicateSku(InputError):
    code = "E206"
    message_ja = "{where_ja}: コード「{sku}」が重複しています ({detail_ja})。"
    message_en = "{where_en}: code '{sku}' appears more than once ({detail_en})."


class InputProblems(InputError):
    """Many problems of one file, reported together; ``problems`` holds the single errors."""

    code = "E210"
    message_ja = "{file} に {count} 件の問題があります。何も取り込んでいません。"
    message_en = "{file} has {count} problem(s); nothing was imported."


class ExcelErrorValue(InputError):
    code = "E207"
    message_ja = "{where_ja}: Excel のエラー値「{value}」があります。元の数式を直してください。"
    message_en = "{where_en}: Excel error value '{value}'; fix the formula it comes from."


class PresetMismatch(InputError):
    code = "E208"
    message_ja = ("{where_ja}: 見出しが形式「{preset}」と合いません。形式「{suggested}」と一致します。"
                  "zaiko.toml の [{section}] に {key} = \"{suggested}\" と書いてください。")
    message_en = ("{where_en}: the headers do not fit the layout '{preset}' but fit '{suggested}'. "
                  "Set {key} = \"{suggested}\" in [{section}] of zaiko.toml.")


class SheetNotFound(InputError):
    code = "E209"
    message_ja = "{where_ja} にシート「{wanted}」がありません (あるシート: {sheets})。"
    message_en = "{where_en} has no sheet '{wanted}' (sheets: {sheets})."


class RowTooLong(InputError):
    code = "E211"
    message_ja = ("{where_ja}: 見出しより列が多い行です (余分な値「{value}」)。"
                  "値にカンマが含まれる場合は \"…\" で囲んでください。")
    message_en = ("{where_en}: this row has more cells than the header (extra value '{value}'). "
                  "Put values that contain commas in double quotes.")


class NotAWorkbook(InputError):
    code = "E212"
    message_ja = ("{where_ja} を Excel ブックとして開けません。壊れているか、パスワードが掛かっているか、"
                  "拡張子と中身が違います ({reason})。")
    message_en = ("Cannot open {where_en} as an Excel workbook: it is damaged, password-protected, "
                  "or not what its extension says ({reason}).")


class FileMissing(InputError):
    code = "E213"
    message_ja = "ファイル {path} が見つかりません。zaiko.toml のファイル名を確認してください。"
    message_en = "File {path} not found. Check the file name in zaiko.toml."


class EmptyCell(InputError):
    code = "E214"
    message_ja = "{where_ja}: 空欄です。値を入れてください。"
    message_en = "{where_en}: the cell is empty; a value is required."


class InputWarning(InputError):
    """Base of warnings: returned with the imported frame and listed, never raised."""

    code = "E220"
    message_ja = "注意: {where_ja}: {detail_ja}"
    message_en = "Warning: {where_en}: {detail_en}"


class DuplicateRowMerged(InputWarning):
    code = "E221"
    message_ja = "注意: {where_ja}: {row_first}行目と同じ内容の行です。1 行にまとめました。"
    message_en = "Warning: {where_en}: same content as row {row_first}; merged into one row."


class AvailableMismatch(InputWarning):
    code = "E222"
    message_ja = "注意: {where_ja}: 有効在庫 {available} が 実在庫−引当 ({expected}) と一致しません。"
    message_en = "Warning: {where_en}: available {available} is not on hand minus reserved ({expected})."


class OverAllocated(InputWarning):
    code = "E223"
    message_ja = "注意: {where_ja}: 引当 {reserved} が実在庫 {on_hand} を超えています (有効在庫がマイナス)。"
    message_en = "Warning: {where_en}: reserved {reserved} exceeds on hand {on_hand} (negative available)."


class DuplicateHeader(InputWarning):
    code = "E224"
    message_ja = "注意: {where_ja}: 同じ意味の列が複数あります。最初の列「{used}」を使います。"
    message_en = "Warning: {where_en}: more than one column means the same; using the first, '{used}'."


# ---------------------------------------------------------------- E23x workbook sheets (issue 5)
class SheetMissing(InputError):
    code = "E230"
    message_ja = "ブック {file} にシート「{sheet}」がありません。"
    message_en = "Workbook {file} has no sheet '{sheet}'."
    hint_ja = "シート名を変えた場合は元に戻すか、テンプレート (workbook/template.xlsm) から作り直してください。"
    hint_en = "If the sheet was renamed, rename it back, or start again from workbook/template.xlsm."


class SheetLayoutChanged(InputError):
    code = "E231"
    message_ja = "{where_ja}: 見出しが「{found}」になっています (zaiko-xl の見出しは「{expected}」)。列の挿入・削除をしないでください。"
    message_en = "{where_en}: the header reads '{found}' (zaiko-xl's header is '{expected}'). Do not insert or delete columns here."


class TableTooLarge(InputError):
    code = "E232"
    message_ja = "シート「{sheet}」に書く行が {rows} 行あり、上限 {limit} 行を超えています。"
    message_en = "Sheet '{sheet}' would get {rows} rows, more than its limit of {limit}."
# ---------------------------------------------------------------- E26x replenishment (issue 7)
# Row-level problems of the replenishment inputs. A UDF shows them in the cell as
# ``#E263 ...``; the reorder service lists them and still plans every other row.
class ReorderInputError(InputError):
    code = "E260"
    message_ja = "発注計算の入力エラー: {detail}"
    message_en = "Replenishment input error: {detail}"


class NotANumber(ReorderInputError):
    code = "E261"
    message_ja = "「{column}」が空か数値でない"
    message_en = "'{column}' is empty or not a number"


class NegativeValue(ReorderInputError):
    code = "E262"
    message_ja = "「{column}」が負の値"
    message_en = "'{column}' is negative"


class ServiceLevelOutOfRange(ReorderInputError):
    code = "E263"
    message_ja = "「{column}」は0より大きく1未満に"
    message_en = "'{column}' must be in (0, 1)"


class EmptyHistory(ReorderInputError):
    code = "E264"
    message_ja = "需要履歴なし(除外後0日)"
    message_en = "no demand history left after exclusions"


class LeadTimePastCalendar(ReorderInputError):
    code = "E265"
    message_ja = "納期が休日カレンダーの範囲外"
    message_en = "lead time runs past the holiday calendar"


class UnknownChoice(ReorderInputError):
    code = "E266"
    message_ja = "「{column}」の値が不明 ({choices})"
    message_en = "'{column}': unknown value ({choices})"


class FillRateNeedsLot(ReorderInputError):
    code = "E267"
    message_ja = "充足率にはロット(>0)か発注間隔が必要"
    message_en = "a fill rate needs a lot > 0 or a review period"


class RangeShapeMismatch(ReorderInputError):
    code = "E268"
    message_ja = "範囲の行数が不一致"
    message_en = "the ranges differ in row count"


class NotAWholeNumber(ReorderInputError):
    code = "E269"
    message_ja = "「{column}」は{minimum}以上の整数に"
    message_en = "'{column}' must be a whole number >= {minimum}"


class NotADate(ReorderInputError):
    code = "E270"
    message_ja = "「{column}」が日付でない"
    message_en = "'{column}' is not a date"


class UnknownSupplier(ReorderInputError):
    code = "E271"
    message_ja = "SKU {sku} の仕入先「{supplier}」が仕入先一覧にありません"
    message_en = "SKU {sku}: supplier '{supplier}' is not in the supplier list"


class NotEncodable(ReorderInputError):
    code = "E272"
    message_ja = "{where_ja}: 「{char}」は Shift_JIS (CP932) で書けません"
    message_en = "{where_en}: '{char}' cannot be written in Shift_JIS (CP932)"


class LotRequired(ReorderInputError):
    code = "E274"
    message_ja = "固定ロット方式にはロット(>0)が必要"
    message_en = "the fixed_lot rule needs a lot > 0"


class NotPositive(ReorderInputError):
    code = "E275"
    message_ja = "「{column}」は0より大きい値に"
    message_en = "'{column}' must be greater than 0"


REORDER_ROW_ERRORS: dict[str, type[ReorderInputError]] = {
    cls.code: cls for cls in (NotANumber, NegativeValue, ServiceLevelOutOfRange, EmptyHistory,
                              LeadTimePastCalendar, UnknownChoice, FillRateNeedsLot, RangeShapeMismatch,
                              NotAWholeNumber, NotADate, UnknownSupplier, LotRequired, NotPositive)
}


def reorder_row_error(code: str, **context: Any) -> ReorderInputError:
    """The error of one replenishment row from the code a vectorised check recorded."""
    return REORDER_ROW_ERRORS[code](**context)


# ---------------------------------------------------------------- E3xx RMS API
class ApiError(ZaikoError):
    code = "E300"
    exit_code = 5
    message_ja = "RMS API エラー: {detail}"
    message_en = "RMS API error: {detail}"


class ApiUnavailable(ApiError):
    code = "E301"
    message_ja = "RMS に接続できません ({endpoint}): {detail}"
    message_en = "Cannot reach RMS ({endpoint}): {detail}"
    hint_ja = "API が止まっている場合は zaiko-xl export-rms-csv で CSV を作り、RMS から手動で取り込めます。"
    hint_en = "If the API is down, `zaiko-xl export-rms-csv` writes a CSV you can upload in RMS by hand."


class ApiAuthError(ApiError):

    code = "E302"
    message_ja = "RMS の認証に失敗しました ({endpoint}, HTTP {status}, {rms_code})。"
    message_en = "RMS rejected the credentials ({endpoint}, HTTP {status}, {rms_code})."
    hint_ja = "サービスシークレットとライセンスキーを確認してください (zaiko-xl doctor)。"
    hint_en = "Check the service secret and license key (`zaiko-xl doctor`)."


_RENEW_HINT_JA = ("RMS にログインし「店舗様向け情報・サービス > WEB APIサービス > 利用設定」のアプリ詳細で"
                  "「ライセンスキー発行」を押して新しいキーを発行し、環境変数 ZAIKO_RMS_LICENSE_KEY か"
                  "キーリング (python -m keyring set zaiko-xl rms_license_key) に設定してください。")
_RENEW_HINT_EN = ("Log in to RMS, open WEB API service > usage settings > your app's details, press "
                  "'issue license key', and set the new key in ZAIKO_RMS_LICENSE_KEY or the keyring "
                  "(`python -m keyring set zaiko-xl rms_license_key`).")


class LicenseExpired(ApiError):
    code = "E303"
    message_ja = "RMS のライセンスキーの有効期限が切れています (期限 {expiry})。"
    message_en = "The RMS license key has expired (expiry {expiry})."
    hint_ja = _RENEW_HINT_JA
    hint_en = _RENEW_HINT_EN


class ApiRejected(ApiError):
    code = "E304"
    message_ja = "RMS が要求を拒否しました ({endpoint}, HTTP {status}, {rms_code}): {detail}"
    message_en = "RMS rejected the request ({endpoint}, HTTP {status}, {rms_code}): {detail}"


class ApiBadResponse(ApiError):
    code = "E305"
    message_ja = "RMS の応答を解釈できません ({endpoint}): {detail}"
    message_en = "Cannot understand the RMS response ({endpoint}): {detail}"


class WriteOutcomeUnknown(ApiError):
    code = "E306"
    message_ja = "RMS への書き込みの結果が不明です ({endpoint}, SKU {sku})。再読込で確認できませんでした。"
    message_en = "The outcome of a write to RMS is unknown ({endpoint}, SKU {sku}); reading back did not settle it."
    hint_ja = "zaiko-xl push --resume で再開すると、読み直してから続行します。"
    hint_en = "`zaiko-xl push --resume` reads back first and then continues."


class InvalidRmsCode(ApiError):
    """A SKU RMS would refuse (code format, quantity range, duplicate); nothing was sent."""

    code = "E307"
    message_ja = "SKU {sku}: {detail_ja}。RMS には何も送信していません (問題のある SKU {count} 件)。"
    message_en = "SKU {sku}: {detail_en}. Nothing was sent to RMS ({count} SKU(s) with problems)."


class RmsSkuRejected(ApiError):
    """RMS refused one element of a request; ``sku`` is taken from the error's propertyPath."""

    code = "E308"
    message_ja = "RMS が SKU {sku} を拒否しました ({endpoint}, HTTP {status}, {rms_code}): {detail}"
    message_en = "RMS refused SKU {sku} ({endpoint}, HTTP {status}, {rms_code}): {detail}"


class PartialWrite(ApiError):
    """A multi-batch write stopped part way; the context lists what was and was not applied."""

    code = "E309"
    message_ja = ("RMS への書き込みが途中で止まりました: {applied} 件反映済み、{not_applied} 件未反映。"
                  "原因: {cause_ja}")
    message_en = ("The write to RMS stopped part way: {applied} SKU(s) applied, {not_applied} not applied. "
                  "Cause: {cause_en}")
    hint_ja = "反映済みの SKU はそのままです。原因を直してから、未反映の分だけ再実行してください。"
    hint_en = "The applied SKUs stay as they are; fix the cause and send only the rest again."


class LicenseRejected(ApiAuthError):
    code = "E310"
    message_ja = ("RMS がライセンスキーを受け付けません ({endpoint}, HTTP {status}, {rms_code})。"
                  "期限切れ、または新しいキーの発行で無効になった可能性があります。")
    message_en = ("RMS does not accept the license key ({endpoint}, HTTP {status}, {rms_code}); it has "
                  "expired or was replaced by a newly issued key.")
    hint_ja = _RENEW_HINT_JA
    hint_en = _RENEW_HINT_EN


class FunctionNotEnabled(ApiError):
    code = "E311"
    message_ja = "RMS のアプリで機能「{function}」が有効になっていません ({endpoint}, HTTP {status})。"
    message_en = "The function '{function}' is not enabled for your RMS app ({endpoint}, HTTP {status})."
    hint_ja = "RMS の WEB APIサービス > 利用設定 > 利用機能編集 で「{function}」にチェックを入れてください。"
    hint_en = "Tick '{function}' in RMS: WEB API service > usage settings > edit functions."


class RangeTooCrowded(ApiError):
    code = "E312"
    message_ja = "在庫数 {quantity} の SKU が 1000 件を超えるため、RMS の範囲取得では一覧できません。"
    message_en = "More than 1000 SKUs have stock {quantity}; RMS's range query cannot list them."
    hint_ja = "商品マスタ (商品管理番号と SKU管理番号の一覧) を指定して取り込んでください。"
    hint_en = "Pull with the item master (the list of manageNumber and variantId) instead."


class CrowdedQuantitySkipped(ApiError):
    """A warning of ``pull`` (never raised): the search for SKUs not in 商品マスタ skipped some quantities."""

    code = "E313"
    message_ja = ("在庫数 {quantity} は RMS にそれぞれ 1000 件を超える SKU があり範囲取得で一覧できないため、"
                  "その在庫数の商品マスタにない SKU は確認できませんでした (取込は続行)。")
    message_en = ("RMS has more than 1000 SKUs at each of the stock values {quantity}, too many for its range query; "
                  "SKUs at those values were not checked against 商品マスタ (the pull went on).")
    hint_ja = "その在庫数の SKU がすべて商品マスタにあるか、RMS の商品一覧で確認してください。"
    hint_en = "Check in RMS's item list that the SKUs at those stock values are all in 商品マスタ."


# ---------------------------------------------------------------- E4xx rules and guards
class RuleViolation(ZaikoError):
    code = "E400"
    exit_code = 6
    message_ja = "ルール違反: {detail}"
    message_en = "Rule violated: {detail}"


class GuardTripped(RuleViolation):
    code = "E401"
    message_ja = "安全装置が作動しました: {detail_ja}"
    message_en = "A safety guard tripped: {detail_en}"
    hint_ja = "内容を確認し、問題なければ --yes で実行してください (上限内の場合のみ)。"
    hint_en = "Review the plan; if it is right, run again with --yes (only within the hard limits)."


class StalePull(RuleViolation):
    code = "E402"
    message_ja = "取込データが古すぎます ({age_min} 分前、上限 {limit_min} 分)。先に zaiko-xl pull を実行してください。"
    message_en = "The pulled data is too old ({age_min} min, limit {limit_min} min). Run `zaiko-xl pull` first."


class GuardHardLimit(RuleViolation):
    """A push plan past a hard limit: never sent, not even with --yes (push section)."""

    code = "E403"
    message_ja = "安全装置の上限を超えているため送信しません: {detail_ja}"
    message_en = "Not sent: the plan is past a hard safety limit: {detail_en}"
    hint_ja = ("--yes でも送信できません。取込データを確認してください。意図した変更なら zaiko.toml の "
               "[push] hard_max_* を変更してください。")
    hint_en = ("--yes does not override this. Check the pulled data; if the change is intended, raise "
               "[push] hard_max_* in zaiko.toml.")


class ConfirmationNeeded(RuleViolation):
    """A push was not confirmed: declined, or nobody could be asked (push section)."""

    code = "E404"
    message_ja = "反映は確認されなかったため送信していません ({count} 件の SKU)。"
    message_en = "The push was not confirmed, so nothing was sent ({count} SKU(s))."
    hint_ja = "内容を確認して再実行してください。スケジューラなど対話できない実行では --yes を付けます。"
    hint_en = "Review it and run again; runs that cannot ask (schedulers) need --yes."


class PushPlanChanged(RuleViolation):
    """The workbook gave another plan than the one a person confirmed (push section, the button)."""

    code = "E405"
    message_ja = "確認した後で反映計画が変わったため送信していません (今の計画: {count} 件の SKU)。"
    message_en = "The push plan changed after it was confirmed, so nothing was sent (now {count} SKU(s))."
    hint_ja = "「反映計画」シートを確認し、もう一度「RMSへ反映」を押してください。"
    hint_en = "Check the sheet 反映計画 and press RMSへ反映 again."


# ---------------------------------------------------------------- E45x stock identity, set products, ledger (domain)
class BomCycle(RuleViolation):
    code = "E450"
    message_ja = "セット構成が循環しています: {cycle}"
    message_en = "The set structure is circular: {cycle}"
    hint_ja = "セット構成 (セット構成シート / bom.csv) で、セットが自分自身を含まないように直してください。"
    hint_en = "Fix the set structure (the セット構成 sheet / bom.csv) so that no set contains itself."


class BomInvalid(RuleViolation):
    code = "E451"
    message_ja = "セット構成が不正です (セット {set_sku}、構成品 {component_sku}): {detail_ja}"
    message_en = "Invalid set structure (set {set_sku}, component {component_sku}): {detail_en}"


class UnknownMovementKind(RuleViolation):
    code = "E452"
    message_ja = "台帳の区分「{kind}」は使えません ({count} 件)。使える区分: 入荷 出荷 返品 キャンセル戻し 交換 棚卸調整"
    message_en = "Unknown ledger movement kind '{kind}' ({count} row(s)); allowed: 入荷 出荷 返品 キャンセル戻し 交換 棚卸調整"


# ---------------------------------------------------------------- E5xx state: workbook, journal, locks
class StateError(ZaikoError):
    code = "E500"
    exit_code = 7
    message_ja = "状態エラー: {detail}"
    message_en = "State error: {detail}"


class WorkbookLocked(StateError):
    code = "E501"
    message_ja = "ブック {file} は Excel で開かれています ({lock_file} があります)。閉じてから再実行してください。"
    message_en = "Workbook {file} is open in Excel ({lock_file} exists). Close it and run again."


class RunInProgress(StateError):
    code = "E502"
    message_ja = "別の zaiko-xl の実行中です (PID {pid}、{started_at} 開始、{age_min} 分経過、{purpose}、ロック {lock_file})。{hung_ja}"
    message_en = ("Another zaiko-xl run is in progress (PID {pid}, started {started_at}, {age_min} min ago, "
                  "{purpose}, lock {lock_file}).{hung_en}")


class RunNotFound(StateError):
    code = "E503"
    message_ja = "実行 ID {run_id} がジャーナル {journal} にありません。"
    message_en = "Run ID {run_id} is not in the journal {journal}."


class RunUnfinished(StateError):
    """A push run was interrupted and must be completed before another write (push section)."""

    code = "E520"
    message_ja = "中断した反映 {run_id} が残っています ({done}/{total} 件のバッチ完了)。"
    message_en = "The push {run_id} was interrupted ({done}/{total} batches done)."
    hint_ja = "zaiko-xl push --resume で完了させてから再実行してください。"
    hint_en = "Complete it with `zaiko-xl push --resume`, then run again."


class RunAlreadyRolledBack(StateError):
    code = "E521"
    message_ja = "反映 {run_id} は既に取り消し済みです (取消の実行 ID {rollback_id})。"
    message_en = "The push {run_id} has already been rolled back (rollback run {rollback_id})."


class RunNotRollbackable(StateError):
    code = "E522"
    message_ja = "実行 {run_id} は取り消せません: {detail_ja}"
    message_en = "The run {run_id} cannot be rolled back: {detail_en}"


# ---------------------------------------------------------------- E51x workbook file (issue 5)
class WorkbookWriteFailed(StateError):
    code = "E510"
    message_ja = "ブック {file} を保存できませんでした ({detail})。元のファイルは変更していません。"
    message_en = "Could not save workbook {file} ({detail}). The original file is unchanged."


class WorkbookExists(StateError):
    code = "E511"
    message_ja = "ブック {file} は既にあります。新しいブックで上書きしません。"
    message_en = "Workbook {file} already exists; a new workbook is not written over it."
class JournalTooNew(StateError):
    code = "E504"
    message_ja = "ジャーナル {journal} は新しい版の zaiko-xl で作られています (版 {found}、この版は {known} まで)。"
    message_en = "The journal {journal} was made by a newer zaiko-xl (schema {found}; this version knows up to {known})."
    hint_ja = "zaiko-xl を更新してください。"
    hint_en = "Update zaiko-xl."


class JournalUnreadable(StateError):
    code = "E505"
    message_ja = "ジャーナル {journal} を読み書きできません: {detail}"
    message_en = "Cannot read or write the journal {journal}: {detail}"
    hint_ja = ("フォルダの書き込み権限と空き容量、他のプログラムが開いていないかを確認してください。ファイルが壊れている"
               "場合は別名で退避すると新しいジャーナルで続行できます (差異・KPI・反映の履歴は失われます)。")
    hint_en = ("Check the folder's write permission and free space, and that no other program holds the file. If the "
               "file is damaged, move it aside to continue with a new journal (its history of differences, KPIs and "
               "pushes is lost).")
# ---------------------------------------------------------------- E7xx operations: KPI, notifications, doctor, pilot
class OpsError(ZaikoError):
    code = "E700"
    exit_code = 9
    message_ja = "運用エラー: {detail}"
    message_en = "Operations error: {detail}"


class KpiInputInvalid(OpsError):
    code = "E701"
    message_ja = "KPI の入力「{frame}」が不正です: {detail_ja}"
    message_en = "KPI input '{frame}' is not valid: {detail_en}"


class KpiNoData(OpsError):
    code = "E702"
    message_ja = "KPI を計算できる履歴がありません (期間 {start}〜{end})。"
    message_en = "No history to compute KPIs from ({start} to {end})."
    hint_ja = "zaiko-xl pull を毎日実行すると履歴が貯まります (導入前の基準値もこの履歴から取ります)。"
    hint_en = "Run `zaiko-xl pull` daily to build the history (the pre-go-live baseline comes from it too)."


class KpiNotRecorded(OpsError):
    """Reported as a warning of the pull (its sheets are written), not raised."""

    code = "E703"
    message_ja = "取込は完了しました (シートは書き込み済み) が、KPI 履歴 ({frames}) を記録できませんでした: {code} {detail_ja}"
    message_en = "The pull is done (its sheets are written), but the KPI history ({frames}) was not recorded: {code} {detail_en}"
    hint_ja = "次回の取込でその日の数値を記録し直します。続く場合は zaiko-xl doctor でジャーナルを確認してください。"
    hint_en = "The next pull records the day again; if this persists, check the journal with `zaiko-xl doctor`."


class NotifyNotConfigured(OpsError):
    code = "E710"
    message_ja = "通知先が設定されていません。"
    message_en = "No notification channel is configured."
    hint_ja = ("zaiko.toml の [notify] に smtp_host と mail_to を書くか、環境変数 ZAIKO_NOTIFY_WEBHOOK_URL を"
               "設定してください。")
    hint_en = "Set smtp_host and mail_to under [notify] in zaiko.toml, or the ZAIKO_NOTIFY_WEBHOOK_URL variable."


class NotifyFailed(OpsError):
    code = "E711"
    message_ja = "通知を送れませんでした ({channel}): {detail}"
    message_en = "Could not send the notification ({channel}): {detail}"
    hint_ja = "通知先の設定と接続を zaiko-xl doctor で確認してください。次回の実行で再送します。"
    hint_en = "Check the channel's settings and connection with `zaiko-xl doctor`; the next run sends it again."


class DoctorFailed(OpsError):
    code = "E730"
    message_ja = "点検 {total} 件のうち {failed} 件が失敗しました: {names}"
    message_en = "{failed} of {total} checks failed: {names}"
    hint_ja = "各行の「対処」に従って直し、もう一度 zaiko-xl doctor を実行してください。"
    hint_en = "Follow the fix on each line, then run `zaiko-xl doctor` again."


class UnknownRmsFunction(OpsError):
    code = "E731"
    message_ja = "[doctor] functions の「{function}」は点検できる RMS の機能ではありません。"
    message_en = "'{function}' in [doctor] functions is not an RMS function zaiko-xl can check."
    hint_ja = "点検できる機能: {known}"
    hint_en = "Functions it can check: {known}"


class PilotSkusUnknown(OpsError):
    code = "E740"
    message_ja = "並行稼働の対象 SKU {count} 件が見つかりません (例: {examples})。"
    message_en = "{count} pilot SKU(s) are not in the data (e.g. {examples})."
    hint_ja = "zaiko.toml の [pilot] skus を自社コードで書いてください。"
    hint_en = "Write [pilot] skus in zaiko.toml as the shop's own codes (自社コード)."


# ---------------------------------------------------------------- E9xx
class NotBuiltYet(ZaikoError):
    code = "E901"
    exit_code = 8
    message_ja = "コマンド「{command}」はまだ実装されていません。"
    message_en = "The command '{command}' is not built yet."


def all_error_classes() -> list[type[ZaikoError]]:
    """Every class of the tree (for the docs test and the README catalogue)."""
    seen: list[type[ZaikoError]] = []
    stack: list[type[ZaikoError]] = [ZaikoError]
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return sorted(seen, key=lambda c: c.code)
