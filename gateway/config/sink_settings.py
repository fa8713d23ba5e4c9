"""Settings of the SIEM export sinks (``siem:`` in ``gateway.yaml``): where incidents are copied to.

Each entry is one sink, told apart by ``type``: ``jsonl`` (a local file a log shipper tails),
``syslog`` (RFC 5424 over UDP or TCP) or ``webhook`` (a signed HTTPS POST). A webhook's HMAC
secret is never in the file: ``secret_env`` names the environment variable that holds it.

Settings, not incident code: ``gateway.config.settings`` reads them without reaching into
``gateway.incidents``, whose dispatcher and sinks import them from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gateway.config.yamlconfig import LocatedError

# Sink names end up in a file name (the dead-letter file) and in metric labels.
SINK_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class SinkConfigError(ValueError):
    """The sinks cannot run as configured (checked against the environment at start-up)."""


class MissingSecretError(SinkConfigError):
    """A webhook's secret environment variable is unset or empty."""


class _SinkBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str  # narrowed to a Literal by each sink: the union's discriminator
    name: str | None = Field(default=None, pattern=SINK_NAME_PATTERN)  # None: the type
    dead_letter_path: Path | None = None  # None: var/siem-dead-letter-<name>.jsonl
    max_attempts: int = Field(default=6, ge=1, le=100)
    backoff_initial_s: float = Field(default=0.5, gt=0)
    backoff_max_s: float = Field(default=30.0, gt=0)
    queue_size: int = Field(default=10_000, gt=0, le=1_000_000)

    @property
    def sink_name(self) -> str:
        return self.name or self.type

    @property
    def dead_letter_file(self) -> Path:
        return self.dead_letter_path or Path(f"var/siem-dead-letter-{self.sink_name}.jsonl")

    @model_validator(mode="after")
    def _check_backoff(self) -> _SinkBase:
        if self.backoff_max_s < self.backoff_initial_s:
            raise LocatedError("backoff_max_s must be at least backoff_initial_s", "backoff_max_s")
        return self


class JsonlSinkSettings(_SinkBase):
    type: Literal["jsonl"]
    path: Path


class SyslogSinkSettings(_SinkBase):
    type: Literal["syslog"]
    host: str = Field(min_length=1)
    port: int = Field(default=514, ge=1, le=65535)
    protocol: Literal["udp", "tcp"] = "udp"
    # RFC 5424 APP-NAME: 1 to 48 printable US-ASCII characters, no spaces.
    app_name: str = Field(default="aigw", pattern=r"^[!-~]{1,48}$")
    facility: int = Field(default=13, ge=0, le=23)  # 13: log audit
    timeout_s: float = Field(default=5.0, gt=0)  # TCP connect and write


class WebhookSinkSettings(_SinkBase):
    type: Literal["webhook"]
    url: str
    secret_env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    timeout_s: float = Field(default=5.0, gt=0)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an absolute http:// or https:// URL")
        return value


AnySinkSettings = JsonlSinkSettings | SyslogSinkSettings | WebhookSinkSettings
# Use as ``siem: list[SinkSettings] = []`` in the main settings.
SinkSettings = Annotated[AnySinkSettings, Field(discriminator="type")]


def verify_sinks(sinks: Sequence[AnySinkSettings], environ: Mapping[str, str]) -> None:
    """Fail start-up with a clear message rather than dead-letter every incident later."""
    seen: set[str] = set()
    for sink in sinks:
        if sink.sink_name in seen:
            raise SinkConfigError(f"two SIEM sinks are named {sink.sink_name!r}; give each a distinct name")
        seen.add(sink.sink_name)
        if isinstance(sink, WebhookSinkSettings):
            webhook_secret(sink, environ)


def webhook_secret(sink: WebhookSinkSettings, environ: Mapping[str, str]) -> bytes:
    secret = environ.get(sink.secret_env, "")
    if not secret:
        raise MissingSecretError(
            f"SIEM webhook sink {sink.sink_name!r}: environment variable {sink.secret_env} "
            "(its HMAC secret, named by secret_env) is unset or empty"
        )
    return secret.encode()
