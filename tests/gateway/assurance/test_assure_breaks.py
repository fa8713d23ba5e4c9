"""Issue 21's break cases, end to end: a real gateway under the default policy, one control broken while
it serves (a detector that fails, the prompt-log store gone, a detection pool with no workers), then
``runner.run``. The probes of that control fail (never pass, never skip) and say what happened."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from detectors.base import Category, Detector, Finding
from detectors.registry import build_detectors
from gateway.assurance import runner
from gateway.assurance.probes import Result
from gateway.lifecycle.state import STATE
from gateway.screening.pool import DetectionPool
from gateway.testing import BackgroundLoop, RunningGateway
from loadtests.mock_provider import MockProvider
from tests.conftest import policy_gateway
from tests.gateway.assurance.test_assure_e2e import DEFAULT_POLICY
from tests.gateway.screening.test_detection_pool import until

DATA_PROBES = (
    "credential_blocked",
    "card_protected",
    "ssn_protected",
    "email_protected",
    "name_protected",
    "stream_protected",
    "answer_stream_protected",
    "jailbreak_recorded",
)


class BrokenDetector:
    """A detector that fails on every text (a regression, a model file gone bad)."""

    name = "broken"
    category = Category.PII
    entity_types = frozenset({"PERSON"})

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        raise RuntimeError("forced to fail")


def broken_factory(spec: Any) -> Sequence[Detector]:
    """Run in the worker processes (spawned: a module-level function): the policy's detectors and a broken one."""
    return [*build_detectors(spec), BrokenDetector()]


def unstartable_factory(spec: Any) -> Sequence[Detector]:
    raise RuntimeError("a worker that cannot start")


@pytest.fixture
def gateway(bg_loop: BackgroundLoop, mock: MockProvider, tmp_path: Path) -> Iterator[RunningGateway]:
    with policy_gateway(bg_loop, mock, tmp_path, DEFAULT_POLICY) as running:
        yield running


def assure(gateway: RunningGateway) -> dict[str, Result]:
    results = gateway.assure(DEFAULT_POLICY, wait_s=3.0)
    assert runner.failed(results)
    return {r.control: r for r in results}


def pool_of(gateway: RunningGateway) -> DetectionPool:
    pool = gateway.server.app[STATE].runtime.pool
    assert pool is not None
    return pool


def replace_workers(gateway: RunningGateway, factory: Any, live: int) -> None:
    """Workers built by ``factory`` from now on; the running ones killed (the pool replaces them)."""
    pool = pool_of(gateway)

    async def swap() -> None:
        old = [w.process.pid for w in pool._workers]
        pool._factory = factory
        for worker in list(pool._workers):
            worker.process.kill()
        await until(
            lambda: pool.live_workers == live and all(w.process.pid not in old for w in pool._workers if w.live)
        )

    gateway.run(swap(), timeout=120)


def test_a_detector_forced_to_fail_fails_the_data_probes(gateway: RunningGateway) -> None:
    pool_of(gateway)._inline = None  # every scan in the workers, where the broken detector runs
    replace_workers(gateway, broken_factory, live=1)
    results = assure(gateway)
    for control in DATA_PROBES:
        assert results[control].status == "fail", results[control]
        assert "detection could not run, the control is not operating" in results[control].seen, results[control]
    assert results["card_protected"].seen == (
        "refused 503 detection_unavailable: detection could not run, the control is not operating"
    )
    assert results["tool_rules_enforced"].status == "fail"  # the approved model's prompt could not be scanned
    assert "echo-1 refused 503 detection_unavailable" in results["tool_rules_enforced"].seen
    # Refused before any scan: still operating. The failed probes raise no incident, and none is asked of them.
    assert results["unapproved_model_refused"].status == "pass"
    assert results["revoked_key_refused"].status == "pass"
    assert results["incidents_recorded"].status == "pass"


def test_a_pool_with_no_workers_fails_the_probes_that_need_it(gateway: RunningGateway) -> None:
    replace_workers(gateway, unstartable_factory, live=0)
    assert not pool_of(gateway).ready
    results = assure(gateway)
    # A prompt with a word that may be a name needs the NER model, in the workers: none can be scanned.
    # (Whether the credential's prompt needs it depends on the random key id's letters: not asserted.)
    for control in ("card_protected", "name_protected", "stream_protected", "jailbreak_recorded"):
        assert results[control].status == "fail", results[control]
        assert results[control].seen == (
            "refused 503 detection_unavailable: detection could not run, the control is not operating"
        )
    # A text with no such word is scanned in the gateway process (inline): that control did operate.
    for control in ("ssn_protected", "email_protected", "answer_stream_protected"):
        assert results[control].status == "pass", results[control]
    assert results["unapproved_model_refused"].status == "pass"


def test_an_unwritable_log_store_fails_the_log_check_and_the_probes_it_refuses(gateway: RunningGateway) -> None:
    store = gateway.server.app[STATE].prompt_log.store
    db = store._db
    assert db is not None
    db.execute("PRAGMA query_only = ON")  # every write now fails as on a read-only file system; reads work
    try:
        results = assure(gateway)
    finally:
        db.execute("PRAGMA query_only = OFF")  # the gateway can flush what it holds, and stop
    log = results["prompt_log_sealed"]
    assert log.status == "fail"
    assert log.seen.startswith("no record for: unapproved_model_refused, credential_blocked"), log.seen
    # Fail closed once the writer knows: requests are refused before anything leaves, and those probes fail.
    refused = [r for r in results.values() if "prompt_log_unavailable" in r.seen]
    assert len(refused) >= 5
    assert all(r.status == "fail" for r in refused)
    assert all("the prompt log could not keep the record, the control is not operating" in r.seen for r in refused)
    assert results["credential_blocked"].status == "pass"  # refused before the log's admission: no text left
