"""Sends a journaled push run to RMS batch by batch, exactly once per SKU.

The write protocol (why RELATIVE, and how an unknown outcome is settled)
=======================================================================

Orders keep arriving while we push (楽天スーパーSALE: several per second). RMS takes each
order's units off its stock the moment the order is placed. Between our pull (when we read
the value ``before``) and the moment our write lands, RMS may have sold units we do not know
about yet.

* ``ABSOLUTE target`` would overwrite those sales: RMS would show units that are already
  sold, i.e. oversell by exactly the orders of the read-write window. Correcting it
  afterwards needs a second write, which is again racing new orders.
* ``RELATIVE (target - before)`` is applied by RMS atomically on top of whatever the orders
  left: the result is ``target - (units sold since the pull)``, exactly the stock we want.
  Orders during the push are kept by construction, with no correction step.

So every SKU RMS already has a record of is written RELATIVE; only SKUs without a record are
written ABSOLUTE (RELATIVE needs a record, IE0500; a SKU without a record cannot have been
sold, so there is no window to lose).

RELATIVE is not idempotent: sending a delta twice applies it twice. Hence, per batch:

1. read the batch's SKUs (``pre``), clamp each delta so the result stays in 0..99,999,
   and journal ``pre`` and state ``sending`` (committed, fsync'ed) *before* the request;
2. send once; 204 -> ``applied``. 429/409/refused connections are retried by the client
   (certainly not applied). A timeout, a dropped connection or a 5xx -> ``unknown``: never
   sent again as is;
3. an ``unknown`` (or, after kill -9, ``sending``) batch is settled after ``settle_s`` by
   reading it back and comparing each SKU with its journaled ``pre``
   (``domain.push_run.settle``): moved by its delta -> applied; unchanged -> not applied
   (then, and only then, it is sent again with a fresh ``pre``); changed otherwise -> an
   order moved it too; the batch is decided by its clear SKUs (RMS applies a bulk-upsert as
   a whole), so noisy SKUs follow their batch;
4. what stays undecided is reported (E306) and never guessed: the run ends ``unsettled``.

``push --resume`` runs the same loop on the journaled run: batches ``applied`` are skipped,
``sending``/``unknown`` are settled first, ``planned`` are sent. Nothing is applied twice
because nothing is re-sent without a read-back proving it was not applied.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.domain.model import RMS_MAX_STOCK, RmsSkuKey
from zaiko_xl.domain.push_run import BatchState, Outcome, RunRecord, RunState, rms_keys, settle
from zaiko_xl.domain.rms import StockChange, UpsertMode
from zaiko_xl.errors import ApiRejected, ApiUnavailable, RmsSkuRejected, WriteOutcomeUnknown
from zaiko_xl.ports import NullProgress, Progress, PushJournal, RmsStockWriter

_TO_SEND = (None, Outcome.NOT_APPLIED.value)
_SENT = (None, Outcome.UNKNOWN.value)


@dataclass
class ExecutionStats:
    requests: int = 0
    settled: int = 0
    resent: int = 0
    notes: list[str] = field(default_factory=list)


class BatchExecutor:
    """Runs the batches of one journaled run (new or resumed) to the end."""

    def __init__(self, record: RunRecord, *, rms: RmsStockWriter, journal: PushJournal, now: Callable[[], datetime],
                 sleep: Callable[[float], None], settle_s: float = 2.0, settle_rounds: int = 5,
                 progress: Progress | None = None) -> None:
        self.run_id = record.header.run_id
        self.rms, self.journal, self.now, self.sleep = rms, journal, now, sleep
        self.settle_s, self.settle_rounds = settle_s, settle_rounds
        self.progress = progress or NullProgress()
        items = record.items.copy()
        items["outcome"] = items["outcome"].astype(object).where(items["outcome"].notna(), None)
        self.items = items.assign(key=rms_keys(items)).set_index("seq", drop=False)
        self.batches = {int(b.batch_no): {"mode": b.mode, "state": BatchState(b.state), "sent_at": b.sent_at,
                                          "done_at": b.done_at if BatchState(b.state) is BatchState.APPLIED else None}
                        for b in record.batches.itertuples()}
        self.stats = ExecutionStats()
        self._queue: deque[int] = deque()

    def run(self) -> RunState:
        """Send, settle and re-send until every batch is decided (or rounds run out)."""
        deferred = [no for no, b in sorted(self.batches.items()) if b["state"] in (BatchState.SENDING,
                                                                                      BatchState.UNKNOWN)]
        self._queue.extend(no for no, b in sorted(self.batches.items()) if b["state"] is BatchState.PLANNED)
        rounds = self.settle_rounds
        while self._queue or (deferred and rounds):
            while self._queue:
                no = self._queue.popleft()
                if self._send(no) is BatchState.UNKNOWN:
                    deferred.append(no)
                self._report()
            if deferred and rounds:
                rounds -= 1
                self._wait_for_settling(deferred)
                for no in deferred:
                    if self._settle(no) is BatchState.PLANNED:
                        self.stats.resent += 1
                        self._queue.append(no)
                deferred = []
        return self._final_state()

    # ------------------------------------------------------------------ one batch
    def _send(self, no: int) -> BatchState:
        rows = self.items[(self.items["batch_no"] == no) & self.items["outcome"].isin(_TO_SEND)]
        mode = UpsertMode(self.batches[no]["mode"])
        rows = self._prepare(rows, mode)
        sending = rows[rows["outcome"].isin(_TO_SEND)]
        self._save(no, BatchState.SENDING, rows, sent=True)
        if sending.empty:
            return self._save(no, BatchState.APPLIED, None)
        quantity = sending["delta"] if mode is UpsertMode.RELATIVE else sending["target"]
        changes = [StockChange(RmsSkuKey(m, v), int(q)) for m, v, q in
                   zip(sending["manage_number"], sending["variant_id"], quantity, strict=True)]
        self.stats.requests += 1
        try:
            self.rms.send_batch(changes, mode)
        except RmsSkuRejected as exc:
            failed = sending[sending["key"] == str(exc.context.get("sku"))].assign(outcome=Outcome.FAILED.value)
            self.stats.notes.append(exc.render("en"))
            return self._save(no, BatchState.UNKNOWN, failed, detail=exc.code)  # the rest: settle, then re-send
        except ApiRejected as exc:
            self.stats.notes.append(exc.render("en"))
            return self._save(no, BatchState.FAILED, sending.assign(outcome=Outcome.FAILED.value), detail=exc.code)
        except (WriteOutcomeUnknown, ApiUnavailable) as exc:
            return self._save(no, BatchState.UNKNOWN, None, detail=exc.code)
        return self._save(no, BatchState.APPLIED, sending.assign(outcome=Outcome.APPLIED.value))

    def _prepare(self, rows: pd.DataFrame, mode: UpsertMode) -> pd.DataFrame:
        """Read ``pre``; clamp deltas into 0..99,999; skip SKUs whose record appeared or vanished."""
        now = self._read(rows["key"]).reindex(rows["key"])
        pre = now["quantity"].to_numpy(dtype="float64", na_value=np.nan)
        rows = rows.assign(pre=pd.array(np.where(np.isnan(pre), None, pre), dtype="Int64"),
                           pre_updated=now["updated"].to_numpy(), outcome=None)
        if mode is UpsertMode.RELATIVE:
            delta = np.clip(pre + rows["delta"].to_numpy(), 0, RMS_MAX_STOCK) - pre
            rows["delta"] = np.nan_to_num(delta).astype("int64")
            rows.loc[np.isnan(pre), "outcome"] = Outcome.SKIPPED.value
            rows.loc[~np.isnan(pre) & (rows["delta"] == 0).to_numpy(), "outcome"] = Outcome.APPLIED.value
        else:
            rows.loc[~np.isnan(pre), "outcome"] = Outcome.SKIPPED.value
        return rows

    def _settle(self, no: int) -> BatchState:
        rows = self.items[(self.items["batch_no"] == no) & self.items["outcome"].isin(_SENT)]
        if rows.empty:
            return self._save(no, BatchState.APPLIED, None)
        now = self._read(rows["key"])
        settlement = settle(rows, now)
        self.stats.settled += 1
        post = now["quantity"].reindex(rows["key"]).to_numpy(dtype="float64", na_value=np.nan)
        rows = rows.assign(post=pd.array(np.where(np.isnan(post), None, post), dtype="Int64"),
                           outcome=settlement.outcomes)
        state = settlement.batch_state
        if state is None:  # a partial write: re-send what was not applied in a new batch
            retry = rows[rows["outcome"] == Outcome.NOT_APPLIED.value]
            if not retry.empty:
                new_no = max(self.batches) + 1
                self.batches[new_no] = {"mode": self.batches[no]["mode"], "state": BatchState.PLANNED, "sent_at": None,
                                        "done_at": None}
                self._save(new_no, BatchState.PLANNED, retry.assign(batch_no=new_no), mode=self.batches[no]["mode"])
                self._queue.append(new_no)
                rows = rows.drop(index=retry.index)
            undecided = rows["outcome"] == Outcome.UNKNOWN.value
            state = BatchState.UNKNOWN if undecided.any() else BatchState.APPLIED
        return self._save(no, state, rows, detail=settlement.reason)

    # ------------------------------------------------------------------ helpers
    def _read(self, keys: pd.Series) -> pd.DataFrame:
        """RMS now, indexed by key: ``quantity`` and ``updated`` (ISO text, as journaled)."""
        wanted = [RmsSkuKey(*k.split(":", 1)) for k in keys]
        frame = self.rms.get_stock(wanted)
        index = (frame["manage_number"].astype(str) + ":" + frame["variant_id"].astype(str)).to_numpy()
        updated = pd.to_datetime(frame["updated"]).dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object)
        return pd.DataFrame({"quantity": frame["quantity"].to_numpy(dtype="int64"),
                             "updated": updated.where(updated.notna(), None).to_numpy()}, index=index)

    def _save(self, no: int, state: BatchState, rows: pd.DataFrame | None, *, detail: str | None = None,
              sent: bool = False, mode: str | None = None) -> BatchState:
        at = self.now()
        columns = [c for c in ("seq", "batch_no", "pre", "pre_updated", "post", "delta", "outcome")
                   if rows is not None and c in rows]
        self.journal.update_batch(self.run_id, no, state, at=at, items=rows[columns] if rows is not None else None,
                                  detail=detail, sent=sent, mode=mode)
        if rows is not None:
            for column in columns[1:]:
                self.items.loc[rows["seq"].to_numpy(), column] = rows[column].to_numpy()
        self.batches[no]["state"] = state
        if state is BatchState.APPLIED:
            self.batches[no]["done_at"] = at.isoformat()
        if sent:
            self.batches[no]["sent_at"] = at.isoformat()
        return state

    def _wait_for_settling(self, deferred: list[int]) -> None:
        """Give a timed-out request time to land (or die) before reading it back."""
        sent = [datetime.fromisoformat(s) for no in deferred if (s := self.batches[no]["sent_at"])]
        if sent:
            remaining = (max(sent) - self.now()).total_seconds() + self.settle_s
            if remaining > 0:
                self.sleep(remaining)

    def _report(self) -> None:
        done = sum(1 for b in self.batches.values() if b["state"] in (BatchState.APPLIED, BatchState.FAILED))
        self.progress.update("RMS へ反映 / pushing to RMS", done, len(self.batches))

    def _final_state(self) -> RunState:
        if any(b["state"].open for b in self.batches.values()):
            return RunState.UNSETTLED
        if (self.items["outcome"] == Outcome.FAILED.value).any():
            return RunState.FAILED
        return RunState.DONE

    def applied_at(self) -> pd.Series:
        """When each item's batch was applied (NaT for items not applied): RMS shows them from then."""
        done = {no: b["done_at"] for no, b in self.batches.items() if b["done_at"]}
        at = pd.to_datetime(self.items["batch_no"].map(done))
        return at.where(self.items["outcome"] == Outcome.APPLIED.value)

    def counts(self) -> dict[str, int]:
        outcomes = self.items["outcome"].fillna("pending").value_counts().to_dict()
        return {"skus": len(self.items), **{str(k): int(v) for k, v in outcomes.items()}}
