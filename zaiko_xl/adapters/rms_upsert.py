"""Stock writes that never apply a change twice (bulk-upsert in batches of 400, or single PUT).

The unknown-outcome rule (also in the README):

1. Before sending, check every change (codes, duplicates, ABSOLUTE range) and refuse the
   whole call if one is wrong: nothing is sent (E307).
2. Per batch, read the batch's records first (bulk-get): ``before`` = (quantity, updated).
   RELATIVE changes on SKUs without a record, or that would leave 0..99999, are refused
   here (E307), before anything of the batch is sent.
3. Send. 204 = applied. 429, 409 or a connection that never opened = not applied: the
   transport retries. A 5xx, a timeout or a dropped connection after sending = *unknown*.
4. Unknown: wait ``settle_s``, read the batch back (``after``) and settle each SKU:
   ``after == before`` -> untouched (not applied): sent again, in a new request;
   ABSOLUTE and ``after.quantity == target`` -> applied;
   RELATIVE and ``after.quantity == before.quantity + delta`` (and ``after != before``) -> applied;
   anything else -> still unknown (something else, e.g. an order, changed the record too):
   never resent; the call stops with E306 naming those SKUs.
5. A 4xx rejection is read back as well: a SKU that holds exactly the value of the write is
   reported as applied, so a partly applied batch is never hidden.
6. Later batches are not sent after a failure; E309 reports what was applied and what was not.

Residual risk: RMS could apply a timed-out request *after* our read-back; ``settle_s``
makes that unlikely, it cannot exclude it. ``updated`` has one-second resolution, so a
record changed twice inside the second of the read-back could look untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from zaiko_xl.adapters.rms_pacing import Clock, RetryBudget, RetryPolicy
from zaiko_xl.adapters.rms_transport import Endpoint, RmsTransport, WriteUnknown
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import StockChange, UpsertMode, UpsertReport
from zaiko_xl.domain.rms_codes import MAX_QUANTITY, CodeProblem, absolute_quantity_problem, key_problem
from zaiko_xl.errors import (
    ApiError,
    ApiRejected,
    ApiUnavailable,
    InvalidRmsCode,
    PartialWrite,
    RmsSkuRejected,
    WriteOutcomeUnknown,
    ZaikoError,
)

Snapshot = tuple[int, str | None]  # (quantity, updated) as RMS reports them
SnapshotReader = Callable[[Sequence[RmsSkuKey]], Mapping[RmsSkuKey, Snapshot]]
Sender = Callable[[Sequence[StockChange], UpsertMode], None]
_INDEX = re.compile(r"^inventories\[(\d+)\]")


@dataclass
class _Tally:
    applied: list[RmsSkuKey] = field(default_factory=list)
    requests: int = 0
    read_backs: int = 0
    resent: int = 0


def settle(changes: Sequence[StockChange], mode: UpsertMode, before: Mapping[RmsSkuKey, Snapshot],
           after: Mapping[RmsSkuKey, Snapshot]) -> tuple[list[StockChange], list[StockChange], list[StockChange]]:
    """Split changes of an unknown write into (applied, untouched, unknown) by reading back."""
    applied, untouched, unknown = [], [], []
    for change in changes:
        was, now = before.get(change.key), after.get(change.key)
        if now == was:
            untouched.append(change)
        elif (now is not None and mode is UpsertMode.ABSOLUTE and now[0] == change.quantity) or (now is not None and was is not None and mode is UpsertMode.RELATIVE and now[0] == was[0] + change.quantity):
            applied.append(change)
        else:
            unknown.append(change)
    return applied, untouched, unknown


def check_changes(changes: Sequence[StockChange], mode: UpsertMode) -> None:
    """Refuse the whole call (E307, nothing sent) if any change is one RMS would refuse."""
    seen: set[RmsSkuKey] = set()
    problems: list[tuple[RmsSkuKey, CodeProblem]] = []
    for change in changes:
        problem = key_problem(change.key)
        if problem is None and mode is UpsertMode.ABSOLUTE:
            problem = absolute_quantity_problem(change.quantity)
        if problem is None and change.key in seen:
            problem = CodeProblem("key", "同じ SKU が 2 回あります", "the same SKU appears twice")
        seen.add(change.key)
        if problem:
            problems.append((change.key, problem))
    _raise_problems(problems)


def _raise_problems(problems: Sequence[tuple[RmsSkuKey, CodeProblem]]) -> None:
    if problems:
        key, first = problems[0]
        raise InvalidRmsCode(sku=str(key), detail_ja=first.detail_ja, detail_en=first.detail_en,
                             count=len(problems), skus=[str(k) for k, _ in problems])


def _check_relative(changes: Sequence[StockChange], before: Mapping[RmsSkuKey, Snapshot]) -> None:
    problems = []
    for change in changes:
        was = before.get(change.key)
        if was is None:
            problems.append((change.key, CodeProblem("quantity", "RMS に在庫レコードがないため相対指定できません",
                                                     "RMS has no stock record to add to (RELATIVE needs one)")))
        elif not 0 <= was[0] + change.quantity <= MAX_QUANTITY:
            result = was[0] + change.quantity
            problems.append((change.key, CodeProblem("quantity", f"更新後の在庫 {result} が 0〜{MAX_QUANTITY} の範囲外です",
                                                     f"the stock would become {result}, outside 0..{MAX_QUANTITY}")))
    _raise_problems(problems)


class Upserter:
    """Runs one stock write call under the unknown-outcome rule above."""

    def __init__(self, transport: RmsTransport, endpoint: Endpoint, send: Sender, read: SnapshotReader, *,
                 batch_size: int, settle_s: float, policy: RetryPolicy, clock: Clock) -> None:
        self._transport = transport
        self._endpoint = endpoint
        self._send = send
        self._read = read
        self._batch_size = batch_size
        self._settle_s = settle_s
        self._policy = policy
        self._clock = clock

    def run(self, changes: Sequence[StockChange], mode: UpsertMode) -> UpsertReport:
        changes = list(changes)
        check_changes(changes, mode)
        tally = _Tally()
        for start in range(0, len(changes), self._batch_size):
            batch = changes[start:start + self._batch_size]
            try:
                self._write_batch(batch, mode, tally)
            except ZaikoError as exc:
                raise self._stopped(exc, changes, tally) from exc
        return UpsertReport(tuple(tally.applied), tally.requests, tally.read_backs, tally.resent)

    def _stopped(self, exc: ZaikoError, changes: Sequence[StockChange], tally: _Tally) -> ZaikoError:
        """The error to raise, with what was applied; E309 wraps it once anything was applied."""
        done = {str(k) for k in tally.applied}
        unknown = set(exc.context.get("unknown_keys", [])) if isinstance(exc, WriteOutcomeUnknown) else set()
        not_applied = [str(c.key) for c in changes if str(c.key) not in done | unknown]
        if tally.applied and not isinstance(exc, WriteOutcomeUnknown):
            return PartialWrite(applied=len(done), not_applied=len(not_applied), cause_ja=exc.render("ja"),
                                cause_en=exc.render("en"),
                                applied_keys=sorted(done), not_applied_keys=not_applied, error=exc)
        exc.context.update(applied=len(done), applied_keys=sorted(done), not_applied_keys=not_applied)
        return exc

    def _write_batch(self, batch: Sequence[StockChange], mode: UpsertMode, tally: _Tally) -> None:
        pending = [c for c in batch if not (mode is UpsertMode.RELATIVE and c.quantity == 0)]
        tally.applied.extend(c.key for c in batch if c not in pending)  # adding 0 is a no-op
        budget = RetryBudget(self._policy, self._clock)
        while pending:
            before = self._read([c.key for c in pending])
            if mode is UpsertMode.RELATIVE:
                _check_relative(pending, before)
            try:
                tally.requests += 1
                self._send(pending, mode)
            except WriteUnknown as exc:
                pending = self._settle_unknown(pending, mode, before, tally, exc.detail)
                wait = budget.next_wait(None) if pending else 0.0
                if wait is None:  # read back as untouched every time: known not applied
                    raise ApiUnavailable(endpoint=self._endpoint.function,
                                         detail=f"{exc.detail}; not applied after {budget.failures} tries") from exc
                tally.resent += len(pending)
                self._clock.sleep(wait)
                continue
            except ApiRejected as exc:
                self._report_partial_rejection(pending, mode, before, tally)
                raise _name_rejected_sku(exc, pending, self._endpoint) from exc
            tally.applied.extend(c.key for c in pending)
            return

    def _settle_unknown(self, pending: Sequence[StockChange], mode: UpsertMode, before: Mapping[RmsSkuKey, Snapshot],
                        tally: _Tally, detail: str) -> list[StockChange]:
        self._clock.sleep(self._settle_s)
        try:
            after = self._read([c.key for c in pending])
        except ApiError as exc:  # cannot read back: every SKU of the batch stays unknown
            raise WriteOutcomeUnknown(endpoint=self._endpoint.function, sku=_name(pending),
                                      detail=f"{detail}; reading back failed: {exc.render('en')}",
                                      unknown_keys=[str(c.key) for c in pending], not_applied_keys=[]) from exc
        tally.read_backs += 1
        applied, untouched, unknown = settle(pending, mode, before, after)
        tally.applied.extend(c.key for c in applied)
        if unknown:
            raise WriteOutcomeUnknown(endpoint=self._endpoint.function, sku=_name(unknown), detail=detail,
                                      unknown_keys=[str(c.key) for c in unknown],
                                      not_applied_keys=[str(c.key) for c in untouched])
        return untouched

    def _report_partial_rejection(self, pending: Sequence[StockChange], mode: UpsertMode,
                                  before: Mapping[RmsSkuKey, Snapshot], tally: _Tally) -> None:
        """RMS refused the batch (so by default nothing was applied): read back, and report any
        SKU that nevertheless holds exactly the value this write would have given it."""
        try:
            after = self._read([c.key for c in pending])
        except ApiError:
            return  # the rejection itself is what we report; the read-back is best effort
        tally.read_backs += 1
        applied, _untouched, _changed_by_others = settle(pending, mode, before, after)
        tally.applied.extend(c.key for c in applied)


def _name(changes: Sequence[StockChange]) -> str:
    return str(changes[0].key) + (f" (+{len(changes) - 1})" if len(changes) > 1 else "")


def _name_rejected_sku(exc: ApiError, pending: Sequence[StockChange], endpoint: Endpoint) -> ApiError:
    """A rejection that points at an element (propertyPath ``inventories[i]...``) names its SKU."""
    if not isinstance(exc, ApiRejected):
        return exc
    for code, message, path in exc.context.get("errors", []):
        found = _INDEX.match(path)
        if found and int(found[1]) < len(pending):
            key = pending[int(found[1])].key
            return RmsSkuRejected(sku=str(key), endpoint=endpoint.function, status=exc.context.get("status"),
                                  rms_code=code, detail=message, errors=exc.context.get("errors"))
    if len(pending) == 1:
        return RmsSkuRejected(sku=str(pending[0].key), endpoint=endpoint.function, status=exc.context.get("status"),
                              rms_code=exc.context.get("rms_code"), detail=exc.context.get("detail"))
    return exc
