"""Fixtures shared by the tests of the gateway package."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.policy import Policy, load_policy
from tests.gateway.policy_helpers import POLICY, write


@pytest.fixture
def policy(tmp_path: Path) -> Policy:
    return load_policy(write(tmp_path, POLICY))
