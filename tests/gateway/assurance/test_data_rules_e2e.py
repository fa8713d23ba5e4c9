"""Issue 21, each data rule probed, end to end: a real gateway on loopback (echo provider; the mock
provider behind the unapproved model), ``runner.run`` with the run's own credentials.

- The shipped default policy: every rule that can be probed does what it says.
- The default policy with its ID rule switched to ``audit`` (the people rule still pseudonymizes):
  probed with that policy, the ID rule passes *as audit* (the value reached the echo and its record
  has the finding) while the core card probe fails (the fixed core set says cards must be kept);
  probed with the shipped policy, as ``aigw assure`` in CI does before a change ships, the gateway
  is found doing less than the rule says and the result names that rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.assurance import canaries, data_rules, runner
from gateway.assurance.probes import Result
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway
from tests.gateway.assurance.test_assure_e2e import DEFAULT_POLICY

IDS_RULE = "CREDIT_CARD, IBAN_CODE, MEDICAL_RECORD_NUMBER]\n    action: redact"
DEFAULT_SEEN = (
    "data_rules.secrets-block (GITHUB_TOKEN): block; "
    "data_rules.ids-redact (UK_NINO): redact; "
    "data_rules.people-pseudonymize (PHONE_NUMBER): pseudonymize; "
    "data_rules.addresses-redact (STREET_ADDRESS): redact; "
    "data_rules.markers-redact (CLASSIFICATION_MARKER): redact; "
    "data_rules.injection-audit (INJECTION_INSTRUCTION_OVERRIDE): audit: let through, recorded as INJECTION_"
)


def ids_audit_policy(folder: Path) -> Path:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert IDS_RULE in text
    path = folder / "ids-audit.yaml"
    path.write_text(text.replace(IDS_RULE, IDS_RULE.replace("redact", "audit")), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("rules"), DEFAULT_POLICY) as running:
        yield running


@pytest.fixture(scope="module")
def audit_gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    folder = tmp_path_factory.mktemp("rules-audit")
    with policy_gateway(bg_loop, mock_server, folder, ids_audit_policy(folder)) as running:
        yield running


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> list[canaries.Canaries]:
    made: list[canaries.Canaries] = []
    original = canaries.fresh

    def fresh() -> canaries.Canaries:
        made.append(original())
        return made[-1]

    monkeypatch.setattr(runner.canary_values, "fresh", fresh)
    return made


def assure(gateway: RunningGateway, policy: Path) -> dict[str, Result]:
    return {r.control: r for r in gateway.assure(policy, wait_s=10.0)}


def shown(result: Result, planted: list[canaries.Canaries]) -> str:
    text = f"{result.expected} {result.seen}"
    assert all(value not in text for value in planted[0].values)
    return result.seen


def test_every_probed_rule_of_the_default_policy_does_what_it_says(
    gateway: RunningGateway, planted: list[canaries.Canaries], mock: MockProvider
) -> None:
    results = assure(gateway, DEFAULT_POLICY)
    result = results[data_rules.CONTROL]
    assert result.status == "pass", result
    seen = shown(result, planted)
    assert seen.startswith(DEFAULT_SEEN)
    assert "not probed" not in seen
    assert "FAILED" not in seen
    assert not mock.requests  # nothing planted went anywhere but the echo
    assert all(r.status == "pass" for r in results.values()), [r for r in results.values() if r.status != "pass"]


def test_a_rule_switched_to_audit_passes_as_audit_while_the_others_keep_protecting(
    audit_gateway: RunningGateway, tmp_path: Path, planted: list[canaries.Canaries]
) -> None:
    results = assure(audit_gateway, ids_audit_policy(tmp_path))
    result = results[data_rules.CONTROL]
    assert result.status == "pass", result
    seen = shown(result, planted)
    assert "data_rules.ids-audit" not in seen
    assert "data_rules.ids-redact (UK_NINO): audit: let through, recorded as UK_NINO; " in seen
    assert "data_rules.people-pseudonymize (PHONE_NUMBER): pseudonymize; " in seen
    # The fixed core set asks more than the policy does: cards must be kept from providers.
    assert results["card_protected"].status == "fail"


def test_a_gateway_doing_less_than_the_rule_says_fails_naming_the_rule(
    audit_gateway: RunningGateway, planted: list[canaries.Canaries]
) -> None:
    """The shipped policy's ID rule redacts; the gateway probed audits (a weaker action, as a rule whose
    redaction broke would): the control fails and says which rule, and what the provider got."""
    results = assure(audit_gateway, DEFAULT_POLICY)
    result = results[data_rules.CONTROL]
    assert result.status == "fail", result
    seen = shown(result, planted)
    assert seen.startswith("FAILED data_rules.ids-redact (UK_NINO): redact expected; the provider got: sent as is; ")
    assert seen.count("FAILED") == 1
    assert "data_rules.people-pseudonymize (PHONE_NUMBER): pseudonymize" in seen


ANSWER_RULE = (
    "  - id: answer-cards-block\n"
    "    description: Cards a model writes are stopped (prompts are the ID rule's).\n"
    "    match: {entity_types: [CREDIT_CARD]}\n"
    "    directions: [response]\n"
    "    action: block\n"
)


def test_a_rule_for_answers_only_is_probed_through_the_echo_plant(
    bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path, planted: list[canaries.Canaries]
) -> None:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    first = "  - id: secrets-block\n"
    assert first in text
    path = tmp_path / "answers.yaml"
    path.write_text(text.replace(first, ANSWER_RULE + first, 1), encoding="utf-8")
    with policy_gateway(bg_loop, mock, tmp_path, path) as running:
        result = assure(running, path)[data_rules.CONTROL]
    assert result.status == "pass", result
    seen = shown(result, planted)
    assert seen.startswith(
        "data_rules.answer-cards-block (CREDIT_CARD in a streamed answer): "
        "stream ended by an error event (sensitive_data_blocked); data_rules.secrets-block (GITHUB_TOKEN): block; "
    )
