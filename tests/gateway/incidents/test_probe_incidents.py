"""The revoked-key probe's incident is the probe's evidence: opened already resolved, marked, not
counted in /metrics. The key store says whose the revoked key is (not a claim); a person's revoked
key is a real, open, counted incident as before."""

from __future__ import annotations

import urllib.request
from typing import Any

import openai
import pytest

from gateway.auth.identity import ASSURANCE_USER
from tests.conftest import StartGateway


def metrics(admin_url: str) -> str:
    with urllib.request.urlopen(f"{admin_url}/metrics", timeout=10) as resp:
        return str(resp.read().decode())


def counted(text: str, prefix: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(prefix))


def test_a_revoked_assurance_key_is_the_probes_evidence_and_a_persons_is_an_incident(
    start_gateway: StartGateway, closing: list[Any]
) -> None:
    gateway = start_gateway()
    for user in (ASSURANCE_USER, "mallory"):
        key = gateway.create_key(user)
        assert gateway.revoke_key(key)
        client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0)
        closing.append(client)
        with pytest.raises(openai.AuthenticationError):
            client.chat.completions.create(model="echo-1", messages=[{"role": "user", "content": "hi"}])
    revoked = {i["actor"]["user"]: i for i in gateway.incidents() if i["type"] == "UNAUTHENTICATED_ACCESS"}
    probe, person = revoked[ASSURANCE_USER], revoked["mallory"]
    assert (probe["status"], probe.get("assurance"), probe["actor"].get("assurance")) == ("resolved", True, True)
    assert (person["status"], person.get("assurance")) == ("open", None)
    text = metrics(gateway.admin_url)
    assert counted(text, 'aigw_incidents_opened_total{severity="high",type="UNAUTHENTICATED_ACCESS"}') == 1
    assert counted(text, 'aigw_auth_failures_total{target="api"}') == 1  # mallory's only
