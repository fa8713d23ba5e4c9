"""Helpers shared by the settings tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config.settings import load_settings
from gateway.errors import ConfigError, ConfigProblem

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
