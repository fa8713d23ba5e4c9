"""Everything a running gateway holds, built in one place and torn down in one place."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import structlog
from aiohttp import web

from detectors.base import Finding
from detectors.registry import build_detectors
from gateway.auth.identity import Authenticator
from gateway.auth.keystore import KeyStore
from gateway.compliance.catalog import load_compliance
from gateway.config.settings import Settings
from gateway.config.sink_settings import SinkConfigError
from gateway.errors import ConfigError, ConfigProblem
from gateway.exchange import ExchangeSubscribers, Subscription
from gateway.incidents.dispatcher import SinkDispatcher
from gateway.incidents.recorder import IncidentLog
from gateway.incidents.store import IncidentStore
from gateway.lifecycle.inflight import InFlight
from gateway.lifecycle.register_history import record_register_at_start
from gateway.lifecycle.reload import PolicyReloader
from gateway.lifecycle.runtime import PolicyRuntime
from gateway.loop_lag import LoopLagMonitor
from gateway.metrics import GatewayMetrics
from gateway.policy.policy import Policy, load_policy
from gateway.promptlog.crypto import LogKeyring
from gateway.promptlog.service import PromptLog, checked_keyring, open_store
from gateway.promptlog.store import PromptStore
from gateway.providers import Credential, Provider, build_providers
from gateway.providers.routing import Router
from gateway.register_watch import RegisterWatch
from gateway.request_metrics import ModelLabels, RequestMetrics
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool, DetectionUnavailable, PoolObserver, default_workers
from gateway.usage.limiter import Limiter

log = structlog.get_logger("aigw")


@dataclass
class GatewayState:
    settings: Settings
    runtime: PolicyRuntime
    router: Router
    providers: Mapping[str, Provider]
    authenticator: Authenticator
    metrics: GatewayMetrics
    prompt_log: PromptLog
    incidents: IncidentLog
    exchange_subscribers: ExchangeSubscribers  # told of each finished exchange (``exchange_subscribers`` below)
    limiter: Limiter  # the policy's rate limits and budgets, and the price table
    draining: bool = False
    # False while the policy file on disk is not the policy in force (a rejected or failed reload)
    policy_file_current: bool = True
    # Why not, meanwhile: "rejected" (invalid files) or "retrying" (a failure not caused by the files)
    policy_reload_failure: str | None = None
    closing: set[asyncio.Task[None]] = field(default_factory=set)  # retired pools shutting down

    @property
    def policy(self) -> Policy:
        """The policy in force now (a request uses its leased runtime instead)."""
        return self.runtime.policy

    @contextlib.contextmanager
    def lease(self) -> Iterator[PolicyRuntime]:
        runtime = self.runtime
        runtime.leases += 1
        try:
            yield runtime
        finally:
            runtime.leases -= 1
            if runtime.retired and runtime.leases == 0:
                self._close_pool(runtime)

    def replace_runtime(self, new: PolicyRuntime) -> None:
        old, self.runtime = self.runtime, new
        self.metrics.policy_in_force(new.policy.id, new.policy.version)
        if old.pool is not None and old.pool is not new.pool:
            old.retired = True
            if old.leases == 0:
                self._close_pool(old)

    def _close_pool(self, runtime: PolicyRuntime) -> None:
        pool, runtime.pool = runtime.pool, None
        if pool is not None:
            task = asyncio.get_running_loop().create_task(pool.close())
            self.closing.add(task)
            task.add_done_callback(self.closing.discard)


SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
METRICS: web.AppKey[GatewayMetrics] = web.AppKey("metrics", GatewayMetrics)
IN_FLIGHT: web.AppKey[InFlight] = web.AppKey("in_flight", InFlight)
CREDENTIALS: web.AppKey[Mapping[str, Credential]] = web.AppKey("credentials", Mapping)
STATE: web.AppKey[GatewayState] = web.AppKey("state", GatewayState)


async def gateway_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: open the key store, load the policy, connect providers; close them after."""
    settings = app[SETTINGS]
    policy = load_policy(settings.policy_path)
    for unknown in sorted(policy.providers_used() - set(settings.providers)):
        log.warning("policy_names_unknown_provider", provider=unknown, policy=policy.id)
    store = KeyStore.open(settings.store, os.environ)
    authenticator = Authenticator(settings.identity, store)
    providers: dict[str, Provider] = {}
    observer: PoolObserver = app[METRICS]
    pool = detection_pool(settings, policy, observer)
    keyring: LogKeyring | None = None  # the prompt log's, as loaded at start
    prompt_store: PromptStore | None = None  # open, and not yet the prompt log's to close
    prompt_log: PromptLog | None = None
    incidents: IncidentLog | None = None
    siem: SinkDispatcher | None = None
    limiter: Limiter | None = None
    compliance = load_compliance()  # the shipped mapping, checked against the catalogue: refuse to start if broken

    def policy_now() -> Policy:
        state = app.get(STATE)
        return state.policy if state is not None else policy

    def log_keyring() -> LogKeyring | None:
        """The prompt log's key in force (``aigw keys rotate-log-key`` replaces it): incidents seal excerpts with it."""
        state = app.get(STATE)
        return state.prompt_log.keyring if state is not None else keyring

    async def scan_excerpts(texts: Sequence[str]) -> list[list[Finding]]:
        """Every detector of the policy in force, every type (gateway.incidents.masking)."""
        state = app.get(STATE)
        if state is None:
            raise DetectionUnavailable("not started")
        with state.lease() as runtime:  # a reload cannot close the pool under the scan
            if runtime.pool is None:
                raise DetectionUnavailable("no detection")
            return await runtime.pool.scan(texts, None)

    lag = LoopLagMonitor(app[METRICS].event_loop_lag).start()  # aigw_event_loop_lag_seconds
    try:
        keyring = checked_keyring(settings.prompt_log, policy, os.environ)
        prompt_store = await open_store(settings.prompt_log, os.environ)  # the incidents' store too
        siem = siem_dispatcher(settings, app[METRICS])
        await siem.start()
        incidents = IncidentLog(
            IncidentStore(prompt_store),
            compliance,
            policy_now,
            log_keyring,
            spool_path=settings.prompt_log.incident_spool,
            verify_interval_s=settings.prompt_log.incident_verify_interval_s,
            metrics=app[METRICS],
            scan=scan_excerpts,
            publish=siem.publish,
        )
        prompt_log = await PromptLog.start(
            settings,
            prompt_store,
            keyring,
            app[METRICS],
            policy_now,
            on_failure_event=incidents.observe_logging_failure,
        )
        await incidents.start()
        if pool is not None:
            await pool.start()  # every worker has built its detectors before we listen
        providers = build_providers(settings, app[CREDENTIALS])
        for provider in providers.values():
            if not provider.available:
                log.warning("provider_disabled", provider=provider.name, reason="credential not set")
        router = Router(settings.routes, settings.providers)
        await authenticator.start()
        runtime = PolicyRuntime(policy, pool)
        model_labels = ModelLabels(settings)
        limiter = Limiter(
            settings, app[METRICS].limits, model_labels, incidents.observe_limit_store_failure, environ=os.environ
        )
        app[STATE] = state = GatewayState(
            settings,
            runtime,
            router,
            providers,
            authenticator,
            app[METRICS],
            prompt_log,
            incidents,
            exchange_subscribers(prompt_log, incidents, RequestMetrics(app[METRICS], model_labels)),
            limiter,
        )
        state.metrics.policy_in_force(policy.id, policy.version)
        await record_register_at_start(prompt_store, policy, incidents)
        log.info("policy_loaded", policy=policy.id, policy_version=policy.version, path=str(settings.policy_path))
        reloader = PolicyReloader(state, functools.partial(detection_pool, observer=observer))
        register = RegisterWatch(lambda: state.policy, state.metrics, incidents.observe_register)
        async with reloader.running(), register.running():
            yield
        pool = state.runtime.pool
        await asyncio.gather(*state.closing)
    finally:
        await lag.stop()
        if limiter is not None:  # requests have drained: their corrections are sent
            await limiter.close()
        if incidents is not None:
            await incidents.close(settings.limits.shutdown_grace_s)
        if siem is not None:  # after the incident log: what it stored last is still exported
            await siem.close(settings.limits.shutdown_grace_s)
        if prompt_log is not None:  # requests have drained: flush what they left in the queue
            await prompt_log.close(settings.limits.shutdown_grace_s)
        elif prompt_store is not None:  # the start failed before the prompt log took the store over
            await prompt_store.close()
        if pool is not None:
            await pool.close()
        await authenticator.stop()
        for provider in providers.values():
            await provider.close()
        store.close()


def exchange_subscribers(prompt_log: PromptLog, incidents: IncidentLog, metrics: RequestMetrics) -> ExchangeSubscribers:
    """Who is told of a finished exchange, in this order; each on its own (one failing stops no other)."""
    return ExchangeSubscribers(
        Subscription("prompt_log", prompt_log.exchange_finished),
        Subscription("incidents", incidents.exchange_finished),
        Subscription("metrics", metrics.exchange_finished, keeps_evidence=False),
        Subscription("auth_failures", incidents.count_failed_authentication),
    )


def siem_dispatcher(settings: Settings, metrics: GatewayMetrics) -> SinkDispatcher:
    try:
        return SinkDispatcher(
            settings.siem,
            os.environ,
            on_sent=lambda sink: metrics.siem_sent.labels(sink).inc(),
            on_failure=lambda sink, reason: metrics.siem_failures.labels(sink, reason).inc(),
            on_dead_letter=lambda sink, cause: metrics.siem_dead_lettered.labels(sink, cause).inc(),
        )
    except SinkConfigError as exc:
        raise ConfigError([ConfigProblem("settings", "siem", str(exc))]) from None


def detection_pool(settings: Settings, policy: Policy, observer: PoolObserver | None = None) -> DetectionPool | None:
    if policy.detection is None:
        return None
    try:
        inline = InlineScanner.from_config(policy.detection, settings.detection.inline_max_chars)
    except Exception as exc:  # the same failure the workers would report, reported the same way
        problem = ConfigProblem("policy", "detection", f"the detectors could not be built: {type(exc).__name__}: {exc}")
        raise ConfigError([problem]) from None
    return DetectionPool(
        build_detectors,
        policy.detection,
        workers=settings.detection.workers or default_workers(),
        max_pending=settings.detection.max_pending,
        time_limit_s=policy.detection.time_limit_ms / 1000,
        inline=inline,
        observer=observer,
        chunk_chars=settings.detection.chunk_chars,
    )
