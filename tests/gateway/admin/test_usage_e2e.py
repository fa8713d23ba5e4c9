"""Usage and spend end to end: exchanges made through the real SDKs show up in ``GET /admin/usage``
(both admin roles) and in ``aigw usage``, with the providers' own token counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from gateway.auth.identity import ASSURANCE_USER
from gateway.cli.main import main
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway, stores_yaml
from tests.gateway.admin.test_admin_api import get, token

Tokens = dict[str, list[int]]  # user -> [requests, prompt tokens, completion tokens]


@pytest.fixture
def used(start_gateway: StartGateway, closing: list[Any]) -> tuple[RunningGateway, Tokens]:
    """Two users' exchanges through the OpenAI and Anthropic SDKs; what the SDKs were told they used."""
    gateway = start_gateway()
    seen: Tokens = {"alice": [0, 0, 0], "bob": [0, 0, 0]}
    alice = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("alice", "engineering"))
    bob = anthropic.Anthropic(base_url=gateway.url, api_key=gateway.create_key("bob", "engineering"))
    closing.extend([alice, bob])
    request_ids = []
    for words in ("one", "two words", "three more words"):
        raw = alice.chat.completions.with_raw_response.create(
            model="gpt-4o", messages=[{"role": "user", "content": words}]
        )
        request_ids.append(raw.headers["x-request-id"])
        usage = raw.parse().usage
        assert usage is not None
        counts = seen["alice"]
        seen["alice"] = [counts[0] + 1, counts[1] + usage.prompt_tokens, counts[2] + usage.completion_tokens]
    raw_message = bob.messages.with_raw_response.create(
        model="claude-sonnet-5-5", max_tokens=50, messages=[{"role": "user", "content": "hello there"}]
    )
    request_ids.append(raw_message.headers["x-request-id"])
    message = raw_message.parse()
    seen["bob"] = [1, message.usage.input_tokens, message.usage.output_tokens]
    for request_id in request_ids:
        gateway.log_record(request_id)
    return gateway, seen


def figures(rows: list[dict[str, Any]]) -> Tokens:
    return {r["key"]: [r["requests"], r["prompt_tokens"], r["completion_tokens"]] for r in rows}


def test_admin_usage_for_both_roles_matches_what_the_sdks_saw(used: tuple[RunningGateway, Tokens]) -> None:
    gateway, seen = used
    assert all(n > 0 for counts in seen.values() for n in counts)  # the mock reports usage
    for role in ("secops", "auditor"):
        status, body = get(f"{gateway.admin_url}/admin/usage?by=user&since=1h", token(gateway, role, role))
        assert status == 200
        assert figures(body["rows"]) == seen
        # the test's models have no price in these settings: counted in tokens, flagged, never guessed
        assert all(r["cost"] == {} and r["unpriced_requests"] == r["requests"] for r in body["rows"])
    status, body = get(f"{gateway.admin_url}/admin/usage?by=model", token(gateway, "m", "secops"))
    assert figures(body["rows"])["openai/gpt-4o"][0] == 3
    assert figures(body["rows"])["anthropic/claude-sonnet-5-5"][0] == 1
    assert get(f"{gateway.admin_url}/admin/usage?by=colour", token(gateway, "c", "secops"))[0] == 400
    assert get(f"{gateway.admin_url}/admin/usage?since=soon", token(gateway, "s", "secops"))[0] == 400
    assert get(f"{gateway.admin_url}/admin/usage", None)[0] == 401


def test_aigw_usage_prints_the_same_figures(
    used: tuple[RunningGateway, Tokens], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _gateway, seen = used
    config = tmp_path / "cli.yaml"
    config.write_text(f"policy_path: {TEST_POLICY}\n{stores_yaml(tmp_path)}")
    assert main(["usage", "--config", str(config), "--by", "user", "--format", "json"]) == 0
    assert figures(json.loads(capsys.readouterr().out)["rows"]) == seen
    assert main(["usage", "--config", str(config), "--by", "group", "--since", "1h"]) == 0
    table = capsys.readouterr().out.splitlines()
    requests = seen["alice"][0] + seen["bob"][0]
    assert table[1].split()[:2] == ["engineering", str(requests)]
    assert main(["usage", "--config", str(config), "--since", "1h", "--until", "2h"]) == 2  # since after until


def test_assurance_probes_are_marked_in_the_logs_and_left_out_of_usage(
    start_gateway: StartGateway, closing: list[Any]
) -> None:
    gateway = start_gateway()
    probe = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key(ASSURANCE_USER, "engineering"))
    alice = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=gateway.create_key("alice", "engineering"))
    closing.extend([probe, alice])
    ids = {}
    for who, client, model in (("probe", probe, "echo-1"), ("alice", alice, "gpt-4o")):  # probes reach echo only
        raw = client.chat.completions.with_raw_response.create(
            model=model, messages=[{"role": "user", "content": "hi"}]
        )
        ids[who] = raw.headers["x-request-id"]
        gateway.log_record(ids[who])
    secops = token(gateway, "s", "secops")
    status, body = get(f"{gateway.admin_url}/admin/usage?by=user&since=1h", secops)
    assert status == 200
    assert [r["key"] for r in body["rows"]] == ["alice"]
    status, body = get(f"{gateway.admin_url}/admin/logs?traffic=assurance", secops)
    assert [(r["request_id"], r["user_name"], r["assurance"]) for r in body["records"]] == [
        (ids["probe"], ASSURANCE_USER, True)
    ]
    status, body = get(f"{gateway.admin_url}/admin/logs?traffic=user", secops)
    assert [(r["request_id"], r["assurance"]) for r in body["records"]] == [(ids["alice"], False)]
    assert get(f"{gateway.admin_url}/admin/logs?traffic=probes", secops)[0] == 400
