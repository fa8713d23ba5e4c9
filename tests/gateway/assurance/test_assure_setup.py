"""Without an echo model approved for the assurance identity no planted value can be sent anywhere:
the data probes skip, and the run fails its setup once (a skip is not a pass: a deployment whose data
controls can never be proven must not look proven)."""

from __future__ import annotations

from pathlib import Path

from gateway.assurance import runner
from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway

DEFAULT_POLICY = Path(__file__).resolve().parents[3] / "policies" / "default.yaml"
ECHO_FOR_EVERYONE = '      - provider: echo\n        models: ["*"]\n'


def test_no_approved_echo_model_fails_the_setup_and_sends_no_planted_value(
    start_gateway: StartGateway, mock: MockProvider, tmp_path: Path
) -> None:
    text = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert ECHO_FOR_EVERYONE in text
    policy = tmp_path / "no-echo.yaml"
    policy.write_text(text.replace(ECHO_FOR_EVERYONE, "      - provider: echo\n        models: [none-such]\n", 1))
    gateway = start_gateway(policy_path=str(policy), detection={"workers": 1})
    results = gateway.assure(policy, wait_s=3.0)
    by_control = {r.control: r for r in results}
    assert by_control[runner.SETUP_CONTROL].status == "fail"
    assert by_control["card_protected"].status == "skip"
    assert runner.failed(results)
    assert not mock.requests  # nothing planted went anywhere
