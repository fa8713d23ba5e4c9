"""Deployment settings: embedded defaults, the YAML file and AIGW_* overrides."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest

from gateway.config.settings import Settings, load_settings
from tests.gateway.settings_helpers import CUSTOM_PROVIDERS, DEFAULT_ROUTES, write

# --- embedded defaults ---------------------------------------------------------------------------


def test_defaults_without_a_file() -> None:
    s = load_settings(None, {})
    assert (s.listen.host, s.listen.port) == ("127.0.0.1", 8080)
    assert (s.admin.host, s.admin.port) == ("127.0.0.1", 8081)
    assert s.store.sqlite_path == Path("var/aigw.db")
    assert s.policy_path == Path("policies/default.yaml")
    assert s.identity.modes == ("keys",)
    assert (s.log.format, s.log.level) == ("auto", "info")
    assert [(r.match, r.provider) for r in s.routes] == DEFAULT_ROUTES
    assert s == Settings()


@pytest.mark.parametrize(
    ("name", "kind", "key_env", "model"),
    [
        ("echo", "echo", None, "echo-1"),
        ("openai", "openai", "OPENAI_API_KEY", "gpt-6-sol"),
        ("anthropic", "anthropic", "ANTHROPIC_API_KEY", "claude-sonnet-5-5"),
    ],
)
def test_default_providers(name: str, kind: str, key_env: str | None, model: str) -> None:
    s = load_settings(None, {})
    assert set(s.providers) == {"echo", "openai", "anthropic"}
    provider = s.providers[name]
    assert provider.type == kind
    assert provider.api_key_env == key_env
    assert provider.api_key_file is None
    assert provider.base_url is None
    assert model in provider.models


def test_unrelated_environment_variables_are_ignored() -> None:
    env = {"PATH": "/usr/bin", "OPENAI_API_KEY": "sk-x", "aigw_listen__port": "1", "XAIGW_LISTEN__PORT": "2"}
    assert load_settings(None, env) == Settings()


def test_aigw_config_is_not_a_settings_key() -> None:
    # AIGW_CONFIG names the file (read by the CLI); it must not be read as a key called "config".
    assert load_settings(None, {"AIGW_CONFIG": "/nonexistent/gateway.yaml"}) == Settings()


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "# nothing here\n"), {}) == Settings()


# --- the file ------------------------------------------------------------------------------------


def test_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "listen:\n  host: 0.0.0.0\n  port: 9000\nstore:\n  sqlite_path: /data/keys.db\nlog:\n  level: debug\n",
    )
    s = load_settings(path, {})
    assert (s.listen.host, s.listen.port) == ("0.0.0.0", 9000)
    assert s.store.sqlite_path == Path("/data/keys.db")
    assert s.log.level == "debug"
    # Everything else keeps its default.
    assert (s.admin.host, s.admin.port) == ("127.0.0.1", 8081)
    assert s.log.format == "auto"
    assert s.providers == Settings().providers


def test_file_providers_replace_the_default_providers(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, CUSTOM_PROVIDERS), {})
    assert set(s.providers) == {"echo", "vllm"}
    assert s.providers["vllm"].base_url == "http://vllm.internal:8000/v1"
    assert [(r.match, r.provider) for r in s.routes] == [("meta-llama/*", "vllm")]


def test_base_url_trailing_slash_is_removed(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, CUSTOM_PROVIDERS.replace("/v1", "/v1/")), {})
    assert s.providers["vllm"].base_url == "http://vllm.internal:8000/v1"


# --- AIGW_* environment overrides ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "attribute", "expected"),
    [
        ({"AIGW_LISTEN__PORT": "9000"}, lambda s: s.listen.port, 9000),
        ({"AIGW_LISTEN__HOST": "0.0.0.0"}, lambda s: s.listen.host, "0.0.0.0"),
        ({"AIGW_ADMIN__PORT": "9191"}, lambda s: s.admin.port, 9191),
        ({"AIGW_POLICY_PATH": "/etc/aigw/policy.yaml"}, lambda s: s.policy_path, Path("/etc/aigw/policy.yaml")),
        ({"AIGW_STORE__SQLITE_PATH": "/data/k.db"}, lambda s: s.store.sqlite_path, Path("/data/k.db")),
        ({"AIGW_LIMITS__MAX_BODY_BYTES": "1024"}, lambda s: s.limits.max_body_bytes, 1024),
        ({"AIGW_LIMITS__UPSTREAM_READ_TIMEOUT_S": "2.5"}, lambda s: s.limits.upstream_read_timeout_s, 2.5),
        ({"AIGW_LOG__LEVEL": "debug"}, lambda s: s.log.level, "debug"),
        ({"AIGW_IDENTITY__MODES": "[keys]"}, lambda s: s.identity.modes, ("keys",)),
        # Values that start with '{' are YAML too.
        (
            {"AIGW_PROVIDERS__OPENAI__HEADERS": "{x-org: acme}"},
            lambda s: s.providers["openai"].headers,
            {"x-org": "acme"},
        ),
        # A value that is not YAML after all stays text.
        ({"AIGW_LISTEN__HOST": "[::1"}, lambda s: s.listen.host, "[::1"),
    ],
)
def test_env_overrides_a_default(environ: dict[str, str], attribute: Any, expected: object) -> None:
    s = load_settings(None, environ)
    assert attribute(s) == expected
    # Unrelated sections keep their defaults.
    assert s.routes == Settings().routes


def test_env_provider_override_without_file_is_seeded_from_the_defaults() -> None:
    s = load_settings(None, {"AIGW_PROVIDERS__OPENAI__BASE_URL": "http://vllm:8000/v1/"})
    openai = s.providers["openai"]
    assert openai.base_url == "http://vllm:8000/v1"
    # The rest of the provider, the other providers and the routes are the defaults, not emptied.
    default = Settings().providers["openai"]
    assert openai.type == "openai"
    assert openai.api_key_env == "OPENAI_API_KEY"
    assert openai.models == default.models
    assert set(s.providers) == {"echo", "openai", "anthropic"}
    assert s.providers["anthropic"] == Settings().providers["anthropic"]
    assert [(r.match, r.provider) for r in s.routes] == DEFAULT_ROUTES


def test_env_list_value_is_read_as_yaml() -> None:
    s = load_settings(
        None,
        {
            "AIGW_IDENTITY__MODES": "[keys, trusted_header]",
            "AIGW_IDENTITY__TRUSTED_HEADER__TRUSTED_PROXIES": '[10.0.0.0/8, "::1/128"]',
        },
    )
    assert s.identity.modes == ("keys", "trusted_header")
    assert s.identity.trusted_header.trusted_proxies == (
        ipaddress.ip_network("10.0.0.0/8"),
        ipaddress.ip_network("::1/128"),
    )
    # Siblings in the nested section keep their defaults.
    assert s.identity.trusted_header.user_header == "x-forwarded-user"
    assert s.identity.key_refresh_interval_s == 1.0


def test_env_wins_over_file_and_keeps_the_files_siblings(tmp_path: Path) -> None:
    path = write(tmp_path, "listen:\n  host: 0.0.0.0\n  port: 9000\nlog:\n  level: warning\n")
    s = load_settings(path, {"AIGW_LISTEN__PORT": "9100", "AIGW_LOG__FORMAT": "json"})
    assert (s.listen.host, s.listen.port) == ("0.0.0.0", 9100)
    assert (s.log.format, s.log.level) == ("json", "warning")


def test_env_overrides_a_provider_defined_in_the_file(tmp_path: Path) -> None:
    env = {"AIGW_PROVIDERS__VLLM__BASE_URL": "https://gpu.internal/v1"}
    s = load_settings(write(tmp_path, CUSTOM_PROVIDERS), env)
    assert s.providers["vllm"].base_url == "https://gpu.internal/v1"
    assert s.providers["vllm"].type == "openai"
    assert set(s.providers) == {"echo", "vllm"}
