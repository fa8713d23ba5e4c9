"""Shared fixtures: a mock provider and real gateways on loopback ports."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import structlog

from gateway.config.settings import Settings
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import ANTHROPIC_KEY, OPENAI_KEY, MockProvider

DATA = Path(__file__).parent / "data"
TEST_POLICY = DATA / "policy.yaml"
UPSTREAM_ENV = {"MOCK_OPENAI_KEY": OPENAI_KEY, "MOCK_ANTHROPIC_KEY": ANTHROPIC_KEY}

StartGateway = Callable[..., RunningGateway]


@pytest.fixture(autouse=True)
def _structlog_defaults() -> Iterator[None]:
    """A command run in-process (``main([...])``) configures structlog for the whole process;
    put the defaults back so that later tests read the gateway's events where they expect."""
    yield
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def bg_loop() -> Iterator[BackgroundLoop]:
    loop = BackgroundLoop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def mock_server(bg_loop: BackgroundLoop) -> Iterator[MockProvider]:
    mock = MockProvider()
    bg_loop.run(mock.start())
    yield mock
    bg_loop.run(mock.stop())


@pytest.fixture
def mock(mock_server: MockProvider) -> Iterator[MockProvider]:
    """The shared mock provider, with default behaviour and no recorded requests."""
    mock_server.reset()
    yield mock_server
    mock_server.release()
    mock_server.reset()


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in overrides.items():
        out[key] = deep_merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def free_port() -> int:
    """A loopback port free now (for a process that must know its port before it starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stores_yaml(tmp_path: Path) -> str:
    """Settings lines that keep a gateway's key store and prompt log inside the test's folder, and its
    assurance schedule off (its probes would add records and incidents to what a test counts)."""
    return (
        f"store: {{sqlite_path: {tmp_path / 'aigw.db'}}}\n"
        f"prompt_log: {{sqlite_path: {tmp_path / 'prompt-log.db'}, key_file: {tmp_path / 'log-keys.json'}, "
        f"spool_path: {tmp_path / 'prompt-log.spool'}}}\n"
        "assurance: {interval_s: 0}\n"
    )


def gateway_settings(tmp_path: Path, mock_url: str, overrides: dict[str, Any] | None = None) -> Settings:
    raw: dict[str, Any] = {
        "listen": {"port": 0},
        "admin": {"port": 0},
        "policy_path": str(TEST_POLICY),
        "assurance": {"interval_s": 0},  # its probes would add records and incidents to what a test counts
        "store": {"sqlite_path": str(tmp_path / "aigw.db")},
        "prompt_log": {
            "sqlite_path": str(tmp_path / "prompt-log.db"),
            "key_file": str(tmp_path / "log-keys.json"),
            "spool_path": str(tmp_path / "prompt-log.spool"),
        },
        "providers": {
            "echo": {"type": "echo", "models": ["echo-1"]},
            "openai": {
                "type": "openai",
                "base_url": f"{mock_url}/v1",
                "api_key_env": "MOCK_OPENAI_KEY",
                "models": ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"],
            },
            "anthropic": {
                "type": "anthropic",
                "base_url": mock_url,
                "api_key_env": "MOCK_ANTHROPIC_KEY",
                "models": ["claude-sonnet-5-5", "claude-haiku-5-5"],
            },
        },
        "routes": [
            {"match": "echo-*", "provider": "echo"},
            {"match": "gpt-*", "provider": "openai"},
            {"match": "text-embedding-*", "provider": "openai"},
            {"match": "claude-*", "provider": "anthropic"},
        ],
    }
    return Settings.model_validate(deep_merge(raw, overrides or {}))


@pytest.fixture
def start_gateway(bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path) -> Iterator[StartGateway]:
    """Start a real gateway wired to the mock provider; settings overrides as keyword dicts."""
    started: list[RunningGateway] = []

    def start(env: dict[str, str] | None = None, **overrides: Any) -> RunningGateway:
        settings = gateway_settings(tmp_path, mock.url, overrides)
        gateway = RunningGateway.start(bg_loop, settings, UPSTREAM_ENV if env is None else env)
        started.append(gateway)
        return gateway

    yield start
    for gateway in started:
        gateway.stop()


@pytest.fixture
def gateway(start_gateway: StartGateway) -> RunningGateway:
    return start_gateway()


@pytest.fixture
def eng_key(gateway: RunningGateway) -> str:
    """A key for an engineer (may use echo, OpenAI gpt-* and Anthropic claude-*)."""
    return gateway.create_key("alice", "engineering")


@pytest.fixture
def closing() -> Iterator[list[Any]]:
    """SDK clients to close after the test (an unclosed one leaks its sockets)."""
    clients: list[Any] = []
    yield clients
    for c in clients:
        c.close()


@contextmanager
def policy_gateway(
    bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path, policy: Path
) -> Iterator[RunningGateway]:
    """A gateway with its own policy and one detection worker, for a module's tests
    (starting detection workers takes a moment, so modules share one)."""
    settings = gateway_settings(tmp_path, mock.url, {"policy_path": str(policy), "detection": {"workers": 1}})
    gateway = RunningGateway.start(bg_loop, settings, UPSTREAM_ENV)
    try:
        yield gateway
    finally:
        gateway.stop()


def sdk_client(gateway: RunningGateway, closing: list[Any], user: str = "ann") -> Any:
    """An OpenAI SDK client with a fresh key for ``user``, closed after the test."""
    import openai

    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key(user), max_retries=0, timeout=60)
    closing.append(client)
    return client
