"""Everything a running gateway holds, built in one place and torn down in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import structlog
from aiohttp import web

from detectors.registry import build_detectors
from gateway.detection_pool import DetectionPool, default_workers
from gateway.errors import ConfigError, ConfigProblem
from gateway.identity import Authenticator
from gateway.inline_scan import InlineScanner
from gateway.keystore import KeyStore
from gateway.policy import Policy, load_policy
from gateway.providers import Credential, Provider, build_providers
from gateway.routing import Router
from gateway.settings import Settings

log = structlog.get_logger("aigw")


@dataclass
class GatewayState:
    settings: Settings
    policy: Policy
    router: Router
    providers: Mapping[str, Provider]
    authenticator: Authenticator
    detection_pool: DetectionPool | None = None
    draining: bool = False


SETTINGS: web.AppKey[Settings] = web.AppKey("settings", Settings)
CREDENTIALS: web.AppKey[Mapping[str, Credential]] = web.AppKey("credentials", Mapping)
STATE: web.AppKey[GatewayState] = web.AppKey("state", GatewayState)


async def gateway_context(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: open the key store, load the policy, connect providers; close them after."""
    settings = app[SETTINGS]
    policy = load_policy(settings.policy_path)
    for unknown in sorted(policy.providers_used() - set(settings.providers)):
        log.warning("policy_names_unknown_provider", provider=unknown, policy=policy.id)
    store = KeyStore(settings.store.sqlite_path)
    authenticator = Authenticator(settings.identity, store)
    providers: dict[str, Provider] = {}
    pool = _detection_pool(settings, policy)
    try:
        if pool is not None:
            await pool.start()  # every worker has built its detectors before we listen
        providers = build_providers(settings, app[CREDENTIALS])
        for provider in providers.values():
            if not provider.available:
                log.warning("provider_disabled", provider=provider.name, reason="credential not set")
        router = Router(settings.routes, settings.providers)
        await authenticator.start()
        app[STATE] = GatewayState(settings, policy, router, providers, authenticator, pool)
        log.info("policy_loaded", policy=policy.id, policy_version=policy.version, path=str(settings.policy_path))
        yield
    finally:
        if pool is not None:
            await pool.close()
        await authenticator.stop()
        for provider in providers.values():
            await provider.close()
        store.close()


def _detection_pool(settings: Settings, policy: Policy) -> DetectionPool | None:
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
    )
