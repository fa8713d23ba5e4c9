"""The prompt log through the real gateway, driven by the real SDKs: one record per exchange
with the fields the issue lists, text only as far as the policy's level allows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from gateway.errors import ConfigError
from gateway.lifecycle.state import STATE
from gateway.promptlog.crypto import load_keyring, rotate_key_file
from gateway.promptlog.record import Row, open_text, parse_list
from gateway.testing import RunningGateway
from gateway.wire.sse_parse import SseParser
from tests.conftest import TEST_POLICY, StartGateway

DETECTING = TEST_POLICY.read_text() + (
    "detection:\n  secrets: {}\n  pii: {entities: [PERSON, US_SSN, EMAIL_ADDRESS]}\n"
    "data_rules:\n"
    "  - {id: secrets-block, match: {categories: [secret]}, action: block}\n"
    "  - {id: ssn-redact, match: {entity_types: [US_SSN]}, action: redact}\n"
    "  - {id: people, match: {entity_types: [PERSON, EMAIL_ADDRESS]}, directions: [prompt], action: pseudonymize}\n"
)
PII = "Please email Maria Lopez about SSN 536-22-8726."
GatewayWith = Callable[..., RunningGateway]


@pytest.fixture
def gateway_with(start_gateway: StartGateway, tmp_path: Path) -> GatewayWith:
    """A gateway whose policy is DETECTING plus ``prompt_log`` (YAML text), one detection worker."""

    def start(prompt_log: str = "", key: bool = False, **overrides: Any) -> RunningGateway:
        policy = tmp_path / "policy.yaml"
        policy.write_text(DETECTING + prompt_log)
        if key:
            rotate_key_file(tmp_path / "log-keys.json")
        return start_gateway(policy_path=str(policy), detection={"workers": 1}, **overrides)

    return start


def chat(gateway: RunningGateway, key: str, text: str, closing: list[Any], **extra: Any) -> tuple[str, Any]:
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=30)
    closing.append(client)
    raw = client.chat.completions.with_raw_response.create(
        model=extra.pop("model", "gpt-4o"), messages=[{"role": "user", "content": text}], **extra
    )
    return raw.headers["x-request-id"], raw.parse()


def test_a_record_holds_every_field_and_no_text_at_metadata_level(
    gateway_with: GatewayWith, closing: list[Any]
) -> None:
    gateway = gateway_with()
    key = gateway.create_key("alice", "engineering")
    request_id, reply = chat(gateway, key, PII, closing)
    row = gateway.log_record(request_id)
    assert (row["user_name"], parse_list(row["groups"]), row["auth"]) == ("alice", ["engineering"], "key")
    assert row["client"].startswith("OpenAI/Python")
    assert (row["provider"], row["model"], row["endpoint"], row["stream"]) == (
        "openai",
        "gpt-4o",
        "chat.completions",
        False,
    )
    assert row["policy_id"] == "test-policy"
    assert row["policy_version"].startswith("7+")
    assert (row["decision"], row["rule"]) == ("allow", "groups.engineering.approved_tools[1]")
    findings = json.loads(row["findings"])
    assert findings == {"PERSON:pseudonymize": 1, "US_SSN:redact": 1}
    assert parse_list(row["entity_types"]) == ["PERSON", "US_SSN"]
    assert parse_list(row["data_classes"]) == ["pii"]
    assert (row["prompt_tokens"], row["completion_tokens"]) == (
        reply.usage.prompt_tokens,
        reply.usage.completion_tokens,
    )
    assert row["upstream_ms"] > 0
    assert 0 < row["overhead_ms"] < row["duration_ms"]
    assert (row["status"], row["outcome"], row["log_level"]) == (200, "ok", "metadata")
    assert row["prompt_sealed"] is None
    assert row["prompt_hash"] is None
    assert row["key_id"] is None
    assert "Maria" not in json.dumps({k: v for k, v in row.items() if not isinstance(v, bytes)})


def test_streamed_usage_is_recorded(gateway_with: GatewayWith, closing: list[Any]) -> None:
    gateway = gateway_with()
    key = gateway.create_key("bob", "engineering")
    client = anthropic.Anthropic(base_url=gateway.url, api_key=key, max_retries=0, timeout=30)
    closing.append(client)
    with client.messages.with_streaming_response.create(
        model="claude-sonnet-5-5", max_tokens=50, stream=True, messages=[{"role": "user", "content": "hello there"}]
    ) as response:
        request_id = response.headers["x-request-id"]
        events = list(response.parse())
    final = [e for e in events if e.type == "message_delta"][-1]
    start = next(e for e in events if e.type == "message_start")
    row = gateway.log_record(request_id)
    assert (row["endpoint"], row["stream"], row["provider"]) == ("messages", True, "anthropic")
    assert row["prompt_tokens"] == start.message.usage.input_tokens
    assert row["completion_tokens"] == final.usage.output_tokens > 0


def test_blocked_denied_and_unauthenticated_exchanges_are_recorded(
    gateway_with: GatewayWith, closing: list[Any]
) -> None:
    gateway = gateway_with()
    key = gateway.create_key("mia", "marketing")
    with pytest.raises(openai.PermissionDeniedError) as blocked:
        chat(gateway, key, "token ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8", closing, model="gpt-4o-mini")
    with pytest.raises(openai.PermissionDeniedError) as denied:
        chat(gateway, key, "hello", closing, model="gpt-4o")
    with pytest.raises(openai.AuthenticationError) as unauthenticated:
        chat(gateway, "aigw_000000000000_nope", "hello", closing)
    rows = {
        name: gateway.log_record(err.value.response.headers["x-request-id"])
        for name, err in (("blocked", blocked), ("denied", denied), ("unauthenticated", unauthenticated))
    }
    assert (rows["blocked"]["status"], rows["blocked"]["error_code"]) == (403, "sensitive_data_blocked")
    assert json.loads(rows["blocked"]["findings"]) == {"GITHUB_TOKEN:block": 1}
    assert (rows["denied"]["decision"], rows["denied"]["rule"]) == ("deny", "approved_tools.default_deny")
    assert (rows["unauthenticated"]["status"], rows["unauthenticated"]["user_name"]) == (401, None)


@pytest.mark.parametrize(
    ("level", "prompt_has", "prompt_lacks"),
    [
        ("redacted", ["<PERSON_1>", "[US_SSN]"], ["Maria", "536-22-8726"]),  # as it left the building
        ("full", ["Maria Lopez", "536-22-8726"], ["<PERSON_1>"]),  # as the caller sent it
    ],
)
def test_text_levels_keep_what_they_say_sealed(
    gateway_with: GatewayWith,
    closing: list[Any],
    tmp_path: Path,
    level: str,
    prompt_has: list[str],
    prompt_lacks: list[str],
) -> None:
    gateway = gateway_with(f"prompt_log: {{level: {level}}}\n", key=True)
    key = gateway.create_key("carl", "engineering")
    request_id, reply = chat(gateway, key, PII, closing, model="echo-1")
    row = gateway.log_record(request_id)
    assert row["log_level"] == level
    ring = load_keyring(tmp_path / "log-keys.json", "UNSET", {})
    assert ring is not None
    prompt = open_text(row, "prompt", ring)
    answer = open_text(row, "response", ring)
    assert prompt is not None
    assert answer is not None
    assert all(p in prompt for p in prompt_has)
    assert not any(p in prompt for p in prompt_lacks)
    # The answer as the caller got it (echo mirrors the forwarded prompt, placeholders and all).
    assert answer.strip() == reply.choices[0].message.content.strip()
    assert "[US_SSN]" in answer


def test_hash_level_keeps_only_keyed_hashes(gateway_with: GatewayWith, closing: list[Any], tmp_path: Path) -> None:
    gateway = gateway_with("prompt_log: {level: hash}\n", key=True)
    key = gateway.create_key("dee", "engineering")
    request_id, _ = chat(gateway, key, "summarise the quarterly plan", closing)
    row: Row = gateway.log_record(request_id)
    ring = load_keyring(tmp_path / "log-keys.json", "UNSET", {})
    assert ring is not None
    assert row["prompt_sealed"] is None
    assert row["prompt_hash"] == ring.keyed_hash("summarise the quarterly plan")
    assert row["response_hash"] == ring.keyed_hash("Hello from the mock provider.\n")


def test_a_text_level_without_a_key_refuses_to_start(gateway_with: GatewayWith) -> None:
    with pytest.raises(ConfigError, match="no log key is configured"):
        gateway_with("prompt_log: {level: redacted}\n")


def test_full_level_keeps_the_answer_as_the_caller_got_it(
    gateway_with: GatewayWith, closing: list[Any], tmp_path: Path, mock: Any
) -> None:
    """Pseudonyms the provider echoes back are restored for the caller; ``full`` keeps that text,
    ``redacted`` what the provider sent."""
    mock.configure(reply_text="I will email <PERSON_1> today.")
    texts = {}
    for level in ("full", "redacted"):
        gateway = gateway_with(f"prompt_log: {{level: {level}}}\n", key=True)
        key = gateway.create_key("erin", "engineering")
        request_id, reply = chat(gateway, key, PII, closing)
        ring = load_keyring(tmp_path / "log-keys.json", "UNSET", {})
        assert ring is not None
        texts[level] = (open_text(gateway.log_record(request_id), "response", ring), reply.choices[0].message.content)
    assert texts["full"] == ("I will email Maria Lopez today.\n", "I will email Maria Lopez today.")
    assert texts["redacted"][0] == "I will email <PERSON_1> today.\n"


def test_a_streamed_answer_is_parsed_once_logged_as_screened_and_restored_last(
    gateway_with: GatewayWith, closing: list[Any], tmp_path: Path, mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer chain through the gateway (``gateway.screening.answer_chain``): one SSE parser for
    the whole stream; the log keeps the answer as screened (the provider's SSN redacted, the
    placeholder as the provider wrote it), and the caller gets their own value back."""
    mock.configure(reply_text="I will email <PERSON_1> about 536-22-8726 today.")
    gateway = gateway_with("prompt_log: {level: redacted}\n", key=True)
    key = gateway.create_key("fay", "engineering")
    parsers: list[SseParser] = []
    made = SseParser.__init__

    def spy(parser: SseParser) -> None:
        made(parser)
        parsers.append(parser)

    monkeypatch.setattr(SseParser, "__init__", spy)
    client = openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=key, max_retries=0, timeout=30)
    closing.append(client)
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": PII}], stream=True
    )
    answer = "".join(chunk.choices[0].delta.content or "" for chunk in raw.parse() if chunk.choices)
    assert answer == "I will email Maria Lopez about [US_SSN] today."
    ring = load_keyring(tmp_path / "log-keys.json", "UNSET", {})
    assert ring is not None
    logged = open_text(gateway.log_record(raw.headers["x-request-id"]), "response", ring)
    assert logged == "I will email <PERSON_1> about [US_SSN] today."
    assert len(parsers) == 1  # gate, scan, capture and restore behind one parse


def test_a_rotated_key_is_taken_up_without_a_restart(
    gateway_with: GatewayWith, closing: list[Any], tmp_path: Path
) -> None:
    gateway = gateway_with("prompt_log: {level: full}\n", key=True)
    key = gateway.create_key("fay", "engineering")
    first_id, _ = chat(gateway, key, "before rotation", closing)
    first = gateway.log_record(first_id)  # written (and sealed) before the rotation
    rotate_key_file(tmp_path / "log-keys.json")
    state = gateway.server.app[STATE]

    async def sighup_keys() -> None:  # what SIGHUP does for the keys
        state.prompt_log.reload_keys(gateway.settings.prompt_log, {})

    gateway.run(sighup_keys())
    second_id, _ = chat(gateway, key, "after rotation", closing)
    second = gateway.log_record(second_id)
    assert first["key_id"] != second["key_id"]
    ring = load_keyring(tmp_path / "log-keys.json", "UNSET", {})
    assert ring is not None
    assert ring.current == second["key_id"]
    assert (open_text(first, "prompt", ring), open_text(second, "prompt", ring)) == (
        "before rotation",
        "after rotation",
    )
