"""Turning what the gateway sees into incidents, off the request path.

A finished exchange reaches ``exchange_finished`` and ``count_failed_authentication``; the
admin API, the policy reloader and the prompt-log writer call their own ``observe_*``. Each
builds candidate incidents (``candidates``: violation type, severity from the mapping and
the policy, controls) and puts them on a bounded queue. One task masks their excerpts
(``masking``), stores them (aggregating repeats) and hands each stored incident to the SIEM
export. A store outage is retried, and a store call that hangs makes the recorder not ready
(and restarted); nothing here can fail a request.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import structlog

from gateway.auth.identity import ASSURANCE_USER
from gateway.compliance.catalog import Compliance
from gateway.exchange import Exchange, ExchangeFinished
from gateway.incidents import spool
from gateway.incidents.candidates import Candidates
from gateway.incidents.masking import ExcerptScan, mask_excerpts, repeats, without_windows
from gateway.incidents.model import Candidate, is_assurance
from gateway.incidents.severity import Facts, assess
from gateway.incidents.store import IncidentStore, Recorded
from gateway.incidents.storing import quarantine_candidate, record_each_if_needed, replay_spool
from gateway.metrics import GatewayMetrics
from gateway.policy.policy import Policy
from gateway.policy.register import Standing, Verdict
from gateway.policy.violations import Severity, Violation
from gateway.promptlog.crypto import LogKeyring
from gateway.promptlog.store import StoreUnavailable
from gateway.supervise import BackgroundTask
from gateway.text_safety import scrub_dataclass

log = structlog.get_logger("aigw")
RETRY_S = (0.2, 0.5, 1.0, 2.0, 5.0)
STALL_S = 60.0  # one store call running this long: the recorder is stuck (a hung database call)
# Incidents stored in one transaction when a burst has queued them. Each batch costs a few turns of
# the event loop (a look-up, a transaction: a hop to a thread each), and at full load a turn of the
# loop took 0.2 s: the batch, not the hops, must carry the rate (issue 18).
MAX_BATCH = 500  # SQLite's write lock is held while a batch is written: about 0.5 s for 500 at full load
MAX_TRACKED_SOURCES = 10_000  # failed-login counters kept at once: a spray of addresses cannot grow memory
Publish = Callable[[Mapping[str, Any]], None]


class IncidentLog:
    def __init__(
        self,
        store: IncidentStore,
        compliance: Compliance,
        policy: Callable[[], Policy],
        keyring: Callable[[], LogKeyring | None] = lambda: None,
        queue_size: int = 10_000,
        spool_path: Path | None = None,
        verify_interval_s: float = 0,
        metrics: GatewayMetrics | None = None,
        scan: ExcerptScan | None = None,
        publish: Publish | None = None,
    ) -> None:
        self.store, self.compliance, self._policy = store, compliance, policy
        self._candidates = Candidates(compliance, policy, keyring)
        self._scan = scan  # masks excerpts (gateway.incidents.masking); None: incidents keep no excerpt
        self._spool_path, self._verify_interval_s = spool_path, verify_interval_s
        self._metrics = metrics or GatewayMetrics()  # a private registry when nobody scrapes it (tests, tools)
        self._verifier: BackgroundTask | None = None
        self._current: list[Candidate] = []  # being stored: spooled if shutdown interrupts it
        self._call_started: float | None = None  # when the store call under way began
        self._queue: asyncio.Queue[Candidate] = asyncio.Queue(maxsize=queue_size)
        self._task: BackgroundTask | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._auth_failures: defaultdict[str, deque[float]] = defaultdict(deque)
        self._publish = publish  # each stored incident, to the SIEM export
        self.dropped = 0

    @property
    def ready(self) -> bool:
        """The task that stores incidents is running, and not stuck in a store call."""
        return self._task is not None and self._task.alive and not self.stalled()

    def stalled(self) -> bool:
        """A store call has run for over STALL_S (hung: a retried outage fails, it does not hang)."""
        started = self._call_started
        return started is not None and time.monotonic() - started > STALL_S

    @property
    def quarantine_path(self) -> Path | None:
        return self._spool_path.with_name(self._spool_path.name + ".quarantine") if self._spool_path else None

    async def start(self) -> None:
        if self._spool_path is not None:  # what the last run's shutdown could not store
            # Stored here, before the recorder runs, not queued: the queue's bound would drop the
            # excess, and the file must stay until its incidents are in the store.
            # A hung call must not hang the start: after STALL_S the rest waits for the next one.
            def store(batch: list[Candidate]) -> Awaitable[None]:
                return asyncio.wait_for(self._store(batch, retry=False), STALL_S)

            await replay_spool(self._spool_path, store, MAX_BATCH)
        self._task = BackgroundTask(
            "incident_recorder", self._run, self._metrics, stalled=self.stalled, on_death=self._died
        )
        self._task.start()
        if self._verify_interval_s > 0:
            self._verifier = BackgroundTask(
                "incident_chain_verifier",
                self._verify_forever,
                self._metrics,
                on_death=lambda reason: self._died(reason, "verifier_died"),
            )
            self._verifier.start()

    async def close(self, grace_s: float) -> None:
        if self._verifier is not None:
            await self._verifier.stop()
        if self._task is not None:  # never started (a start-up that failed later): its queue is still kept
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), grace_s)
            await self._task.stop()
        left = list(self._current)
        while not self._queue.empty():
            left.append(self._queue.get_nowait())
        if not left:
            return
        if self._spool_path is None:
            log.error("incidents_lost_at_shutdown", incidents=len(left), violation="LOGGING_OR_RETENTION_FAILURE")
            return
        spool.spool(self._spool_path, left)
        log.error(
            "incidents_spooled_at_shutdown",
            incidents=len(left),
            spool=str(self._spool_path),
            violation="LOGGING_OR_RETENTION_FAILURE",
        )

    async def flush(self) -> None:
        await self._idle.wait()

    # --- what the gateway reports
    def exchange_finished(self, finished: ExchangeFinished) -> None:
        """A call to an API endpoint: its violations (findings acted on, an unapproved model)."""
        if finished.reached_endpoint:
            self.observe_exchange(finished.exchange, finished.policy)

    def count_failed_authentication(self, finished: ExchangeFinished) -> None:
        """Any finished exchange refused with a 401, on any path: counted per source (``observe_auth_failure``)."""
        exchange = finished.exchange
        if exchange.status == 401:
            self.observe_auth_failure(finished.source, revoked_key_owner=exchange.revoked_key_owner)

    def observe_exchange(self, exchange: Exchange, policy: Policy) -> None:
        for candidate in self._candidates.for_exchange(exchange, policy):
            self._enqueue(candidate)

    def observe_auth_failure(
        self, source: str, at: float | None = None, target: str = "api", revoked_key_owner: str | None = None
    ) -> None:
        """Count a failed authentication; at the policy's threshold within its window, an incident.
        ``target`` "admin_api": failed admin tokens, counted apart and escalated by the mapping. A
        revoked key presented with its right secret is an incident at once (``revoked_key_owner``)."""
        if revoked_key_owner is not None:
            self._observe_revoked_key(source, revoked_key_owner, target)
            return
        self._metrics.auth_failures.labels(target).inc()
        rule = self._policy().document.incidents.auth_failures
        now = time.monotonic() if at is None else at
        tracked = f"{target} {source}"
        if tracked not in self._auth_failures and len(self._auth_failures) >= MAX_TRACKED_SOURCES:
            del self._auth_failures[next(iter(self._auth_failures))]  # forget the longest-tracked source
        recent = self._auth_failures[tracked]
        recent.append(now)
        while recent and recent[0] < now - rule.window_s:
            recent.popleft()
        if len(recent) >= rule.threshold:
            count = len(recent)
            del self._auth_failures[tracked]  # the next incident needs a fresh run of failures
            facts = Facts(count=count, flags=frozenset({target}) if target != "api" else frozenset())
            actor = {"source": source} if target == "api" else {"source": source, "target": target}
            self._enqueue(self._candidates.build(Violation.UNAUTHENTICATED_ACCESS, facts, actor, count=count))

    def _observe_revoked_key(self, source: str, owner: str, target: str) -> None:
        """A revoked key in use: no threshold (one use is a former employee's or a leaked key). The
        owner is the key store's record, not a claim: a revoked key of the assurance user is the
        revoked-key probe's, kept as its evidence and counted nowhere (``Candidate.assurance``)."""
        probe = owner == ASSURANCE_USER
        if not probe:
            self._metrics.auth_failures.labels(target).inc()
        facts = Facts(flags=frozenset({"revoked_key"}))
        actor: dict[str, Any] = {"source": source, "user": owner, **({"assurance": True} if probe else {})}
        details = {"key": "revoked"}
        candidate = self._candidates.build(
            Violation.UNAUTHENTICATED_ACCESS, facts, actor, details=details, assurance=probe
        )
        self._enqueue(candidate)

    def observe_policy_change(
        self, old_version: str, new_version: str, loosened: int, tightened: int, register_changes: Sequence[str] = ()
    ) -> None:
        flags = frozenset({"loosened"} if loosened else ())
        details: dict[str, Any] = {"old_version": old_version, "loosened": loosened, "tightened": tightened}
        if register_changes:  # the AI tool register's change history (the inventory shows it)
            details["register_changes"] = list(register_changes)
        actor = {"source": "policy_reload"}
        self._enqueue(
            self._candidates.build(
                Violation.POLICY_CHANGE, Facts(flags=flags), actor, details=details, policy_version=new_version
            )
        )

    def observe_policy_rejected(self, policy_version: str, problems: int) -> None:
        details = {"problems": problems, "in_force": policy_version}
        actor = {"source": "policy_reload"}
        facts = Facts(flags=frozenset({"rejected"}))
        self._enqueue(self._candidates.build(Violation.POLICY_CHANGE, facts, actor, details=details))

    def observe_register(self, verdict: Verdict) -> None:
        """An AI tool register entry whose review falls due (low) or has lapsed (medium): for its owner."""
        entry = verdict.entry
        lapsed = verdict.standing is Standing.REVIEW_LAPSED
        facts = Facts(flags=frozenset({"review_lapsed"} if lapsed else {"review_due"}))
        actor = {"source": "tool_register", "owner": entry.owner}
        details = {
            "register_entry": entry.id,
            "vendor": entry.vendor,
            "standing": verdict.standing.value,
            "review_by": entry.review_by.isoformat(),
        }
        destination = {"provider": entry.provider, "models": list(entry.models)}
        candidate = self._candidates.build(
            Violation.SUPPLIER_REVIEW_LAPSED, facts, actor, details=details, destination=destination
        )
        self._enqueue(candidate)

    def observe_control_failure(self, control: str, seen: str, run_id: str, exposed: bool) -> None:
        """A control its scheduled assurance probe found not operating; ``seen`` is the probe's own words
        (statuses, actions, error codes: never a planted value). One incident per control, repeats folded."""
        actor = {"source": "control_assurance", "control": control}
        facts = Facts(flags=frozenset({"data_exposed"} if exposed else ()))
        details = {"control": control, "seen": seen}  # the run is evidence, not identity: repeats fold
        run = {"assurance_run": run_id}
        self._enqueue(self._candidates.build(Violation.CONTROL_FAILURE, facts, actor, details=details, evidence=run))

    def observe_limit_store_failure(self, mode: str) -> None:
        """The shared counter store (Redis) went down: under fail_open each replica counts alone, so a
        fleet may let through up to its replica count times each limit until it is back."""
        actor = {"source": "limit_store"}
        facts = Facts(flags=frozenset({"limit_store_unavailable"}))
        details = {"reason": "limit_store_unavailable", "mode": mode}
        self._enqueue(self._candidates.build(Violation.RATE_OR_BUDGET_EXCEEDED, facts, actor, details=details))

    def observe_logging_failure(self, reason: str) -> None:
        actor = {"source": "prompt_log"}
        self._enqueue(
            self._candidates.build(Violation.LOGGING_OR_RETENTION_FAILURE, Facts(), actor, details={"reason": reason})
        )

    def observe_tampering(self, problems: Sequence[str]) -> None:
        """The hash chain shows an edited, deleted or reordered incident: evidence was tampered with."""
        details = {"problems": len(problems), "first": problems[0][:200] if problems else ""}
        facts = Facts(flags=frozenset({"tampering"}))
        actor = {"source": "incident_chain"}
        self._enqueue(self._candidates.build(Violation.LOGGING_OR_RETENTION_FAILURE, facts, actor, details=details))

    async def _verify_forever(self) -> None:
        """Verify the chain now and then every interval; report each new set of problems once."""
        reported: frozenset[str] = frozenset()
        while True:
            try:
                result = await self.store.verify()
            except StoreUnavailable as exc:
                log.error("incident_chain_unverified", error=str(exc))
            else:
                problems = frozenset(result.problems)
                self._metrics.incident_chain_intact.set(0 if problems else 1)
                if problems and problems != reported:
                    log.error(
                        "incident_chain_tampered", problems=len(problems), violation="LOGGING_OR_RETENTION_FAILURE"
                    )
                    self.observe_tampering(result.problems)
                reported = problems
            await asyncio.sleep(self._verify_interval_s)

    def _enqueue(self, candidate: Candidate) -> None:
        candidate = scrub_dataclass(candidate)  # a lone surrogate from a header cannot reach a hash or column
        if not candidate.assurance:  # a probe's violation is counted as its control's result instead
            self._metrics.violations.labels(candidate.violation.value, candidate.severity.value).inc()
        try:
            self._queue.put_nowait(candidate)
            self._idle.clear()
            self._metrics.incident_queue.set(self._queue.qsize())
        except asyncio.QueueFull:
            self.dropped += 1
            self._metrics.incidents_dropped.inc()
            log.error("incident_dropped", type=candidate.violation.value, violation="LOGGING_OR_RETENTION_FAILURE")

    # --- storing
    def _died(self, reason: str, what: str = "recorder_died") -> None:
        actor = {"source": "incident_recorder"}
        details = {"reason": what, "cause": reason}
        self._enqueue(self._candidates.build(Violation.LOGGING_OR_RETENTION_FAILURE, Facts(), actor, details=details))

    async def _run(self) -> None:
        if self._current:  # a restarted recorder first stores what its predecessor held
            self._current = await mask_excerpts(self._current, self._scan)
            await self._store(self._current)
            self._current = []
        while True:
            self._current = [await self._queue.get()]
            while len(self._current) < MAX_BATCH and not self._queue.empty():  # a burst: one transaction
                self._current.append(self._queue.get_nowait())
            self._metrics.incident_queue.set(self._queue.qsize())
            # Here, not on the request path: a scan with every detector (gateway.incidents.masking),
            # of the excerpts that will be kept (a repeat's is not).
            self._current = await mask_excerpts(await self._only_openers(self._current), self._scan)
            await self._store(self._current)
            self._current = []
            if self._queue.empty():
                self._idle.set()

    async def _only_openers(self, batch: list[Candidate]) -> list[Candidate]:
        """The batch with the windows of the candidates that will repeat an open incident dropped (one
        look-up in the store for the batch). If the store cannot say, every window stays (masked: the
        cost of not knowing, never a leak). A candidate taken for a repeat whose incident an analyst
        closes in the moment before it is stored opens one without an excerpt, as when detection
        cannot answer."""
        keys = sorted({c.aggregation_key() for c in batch if c.window is not None})
        try:
            open_since = await self.store.open_since(keys)
        except StoreUnavailable:
            return batch
        window_s = self._policy().document.incidents.aggregation_window_s
        return without_windows(batch, repeats(batch, open_since, window_s))

    async def _store(self, batch: Sequence[Candidate], retry: bool = True) -> None:
        """Store the batch; on an outage retry with backoff until it works (or shutdown cancels
        us, and what is left is spooled), or with ``retry`` False raise StoreUnavailable."""
        policy = self._policy()
        window = policy.document.incidents.aggregation_window_s

        def reassess_for(candidate: Candidate) -> Callable[[int], tuple[Severity, tuple[str, ...]]]:
            spec = self.compliance.violations[candidate.violation]

            def reassess(occurrences: int) -> tuple[Severity, tuple[str, ...]]:
                facts = candidate.facts.with_repeats(occurrences)
                overrides = policy.document.incidents.severity_overrides
                judged = assess(candidate.violation, spec.severity, facts, overrides)
                return judged.severity, judged.reasons

            return reassess

        attempt = 0
        while True:  # the store comes back, or shutdown cancels us (and spools what is left)
            self._call_started = time.monotonic()
            try:
                stored = await record_each_if_needed(
                    self.store, batch, window, reassess_for, self._metrics, self._quarantine
                )
            except StoreUnavailable as exc:
                if not retry:
                    raise
                attempt += 1
                log.error("incident_store_unavailable", error=str(exc), attempt=attempt)
                await asyncio.sleep(RETRY_S[min(attempt - 1, len(RETRY_S) - 1)])
                continue
            finally:
                self._call_started = None
            for recorded in stored:
                self._stored(recorded)
            return

    def _quarantine(self, candidate: Candidate, cause: str) -> None:
        quarantine_candidate(self.quarantine_path, self._metrics, candidate, cause)
        if candidate.violation is not Violation.LOGGING_OR_RETENTION_FAILURE:  # no loop of failures about failures
            actor = {"source": "incident_recorder"}
            self._enqueue(
                self._candidates.build(
                    Violation.LOGGING_OR_RETENTION_FAILURE, Facts(), actor, details={"reason": "incident_quarantined"}
                )
            )

    def _stored(self, recorded: Recorded) -> None:
        state = recorded.state
        probe = is_assurance(state)  # kept as the probe's evidence; not counted, not sent to the SIEM
        if recorded.opened and not probe:
            self._metrics.incidents_opened.labels(state["type"], state["severity"]).inc()
        if recorded.row_edited:
            self.observe_tampering([f"incident {state['id']}: differs from its last chain event (edited)"])
        event = "incident_opened" if recorded.opened else "incident_repeated"
        log.warning(
            event, incident_id=state["id"], type=state["type"], severity=state["severity"], count=state["count"]
        )
        if self._publish is not None and not probe:
            self._publish(state)
