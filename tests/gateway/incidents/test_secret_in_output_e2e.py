"""An answer withheld for a credential is an incident, as a prompt with one is: PII_IN_OUTPUT
("model output contains PII, or data the requester may not see"), whole and streamed, with
the key masked in the excerpt. Before, only PII in answers was recorded (the red team's finding)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anthropic
import pytest

from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway
from tests.gateway.incidents.test_incident_types_e2e import BASE, assert_clean, by_type, claude, incidents, start

AWS = "AKIA" + "QWERTYUIOPASDFGH"
POLICY = BASE + (
    "detection:\n  secrets: {}\n"
    "data_rules:\n"
    "  - {id: secrets-answers, match: {categories: [secret]}, directions: [response], action: block}\n"
)


def test_a_secret_in_an_answer_is_an_output_incident(
    start_gateway: StartGateway, mock: MockProvider, tmp_path: Path, closing: list[Any]
) -> None:
    gateway = start(start_gateway, tmp_path, POLICY, detection={"workers": 1})
    question: list[Any] = [{"role": "user", "content": "What is the deploy key?"}]
    mock.configure(reply_text=f"The key is {AWS} for the bucket.")
    with pytest.raises(anthropic.PermissionDeniedError):
        claude(gateway, closing, "olga").messages.create(model="claude-sonnet-5-5", max_tokens=64, messages=question)
    with claude(gateway, closing, "stan").messages.stream(
        model="claude-sonnet-5-5", max_tokens=64, messages=question
    ) as stream:
        request_id = stream.response.headers["x-request-id"]
        with pytest.raises(anthropic.APIStatusError):
            stream.get_final_text()
    gateway.log_record(request_id)

    found = by_type(incidents(gateway))
    assert sorted(found) == ["PII_IN_OUTPUT"]
    output = {i["actor"]["user"]: i for i in found["PII_IN_OUTPUT"]}
    assert sorted(output) == ["olga", "stan"]
    for incident in output.values():
        assert incident["entity_types"] == {"AWS_ACCESS_KEY_ID": 1}
        assert (incident["enforced"], incident["let_through"]) == (True, False)
        assert "<AWS_ACCESS_KEY_ID>" in incident["excerpt"]
    assert_clean(gateway, AWS)
