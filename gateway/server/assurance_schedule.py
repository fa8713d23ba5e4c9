"""The gateway proves its own controls on a schedule (settings ``assurance.interval_s``).

Every interval, the assurance probes (``gateway.assurance``: the same ones ``aigw assure``
sends) go through this gateway's own API listener as an ordinary client, with credentials
made for the run and revoked after it. The run's results are evidence: stored, hash-chained,
in the audit database with the policy version in force; each failed control raises a
CONTROL_FAILURE incident and every result reaches ``/metrics``, so a control switched off by
a policy edit, a detector regression or a dead worker pool is noticed within one interval.

A run that cannot even reach the listeners (or dies half-way) is itself a failed control,
``assurance_run``: an assurance schedule that stopped proving anything must not look quiet.
One worker per machine runs it (``server.workers``); a failure to store the evidence is
logged and counted, and the next run tries again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping

import structlog

from detectors.base import Category
from gateway.assurance import data_rules, runner
from gateway.assurance.credentials import RunCredentials
from gateway.assurance.plan import ANSWER_TARGET, DATA_TARGETS, STREAM_TARGET
from gateway.assurance.probes import Result
from gateway.incidents.assurance_runs import AssuranceRun, ControlOutcome, RunRejected, new_run_id, record_run
from gateway.lifecycle.state import GatewayState
from gateway.policy.policy import Policy
from gateway.promptlog.store import now_us
from gateway.server import assurance_spool
from gateway.supervise import BackgroundTask

log = structlog.get_logger("aigw")
LEAKED = "sent as is"  # how a probe says the planted value reached the provider unchanged
FAILED_CLOSED = "the control is not operating"  # how a probe says a fail-closed gateway refused it
MAX_UNRECORDED = 168  # a week of hourly runs waits in memory for the store to come back
RUN_CONTROL = "assurance_run"  # the run itself: its probes reached the gateway and came back
# Controls whose failure means data may be passing unprotected: their incidents are critical. Derived from
# the probes' own targets, so a new data probe is one without a second list to keep.
DATA_CONTROLS = frozenset(
    {t.control for t in (*DATA_TARGETS, STREAM_TARGET, ANSWER_TARGET) if t.category is not Category.INJECTION}
    | {data_rules.CONTROL}
)


class AssuranceSchedule:
    def __init__(self, state: GatewayState, api_url: str, admin_url: str, environ: Mapping[str, str]) -> None:
        self._state, self._api_url, self._admin_url, self._environ = state, api_url, admin_url, environ
        self._settings = state.settings.assurance
        self._task: BackgroundTask | None = None
        self.last: AssuranceRun | None = None  # the last finished run (the evidence store keeps them all)
        self._unrecorded: deque[AssuranceRun] = deque(maxlen=MAX_UNRECORDED)  # refused by the store so far
        self._spool = assurance_spool.spool_path(state.settings.prompt_log.spool_path)

    def start(self) -> None:
        self._unrecorded.extend(assurance_spool.load(self._spool))  # refused before a restart: stored first
        assurance_spool.save(self._spool, ())
        if self._settings.interval_s <= 0:
            return
        metrics = self._state.metrics
        metrics.assurance.started(self._settings.interval_s, time.time())
        self._task = BackgroundTask("control_assurance", self._forever, metrics)
        self._task.start()

    async def stop(self) -> None:
        if self._task is not None:
            await self._task.stop()
            self._task = None
        if self._unrecorded:  # still refused by the store: kept on disk for the next start
            await asyncio.to_thread(assurance_spool.save, self._spool, list(self._unrecorded))

    async def _forever(self) -> None:
        await asyncio.sleep(self._settings.first_run_after_s)
        while True:
            started = time.monotonic()
            await self.run_once()
            await asyncio.sleep(max(0.0, self._settings.interval_s - (time.monotonic() - started)))

    async def run_once(self, origin: str = "schedule") -> AssuranceRun:
        """Probe every control now; store, count and report what was found."""
        state = self._state
        policy = state.policy
        run_id, started_us = new_run_id(), now_us()
        expected = "every probe reaches the gateway and is answered"
        try:
            results = await self._probe(policy)
        except Exception as exc:  # whatever stopped the run, the run is the failed control
            where = "the key store" if isinstance(exc, CredentialsUnavailable) else self._api_url
            seen = f"the probes could not complete ({where}): {type(exc).__name__}"
            results = [Result(RUN_CONTROL, "fail", expected, seen)]
        else:
            results.insert(0, Result(RUN_CONTROL, "pass", expected, f"{len(results)} probes and checks completed"))
        if state.policy.version != policy.version:  # a reload mid-run: its probes met two policies
            results = [_unjudged(r, policy.version, state.policy.version) for r in results]
        outcomes = tuple(ControlOutcome.of(r) for r in results)
        run = AssuranceRun(run_id, started_us, now_us(), origin, policy.id, policy.version, outcomes)
        await self._record(run)
        state.metrics.assurance.observe(((o.control, o.status) for o in outcomes), run.finished_us / 1_000_000)
        for outcome in outcomes:
            if outcome.status == "fail":
                state.incidents.observe_control_failure(outcome.control, outcome.seen, run_id, _exposed(outcome))
        log.info("control_assurance_run", run=run_id, failed=list(run.failed), controls=len(outcomes))
        self.last = run
        return run

    async def _probe(self, policy: Policy) -> list[Result]:
        settings = self._state.settings
        opening = asyncio.ensure_future(asyncio.to_thread(RunCredentials.open, settings, self._environ))
        try:
            credentials = await asyncio.shield(opening)
        except asyncio.CancelledError:  # a stop while the key and token are being made: the thread goes on
            opening.add_done_callback(_revoke_when_made)
            raise
        except Exception as exc:
            raise CredentialsUnavailable(type(exc).__name__) from exc
        try:
            target = runner.Target(
                self._api_url, self._admin_url, credentials.key, credentials.admin_token, credentials.revoked_key
            )
            return await runner.run(settings, policy, target, self._settings.wait_s, credentials=credentials)
        finally:
            try:
                await asyncio.to_thread(credentials.close)
            except Exception as exc:  # keys outliving their run are logged, not fatal
                log.error("control_assurance_credentials_not_revoked", error_type=type(exc).__name__)

    async def _record(self, run: AssuranceRun) -> None:
        """Store the run, after any earlier ones the store refused (kept in memory, oldest first, up to
        MAX_UNRECORDED): the evidence of a store outage is exactly the runs made during it."""
        self._unrecorded.append(run)
        while self._unrecorded:
            pending = self._unrecorded[0]
            try:
                await record_run(self._state.prompt_log.store, pending)
            except RunRejected as exc:  # never storable as given: logged, not retried
                log.error("control_assurance_run_rejected", run=pending.run_id, error_type=type(exc).__name__)
            except Exception as exc:  # the store down, read-only, locked: the next run tries again
                log.error("control_assurance_not_recorded", run=pending.run_id, error_type=type(exc).__name__)
                self._state.incidents.observe_logging_failure("assurance_run_not_recorded")
                return
            self._unrecorded.popleft()


def _revoke_when_made(opening: asyncio.Future[RunCredentials]) -> None:
    """Credentials made for a run that was stopped meanwhile: revoked (in a thread) as soon as they exist."""
    if not opening.cancelled() and opening.exception() is None:
        asyncio.get_running_loop().run_in_executor(None, opening.result().close)


def _unjudged(result: Result, before: str, after: str) -> Result:
    """A result of a run the policy changed under: neither a pass nor a failure of either policy (a
    legitimate change landing mid-run must not page anyone); the next run judges the new policy."""
    seen = f"not judged: the policy changed during the run ({before} to {after})"
    return Result(result.control, "skip", result.expected, seen)


def _exposed(outcome: ControlOutcome) -> bool:
    """A data control that failed other than by failing closed: real data may be passing unprotected
    (critical). A refusal because detection or the log could not run kept callers safe (high)."""
    if outcome.control not in DATA_CONTROLS:
        return False
    return LEAKED in outcome.seen or FAILED_CLOSED not in outcome.seen  # one rule's leak outweighs another's refusal


class CredentialsUnavailable(Exception):
    """The run's key or admin token could not be made (the key store is down)."""
