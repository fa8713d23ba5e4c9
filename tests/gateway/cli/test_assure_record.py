"""``aigw assure`` stores its run (origin ``command``) in the settings' audit database, beside the
scheduled runs, unless ``--no-record``; the stored outcomes are the ones printed, on the runs' chain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from gateway.cli.main import main
from gateway.incidents.assurance_runs import AssuranceRun, runs_between, verify_runs
from gateway.lifecycle.state import STATE
from gateway.promptlog.store import now_us
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway

DEFAULT_POLICY = Path(__file__).resolve().parents[3] / "policies" / "default.yaml"


@pytest.fixture(scope="module")
def gateway(
    bg_loop: BackgroundLoop, mock_server: MockProvider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningGateway]:
    with policy_gateway(bg_loop, mock_server, tmp_path_factory.mktemp("assure-record"), DEFAULT_POLICY) as running:
        yield running


def assure(gateway: RunningGateway, tmp_path: Path, *extra: str) -> int:
    config = tmp_path / "gateway.yaml"
    config.write_text(yaml.safe_dump(gateway.settings.model_dump(mode="json")), encoding="utf-8")
    return main(["assure", "--config", str(config), "--url", gateway.url, "--admin-url", gateway.admin_url, *extra])


def stored(gateway: RunningGateway) -> list[AssuranceRun]:
    async def read() -> list[AssuranceRun]:
        store = gateway.server.app[STATE].prompt_log.store
        assert (await verify_runs(store)).ok
        return await runs_between(store, 0, now_us() + 1)

    return gateway.run(read())


def test_a_run_of_the_command_is_stored_as_evidence(
    gateway: RunningGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored(gateway)
    assert assure(gateway, tmp_path, "--json") == 0
    captured = capsys.readouterr()
    printed = json.JSONDecoder().raw_decode(captured.out[captured.out.index('{\n  "policy_version"') :])[0]
    [run] = [r for r in stored(gateway) if r not in before]
    assert run.origin == "command"
    assert run.policy_version == printed["policy_version"]
    assert [o.as_json() for o in run.outcomes] == printed["results"]
    assert f"recorded as assurance run {run.run_id}" in captured.err


def test_no_record_leaves_the_audit_database_alone(
    gateway: RunningGateway, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored(gateway)
    assert assure(gateway, tmp_path, "--no-record") == 0
    assert stored(gateway) == before
    assert "recorded as" not in capsys.readouterr().err
