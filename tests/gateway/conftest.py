"""Fixtures shared by the tests of the gateway package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from gateway.policy.policy import Policy, load_policy
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import DATA, policy_gateway, sdk_client
from tests.gateway.policy_helpers import POLICY, write


@pytest.fixture
def policy(tmp_path: Path) -> Policy:
    return load_policy(write(tmp_path, POLICY))


@pytest.fixture(scope="module")
def pii_gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    """A gateway with the PII test policy (tests/data/policy_pii.yaml), one per test module."""
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("gw"), DATA / "policy_pii.yaml") as gateway:
        yield gateway


@pytest.fixture
def oai(pii_gateway: RunningGateway, closing: list[Any]) -> openai.OpenAI:
    """The real OpenAI SDK pointed at ``pii_gateway``."""
    client: openai.OpenAI = sdk_client(pii_gateway, closing)
    return client
