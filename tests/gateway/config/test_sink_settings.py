"""SIEM sink settings: defaults, the type discriminator, invalid sinks refused, a missing webhook
secret and duplicate sink names stopping start-up with a clear error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.config.sink_settings import (
    JsonlSinkSettings,
    MissingSecretError,
    SinkConfigError,
    SyslogSinkSettings,
    WebhookSinkSettings,
    verify_sinks,
)
from gateway.incidents.dispatcher import SinkDispatcher
from tests.gateway.incidents.test_sinks import ENV, sinks, webhook


def test_settings_defaults_and_discriminator() -> None:
    jsonl, syslog, hook = sinks(
        {"type": "jsonl", "path": "/tmp/x.jsonl"},
        {"type": "syslog", "host": "siem.example"},
        {"type": "webhook", "name": "soar", "url": "https://soar.example/in", "secret_env": "S"},
    )
    assert isinstance(jsonl, JsonlSinkSettings)
    assert isinstance(syslog, SyslogSinkSettings)
    assert isinstance(hook, WebhookSinkSettings)
    assert jsonl.sink_name == "jsonl"
    assert jsonl.dead_letter_file == Path("var/siem-dead-letter-jsonl.jsonl")
    assert (syslog.type, syslog.port, syslog.protocol, syslog.facility, syslog.app_name) == (
        "syslog",
        514,
        "udp",
        13,
        "aigw",
    )
    assert hook.dead_letter_file == Path("var/siem-dead-letter-soar.jsonl")
    assert (hook.max_attempts, hook.backoff_initial_s, hook.backoff_max_s, hook.queue_size) == (6, 0.5, 30, 10_000)


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "webhook", "url": "ftp://x/", "secret_env": "S"},
        {"type": "syslog", "host": "h", "facility": 24},
        {"type": "syslog", "host": "h", "protocol": "tls"},
        {"type": "jsonl", "path": "/tmp/x", "colour": "red"},
        {"type": "kafka", "path": "/tmp/x"},
        {"type": "jsonl", "path": "/tmp/x", "name": "../escape"},
    ],
)
def test_settings_reject_invalid(raw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        sinks(raw)


@pytest.mark.parametrize("environ", [{}, {"SIEM_SECRET": ""}])
def test_missing_webhook_secret_is_a_clear_error(environ: dict[str, str]) -> None:
    settings = sinks(webhook("https://soar.example/in"))
    with pytest.raises(MissingSecretError, match="SIEM_SECRET"):
        verify_sinks(settings, environ)
    with pytest.raises(MissingSecretError, match="SIEM_SECRET"):
        SinkDispatcher(settings, environ)
    verify_sinks(settings, ENV)  # set: no error


def test_duplicate_sink_names_are_refused(tmp_path: Path) -> None:
    settings = sinks({"type": "jsonl", "path": tmp_path / "a"}, {"type": "jsonl", "path": tmp_path / "b"})
    with pytest.raises(SinkConfigError, match="jsonl"):
        SinkDispatcher(settings, {})
