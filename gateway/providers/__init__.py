"""Build the configured providers, resolving their credentials once at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.config.settings import Settings
from gateway.errors import ConfigError, ConfigProblem
from gateway.providers.base import Provider, UpstreamCall, UpstreamReply
from gateway.providers.echo import EchoProvider
from gateway.providers.http import HttpProvider, create_session

__all__ = ["Credential", "Provider", "UpstreamCall", "UpstreamReply", "build_providers", "resolve_credentials"]


@dataclass(frozen=True)
class Credential:
    key: str | None
    # Where the key should have come from, when it did not (the provider is then disabled).
    missing_source: str | None = None


def resolve_credentials(settings: Settings, environ: Mapping[str, str]) -> dict[str, Credential]:
    """Provider keys from env vars or files. An unset env var disables that provider
    (so the embedded defaults start with no keys); an unreadable key file is an error."""
    out: dict[str, Credential] = {}
    problems: list[ConfigProblem] = []
    for name, provider in settings.providers.items():
        if provider.api_key_file is not None:
            try:
                key = provider.api_key_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                problems.append(
                    ConfigProblem("settings", f"providers.{name}.api_key_file", f"cannot read key file: {exc.strerror}")
                )
                continue
            if not key:
                problems.append(ConfigProblem("settings", f"providers.{name}.api_key_file", "the key file is empty"))
                continue
            out[name] = Credential(key)
        elif provider.api_key_env is not None:
            value = environ.get(provider.api_key_env, "").strip()
            out[name] = Credential(value) if value else Credential(None, f"${provider.api_key_env}")
        else:
            out[name] = Credential(None)
    if problems:
        raise ConfigError(problems)
    return out


def build_providers(settings: Settings, credentials: Mapping[str, Credential]) -> dict[str, Provider]:
    providers: dict[str, Provider] = {}
    for name, conf in settings.providers.items():
        if conf.type == "echo":
            providers[name] = EchoProvider(name, conf.models)
        else:
            cred = credentials.get(name, Credential(None))
            session = create_session(settings.limits)
            providers[name] = HttpProvider(name, conf, cred.key, cred.missing_source, session, settings.limits)
    return providers
