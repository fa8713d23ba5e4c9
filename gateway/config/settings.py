"""Deployment settings (``gateway.yaml``): listeners, providers, routes, store, limits.

These belong to whoever runs the gateway; the security team's rules live in the
policy file. Every value has an embedded default (so ``aigw serve`` runs with no
file at all) and can be overridden by an ``AIGW_*`` environment variable whose
name is the key path joined by double underscores, e.g. ``AIGW_LISTEN__PORT=9000``
or ``AIGW_PROVIDERS__OPENAI__BASE_URL=http://vllm:8000/v1``. Values that start with
``[`` or ``{`` are read as YAML. Relative paths are relative to the working directory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, IPvAnyNetwork, field_validator, model_validator

from gateway.config.price_settings import PriceSettings
from gateway.config.sink_settings import SinkSettings
from gateway.config.yamlconfig import Loc, LocatedError, YamlDocument, validate
from gateway.errors import ConfigError, ConfigProblem
from gateway.scan_chunks import DEFAULT_CHUNK_CHARS, OVERLAP_CHARS

ENV_PREFIX = "AIGW_"
# Variables of that prefix that are not settings: the settings file, the log keys, and the
# credentials `aigw assure` probes with (gateway.cli.assure).
ENV_NOT_SETTINGS = frozenset({"AIGW_CONFIG", "AIGW_LOG_KEYS", "AIGW_ASSURANCE_KEY", "AIGW_ADMIN_TOKEN"})
PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MiB = 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApiListener(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)


class AdminListener(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8081, ge=0, le=65535)


class _Database(_Strict):
    """SQLite at sqlite_path for one gateway, or PostgreSQL for a fleet (postgresql://user@host/db);
    postgres_dsn_env names a variable holding the DSN instead (when it carries a password)."""

    postgres_dsn: str | None = None
    postgres_dsn_env: str | None = None
    postgres_schema: str | None = Field(default=None, pattern=r"^[a-z_][a-z0-9_]*$")  # None: the server's search_path

    @model_validator(mode="after")
    def _one_dsn(self) -> _Database:
        if self.postgres_dsn and self.postgres_dsn_env:
            raise LocatedError("set postgres_dsn or postgres_dsn_env, not both", "postgres_dsn_env")
        if self.postgres_dsn and not self.postgres_dsn.startswith(("postgresql://", "postgres://")):
            raise LocatedError("postgres_dsn must be a postgresql:// URL", "postgres_dsn")
        return self

    def dsn(self, environ: Mapping[str, str]) -> str | None:
        """The PostgreSQL DSN, or None for SQLite; a named variable that is unset stops start-up."""
        if not self.postgres_dsn_env:
            return self.postgres_dsn
        dsn = environ.get(self.postgres_dsn_env)
        if not dsn:
            raise ConfigError([ConfigProblem(f"environment variable {self.postgres_dsn_env}", "", "is not set")])
        return dsn


class StoreSettings(_Database):
    """Gateway keys and admin tokens. A fleet shares them in PostgreSQL: a key revoked on one
    replica stops working on all of them within identity.key_refresh_interval_s."""

    sqlite_path: Path = Path("var/aigw.db")
    # Rate-limit and budget counters shared by every replica (redis://host:6379/0); None: each
    # gateway process counts on its own. Redis being down: the policy's limits.on_store_failure.
    redis_url: str | None = None
    redis_url_env: str | None = None  # the name of a variable holding the URL instead (when it carries a password)

    @field_validator("redis_url")
    @classmethod
    def _check_redis(cls, value: str | None) -> str | None:
        if value is not None and not _redis_scheme(value):
            raise ValueError("redis_url must be a redis://, rediss:// or unix:// URL")
        return value

    @model_validator(mode="after")
    def _one_redis_url(self) -> StoreSettings:
        if self.redis_url and self.redis_url_env:
            raise LocatedError("set redis_url or redis_url_env, not both", "redis_url_env")
        return self

    def redis(self, environ: Mapping[str, str]) -> str | None:
        """The Redis URL, or None (each process counts alone); a named variable unset or not a URL stops start-up."""
        if not self.redis_url_env:
            return self.redis_url
        url = environ.get(self.redis_url_env)
        where = f"environment variable {self.redis_url_env}"
        if not url:
            raise ConfigError([ConfigProblem(where, "", "is not set")])
        if not _redis_scheme(url):  # the value itself is never shown: it may carry a password
            raise ConfigError([ConfigProblem(where, "", "is not a redis://, rediss:// or unix:// URL")])
        return url


def _redis_scheme(url: str) -> bool:
    try:
        return urlsplit(url).scheme in ("redis", "rediss", "unix")
    except ValueError:
        return False


class LimitSettings(_Strict):
    max_body_bytes: int = Field(default=10 * MiB, gt=0)
    max_response_bytes: int = Field(default=64 * MiB, gt=0)
    # Deepest nesting of objects and arrays accepted in a request body (and screened in an answer).
    max_json_depth: int = Field(default=128, ge=8, le=512)
    upstream_connect_timeout_s: float = Field(default=10.0, gt=0)
    # Longest silence allowed between two bytes from the provider (streams included).
    upstream_read_timeout_s: float = Field(default=300.0, gt=0)
    upstream_total_timeout_s: float = Field(default=900.0, gt=0)
    max_upstream_connections: int = Field(default=256, gt=0)
    shutdown_grace_s: float = Field(default=30.0, ge=0)
    # Slow or idle callers, on both listeners (none of these cuts a long streamed answer):
    # a request's headers must be complete within header_timeout_s of its first byte (of the
    # connection's opening, for the first request); its body may pause at most body_idle_timeout_s
    # and must be complete within body_timeout_s (then 408); an idle keep-alive connection is
    # closed after keepalive_timeout_s.
    header_timeout_s: float = Field(default=10.0, gt=0)
    body_idle_timeout_s: float = Field(default=30.0, gt=0)
    body_timeout_s: float = Field(default=300.0, gt=0)
    keepalive_timeout_s: float = Field(default=75.0, gt=0)
    # Open connections per listener (API and admin each, per worker process); more are closed at once.
    max_connections: int = Field(default=1024, gt=0)
    # What the policy's limits admit a request on as its answer's length when the caller set no
    # max_tokens (times n choices): concurrent requests are counted before their usage is known.
    default_completion_tokens: int = Field(default=1024, ge=0)


class TrustedHeaderSettings(_Strict):
    user_header: str = "x-forwarded-user"
    groups_header: str = "x-forwarded-groups"
    # Any of these characters separates two groups; set ";" when group names are LDAP DNs (CN=...,OU=...).
    groups_separators: str = Field(default=",;", min_length=1)
    trusted_proxies: tuple[IPvAnyNetwork, ...] = ()


class IdentitySettings(_Strict):
    modes: tuple[Literal["keys", "trusted_header"], ...] = ("keys",)
    # How often a running gateway re-reads the key store, so revocations apply.
    key_refresh_interval_s: float = Field(default=1.0, gt=0)
    trusted_header: TrustedHeaderSettings = TrustedHeaderSettings()

    @model_validator(mode="after")
    def _check_modes(self) -> IdentitySettings:
        if not self.modes:
            raise LocatedError("identity.modes must name at least one of: keys, trusted_header", "modes")
        if "trusted_header" in self.modes and not self.trusted_header.trusted_proxies:
            raise LocatedError(
                "trusted_header mode needs identity.trusted_header.trusted_proxies "
                "(the addresses of the SSO proxy); headers from anywhere else are ignored",
                "trusted_header",
                "trusted_proxies",
            )
        return self


class DetectionSettings(_Strict):
    # Worker processes for detection; 0 means one per available core.
    workers: int = Field(default=0, ge=0, le=256)
    # Scans allowed to wait for a worker before new ones are refused (then the
    # policy's on_failure applies).
    max_pending: int = Field(default=256, gt=0)
    # Texts up to this many characters that need no NER model (secrets, markers, terms,
    # injection, pattern PII: answers under the default policy) are scanned in the
    # gateway process instead of paying a hop to a worker; 0 sends every scan to the workers.
    inline_max_chars: int = Field(default=1000, ge=0, le=4000)
    # Longer texts are scanned in overlapping pieces of this many characters, each a job with the
    # policy's time limit; one request runs at most half the workers' jobs at a time (scan_chunks).
    chunk_chars: int = Field(default=DEFAULT_CHUNK_CHARS, ge=4 * OVERLAP_CHARS, le=1_048_576)


class PolicyReloadSettings(_Strict):
    # How often the policy file is checked for changes (SIGHUP reloads at once); 0: only on SIGHUP.
    watch_interval_s: float = Field(default=2.0, ge=0, le=3600)
    # A reload that failed for a reason other than the files' content (a detection worker exited
    # while starting, a file could not be read) is retried after this long, doubling up to the cap.
    retry_initial_s: float = Field(default=1.0, gt=0, le=3600)
    retry_max_s: float = Field(default=60.0, gt=0, le=86400)
    # An invalid (rejected) file keeps /readyz at 200 (still reported there and in
    # aigw_policy_file_current): a fleet sharing one ConfigMap is not all taken out of the load
    # balancer by one typo. A failed reload being retried always makes the replica not ready.
    ready_while_rejected: bool = False


class AssuranceSettings(_Strict):
    # How often the gateway probes its own controls through its own listener (gateway.server.assurance_schedule,
    # one worker per machine); 0: never on a schedule (`aigw assure` still runs them on demand). On by
    # default: a control nobody proves is a control nobody knows is on.
    interval_s: float = Field(default=3600.0, ge=0, le=7 * 86400)
    # The first run, this long after the listeners open (not a whole interval: a deploy is proven at once).
    first_run_after_s: float = Field(default=30.0, ge=0, le=86400)
    # How long a run waits for a probe's prompt-log record and incident before calling them missing.
    wait_s: float = Field(default=15.0, gt=0, le=600)


class PromptLogSettings(_Database):
    """Where the prompt log (and the incident log) is kept and how it is written; what it keeps
    is the policy's."""

    sqlite_path: Path = Path("var/prompt-log.db")
    # The log keys (`aigw keys rotate-log-key` writes this file), or key_env's JSON when set.
    key_file: Path = Path("var/log-keys.json")
    key_env: str = "AIGW_LOG_KEYS"
    queue_size: int = Field(default=10_000, gt=0, le=1_000_000)
    batch_size: int = Field(default=256, gt=0, le=10_000)
    # How long the writer lets a batch gather after its first record: one write per many requests
    # instead of one per request (records reach the store this much later; 0: write at once).
    batch_wait_ms: float = Field(default=20.0, ge=0, le=1000)
    # Backpressure: once the queue holds this fraction of queue_size, a new request waits (up to
    # admission_wait_ms) for the writer to catch up before it is forwarded; the rest of the queue
    # is headroom for requests already admitted. A request is refused (503) only if the queue is
    # still full after its wait and the policy's prompt_log.on_failure is block.
    backpressure_at: float = Field(default=0.5, gt=0, le=1)
    admission_wait_ms: float = Field(default=1000.0, ge=0, le=30_000)
    # Where records go when the store cannot take them (policy on_failure: spool, and at shutdown).
    spool_path: Path = Path("var/prompt-log.spool")
    # Incidents that could not be stored by shutdown (the store was down); replayed at the next
    # start. Default: next to spool_path, named "<spool_path>.incidents".
    incident_spool_path: Path | None = None
    # How often the gateway purges records past their retention; 0: only `aigw logs purge`.
    purge_interval_s: float = Field(default=3600.0, ge=0)
    # How often the gateway verifies the incidents' hash chain (first at start-up); tampering
    # found is a critical LOGGING_OR_RETENTION_FAILURE incident. 0: only `aigw incidents verify`.
    incident_verify_interval_s: float = Field(default=3600.0, ge=0)

    @property
    def incident_spool(self) -> Path:
        return self.incident_spool_path or self.spool_path.with_name(self.spool_path.name + ".incidents")


class LogSettings(_Strict):
    format: Literal["auto", "json", "console"] = "auto"
    level: Literal["debug", "info", "warning", "error"] = "info"


class ProviderSettings(_Strict):
    type: Literal["openai", "anthropic", "echo"]
    base_url: str | None = None
    api_key_env: str | None = None
    api_key_file: Path | None = None
    # Header that carries the provider key; defaults per type (Azure OpenAI uses api-key).
    auth_header: Literal["authorization", "api-key", "x-api-key"] | None = None
    # Catalogue shown by GET /v1/models (filtered by routes and policy).
    models: tuple[str, ...] = ()
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an absolute http:// or https:// URL")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _check_credentials(self) -> ProviderSettings:
        if self.type == "echo" and (self.base_url or self.api_key_env or self.api_key_file):
            raise LocatedError("an echo provider takes no base_url or credentials", "type")
        if self.api_key_env and self.api_key_file:
            raise LocatedError("set api_key_env or api_key_file, not both", "api_key_file")
        return self


class RouteSettings(_Strict):
    match: str = Field(min_length=1)
    provider: str


def _default_providers() -> dict[str, ProviderSettings]:
    return {
        "echo": ProviderSettings(type="echo", models=("echo-1",)),
        "openai": ProviderSettings(
            type="openai",
            api_key_env="OPENAI_API_KEY",
            models=("gpt-6-sol", "gpt-6-luna", "gpt-5.5", "text-embedding-3-small"),
        ),
        "anthropic": ProviderSettings(
            type="anthropic",
            api_key_env="ANTHROPIC_API_KEY",
            models=("claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"),
        ),
    }


def _default_routes() -> tuple[RouteSettings, ...]:
    table = [("echo-*", "echo"), ("gpt-*", "openai"), ("o[0-9]*", "openai"), ("text-embedding-*", "openai")]
    table.append(("claude-*", "anthropic"))
    return tuple(RouteSettings(match=m, provider=p) for m, p in table)


class Settings(_Strict):
    listen: ApiListener = ApiListener()
    admin: AdminListener = AdminListener()
    policy_path: Path = Path("policies/default.yaml")
    policy_reload: PolicyReloadSettings = PolicyReloadSettings()
    store: StoreSettings = StoreSettings()
    limits: LimitSettings = LimitSettings()
    identity: IdentitySettings = IdentitySettings()
    detection: DetectionSettings = DetectionSettings()
    log: LogSettings = LogSettings()
    prompt_log: PromptLogSettings = PromptLogSettings()
    assurance: AssuranceSettings = AssuranceSettings()
    # SIEM export of incidents: jsonl files, RFC 5424 syslog (udp/tcp), HMAC-signed webhooks.
    siem: list[SinkSettings] = []
    providers: dict[str, ProviderSettings] = Field(default_factory=_default_providers)
    routes: tuple[RouteSettings, ...] = Field(default_factory=_default_routes)
    # Per-model prices: the first entry matching provider and model prices a request; spend limits
    # count only priced requests (unpriced ones are counted in tokens).
    prices: tuple[PriceSettings, ...] = ()

    @model_validator(mode="after")
    def _check_references(self) -> Settings:
        for name in self.providers:
            if not PROVIDER_NAME.match(name):
                raise LocatedError(
                    f"provider name {name!r} must be lower-case letters, digits, '-' or '_'", "providers", name
                )
        for index, route in enumerate(self.routes):
            if route.provider not in self.providers:
                known = ", ".join(sorted(self.providers)) or "none"
                message = f"routes[{index}] names provider {route.provider!r}, which is not defined (defined: {known})"
                raise LocatedError(message, "routes", index, "provider", related=[("providers",)])
        for index, price in enumerate(self.prices):
            if price.provider not in self.providers:
                known = ", ".join(sorted(self.providers)) or "none"
                message = f"prices[{index}] names provider {price.provider!r}, which is not defined (defined: {known})"
                raise LocatedError(message, "prices", index, "provider", related=[("providers",)])
        if self.listen.port and self.listen.port == self.admin.port and self.listen.host == self.admin.host:
            message = "listen and admin must not use the same address and port"
            raise LocatedError(message, "admin", "port", related=[("listen",)])
        return self


def load_settings(path: Path | None, environ: Mapping[str, str]) -> Settings:
    """Embedded defaults, then the file (if any), then ``AIGW_*`` variables."""
    doc = YamlDocument.load(path) if path is not None else YamlDocument("<defaults>", {}, None)
    raw: dict[str, Any] = doc.data
    file_keys = set(raw)
    env_sources = _apply_env(raw, environ)

    def locate(loc: Loc, related: list[tuple[str | int, ...]]) -> tuple[str, int | None, int | None]:
        for n in range(len(loc), 0, -1):
            if tuple(loc[:n]) in env_sources:
                return f"environment variable {env_sources[tuple(loc[:n])]}", None, None
        # A cross-field error: name any variable that set one of the keys behind it.
        inside = [n for keys, n in env_sources.items() if any(keys[: len(r)] == r for r in related)]
        if inside and not (loc and loc[0] in file_keys):  # nothing of it is in the file
            return f"environment variable {', '.join(inside)}", None, None
        mark = doc.mark(loc)
        source = doc.source + (f" (with environment variable {', '.join(inside)})" if inside else "")
        return (source, *mark) if mark else (source, None, None)

    return validate(Settings, raw, locate)


def _apply_env(raw: dict[str, Any], environ: Mapping[str, str]) -> dict[tuple[str | int, ...], str]:
    sources: dict[tuple[str | int, ...], str] = {}
    defaults: dict[str, Any] = Settings().model_dump(mode="json")
    for name in sorted(environ):
        if not name.startswith(ENV_PREFIX) or name in ENV_NOT_SETTINGS:
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__")]
        if not all(k.strip("_") == k and k for k in keys):
            raise ConfigError(
                [ConfigProblem(f"environment variable {name}", "", "empty key in name (use __ between keys)")]
            )
        _set_path(raw, defaults, keys, _env_value(environ[name]))
        sources[tuple(keys)] = name
    return sources


def _set_path(raw: dict[str, Any], defaults: Any, keys: list[str], value: Any) -> None:
    """Set raw[k1][k2]... = value; a section missing from the file starts as its default."""
    node = raw
    for key in keys[:-1]:
        defaults = defaults.get(key) if isinstance(defaults, dict) else None
        if not isinstance(node.get(key), dict):
            node[key] = dict(defaults) if isinstance(defaults, dict) else {}
        node = node[key]
    node[keys[-1]] = value


def _env_value(text: str) -> Any:
    if text.lstrip().startswith(("[", "{")):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError:
            return text
    return text
