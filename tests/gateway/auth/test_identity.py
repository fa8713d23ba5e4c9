"""Who may call: gateway keys (created, revoked) and trusted SSO headers."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import openai
import pytest
from multidict import CIMultiDict

from loadtests.mock_provider import MockProvider
from tests.conftest import StartGateway

MESSAGES = [{"role": "user", "content": "hello"}]
SSO = {"x-forwarded-user": "carol@example.com", "x-forwarded-groups": "engineering, finance"}


def sdk(url: str, key: str, closing: list[Any], headers: dict[str, str] | None = None) -> openai.OpenAI:
    c = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=10, default_headers=headers)
    closing.append(c)
    return c


def test_revoked_key_stops_working_on_a_running_gateway(start_gateway: StartGateway, closing: list[Any]):
    gateway = start_gateway(identity={"key_refresh_interval_s": 0.05})
    key = gateway.create_key("dave", "engineering")
    c = sdk(gateway.url, key, closing)
    assert c.chat.completions.create(model="echo-1", messages=MESSAGES).choices
    assert gateway.revoke_key(key)  # another connection, as `aigw keys revoke` would
    deadline = time.monotonic() + 10
    rejection = None
    while rejection is None:  # poll: the gateway picks the revocation up on its next store read
        assert time.monotonic() < deadline, "revoked key still accepted after 10 s"
        try:
            c.chat.completions.create(model="echo-1", messages=MESSAGES)
            time.sleep(0.05)
        except openai.AuthenticationError as exc:
            rejection = exc.message
    assert "revoked" in rejection


def test_key_created_while_running_works_at_once(start_gateway: StartGateway, closing: list[Any]):
    gateway = start_gateway(identity={"key_refresh_interval_s": 3600})  # no periodic refresh to help
    key = gateway.create_key("erin")
    assert sdk(gateway.url, key, closing).chat.completions.create(model="echo-1", messages=MESSAGES).choices


def test_trusted_header_identity_from_trusted_proxy(
    start_gateway: StartGateway, mock: MockProvider, closing: list[Any]
):
    gateway = start_gateway(
        identity={"modes": ["trusted_header"], "trusted_header": {"trusted_proxies": ["127.0.0.0/8"]}}
    )
    c = sdk(gateway.url, "sso-handled", closing, headers=SSO)
    reply = c.chat.completions.create(model="gpt-4o", messages=MESSAGES)  # engineering may use gpt-*
    assert reply.choices[0].message.content == mock.behaviour.reply_text
    sent = {k.lower() for k in mock.requests[0].headers}
    assert "x-forwarded-user" not in sent
    assert "x-forwarded-groups" not in sent


def test_trusted_header_ignored_from_untrusted_address(start_gateway: StartGateway, closing: list[Any]):
    gateway = start_gateway(
        identity={"modes": ["keys", "trusted_header"], "trusted_header": {"trusted_proxies": ["10.9.9.9/32"]}}
    )
    with pytest.raises(openai.AuthenticationError):
        sdk(gateway.url, "not-a-gateway-key", closing, headers=SSO).chat.completions.create(
            model="echo-1", messages=MESSAGES
        )
    # A key still works alongside, and the spoofed groups do not widen it.
    key = gateway.create_key("frank")  # default group: echo only
    c = sdk(gateway.url, key, closing, headers=SSO)
    assert c.chat.completions.create(model="echo-1", messages=MESSAGES).choices
    with pytest.raises(openai.PermissionDeniedError):
        c.chat.completions.create(model="gpt-4o", messages=MESSAGES)


def test_sso_only_gateway_rejects_keys(start_gateway: StartGateway, closing: list[Any]):
    gateway = start_gateway(
        identity={"modes": ["trusted_header"], "trusted_header": {"trusted_proxies": ["10.9.9.9/32"]}}
    )
    key = gateway.create_key("gina", "engineering")
    with pytest.raises(openai.AuthenticationError, match="SSO"):
        sdk(gateway.url, key, closing).chat.completions.create(model="echo-1", messages=MESSAGES)


def test_sso_groups_map_to_policy_groups(start_gateway: StartGateway, closing: list[Any], tmp_path: Any):
    """A policy group's members can be named by the SSO proxy's group names; a key with the same
    group name is not a member unless the policy says so."""
    policy = tmp_path / "sso.yaml"
    policy.write_text(
        'policy: {id: sso, version: "1"}\n'
        "default_group: everyone\n"
        "groups:\n"
        "  everyone:\n"
        "    approved_tools: [{provider: echo, models: ['*']}]\n"
        "  engineering:\n"
        "    members: {sso_groups: ['CN=Engineering,OU=Groups'], key_groups: []}\n"
        "    approved_tools: [{provider: openai, models: ['gpt-*']}]\n"
    )
    gateway = start_gateway(
        policy_path=str(policy),
        identity={
            "modes": ["keys", "trusted_header"],
            "trusted_header": {"trusted_proxies": ["127.0.0.0/8"], "groups_separators": ";"},  # DNs hold commas
        },
    )
    directory = {
        "x-forwarded-user": "hal@example.com",
        "x-forwarded-groups": "CN=Staff,OU=Groups; CN=Engineering,OU=Groups",
    }
    assert (
        sdk(gateway.url, "sso", closing, headers=directory)
        .chat.completions.create(model="gpt-4o", messages=MESSAGES)
        .choices
    )
    plain_name = {"x-forwarded-user": "hal@example.com", "x-forwarded-groups": "engineering"}
    with pytest.raises(openai.PermissionDeniedError, match="everyone"):
        sdk(gateway.url, "sso", closing, headers=plain_name).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    key = gateway.create_key("ivy", "engineering")  # key_groups: [] -- no key puts anyone in engineering
    with pytest.raises(openai.PermissionDeniedError):
        sdk(gateway.url, key, closing).chat.completions.create(model="gpt-4o", messages=MESSAGES)


@pytest.mark.parametrize("header", ["x-forwarded-groups", "x-forwarded-user"])
async def test_an_identity_header_sent_twice_is_refused(start_gateway: StartGateway, header: str) -> None:
    """Never "first wins": a proxy that appends its header to the client's would otherwise let the
    client choose its own groups (or user)."""
    gateway = start_gateway(
        identity={"modes": ["trusted_header"], "trusted_header": {"trusted_proxies": ["127.0.0.0/8"]}}
    )
    headers = CIMultiDict(SSO)
    headers.add(header, "finance" if header.endswith("groups") else "mallory@example.com")
    body = {"model": "gpt-4o", "messages": MESSAGES}
    async with aiohttp.ClientSession() as http:
        resp = await http.post(f"{gateway.url}/v1/chat/completions", json=body, headers=headers)
        error = await resp.json()
        assert resp.status == 401
        assert error["error"]["code"] == "ambiguous_identity"
        assert "finance" not in error["error"]["message"]
        assert "mallory" not in error["error"]["message"]
        once = await http.post(f"{gateway.url}/v1/chat/completions", json=body, headers=SSO)
        assert once.status == 200


async def test_two_different_gateway_keys_are_refused(start_gateway: StartGateway) -> None:
    gateway = start_gateway()
    alice, bob = gateway.create_key("alice", "engineering"), gateway.create_key("bob", "engineering")
    body = {"model": "gpt-4o", "messages": MESSAGES}
    async with aiohttp.ClientSession() as http:
        for headers in (
            CIMultiDict([("authorization", f"Bearer {alice}"), ("authorization", f"Bearer {bob}")]),
            CIMultiDict([("authorization", f"Bearer {alice}"), ("x-api-key", bob)]),
        ):
            resp = await http.post(f"{gateway.url}/v1/chat/completions", json=body, headers=headers)
            assert resp.status == 401
            assert (await resp.json())["error"]["code"] == "ambiguous_key"
        same = CIMultiDict([("authorization", f"Bearer {alice}"), ("x-api-key", alice)])  # one key, twice: fine
        resp = await http.post(f"{gateway.url}/v1/chat/completions", json=body, headers=same)
        assert resp.status == 200


async def test_an_identity_header_that_is_not_utf8_is_refused(start_gateway: StartGateway) -> None:
    gateway = start_gateway(
        identity={"modes": ["trusted_header"], "trusted_header": {"trusted_proxies": ["127.0.0.0/8"]}}
    )
    body = json.dumps({"model": "gpt-4o", "messages": MESSAGES}).encode()
    reader, writer = await asyncio.open_connection(*gateway.url.removeprefix("http://").split(":"))
    writer.write(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"X-Forwarded-User: bob\xff\xfe\r\nX-Forwarded-Groups: engineering\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    answer = await reader.read()
    writer.close()
    assert answer.startswith(b"HTTP/1.1 401")
    assert b"invalid_identity" in answer
