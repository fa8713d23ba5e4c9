"""The prompt log as the gateway runs it: store, keys, writer and the retention job.

``checked_keyring`` loads the keys and refuses to start when the policy keeps text and no
key is configured; ``open_store`` connects to the configured store (migrating it);
``PromptLog.start`` replays any spool file and starts the writer. The request path calls
``admit`` before forwarding (a check; a wait only while the writer is behind: backpressure),
and the finished exchange reaches ``exchange_finished`` (a queue put).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import structlog

from gateway.config.settings import PromptLogSettings, Settings
from gateway.errors import ConfigError, ConfigProblem, PromptLogUnavailable
from gateway.exchange import Exchange, ExchangeFinished
from gateway.metrics import GatewayMetrics
from gateway.policy.data_rules import finding_sources
from gateway.policy.policy import Policy
from gateway.promptlog.crypto import LogKeyring, load_keyring
from gateway.promptlog.postgres_store import PostgresPromptStore
from gateway.promptlog.record import LogRecord
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.promptlog.store import PromptStore, PurgeResult, StoreUnavailable, now_us
from gateway.promptlog.writer import OnFailure, PromptLogWriter
from gateway.supervise import BackgroundTask

log = structlog.get_logger("aigw")
US_PER_DAY = 86_400 * 1_000_000


def build_store(settings: PromptLogSettings, environ: Mapping[str, str]) -> PromptStore:
    dsn = settings.dsn(environ)
    return PostgresPromptStore(dsn, settings.postgres_schema) if dsn else SqlitePromptStore(settings.sqlite_path)


def require_key_for(policy: Policy, keyring: LogKeyring | None, settings: PromptLogSettings) -> None:
    """A policy whose log keeps text (or its hashes) needs a key: refuse it otherwise."""
    if policy.document.prompt_log.keeps_text and keyring is None:
        message = (
            f"policy {policy.id!r} keeps prompt text in the log (prompt_log.level or a data class at hash, "
            f"redacted or full) but no log key is configured: create one with `aigw keys rotate-log-key` "
            f"({settings.key_file}) or set {settings.key_env}"
        )
        raise ConfigError([ConfigProblem("prompt_log", "level", message)])


def checked_keyring(settings: PromptLogSettings, policy: Policy, environ: Mapping[str, str]) -> LogKeyring | None:
    keyring = load_keyring(settings.key_file, settings.key_env, environ)
    require_key_for(policy, keyring, settings)
    return keyring


async def open_store(settings: PromptLogSettings, environ: Mapping[str, str]) -> PromptStore:
    store = build_store(settings, environ)
    try:
        await store.open()
    except StoreUnavailable as exc:
        raise ConfigError([ConfigProblem("prompt_log", "", f"the prompt store cannot be opened: {exc}")]) from None
    return store


class PromptLog:
    def __init__(self, store: PromptStore, keyring: LogKeyring | None, writer: PromptLogWriter) -> None:
        self.store, self.keyring, self.writer = store, keyring, writer
        self._purger: BackgroundTask | None = None

    @classmethod
    async def start(
        cls,
        settings: Settings,
        store: PromptStore,
        keyring: LogKeyring | None,
        metrics: GatewayMetrics,
        policy: Callable[[], Policy],
        on_failure_event: Callable[[str], None] | None = None,
    ) -> PromptLog:
        """The writer (after replaying the spool file) and the purger, on an open store."""
        conf = settings.prompt_log

        def on_failure() -> OnFailure:
            return policy().document.prompt_log.on_failure

        writer = PromptLogWriter(
            store,
            keyring,
            metrics,
            on_failure,
            conf.spool_path,
            conf.queue_size,
            conf.batch_size,
            conf.batch_wait_ms / 1000,
            on_failure_event=on_failure_event,
            backpressure_at=conf.backpressure_at,
            admission_wait_s=conf.admission_wait_ms / 1000,
        )
        await writer.start()
        service = cls(store, keyring, writer)
        if conf.purge_interval_s:
            service._purger = BackgroundTask(
                "prompt_log_purger", lambda: service._purge_forever(conf.purge_interval_s, policy, metrics), metrics
            )  # supervised: a purge that died would let retention lapse unnoticed
            service._purger.start()
        return service

    async def close(self, grace_s: float) -> None:
        if self._purger is not None:
            await self._purger.stop()
        await self.writer.close(grace_s)
        await self.store.close()

    def reload_keys(self, settings: PromptLogSettings, environ: Mapping[str, str]) -> None:
        """After `aigw keys rotate-log-key`: seal new records with the new current key."""
        keyring = load_keyring(settings.key_file, settings.key_env, environ)
        if keyring is None or (self.keyring is not None and keyring.current == self.keyring.current):
            return
        self.keyring = self.writer.keyring = keyring
        log.warning("prompt_log_key_loaded", key_id=keyring.current)

    @property
    def ready(self) -> bool:
        return self.writer.ready

    async def admit(self) -> None:
        await self.writer.admit()

    def record(self, exchange: Exchange, policy: Policy) -> None:
        self.writer.submit(build_record(exchange, policy))

    def exchange_finished(self, finished: ExchangeFinished) -> None:
        """Every exchange that reached an API endpoint is recorded: allowed, blocked or failed."""
        if not finished.reached_endpoint:
            return
        record = build_record(finished.exchange, finished.policy)
        if finished.exchange.error_code == PromptLogUnavailable.code:  # counted as refused; kept when there is room
            self.writer.submit_if_room(record)
        else:
            self.writer.submit(record)

    async def _purge_forever(self, interval_s: float, policy: Callable[[], Policy], metrics: GatewayMetrics) -> None:
        while True:
            await asyncio.sleep(interval_s)
            try:
                result = await purge(self.store, policy().version)
            except StoreUnavailable as exc:
                log.error("prompt_log_purge_failed", error=str(exc), violation="LOGGING_OR_RETENTION_FAILURE")
                continue
            metrics.prompt_log_purged.inc(result.deleted)


async def purge(store: PromptStore, policy_version: str | None, dry_run: bool = False) -> PurgeResult:
    result = await store.purge(now_us(), policy_version, dry_run)
    log.info(
        "prompt_log_purged",
        deleted=result.deleted,
        held=result.held,
        by_level=result.by_level,
        dry_run=dry_run,
        policy_version=policy_version,
    )
    return result


def build_record(exchange: Exchange, policy: Policy) -> LogRecord:
    """The record of one exchange, with text only as far as the policy's log level allows."""
    screening, answer = exchange.screening, exchange.response_screening
    decisions = [*(screening.decisions if screening else ()), *(answer.decisions if answer else ())]
    classes = {d.finding.category for d in decisions}
    level, days = policy.document.prompt_log.for_classes(classes)
    record = LogRecord(
        request_id=exchange.request_id,
        ts_us=exchange.started_us,
        status=exchange.status,
        outcome=exchange.outcome.value,
        level=level,
        expires_us=now_us() + days * US_PER_DAY,
        client=exchange.client,
        provider=exchange.provider,
        model=exchange.model[:200] if exchange.model else None,
        endpoint=exchange.endpoint,
        stream=exchange.stream,
        policy_id=policy.id,
        policy_version=exchange.policy_version,
        decision=exchange.decision.value if exchange.decision is not None else None,
        rule=exchange.rule,
        findings=screening.summary() if screening else {},
        response_findings=answer.summary() if answer else {},
        entity_types=tuple(sorted({d.finding.entity_type for d in decisions})),
        finding_sources=finding_sources(decisions),
        data_classes=tuple(sorted(c.value for c in classes)),
        upstream_ms=exchange.upstream_ms,
        overhead_ms=exchange.overhead_ms(),
        duration_ms=exchange.duration_ms(),
        error_code=exchange.error_code,
    )
    if exchange.identity is not None:
        record.user, record.groups, record.auth = (
            exchange.identity.user,
            exchange.identity.groups,
            exchange.identity.method,
        )
        record.assurance = exchange.identity.assurance
    capture = exchange.capture
    if capture is not None:
        record.prompt_tokens, record.completion_tokens = capture.prompt_tokens, capture.completion_tokens
    record.cost, record.cost_currency = exchange.cost, exchange.cost_currency
    if level.rank >= level.HASH.rank:
        _add_texts(record, exchange, level.value == "full")
    return record


def _add_texts(record: LogRecord, exchange: Exchange, full: bool) -> None:
    """``full``: what the caller sent and got back. Otherwise what left the building: the prompt
    as forwarded (after the policy's rewrites) and the answer as the provider sent it."""
    prompt = exchange.prompt_texts if full else exchange.forwarded_texts
    if prompt is not None:
        record.prompt_text = "\n\n".join(prompt)
    answer = exchange.capture.text if exchange.capture is not None else None
    if answer is not None and full and exchange.restored and exchange.screening is not None:
        answer = exchange.screening.pseudonyms.restore(answer)
    record.response_text = answer
