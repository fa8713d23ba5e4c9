"""Settings errors, located in the file or named by the environment variable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.gateway.settings_helpers import CUSTOM_PROVIDERS, load_error, only_problem, write

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
    assert str(err).splitlines()[1] == f"{file}:4:3: admin.prot: unknown key; did you mean 'port'?"


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
