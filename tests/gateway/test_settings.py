"""Deployment settings: embedded defaults, the YAML file, AIGW_* overrides, and located errors."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest

from gateway.errors import ConfigError, ConfigProblem
from gateway.providers import Credential, resolve_credentials
from gateway.settings import Settings, load_settings

DEFAULT_ROUTES = [
    ("echo-*", "echo"),
    ("gpt-*", "openai"),
    ("o[0-9]*", "openai"),
    ("text-embedding-*", "openai"),
    ("claude-*", "anthropic"),
]

# A minimal valid file that replaces the default providers and routes.
CUSTOM_PROVIDERS = """\
providers:
  echo:
    type: echo
  vllm:
    type: openai
    base_url: http://vllm.internal:8000/v1
routes:
  - match: "meta-llama/*"
    provider: vllm
"""


def write(tmp_path: Path, text: str, name: str = "gateway.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path | None, environ: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_settings(path, environ or {})
    return info.value


def only_problem(err: ConfigError) -> ConfigProblem:
    assert len(err.problems) == 1, str(err)
    return err.problems[0]


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


# --- errors from the file ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "path", "line", "column", "message"),
    [
        pytest.param(
            "listen:\n  port: 9000\n  hots: 0.0.0.0\n",
            "listen.hots",
            3,
            3,
            "unknown key",
            id="unknown-nested-key",
        ),
        pytest.param(
            "log:\n  level: info\nlistne:\n  port: 1\n",
            "listne",
            3,
            1,
            "unknown key",
            id="unknown-top-level-key",
        ),
        pytest.param(
            "listen:\n  port: nine\n",
            "listen.port",
            2,
            3,
            "valid integer",
            id="wrong-type",
        ),
        pytest.param(
            "listen: 8080\n",
            "listen",
            1,
            1,
            "valid dictionary",
            id="section-not-a-mapping",
        ),
        pytest.param(
            "admin:\n  host: 127.0.0.1\n  port: 70000\n",
            "admin.port",
            3,
            3,
            "less than or equal to 65535",
            id="port-too-high",
        ),
        pytest.param(
            "listen:\n  port: -1\n",
            "listen.port",
            2,
            3,
            "greater than or equal to 0",
            id="port-negative",
        ),
        pytest.param(
            CUSTOM_PROVIDERS.replace("http://vllm.internal:8000/v1", "ftp://vllm.internal/v1"),
            "providers.vllm.base_url",
            6,
            5,
            "base_url must be an absolute http:// or https:// URL",
            id="base-url-scheme",
        ),
        pytest.param(
            CUSTOM_PROVIDERS.replace("http://vllm.internal:8000/v1", "vllm.internal/v1"),
            "providers.vllm.base_url",
            6,
            5,
            "base_url must be an absolute http:// or https:// URL",
            id="base-url-relative",
        ),
        pytest.param(
            "providers:\n  echo:\n    type: echo\n    base_url: http://x\nroutes: []\n",
            "providers.echo.type",
            3,
            5,
            "an echo provider takes no base_url or credentials",
            id="echo-with-base-url",
        ),
        pytest.param(
            "providers:\n  openai:\n    type: openai\n    api_key_env: K\n    api_key_file: /run/k\nroutes: []\n",
            "providers.openai.api_key_file",
            5,
            5,
            "set api_key_env or api_key_file, not both",
            id="key-env-and-key-file",
        ),
        pytest.param(
            "providers:\n  openai:\n    type: gemini\nroutes: []\n",
            "providers.openai.type",
            3,
            5,
            "'openai', 'anthropic' or 'echo'",
            id="unknown-provider-type",
        ),
        pytest.param(
            "identity:\n  key_refresh_interval_s: 2\n  modes: [trusted_header]\n",
            "identity.trusted_header.trusted_proxies",
            1,
            1,
            "trusted_header mode needs identity.trusted_header.trusted_proxies",
            id="trusted-header-without-proxies",
        ),
        pytest.param(
            "identity:\n  modes: [trusted_header]\n  trusted_header:\n    user_header: x-user\n",
            "identity.trusted_header.trusted_proxies",
            3,
            3,
            "trusted_header mode needs identity.trusted_header.trusted_proxies",
            id="trusted-header-section-without-proxies",
        ),
        pytest.param(
            "identity:\n  modes: [trusted_header]\n  trusted_header:\n    trusted_proxies: []\n",
            "identity.trusted_header.trusted_proxies",
            4,
            5,
            "trusted_header mode needs identity.trusted_header.trusted_proxies",
            id="trusted-header-empty-proxies",
        ),
        pytest.param(
            "identity:\n  modes: [keys]\n  trusted_header:\n    trusted_proxies: [10.0.0.0/33]\n",
            "identity.trusted_header.trusted_proxies[0]",
            4,
            23,
            "valid IPv4 or IPv6 network",
            id="trusted-proxy-not-a-network",
        ),
        pytest.param(
            "log:\n  level: info\nidentity:\n  modes: []\n",
            "identity.modes",
            4,
            3,
            "identity.modes must name at least one of",
            id="no-identity-modes",
        ),
        pytest.param(
            "providers:\n  OpenAI:\n    type: openai\nroutes: []\n",
            "providers.OpenAI",
            2,
            3,
            "provider name 'OpenAI' must be lower-case letters, digits, '-' or '_'",
            id="provider-name-case",
        ),
        pytest.param(
            CUSTOM_PROVIDERS + "  - match: 'gpt-*'\n    provider: openai\n",
            "routes[1].provider",
            11,
            5,
            "routes[1] names provider 'openai', which is not defined (defined: echo, vllm)",
            id="route-to-undefined-provider",
        ),
        pytest.param(
            "admin:\n  port: 8080\n",
            "admin.port",
            2,
            3,
            "listen and admin must not use the same address and port",
            id="listen-and-admin-clash",
        ),
    ],
)
def test_file_errors_are_located(tmp_path: Path, text: str, path: str, line: int, column: int, message: str) -> None:
    file = write(tmp_path, text)
    problem = only_problem(load_error(file, {}))
    assert problem.source == str(file)
    assert (problem.path, problem.line, problem.column) == (path, line, column)
    assert message in problem.message
    assert str(problem).startswith(f"{file}:{line}:{column}: {path}: ")


def test_error_str_lists_every_problem(tmp_path: Path) -> None:
    file = write(tmp_path, "listen:\n  port: x\nadmin:\n  prot: 1\n")
    err = load_error(file, {})
    assert [(p.path, p.line, p.column) for p in err.problems] == [("listen.port", 2, 3), ("admin.prot", 4, 3)]
    assert str(err).splitlines() == [str(p) for p in err.problems]
    assert (
        str(err).splitlines()[1]
        == f"{file}:4:3: admin.prot: unknown key (check the spelling; see the documented schema)"
    )


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("listen: [\n", 2, 1),
        ("listen:\n  port: 1\n    host: x\n", 3, 9),
        ('log: "unterminated\n', 2, 1),
    ],
)
def test_invalid_yaml_reports_the_line(tmp_path: Path, text: str, line: int, column: int) -> None:
    file = write(tmp_path, text)
    problem = only_problem(load_error(file, {}))
    assert (problem.source, problem.path) == (str(file), "")
    assert (problem.line, problem.column) == (line, column)
    assert problem.message.startswith("invalid YAML: ")


@pytest.mark.parametrize("text", ["- listen\n- admin\n", "just a string\n", "42\n"])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    file = write(tmp_path, text)
    err = load_error(file, {})
    assert str(err) == f"{file}:1:1: the top level must be a mapping of keys to values"


def test_default_routes_need_the_default_providers(tmp_path: Path) -> None:
    # Replacing providers but not routes leaves the default routes pointing at missing providers.
    file = write(tmp_path, "providers:\n  echo:\n    type: echo\n")
    err = load_error(file, {})
    assert "routes[1] names provider 'openai', which is not defined (defined: echo)" in str(err)


@pytest.mark.parametrize(
    ("make_path", "reason"),
    [
        (lambda tmp: tmp / "missing.yaml", "No such file or directory"),
        (lambda tmp: tmp, "Is a directory"),
    ],
)
def test_unreadable_file(tmp_path: Path, make_path: Any, reason: str) -> None:
    file = make_path(tmp_path)
    problem = only_problem(load_error(file, {}))
    assert problem.source == str(file)
    assert (problem.path, problem.line, problem.column) == ("", None, None)
    assert str(problem) == f"{file}: cannot read file: {reason}"


# --- errors from the environment -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "path", "message"),
    [
        ("AIGW_FOO", "1", "foo", "unknown key"),
        ("AIGW_LISTEN__PROT", "1", "listen.prot", "unknown key"),
        ("AIGW_LISTEN__PORT", "99999", "listen.port", "less than or equal to 65535"),
        ("AIGW_LISTEN__PORT", "http", "listen.port", "valid integer"),
        ("AIGW_PROVIDERS__OPENAI__BASE_URL", "ftp://x/v1", "providers.openai.base_url", "absolute http://"),
        ("AIGW_IDENTITY__MODES", "[keys, sso]", "identity.modes[1]", "'keys' or 'trusted_header'"),
        ("AIGW_IDENTITY__MODES", "[keys", "identity.modes", "valid tuple"),
    ],
)
def test_env_errors_name_the_variable(name: str, value: str, path: str, message: str) -> None:
    problem = only_problem(load_error(None, {name: value}))
    assert problem.source == f"environment variable {name}"
    assert problem.path == path
    assert (problem.line, problem.column) == (None, None)
    assert message in problem.message
    assert str(problem).startswith(f"environment variable {name}: {path}: ")


def test_env_error_names_the_variable_even_with_a_file(tmp_path: Path) -> None:
    file = write(tmp_path, "listen:\n  port: 9000\n")
    problem = only_problem(load_error(file, {"AIGW_LISTEN__PORT": "-5"}))
    assert problem.source == "environment variable AIGW_LISTEN__PORT"
    assert problem.path == "listen.port"


@pytest.mark.parametrize("name", ["AIGW_LISTEN____PORT", "AIGW_", "AIGW_LISTEN__"])
def test_env_name_with_an_empty_key(name: str) -> None:
    err = load_error(None, {name: "1"})
    assert str(err) == f"environment variable {name}: empty key in name (use __ between keys)"


@pytest.mark.parametrize(
    ("environ", "source", "path"),
    [
        # Cross-field errors caused only by a variable (no file) name that variable.
        (
            {"AIGW_IDENTITY__MODES": "[trusted_header]"},
            "environment variable AIGW_IDENTITY__MODES",
            "identity.trusted_header.trusted_proxies",
        ),
        (
            {"AIGW_PROVIDERS__OPENAI__API_KEY_FILE": "/run/secrets/openai"},
            "environment variable AIGW_PROVIDERS__OPENAI__API_KEY_FILE",
            "providers.openai.api_key_file",
        ),
        ({"AIGW_LISTEN__PORT": "8081"}, "environment variable AIGW_LISTEN__PORT", "admin.port"),
        ({"AIGW_ADMIN__PORT": "8080"}, "environment variable AIGW_ADMIN__PORT", "admin.port"),
        (
            {"AIGW_PROVIDERS": "{echo: {type: echo}}"},
            "environment variable AIGW_PROVIDERS",
            "routes[1].provider",
        ),
    ],
)
def test_cross_field_error_caused_by_an_env_variable_names_it(environ: dict[str, str], source: str, path: str) -> None:
    problem = only_problem(load_error(None, environ))
    assert (problem.source, problem.path, problem.line, problem.column) == (source, path, None, None)


def test_cross_field_error_from_file_and_env_names_both(tmp_path: Path) -> None:
    file = write(tmp_path, "log:\n  level: info\nadmin:\n  port: 9000\n")
    problem = only_problem(load_error(file, {"AIGW_LISTEN__PORT": "9000"}))
    assert problem.source == f"{file} (with environment variable AIGW_LISTEN__PORT)"
    assert (problem.path, problem.line, problem.column) == ("admin.port", 4, 3)


def test_file_error_does_not_blame_an_unrelated_env_variable(tmp_path: Path) -> None:
    # The dangling route comes from the file alone; AIGW_LOG__LEVEL has nothing to do with it.
    file = write(tmp_path, CUSTOM_PROVIDERS + "  - match: 'gpt-*'\n    provider: openai\n")
    problem = only_problem(load_error(file, {"AIGW_LOG__LEVEL": "debug"}))
    assert (problem.path, problem.line, problem.column) == ("routes[1].provider", 11, 5)
    assert problem.source == str(file)


# --- provider credentials ------------------------------------------------------------------------


def settings_with(providers: dict[str, dict[str, Any]]) -> Settings:
    return Settings.model_validate({"providers": providers, "routes": []})


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"OPENAI_API_KEY": "sk-123"}, Credential("sk-123")),
        ({"OPENAI_API_KEY": "  sk-123\n"}, Credential("sk-123")),
        ({}, Credential(None, "$OPENAI_API_KEY")),
        ({"OPENAI_API_KEY": ""}, Credential(None, "$OPENAI_API_KEY")),
        ({"OPENAI_API_KEY": "  \n"}, Credential(None, "$OPENAI_API_KEY")),
        ({"OTHER_KEY": "sk-123"}, Credential(None, "$OPENAI_API_KEY")),
    ],
)
def test_credentials_from_env(environ: dict[str, str], expected: Credential) -> None:
    settings = settings_with({"openai": {"type": "openai", "api_key_env": "OPENAI_API_KEY"}})
    assert resolve_credentials(settings, environ) == {"openai": expected}


def test_credentials_for_the_embedded_defaults() -> None:
    creds = resolve_credentials(Settings(), {"ANTHROPIC_API_KEY": "sk-ant"})
    assert creds == {
        "echo": Credential(None),
        "openai": Credential(None, "$OPENAI_API_KEY"),
        "anthropic": Credential("sk-ant"),
    }


@pytest.mark.parametrize("content", ["sk-file", "sk-file\n", "  sk-file  \r\n\n"])
def test_credentials_from_file(tmp_path: Path, content: str) -> None:
    key_file = write(tmp_path, content, "openai.key")
    settings = settings_with({"openai": {"type": "openai", "api_key_file": str(key_file)}})
    assert resolve_credentials(settings, {}) == {"openai": Credential("sk-file")}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read key file: No such file or directory"),
        ("", "the key file is empty"),
        (" \n\n", "the key file is empty"),
    ],
)
def test_bad_key_file_is_an_error(tmp_path: Path, content: str | None, message: str) -> None:
    key_file = tmp_path / "openai.key"
    if content is not None:
        key_file.write_text(content, encoding="utf-8")
    settings = settings_with({"openai": {"type": "openai", "api_key_file": str(key_file)}})
    with pytest.raises(ConfigError) as info:
        resolve_credentials(settings, {"OPENAI_API_KEY": "sk-unused"})
    problem = only_problem(info.value)
    assert problem.path == "providers.openai.api_key_file"
    assert problem.message == message
    assert "providers.openai.api_key_file" in str(info.value)


def test_every_bad_key_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "", "empty.key")
    settings = settings_with(
        {
            "a": {"type": "openai", "api_key_file": str(tmp_path / "missing.key")},
            "b": {"type": "anthropic", "api_key_file": str(tmp_path / "empty.key")},
            "c": {"type": "openai", "api_key_env": "C_KEY"},
        }
    )
    with pytest.raises(ConfigError) as info:
        resolve_credentials(settings, {"C_KEY": "sk-c"})
    assert [p.path for p in info.value.problems] == ["providers.a.api_key_file", "providers.b.api_key_file"]
