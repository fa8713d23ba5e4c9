"""The policy text and helpers shared by the policy tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigError, ConfigProblem
from gateway.policy.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POLICY = ROOT / "policies" / "default.yaml"
TEST_POLICY = ROOT / "tests" / "data" / "policy.yaml"

DENY = "approved_tools.default_deny"
ENG = ("engineering",)
ENG_RULE = "groups.engineering.approved_tools"
RES_RULE = "groups.research.approved_tools"
STAFF_RULE = "groups.staff.approved_tools"

# A small policy written for these tests; line numbers matter for the validation tests.
POLICY = """\
policy:
  id: unit
  version: "2"
default_group: staff
groups:
  staff:
    approved_tools:
      - provider: echo
        models: ["*"]
  engineering:
    approved_tools:
      - provider: echo
        models: ["echo-*"]
      - provider: openai
        models: ["gpt-4o-mini", "gpt-6*", "o[0-9]*"]
      - provider: anthropic
        models: ["claude-sonnet-?-5"]
  research:
    approved_tools:
      - provider: anthropic
        models: ["claude-*"]
  contractors:
    approved_tools: []
"""


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> tuple[Path, ConfigError]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    return path, info.value


def only_problem(err: ConfigError) -> ConfigProblem:
    assert len(err.problems) == 1, str(err)
    return err.problems[0]
