"""Model names and globs: a glob cannot absorb a path, and names no model has are refused."""

from __future__ import annotations

import httpx
import pytest

from gateway.errors import InvalidRequest
from gateway.model_names import check_model_name, glob_regex
from gateway.testing import RunningGateway


@pytest.mark.parametrize(
    ("glob", "name", "matches"),
    [
        ("claude-sonnet-*", "claude-sonnet-5-5", True),
        ("claude-sonnet-*", "claude-sonnet-5-5/../claude-opus-5-5", False),  # the bypass
        ("claude-sonnet-*", "claude-sonnet-x/claude-opus-5-5", False),
        ("gpt-4o?", "gpt-4o/", False),
        ("meta-llama/*", "meta-llama/Llama-3", True),  # a / in the glob matches a / in the name
        ("meta-llama/*", "meta-llama/a/b", False),
        ("gpt-[45]o", "gpt-5o", True),
        ("gpt-[45]o", "gpt-6o", False),
        ("gpt-[!4]o", "gpt-/o", False),
        ("gpt-[!4]o", "gpt-5o", True),
        ("gpt-4o", "gpt-4o-mini", False),  # whole names only
    ],
)
def test_globs_never_match_a_slash_they_do_not_hold(glob: str, name: str, matches: bool) -> None:
    assert bool(glob_regex(glob).match(name)) is matches


@pytest.mark.parametrize(
    "name", ["gpt-4o/../o1", "gpt 4o", "gpt-4o\n", "gpt-4o\x00", "a\\b", "/gpt-4o", "a//b", "x" * 257, ""]
)
def test_names_no_model_has_are_refused(name: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        check_model_name(name)
    assert caught.value.code == "invalid_model"
    assert name.strip() == "" or name[:5] not in caught.value.message


@pytest.mark.parametrize(
    "name", ["gpt-4o", "ft:gpt-4o-mini:acme::abc123", "anthropic.claude-v2:1", "meta-llama/Llama-3.1-8B", "llama3:8b"]
)
def test_real_model_names_pass(name: str) -> None:
    check_model_name(name)


def test_a_path_in_the_model_name_cannot_reach_another_model(gateway: RunningGateway, eng_key: str) -> None:
    headers = {"authorization": f"Bearer {eng_key}"}
    body = {
        "model": "claude-sonnet-5-5/../claude-opus-5-5",
        "max_tokens": 5,
        "messages": [{"role": "user", "content": "hi"}],
    }
    answer = httpx.post(f"{gateway.url}/v1/messages", json=body, headers=headers, timeout=30)
    assert answer.status_code == 400
    body["model"] = "claude-sonnet-5-5/claude-opus-5-5"  # no '..': the glob 'claude-*' does not absorb the '/'
    answer = httpx.post(f"{gateway.url}/v1/messages", json=body, headers=headers, timeout=30)
    assert answer.status_code == 404
