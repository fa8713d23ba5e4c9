"""The AI tool register in the policy: validated with the line to fix, where each tool stands on a
given day, which entry covers a model, and how ``aigw policy diff`` labels register changes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from gateway.cli.policy import run_check, run_test
from gateway.policy.diff import Effect, diff
from gateway.policy.policy import load_policy
from gateway.policy.register import Register, RegisterPolicy, Standing, standing
from gateway.policy.schema import PolicyDocument
from tests.conftest import TEST_POLICY
from tests.gateway.policy_helpers import load_error, only_problem

ENTRY = (
    "    - id: openai-all\n"  # line n+0 of the register block
    "      provider: openai\n"
    "      vendor: OpenAI\n"
    "      owner: procurement@example.com\n"
    "      hosting: {type: cloud, region: eu}\n"
    "      data_terms: {retains_prompts: true, retention_days: 30}\n"
    "      risk_assessed: 2026-01-10\n"
    "      review_by: 2027-01-10\n"
    "      status: approved\n"
)


def with_register(entries: str, head: str = "") -> str:
    return TEST_POLICY.read_text() + "tool_register:\n" + head + "  entries:\n" + entries


def line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ("      status: approved\n", "      status: paused\n", "status", "approved"),
        (
            "      review_by: 2027-01-10\n",
            "      review_by: 2025-01-10\n",
            "review_by",
            "must come after risk_assessed",
        ),
        ("      review_by: 2027-01-10\n", "      review_by: next year\n", "review_by", "date"),
        ("      provider: openai\n", "      provider: mistral\n", "provider", "no group's approved_tools grant"),
        ("      owner: procurement@example.com\n", "", "owner", "required"),
        (
            "      data_terms: {retains_prompts: true, retention_days: 30}\n",
            "      data_terms: {retains_prompts: true, zero_data_retention: true}\n",
            "zero_data_retention",
            "contradicts",
        ),
    ],
    ids=["status", "review-before-assessment", "not-a-date", "provider-not-approved", "no-owner", "zdr"],
)
def test_a_bad_entry_is_refused_at_its_line(tmp_path: Path, old: str, new: str, key: str, message: str) -> None:
    text = with_register(ENTRY.replace(old, new))
    _path, err = load_error(tmp_path, text)
    problem = only_problem(err)
    assert message in problem.message
    assert problem.path.startswith("tool_register.entries[0]")
    assert problem.path.endswith(key) or new == ""  # a missing key is reported at its entry
    if new:
        assert problem.line == line_of(text, new.rstrip("\n"))


def test_a_repeated_entry_id_names_both(tmp_path: Path) -> None:
    text = with_register(ENTRY + ENTRY)
    _path, err = load_error(tmp_path, text)
    problem = only_problem(err)
    assert "used twice" in problem.message
    assert problem.line == [n for n, line in enumerate(text.splitlines(), 1) if line == "    - id: openai-all"][1]


def test_a_retired_entry_may_name_a_provider_no_group_grants(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        with_register(ENTRY.replace("provider: openai", "provider: mistral").replace("approved", "retired"))
    )
    assert load_policy(path).register.entries_for("mistral", "large")


def entry_policy(review_by: str, status: str = "approved", warn_days: int = 30) -> RegisterPolicy:
    return RegisterPolicy.model_validate(
        {
            "warn_days": warn_days,
            "entries": [
                {
                    "id": "gpt4o",
                    "provider": "openai",
                    "models": ["gpt-4o"],
                    "vendor": "OpenAI",
                    "owner": "o@example.com",
                    "hosting": {"type": "cloud"},
                    "data_terms": {"retains_prompts": False},
                    "risk_assessed": "2026-01-01",
                    "review_by": review_by,
                    "status": status,
                },
                {
                    "id": "openai",
                    "provider": "openai",
                    "vendor": "OpenAI",
                    "owner": "o@example.com",
                    "hosting": {"type": "cloud"},
                    "data_terms": {"retains_prompts": False},
                    "risk_assessed": "2026-01-01",
                    "review_by": "2030-01-01",
                    "status": "approved",
                },
            ],
        }
    )


@pytest.mark.parametrize(
    ("review_by", "status", "today", "expected", "days"),
    [
        ("2026-12-31", "approved", date(2026, 12, 1), Standing.REVIEW_DUE, 30),  # exactly warn_days ahead
        ("2026-12-31", "approved", date(2026, 11, 30), Standing.IN_SERVICE, 31),
        ("2026-12-31", "conditional", date(2026, 12, 31), Standing.REVIEW_DUE, 0),  # the review day itself
        ("2026-12-31", "approved", date(2027, 1, 1), Standing.REVIEW_LAPSED, -1),
        ("2027-06-30", "suspended", date(2026, 12, 1), Standing.SUSPENDED, 211),
        ("2027-06-30", "retired", date(2026, 12, 1), Standing.RETIRED, 211),
    ],
)
def test_standing_on_a_day(review_by: str, status: str, today: date, expected: Standing, days: int) -> None:
    entry = entry_policy(review_by, status).entries[0]
    verdict = standing(entry, today, warn_days=30)
    assert (verdict.standing, verdict.days_to_review) == (expected, days)
    assert verdict.standing.refused == (expected in (Standing.REVIEW_LAPSED, Standing.SUSPENDED, Standing.RETIRED))


def test_the_worst_standing_entry_covering_a_model_decides_whatever_the_order() -> None:
    policy = entry_policy("2027-01-01")
    for entries in (policy.entries, tuple(reversed(policy.entries))):
        register = Register(policy.model_copy(update={"entries": entries}))
        assert [e.id for e in register.entries_for("openai", "GPT-4o")] == [e.id for e in entries]  # any case
        lapsed = register.verdict("openai", "openai/gpt-4o", date(2027, 1, 2))  # the provider/ prefix too
        assert lapsed is not None
        assert (lapsed.entry.id, lapsed.standing) == ("gpt4o", Standing.REVIEW_LAPSED)
        assert "lapsed on 2027-01-01" in lapsed.message()
        assert "o@example.com" in lapsed.message()
        other = register.verdict("openai", "gpt-4o-mini", date(2027, 1, 2))
        assert other is not None
        assert (other.entry.id, other.standing) == ("openai", Standing.IN_SERVICE)
        assert register.verdict("anthropic", "claude", date(2027, 1, 2)) is None


def test_an_entry_covers_at_least_one_valid_glob(tmp_path: Path) -> None:
    for models, message in (("[]", "at least one model glob"), ('["gpt-[4"]', "opens '['")):
        text = with_register(
            ENTRY.replace("      provider: openai\n", f"      provider: openai\n      models: {models}\n")
        )
        _path, err = load_error(tmp_path, text)
        assert message in only_problem(err).message


def test_diff_labels_register_changes(tmp_path: Path) -> None:
    def loaded(text: str) -> PolicyDocument:
        path = tmp_path / "p.yaml"
        path.write_text(text)
        return load_policy(path).document

    suspended = loaded(with_register(ENTRY.replace("status: approved", "status: suspended")))
    approved = loaded(with_register(ENTRY))
    later = loaded(
        with_register(ENTRY.replace("review_by: 2027-01-10", "review_by: 2028-01-10"), "  enforcement: monitor\n")
    )
    changes = {(c.where, c.effect) for c in diff(suspended, approved)}
    assert ("tool_register.openai-all.status", Effect.LOOSENED) in changes  # a suspended tool approved again
    assert ("tool_register.openai-all.status", Effect.TIGHTENED) in {
        (c.where, c.effect) for c in diff(approved, suspended)
    }
    moved = {(c.where, c.effect) for c in diff(approved, later)}
    assert ("tool_register.openai-all.review_by", Effect.LOOSENED) in moved
    assert ("tool_register.enforcement", Effect.LOOSENED) in moved
    narrowed = loaded(
        with_register(
            ENTRY.replace("status: approved", "status: suspended").replace(
                "      provider: openai\n", "      provider: openai\n      models: [gpt-4o]\n"
            )
        )
    )
    assert ("tool_register.openai-all.models", Effect.LOOSENED) in {
        (c.where, c.effect) for c in diff(suspended, narrowed)
    }
    restricted = loaded(with_register(ENTRY.replace("      owner:", "      data_classes: [pii]\n      owner:")))
    assert ("tool_register.openai-all.data_classes", Effect.TIGHTENED) in {
        (c.where, c.effect) for c in diff(approved, restricted)
    }
    required = loaded(with_register(ENTRY, "  require_entry: true\n"))
    assert ("tool_register.require_entry", Effect.TIGHTENED) in {(c.where, c.effect) for c in diff(approved, required)}
    assert ("tool_register.require_entry", Effect.LOOSENED) in {(c.where, c.effect) for c in diff(required, approved)}
    gone = loaded(TEST_POLICY.read_text())
    assert ("tool_register.openai-all", Effect.LOOSENED) in {(c.where, c.effect) for c in diff(approved, gone)}


def test_policy_check_lists_the_register_with_each_entrys_standing(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(with_register(ENTRY.replace("review_by: 2027-01-10", "review_by: 2026-02-01")))
    out, err = io.StringIO(), io.StringIO()
    assert run_check([path], out, err) == 0
    lines = out.getvalue().splitlines()
    assert "  tool register: 1 entries, enforce, warning 30 days" in lines
    [row] = [line for line in lines if line.strip().startswith("openai-all")]
    assert row.split()[1:] == ["openai/*", "approved", "2026-02-01", "review_lapsed", "procurement@example.com"]


def test_policy_test_cases_are_decided_with_the_register_as_the_gateway_decides(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(with_register(ENTRY.replace("review_by: 2027-01-10", "review_by: 2026-06-01")))
    cases = tmp_path / "policy.tests.yaml"
    cases.write_text(
        "cases:\n"
        "  - {name: in review, groups: [engineering], provider: openai, model: gpt-4o, today: 2026-05-01,\n"
        "     expect: {decision: allow}}\n"
        "  - {name: lapsed, groups: [engineering], provider: openai, model: gpt-4o, today: 2026-06-02,\n"
        "     expect: {decision: deny, rule: register.openai-all}}\n"
        "  - {name: wrongly expected, groups: [engineering], provider: openai, model: gpt-4o, today: 2026-06-02,\n"
        "     expect: {decision: allow}}\n"
    )
    out = io.StringIO()
    assert run_test(path, cases, out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("ok   in review")
    assert lines[1].startswith("ok   lapsed")
    assert lines[2].startswith("FAIL wrongly expected")
    assert "got deny (rule: register.openai-all)" in out.getvalue()
