"""Policy files that must be refused, each with the line and column to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigError
from gateway.policy.policy import load_policy
from tests.gateway.policy_helpers import (
    POLICY,
    load_error,
    only_problem,
)

# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "line", "column", "message"),
    [
        pytest.param(
            "    approved_tools: []\n",
            "    aproved_tools: []\n",
            "groups.contractors.aproved_tools",
            23,
            5,
            "unknown key",
            id="unknown-key-in-group",
        ),
        pytest.param(
            '  version: "2"\n',
            '  version: "2"\n  revision: 4\n',
            "policy.revision",
            4,
            3,
            "unknown key",
            id="unknown-key-in-meta",
        ),
        pytest.param(
            '        models: ["echo-*"]\n',
            '        models: ["echo-*"]\n        model: x\n',
            "groups.engineering.approved_tools[0].model",
            14,
            9,
            "unknown key",
            id="unknown-key-in-tool",
        ),
        pytest.param(
            "  id: unit\n",
            "",
            "policy.id",
            1,
            1,
            "required key is missing",
            id="missing-policy-id",
        ),
        pytest.param(
            "  id: unit\n",
            '  id: ""\n',
            "policy.id",
            2,
            3,
            "at least 1 character",
            id="empty-policy-id",
        ),
        pytest.param(
            '        models: ["claude-*"]\n',
            "        models: []\n",
            "groups.research.approved_tools[0].models",
            21,
            9,
            "at least 1 item",
            id="models-empty",
        ),
        pytest.param(
            '      - provider: anthropic\n        models: ["claude-*"]\n',
            '      - models: ["claude-*"]\n',
            "groups.research.approved_tools[0].provider",
            20,
            9,
            "required key is missing",
            id="tool-without-provider",
        ),
        pytest.param(
            "    approved_tools: []\n",
            "    approved_tools: echo\n",
            "groups.contractors.approved_tools",
            23,
            5,
            "valid tuple",
            id="approved-tools-not-a-list",
        ),
    ],
)
def test_validation_errors_are_located(
    tmp_path: Path, old: str, new: str, path: str, line: int, column: int, message: str
) -> None:
    assert old in POLICY
    file, err = load_error(tmp_path, POLICY.replace(old, new, 1))
    problem = only_problem(err)
    assert problem.source == str(file)
    assert (problem.path, problem.line, problem.column) == (path, line, column)
    assert message in problem.message
    assert str(err) == f"{file}:{line}:{column}: {path}: {problem.message}"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('policy:\n  id: x\n  version: "1"\ndefault_group: g\ngroups: {}\n', 5, 1, "at least 1 item"),
        ('policy:\n  id: x\n  version: "1"\ndefault_group: g\ngroups:\n', 5, 1, "valid dictionary"),
    ],
)
def test_groups_must_not_be_empty(tmp_path: Path, text: str, line: int, column: int, message: str) -> None:
    _, err = load_error(tmp_path, text)
    problem = only_problem(err)
    assert (problem.path, problem.line, problem.column) == ("groups", line, column)
    assert message in problem.message


def test_default_group_must_be_defined(tmp_path: Path) -> None:
    file, err = load_error(tmp_path, POLICY.replace("default_group: staff", "default_group: everyone"))
    problem = only_problem(err)
    assert problem.source == str(file)
    assert problem.message == (
        "default_group 'everyone' is not one of the groups defined (staff, engineering, research, contractors)"
    )
    # The dangling reference itself is located (line 4), not the top of the file.
    assert (problem.path, problem.line, problem.column) == ("default_group", 4, 1)


def test_several_problems_are_all_reported(tmp_path: Path) -> None:
    text = POLICY.replace("  id: unit\n", "").replace('models: ["claude-*"]', "models: []")
    _, err = load_error(tmp_path, text)
    assert sorted(p.path for p in err.problems) == ["groups.research.approved_tools[0].models", "policy.id"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("policy: [\n", "invalid YAML"),
        ("- a\n- b\n", "the top level must be a mapping of keys to values"),
    ],
)
def test_unparseable_policy(tmp_path: Path, text: str, message: str) -> None:
    _, err = load_error(tmp_path, text)
    assert message in only_problem(err).message


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_policy(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: cannot read file: No such file or directory"
