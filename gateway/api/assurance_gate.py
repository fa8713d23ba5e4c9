"""Control-assurance traffic never leaves the host.

A key of the assurance user is exempt from the policy's limits and spend, and its incidents are
kept as the probes' evidence rather than counted (``Identity.assurance``). So it must reach echo
models only: otherwise a standing assurance key (a CI secret) would be an unmetered, unaudited
way to a real provider, and a broken refusal (or monitor mode, which serves an unapproved model)
would send a probe's line to one. Checked after routing, approval and rerouting: the provider
that would receive the request is the one judged; a refusal by the policy comes first.
"""

from __future__ import annotations

from gateway.auth.identity import Identity
from gateway.config.settings import Settings
from gateway.errors import AssuranceConfined


def confine_assurance(settings: Settings, identity: Identity, provider: str) -> None:
    if not identity.assurance:
        return
    configured = settings.providers.get(provider)
    if configured is None or configured.type != "echo":
        raise AssuranceConfined(
            "A control-assurance key may reach echo models only: nothing it sends may leave the host.",
            param="model",
        )
