"""Provider credentials from environment variables and key files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.config.settings import Settings
from gateway.errors import ConfigError
from gateway.providers import Credential, resolve_credentials
from tests.gateway.settings_helpers import only_problem, write

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
