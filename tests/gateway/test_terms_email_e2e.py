"""Issue 14, items 3 and 4 end to end: a term however it is joined, a marker in another
language or in leetspeak, and e-mails on private domains or spelled out are redacted before
the provider sees them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway, sdk_client

POLICY = """
policy: {id: terms-email-test, version: "1"}
default_group: everyone
groups:
  everyone:
    approved_tools:
      - {provider: openai, models: ["gpt-*"]}
detection:
  time_limit_ms: 10000
  pii: {entities: [EMAIL_ADDRESS]}
  confidential: {terms: ["Project Nightingale"]}
data_rules:
  - id: redact-all
    match: {entity_types: [CONFIDENTIAL_TERM, CLASSIFICATION_MARKER, EMAIL_ADDRESS]}
    action: redact
"""


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    tmp = tmp_path_factory.mktemp("terms-email")
    policy = tmp / "policy.yaml"
    policy.write_text(POLICY, "utf-8")
    with policy_gateway(bg_loop, mock_server, tmp, Path(policy)) as running:
        yield running


def test_terms_markers_and_emails_reach_the_provider_redacted(
    gateway: RunningGateway, mock: MockProvider, closing: list[Any]
) -> None:
    client: openai.OpenAI = sdk_client(gateway, closing)
    prompt = (
        "VERTRAULICH\nStatus of ProjectNightingale and project_nightingale_v2? "
        "Mail alice@acme.corp, bob [at] mail [dot] internal or carol at acme dot com. C0NFIDENTIAL"
    )
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    sent = mock.requests[0].body["messages"][0]["content"]
    assert sent == (
        "[CLASSIFICATION_MARKER]\nStatus of [CONFIDENTIAL_TERM] and [CONFIDENTIAL_TERM]_v2? "
        "Mail [EMAIL_ADDRESS], [EMAIL_ADDRESS] or [EMAIL_ADDRESS]. [CLASSIFICATION_MARKER]"
    )
