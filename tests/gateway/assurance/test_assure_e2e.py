"""Issue 21, first slice, end to end: ``aigw assure`` probes a real gateway on loopback (echo provider,
mock provider behind the unapproved model), under the shipped default policy every control passes;
under a policy that lets cards through the card probes fail and the command exits non-zero; a type
no rule names is reported as skipped, never as passed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway.assurance import canaries, runner
from gateway.auth.admin_tokens import AdminTokenStore
from gateway.auth.keystore import KeyStore
from gateway.cli.main import main
from gateway.lifecycle.state import STATE
from gateway.promptlog.crypto import rotate_key_file
from gateway.promptlog.store import SearchQuery
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway

DEFAULT_POLICY = Path(__file__).resolve().parents[3] / "policies" / "default.yaml"
CORE = (
    "unapproved_model_refused",
    "revoked_key_refused",
    "credential_blocked",
    "card_protected",
    "ssn_protected",
    "email_protected",
    "name_protected",
    "stream_protected",
    "answer_stream_protected",
    "jailbreak_recorded",
    "tool_rules_enforced",
    "data_rules_enforced",
    "prompt_log_sealed",
    "incidents_recorded",
    "incident_chain_verifies",
)


def broken_policy(tmp_path: Path) -> Path:
    """The default policy with its ID rule set to audit (cards and SSNs let through) and e-mail addresses
    taken out of the people rule (no rule names them any more)."""
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    ids_rule = "CREDIT_CARD, IBAN_CODE, MEDICAL_RECORD_NUMBER]\n    action: redact"
    people = "entity_types: [PERSON, EMAIL_ADDRESS, PHONE_NUMBER]"
    assert ids_rule in text
    assert people in text
    text = text.replace(ids_rule, ids_rule.replace("redact", "audit"))
    text = text.replace(people, people.replace(" EMAIL_ADDRESS,", ""))
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("assure"), DEFAULT_POLICY) as running:
        yield running


@pytest.fixture(scope="module")
def broken_gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    folder = tmp_path_factory.mktemp("assure-broken")
    with policy_gateway(bg_loop, mock_server, folder, broken_policy(folder)) as running:
        yield running


@pytest.fixture
def planted(monkeypatch: pytest.MonkeyPatch) -> list[canaries.Canaries]:
    """The canaries each run plants (to check that none of them is ever shown)."""
    made: list[canaries.Canaries] = []
    original = canaries.fresh

    def fresh() -> canaries.Canaries:
        made.append(original())
        return made[-1]

    monkeypatch.setattr(runner.canary_values, "fresh", fresh)
    return made


def assure(gateway: RunningGateway, tmp_path: Path, *extra: str) -> int:
    config = tmp_path / "gateway.yaml"
    config.write_text(yaml.safe_dump(gateway.settings.model_dump(mode="json")), encoding="utf-8")
    return main(["assure", "--config", str(config), "--url", gateway.url, "--admin-url", gateway.admin_url, *extra])


def report(out: str) -> dict[str, Any]:
    """The command's JSON, among the lines the gateway (in this process, for the test) logs to stdout."""
    found: dict[str, Any] = json.JSONDecoder().raw_decode(out[out.index('{\n  "policy_version"') :])[0]
    return found


def by_control(out: str) -> dict[str, dict[str, Any]]:
    results = report(out)["results"]
    return {r["control"]: r for r in results}


def test_every_control_passes_under_the_default_policy(
    gateway: RunningGateway,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    planted: list[canaries.Canaries],
    mock: MockProvider,
) -> None:
    assert assure(gateway, tmp_path, "--json") == 0
    out = capsys.readouterr().out
    results = by_control(out)
    assert list(results) == list(CORE)
    assert {c: r["status"] for c, r in results.items()} == dict.fromkeys(CORE, "pass"), out
    assert results["card_protected"]["seen"] == "redact"
    assert results["email_protected"]["seen"] == "pseudonymize"
    assert results["credential_blocked"]["seen"] == "block"
    assert results["jailbreak_recorded"]["seen"].startswith("recorded as INJECTION_")
    assert results["name_protected"]["seen"] == "pseudonymize"
    assert results["answer_stream_protected"]["seen"] == "redact"  # the marker, in an answer only the echo wrote
    assert results["tool_rules_enforced"]["seen"] == (
        "groups.everyone.approved_tools[0]: echo-1 accepted; groups.everyone: gpt-4o refused 403 model_not_approved; "
        "groups.engineering.approved_tools[0]: echo-1 accepted; "
        "groups.engineering: gpt-4o refused 403 model_not_approved; "
        "groups.engineering.approved_tools[1]: not probed (no echo-served model); "
        "groups.engineering.approved_tools[2]: not probed (no echo-served model)"
    )
    assert not mock.requests  # the unapproved model's request never reached its provider
    assert all(value not in out for value in planted[0].values)  # results never show a planted value
    records = gateway.run(gateway.server.app[STATE].prompt_log.store.search(SearchQuery(user="aigw-assurance")))
    # Every probe sent with the identity's key (a revoked key is nobody's): 9 of its own, 4 with keys of the groups,
    # 6 of the policy's data rules (data_rules_enforced: one per rule).
    assert len(records) == 19
    assert {r["client"] for r in records} == {"aigw-assure/1"}
    incidents = gateway.incidents()  # real incidents, of the assurance identity
    assert incidents
    assert {i["actor"]["user"] for i in incidents} == {"aigw-assurance"}
    # The run's key and admin token were made for it, and are revoked when it ends.
    keys, tokens = KeyStore.open(gateway.settings.store, {}), AdminTokenStore.open(gateway.settings.store, {})
    try:
        assert [k.user for k in keys.list(include_revoked=False)] == []
        assert {k.user for k in keys.list()} == {"aigw-assurance"}
        made = {(t.name, t.role, t.revoked_at is not None) for t in tokens.list()}
        assert made == {("aigw-assurance", "secops", True)}
    finally:
        keys.close()
        tokens.close()


def test_human_readable_output_names_each_control(
    gateway: RunningGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str], planted: list[canaries.Canaries]
) -> None:
    assert assure(gateway, tmp_path) == 0
    out = capsys.readouterr().out
    assert "15 passed, 0 failed, 0 skipped" in out
    assert all(f"PASS  {control}" in out for control in CORE)
    assert all(value not in out for value in planted[0].values)


def test_a_policy_that_lets_cards_through_fails_the_card_probes(
    broken_gateway: RunningGateway,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    planted: list[canaries.Canaries],
) -> None:
    assert assure(broken_gateway, tmp_path, "--json") == 1
    out = capsys.readouterr().out
    results = by_control(out)
    for control in ("card_protected", "ssn_protected", "stream_protected"):
        assert results[control]["status"] == "fail"
        assert "lets the type through (audit)" in results[control]["seen"]
    assert results["card_protected"]["seen"].endswith("the provider got: sent as is")
    assert results["email_protected"]["status"] == "skip"  # no rule names e-mail addresses: nothing to assure
    assert results["email_protected"]["seen"] == "no data rule for this type"
    for control in ("unapproved_model_refused", "credential_blocked", "prompt_log_sealed", "incident_chain_verifies"):
        assert results[control]["status"] == "pass"
    assert report(out)["ok"] is False
    assert all(value not in out for value in planted[0].values)


def test_an_unreachable_gateway_fails_the_command(
    gateway: RunningGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "gateway.yaml"
    config.write_text(yaml.safe_dump(gateway.settings.model_dump(mode="json")), encoding="utf-8")
    closed = "http://127.0.0.1:9"  # discard: nothing listens there
    assert main(["assure", "--config", str(config), "--url", closed, "--admin-url", closed]) == 1
    assert "cannot run the probes" in capsys.readouterr().err


def test_credentials_from_the_environment_are_used_and_nothing_is_created(
    gateway: RunningGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI runner without the key store: its own key (any user) and admin token, from the environment."""
    tokens = AdminTokenStore.open(gateway.settings.store, {})
    try:
        made, token = tokens.create("ci", "secops")
        before = len(tokens.list())
    finally:
        tokens.close()
    monkeypatch.setenv("AIGW_ASSURANCE_KEY", gateway.create_key("ci-bot"))
    monkeypatch.setenv("AIGW_ADMIN_TOKEN", token)
    keys = KeyStore.open(gateway.settings.store, {})
    try:
        active = len(keys.list(include_revoked=False))
        assert assure(gateway, tmp_path, "--json") == 0
        assert len(keys.list(include_revoked=False)) == active  # the caller's key stays; none made
    finally:
        keys.close()
    results = by_control(capsys.readouterr().out)
    assert results["incidents_recorded"]["status"] == "pass"  # found under the key's own user
    assert results["revoked_key_refused"]["status"] == "skip"  # no key store of its own to revoke a key in
    tokens = AdminTokenStore.open(gateway.settings.store, {})
    try:
        assert len(tokens.list()) == before
        assert all(t.revoked_at is None for t in tokens.list() if t.token_id == made.token_id)
    finally:
        tokens.close()
    assert "ci-bot" in {i["actor"]["user"] for i in gateway.incidents()}


def test_a_wrong_admin_token_fails_the_evidence_checks(
    gateway: RunningGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGW_ADMIN_TOKEN", "aigwadm_000000000000_wrong")
    assert assure(gateway, tmp_path, "--json") == 1
    results = by_control(capsys.readouterr().out)
    assert results["prompt_log_sealed"]["status"] == "fail"
    assert results["prompt_log_sealed"]["seen"].startswith("the admin API answered 401; no record for: ")
    assert results["incident_chain_verifies"] == {
        "control": "incident_chain_verifies",
        "status": "fail",
        "expected": "the incident hash chain verifies",
        "seen": "the admin API answered 401",
    }


@pytest.mark.parametrize(
    ("policy", "skipped", "answer_seen"),
    [
        # Blocks cards and SSNs, jailbreaks too: block is what those probes expect. An answer with a card is
        # stopped mid-stream by an error event.
        ("strict-finance.yaml", set(), "stream ended by an error event (sensitive_data_blocked)"),
        # Lets data through (no rule names the types) and approves every model for everyone.
        (
            "permissive.yaml",
            {
                "unapproved_model_refused",
                "card_protected",
                "ssn_protected",
                "email_protected",
                "name_protected",
                "stream_protected",
                "answer_stream_protected",
            },
            "no data rule for this type",
        ),
    ],
)
def test_the_example_policies_pass_what_they_protect_and_skip_what_they_do_not(
    bg_loop: BackgroundLoop,
    mock: MockProvider,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    policy: str,
    skipped: set[str],
    answer_seen: str,
) -> None:
    rotate_key_file(tmp_path / "log-keys.json")  # strict-finance keeps sealed text: the log needs its key
    with policy_gateway(bg_loop, mock, tmp_path, DEFAULT_POLICY.parent / "examples" / policy) as running:
        code = assure(running, tmp_path, "--json")
    results = by_control(capsys.readouterr().out)
    assert {c for c, r in results.items() if r["status"] == "skip"} == skipped
    failed = [r for r in results.values() if r["status"] == "fail"]
    assert results["answer_stream_protected"]["seen"] == answer_seen
    assert failed == [], [r["seen"] for r in failed]
    assert code == 0
