"""The policy file: approved tools per group, the rule behind every decision, strict validation."""

from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path

import pytest

from gateway.errors import ConfigError
from gateway.policy.policy import MAX_ALTERNATIVES_SHOWN, Policy, ToolDecision, denial_message, load_policy
from tests.gateway.policy_helpers import (
    DEFAULT_POLICY,
    DENY,
    ENG,
    ENG_RULE,
    POLICY,
    RES_RULE,
    STAFF_RULE,
    TEST_POLICY,
    write,
)

# --- the shipped policies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "policy_id", "label", "default_group"),
    [(DEFAULT_POLICY, "default", "1", "everyone"), (TEST_POLICY, "test-policy", "7", "everyone")],
)
def test_shipped_policies_load(path: Path, policy_id: str, label: str, default_group: str) -> None:
    loaded = load_policy(path)
    assert loaded.id == policy_id
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    assert loaded.version == f"{label}+{digest}"
    assert loaded.document.default_group == default_group


@pytest.mark.parametrize(
    ("groups", "provider", "model", "allowed", "rule"),
    [
        (["engineering"], "openai", "gpt-6-sol", True, "groups.engineering.approved_tools[1]"),
        (["engineering"], "openai", "gpt-5.5", True, "groups.engineering.approved_tools[1]"),
        (["engineering"], "openai", "text-embedding-3-small", True, "groups.engineering.approved_tools[1]"),
        (["engineering"], "anthropic", "claude-sonnet-5-5", True, "groups.engineering.approved_tools[2]"),
        (["engineering"], "anthropic", "claude-opus-5-5", False, DENY),
        (["engineering"], "echo", "echo-1", True, "groups.engineering.approved_tools[0]"),
        # '.' in a glob is literal, not a regex wildcard.
        (["engineering"], "openai", "gpt-5x5", False, DENY),
        ([], "echo", "echo-1", True, "groups.everyone.approved_tools[0]"),
        ([], "openai", "gpt-6-sol", False, DENY),
        (["marketing"], "openai", "gpt-6-sol", False, DENY),
    ],
)
def test_default_policy_decisions(groups: list[str], provider: str, model: str, allowed: bool, rule: str) -> None:
    decision = load_policy(DEFAULT_POLICY).check_tool(groups, provider, model)
    assert (decision.allowed, decision.rule) == (allowed, rule)


# --- check_tool ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("groups", "provider", "model", "allowed", "rule", "effective"),
    [
        # Rule index is the approved_tools entry, not the glob within it.
        (["engineering"], "echo", "echo-1", True, ENG_RULE + "[0]", ENG),
        (["engineering"], "openai", "gpt-4o-mini", True, ENG_RULE + "[1]", ENG),
        (["engineering"], "openai", "gpt-6-sol", True, ENG_RULE + "[1]", ENG),
        (["engineering"], "openai", "gpt-6", True, ENG_RULE + "[1]", ENG),
        (["engineering"], "openai", "o3", True, ENG_RULE + "[1]", ENG),
        (["engineering"], "openai", "o3-mini", True, ENG_RULE + "[1]", ENG),
        (["engineering"], "anthropic", "claude-sonnet-5-5", True, ENG_RULE + "[2]", ENG),
        # Globs match the whole name.
        (["engineering"], "openai", "gpt-4o-mini-x", False, DENY, ENG),
        (["engineering"], "openai", "gpt-4o", False, DENY, ENG),
        (["engineering"], "openai", "xgpt-6", False, DENY, ENG),
        (["engineering"], "echo", "my-echo-1", False, DENY, ENG),
        # Character classes and '?' behave as in fnmatch.
        (["engineering"], "openai", "ox", False, DENY, ENG),
        (["engineering"], "openai", "o", False, DENY, ENG),
        (["engineering"], "anthropic", "claude-sonnet-6-5", True, ENG_RULE + "[2]", ENG),
        (["engineering"], "anthropic", "claude-sonnet-10-5", False, DENY, ENG),
        # Case sensitive: model names and providers.
        (["engineering"], "openai", "GPT-6-sol", False, DENY, ENG),
        (["engineering"], "OpenAI", "gpt-6-sol", False, DENY, ENG),
        # A model is approved only on the provider it is listed under.
        (["engineering"], "anthropic", "gpt-6-sol", False, DENY, ENG),
        (["engineering"], "vllm", "gpt-6-sol", False, DENY, ENG),
        # Unknown or no groups: the default group.
        ([], "echo", "anything", True, STAFF_RULE + "[0]", ("staff",)),
        (["nobody"], "echo", "anything", True, STAFF_RULE + "[0]", ("staff",)),
        (["nobody", "ghosts"], "openai", "gpt-6", False, DENY, ("staff",)),
        # Group names are case sensitive too: "Engineering" is not a known group.
        (["Engineering"], "openai", "gpt-6", False, DENY, ("staff",)),
        # Unknown groups are dropped when a known one is present; the default group is not added.
        (["nobody", "engineering"], "openai", "gpt-6", True, ENG_RULE + "[1]", ENG),
        (["engineering"], "echo", "anything", False, DENY, ENG),
        # A known group with no approved tools does not fall back to the default group.
        (["contractors"], "echo", "echo-1", False, DENY, ("contractors",)),
        # Union over several known groups; the first group (in caller order) that allows names the rule.
        (
            ["research", "engineering"],
            "anthropic",
            "claude-opus-5-5",
            True,
            RES_RULE + "[0]",
            ("research", "engineering"),
        ),
        (["research", "engineering"], "openai", "gpt-6", True, ENG_RULE + "[1]", ("research", "engineering")),
        (
            ["engineering", "research"],
            "anthropic",
            "claude-sonnet-5-5",
            True,
            ENG_RULE + "[2]",
            ("engineering", "research"),
        ),
        (["research", "engineering"], "openai", "gpt-4o", False, DENY, ("research", "engineering")),
        # Duplicates are collapsed.
        (["research", "research"], "anthropic", "claude-x", True, RES_RULE + "[0]", ("research",)),
    ],
)
def test_check_tool(
    policy: Policy,
    groups: list[str],
    provider: str,
    model: str,
    allowed: bool,
    rule: str,
    effective: tuple[str, ...],
) -> None:
    decision = policy.check_tool(groups, provider, model)
    assert decision == ToolDecision(allowed, rule, effective, decision.alternatives)
    if allowed:
        assert decision.alternatives == ()


@pytest.mark.parametrize(
    ("glob", "model"),
    [
        ("gpt-4o-mini", "gpt-4o-mini"),
        ("gpt-4o-mini", "gpt-4o-mini-x"),
        ("gpt-4o-mini", "gpt-4o-min"),
        ("gpt-*", "gpt-"),
        ("gpt-*", "gpt-4o/x"),
        ("gpt-*", "gpt-4o\nx"),
        ("*-mini", "gpt-4o-mini"),
        ("o[0-9]*", "o1"),
        ("o[0-9]*", "oa"),
        ("o[!0-9]*", "oa"),
        ("o[!0-9]*", "o1"),
        ("model-?", "model-1"),
        ("model-?", "model-12"),
        ("a.b", "a.b"),
        ("a.b", "axb"),
        ("[a-c]+", "b+"),
        ("[a-c]+", "bb"),
    ],
)
def test_globs_follow_fnmatchcase(tmp_path: Path, glob: str, model: str) -> None:
    """fnmatch's rules, except that a wildcard never absorbs a '/' (gateway.model_names)."""
    text = POLICY.replace('models: ["claude-*"]', f"models: [{glob!r}]")
    decision = load_policy(write(tmp_path, text)).check_tool(["research"], "anthropic", model)
    assert decision.allowed is (fnmatch.fnmatchcase(model, glob) and model.count("/") == glob.count("/"))


def test_alternatives_list_the_approved_labels(policy: Policy) -> None:
    decision = policy.check_tool(["engineering"], "openai", "gpt-4o")
    assert decision.alternatives == (
        "echo/echo-*",
        "openai/gpt-4o-mini",
        "openai/gpt-6*",
        "openai/o[0-9]*",
        "anthropic/claude-sonnet-?-5",
    )


@pytest.mark.parametrize(
    ("groups", "alternatives"),
    [
        ([], ("echo/*",)),
        (["nobody"], ("echo/*",)),
        (["contractors"], ()),
        (["research"], ("anthropic/claude-*",)),
        (["research", "staff"], ("anthropic/claude-*", "echo/*")),
    ],
)
def test_alternatives_cover_the_effective_groups(
    policy: Policy, groups: list[str], alternatives: tuple[str, ...]
) -> None:
    decision = policy.check_tool(groups, "vllm", "llama-3")
    assert not decision.allowed
    assert decision.alternatives == alternatives


def test_alternatives_are_deduplicated_across_groups(tmp_path: Path) -> None:
    text = POLICY.replace('models: ["echo-*"]', 'models: ["*"]')
    decision = load_policy(write(tmp_path, text)).check_tool(["staff", "engineering"], "vllm", "x")
    assert decision.alternatives.count("echo/*") == 1
    assert decision.alternatives[0] == "echo/*"


def test_providers_used(policy: Policy) -> None:
    assert policy.providers_used() == {"echo", "openai", "anthropic"}


# --- denial_message ------------------------------------------------------------------------------


def test_denial_message_names_rule_policy_groups_and_alternatives(policy: Policy) -> None:
    decision = policy.check_tool(["research", "engineering"], "openai", "gpt-4o")
    message = denial_message(decision, policy, "openai", "gpt-4o")
    assert message == (
        "Model 'gpt-4o' on provider 'openai' is not approved for your groups (research, engineering) "
        f"by AI policy 'unit' version {policy.version} (rule: approved_tools.default_deny). "
        "Approved for you: anthropic/claude-*, echo/echo-*, openai/gpt-4o-mini, openai/gpt-6*, "
        "openai/o[0-9]*, anthropic/claude-sonnet-?-5."
    )
    assert policy.version.startswith("2+")


def test_denial_message_with_no_alternatives(policy: Policy) -> None:
    decision = policy.check_tool(["contractors"], "echo", "echo-1")
    message = denial_message(decision, policy, "echo", "echo-1")
    assert "your groups (contractors)" in message
    assert message.endswith("Approved for you: none.")


@pytest.mark.parametrize(
    ("model", "shown"),
    [
        ("m" * 100, "m" * 100),
        ("m" * 101, "m" * 100 + "..."),
        ("m" * 5000, "m" * 100 + "..."),
    ],
)
def test_denial_message_clips_long_model_names(policy: Policy, model: str, shown: str) -> None:
    decision = policy.check_tool([], "openai", model)
    message = denial_message(decision, policy, "openai", model)
    assert message.startswith(f"Model '{shown}' on provider 'openai' ")
    assert len(message) < 400


@pytest.mark.parametrize(("count", "suffix"), [(12, ""), (13, " (+1 more)"), (20, " (+8 more)")])
def test_denial_message_caps_the_alternatives(tmp_path: Path, count: int, suffix: str) -> None:
    globs = ", ".join(f'"m{i}-*"' for i in range(count))
    text = (
        f"policy:\n  id: many\n  version: v\ndefault_group: g\ngroups:\n  g:\n    approved_tools:\n"
        f"      - provider: p\n        models: [{globs}]\n"
    )
    many = load_policy(write(tmp_path, text))
    decision = many.check_tool(["g"], "p", "other")
    assert len(decision.alternatives) == count
    message = denial_message(decision, many, "p", "other")
    shown = ", ".join(f"p/m{i}-*" for i in range(MAX_ALTERNATIVES_SHOWN))
    assert message.endswith(f"Approved for you: {shown}{suffix}.")


# --- version -------------------------------------------------------------------------------------


def test_version_is_label_plus_file_digest(tmp_path: Path) -> None:
    path = write(tmp_path, POLICY)
    version = load_policy(path).version
    label, _, digest = version.partition("+")
    assert label == "2"
    assert digest == hashlib.sha256(POLICY.encode()).hexdigest()[:12]
    assert len(digest) == 12
    assert all(c in "0123456789abcdef" for c in digest)


def test_version_changes_when_the_file_changes(tmp_path: Path) -> None:
    path = write(tmp_path, POLICY)
    before = load_policy(path).version
    assert load_policy(path).version == before
    # Same label, different content (even a comment): a different version.
    path.write_text(POLICY + "# reviewed\n", encoding="utf-8")
    after = load_policy(path).version
    assert after != before
    assert after.split("+")[0] == before.split("+")[0] == "2"


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("3", "3"),
        # Unquoted decimals keep the text as written (YAML alone would read 1.10 as 1.1).
        ("1.10", "1.10"),
        ("1.0", "1.0"),
        ("0.50", "0.50"),
        ('"3"', "3"),
        ("2024.1", "2024.1"),
        ('"1.10"', "1.10"),
        ("v1.2.3", "v1.2.3"),
    ],
)
def test_version_label(tmp_path: Path, written: str, label: str) -> None:
    loaded = load_policy(write(tmp_path, POLICY.replace('version: "2"', f"version: {written}")))
    assert loaded.version.split("+")[0] == label
    assert loaded.document.policy.version == label


# --- group members: by key group or SSO group ------------------------------------------------------

MEMBERS = POLICY.replace(
    "  research:\n",
    "  research:\n    members: {sso_groups: [lab-staff, eng-all], key_groups: [research, lab]}\n",
).replace("  engineering:\n", "  engineering:\n    members: {sso_groups: [eng-all]}\n")


@pytest.mark.parametrize(
    ("groups", "source", "effective"),
    [
        # No members list: the group's own name, from either source.
        (["contractors"], "key", ("contractors",)),
        (["contractors"], "sso", ("contractors",)),
        # sso_groups given, key_groups not: keys still use the group's name; SSO uses the list only.
        (["engineering"], "key", ("engineering",)),
        (["engineering"], "sso", ("staff",)),
        (["eng-all"], "sso", ("engineering", "research")),  # one directory group, two policy groups
        (["eng-all"], "key", ("staff",)),
        (["lab"], "key", ("research",)),
        (["research"], "sso", ("staff",)),
        (["lab-staff", "contractors"], "sso", ("research", "contractors")),  # the caller's order
    ],
)
def test_members_by_source(tmp_path: Path, groups: list[str], source: str, effective: tuple[str, ...]) -> None:
    policy = load_policy(write(tmp_path, MEMBERS))
    assert policy.effective_groups(groups, source) == effective  # type: ignore[arg-type]


def test_members_decide_the_tool(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, MEMBERS))
    by_sso = policy.check_tool(["eng-all"], "anthropic", "claude-opus-5", "sso")
    assert (by_sso.allowed, by_sso.rule) == (True, RES_RULE + "[0]")
    # The same name on a key is not a member (and the cache keeps the sources apart).
    assert not policy.check_tool(["eng-all"], "anthropic", "claude-opus-5", "key").allowed


def test_the_version_hash_covers_the_files_a_policy_names(tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("Bluebird\n")
    text = POLICY + "detection:\n  confidential: {terms_files: [terms.txt]}\n"
    path = write(tmp_path, text)
    first = load_policy(path)
    assert [file for file, _ in first.files] == [path, terms]
    terms.write_text("Bluebird\nKestrel\n")
    second = load_policy(path)
    assert first.version.split("+")[0] == second.version.split("+")[0] == "2"
    assert first.version != second.version
    assert dict(second.files)[terms] == hashlib.sha256(b"Bluebird\nKestrel\n").hexdigest()


def test_a_policy_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(POLICY.encode() + b"# caf\xe9\n")
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_policy(path)
