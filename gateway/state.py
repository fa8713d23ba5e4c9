"""Everything a running gateway holds, built in one place and torn down in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass

import structlog
from aiohttp import web

from gateway.identity import Authenticator
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
    try:
        await authenticator.start()
        providers = build_providers(settings, app[CREDENTIALS])
        for provider in providers.values():
            if not provider.available:
                log.warning("provider_disabled", provider=provider.name, reason="credential not set")
        router = Router(settings.routes, settings.providers)
        app[STATE] = GatewayState(settings, policy, router, providers, authenticator)
        log.info("policy_loaded", policy=policy.id, policy_version=policy.version, path=str(settings.policy_path))
        yield
    finally:
        await authenticator.stop()
        for provider in providers.values():
            await provider.close()
        store.close()
