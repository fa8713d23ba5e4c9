"""The admin API: admin tokens with roles; auditors read prompt text, SecOps metadata only;
every text read is recorded."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.auth.admin_tokens import AdminTokenStore
from gateway.lifecycle.state import STATE
from gateway.promptlog.crypto import rotate_key_file
from gateway.testing import RunningGateway
from tests.conftest import TEST_POLICY, StartGateway


def get(url: str, token: str | None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code, json.load(failed)


@pytest.fixture
def logged(start_gateway: StartGateway, tmp_path: Path, closing: list[Any]) -> tuple[RunningGateway, str]:
    """A gateway keeping full text, with one exchange in its log; (gateway, its request id)."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(TEST_POLICY.read_text() + "prompt_log: {level: full}\n")
    rotate_key_file(tmp_path / "log-keys.json")
    gateway = start_gateway(policy_path=str(policy))
    client = openai.OpenAI(
        base_url=f"{gateway.url}/v1", api_key=gateway.create_key("ann", "engineering"), max_retries=0
    )
    closing.append(client)
    raw = client.chat.completions.with_raw_response.create(
        model="echo-1", messages=[{"role": "user", "content": "the launch date is 12 March"}]
    )
    request_id = raw.headers["x-request-id"]
    gateway.log_record(request_id)
    return gateway, request_id


def token(gateway: RunningGateway, name: str, role: str) -> str:
    store = AdminTokenStore(gateway.settings.store.sqlite_path)
    try:
        return store.create(name, role)[1]  # type: ignore[arg-type]
    finally:
        store.close()


def test_admin_calls_need_a_valid_token(logged: tuple[RunningGateway, str]) -> None:
    gateway, _request_id = logged
    for presented in (None, "aigwadm_0000_nope", token(gateway, "x", "secops") + "x"):
        status, body = get(f"{gateway.admin_url}/admin/logs", presented)
        assert status == 401
        assert "admin token" in body["error"]["message"]


def test_secops_sees_metadata_but_not_text(logged: tuple[RunningGateway, str]) -> None:
    gateway, request_id = logged
    secops = token(gateway, "sam", "secops")
    status, body = get(f"{gateway.admin_url}/admin/logs?user=ann", secops)
    assert status == 200
    [record] = body["records"]
    assert (record["request_id"], record["model"], record["has_text"]) == (request_id, "echo-1", True)
    assert "prompt_text" not in record
    assert "launch" not in json.dumps(body)
    status, body = get(f"{gateway.admin_url}/admin/logs/{request_id}?text=1", secops)
    assert status == 403
    assert "auditor" in body["error"]["message"]
    assert get(f"{gateway.admin_url}/admin/logs?since=yesterday", secops)[0] == 400


def test_an_auditor_reads_text_and_the_read_is_recorded(logged: tuple[RunningGateway, str]) -> None:
    gateway, request_id = logged
    auditor = token(gateway, "aud", "auditor")
    status, record = get(f"{gateway.admin_url}/admin/logs/{request_id}", auditor)
    assert status == 200
    assert "prompt_text" not in record  # text only when asked for
    status, record = get(f"{gateway.admin_url}/admin/logs/{request_id}?text=1", auditor)
    assert status == 200
    assert record["prompt_text"] == "the launch date is 12 March"
    store = gateway.server.app[STATE].prompt_log.store
    reads = gateway.run(store.text_reads(request_id))
    assert [(r["reader"], r["role"], r["via"]) for r in reads] == [("aud", "auditor", "admin_api")]
    assert get(f"{gateway.admin_url}/admin/logs/req_missing", auditor)[0] == 404


# Malformed values for every admin GET route's query parameters: each gets a 4xx, never a 500.
BAD_VALUES = [
    "bad",
    "-1",
    "0",
    "99999999999999999999999",
    "1e9",
    "%ff",
    "%C3%28",
    "",
    "nan",
    "99999999999999999999d",
    "9999999999999h",
    "0001-01-01",
    "0001-01-01T00:00:00-23:00",
    "9999-12-31T23:59:59-23:00",
    "2024-13-01",
    "1970-01-01",
]
ADMIN_GETS = {
    "/admin/logs": ["user", "group", "model", "decision", "entity_type", "since", "until", "limit"],
    "/admin/logs/req_nothing": ["text"],
    "/admin/purge-runs": ["limit"],
    "/admin/incidents": ["status", "type", "severity", "user", "since", "until", "limit"],
    "/admin/incidents/verify": ["limit"],
    "/admin/incidents/export": ["format", "status", "type", "severity", "since", "until", "limit"],
    "/admin/incidents/inc_nothing": ["x"],
    "/admin/report": ["format", "since", "until"],
}


@pytest.mark.parametrize("route", list(ADMIN_GETS))
def test_malformed_admin_query_parameters_never_give_a_500(start_gateway: StartGateway, route: str) -> None:
    gateway = start_gateway()
    auditor = token(gateway, "ann", "auditor")
    for name in ADMIN_GETS[route]:
        for value in BAD_VALUES:
            for query in (f"{name}={value}", f"{name}={value}&{name}={value}", f"{name}=1&{name}={value}"):
                status = status_of(f"{gateway.admin_url}{route}?{query}", auditor)
                assert status < 500, f"{route}?{query}: {status}"


def status_of(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            resp.read()
            return int(resp.status)
    except urllib.error.HTTPError as failed:
        with failed:
            return failed.code


def test_admin_errors_have_the_api_shape(
    start_gateway: StartGateway, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown routes, wrong methods and unexpected failures answer as JSON errors with a request id, as the
    API does; an exception's text (it may hold data) is never shown, only logged by type and place."""
    from gateway.admin import api as admin_api

    gateway = start_gateway()
    secops = token(gateway, "ann", "secops")
    status, body = get(f"{gateway.admin_url}/admin/nothing-here", secops)
    assert (status, body["error"]["code"]) == (404, "unknown_route")
    request = urllib.request.Request(f"{gateway.admin_url}/admin/logs", method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    with refused.value as failed:
        assert failed.code == 405
        assert json.load(failed)["error"]["type"] == "invalid_request_error"

    def broken(request: object) -> None:
        raise RuntimeError("card 4111 1111 1111 1111")

    monkeypatch.setattr(admin_api, "running", broken)
    with pytest.raises(urllib.error.HTTPError) as failing:
        urllib.request.urlopen(
            urllib.request.Request(f"{gateway.admin_url}/admin/logs", headers={"Authorization": f"Bearer {secops}"}),
            timeout=10,
        )
    with failing.value as failed:
        text = failed.read().decode()
        assert failed.code == 500
        assert failed.headers["x-request-id"]
    assert json.loads(text)["error"]["type"] == "api_error"
    assert "4111" not in text
    logged = capsys.readouterr()
    assert "internal_error" in logged.out + logged.err
    assert "4111" not in logged.out + logged.err
