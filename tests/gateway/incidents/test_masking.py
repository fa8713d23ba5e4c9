"""Incident excerpts are masked with every detector by the recorder's task, not on the request
path, before anything is stored, chained or spooled; without detection no excerpt is kept."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from detectors.base import Category, Finding
from gateway.errors import ApiFormat
from gateway.exchange import Exchange
from gateway.incidents import masking
from gateway.incidents.masking import ExcerptScan
from gateway.incidents.recorder import IncidentLog
from gateway.incidents.store import IncidentQuery, IncidentStore
from gateway.policy.data_rules import Action, RuledDecision
from gateway.promptlog.crypto import LogKeyring
from gateway.promptlog.sqlite_store import SqlitePromptStore
from gateway.screening.pool import DetectionUnavailable
from gateway.screening.screen import Screening
from tests.gateway.incidents.test_incident_spool import COMPLIANCE, POLICY

NAME, EMAIL, SSN = "Maria Lopez", "maria.lopez@example.org", "536-22-8726"
ANSWER = f"Customer {NAME} ({EMAIL}) has SSN {SSN} on file."
KEYRING = LogKeyring({"k": b"\x03" * 32}, current="k")


@pytest.fixture(autouse=True)
def no_retry_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(masking, "RETRY_S", (0.0, 0.0))


def answer_exchange() -> Exchange:
    """An answer whose SSN a response rule redacted: screening looked for nothing else."""
    at = ANSWER.index(SSN)
    ssn = RuledDecision(finding=Finding("US_SSN", at, at + len(SSN), 0.9, "pii", Category.PII), action=Action.REDACT)
    answer = Screening(decisions=[ssn], scanned=[(ANSWER, [ssn])])
    return Exchange(api=ApiFormat.OPENAI, endpoint="chat", provider="openai", model="gpt-4o", response_screening=answer)


class Detectors:
    """Stands in for the pool: finds the name and the email (what NER and the email detector would)."""

    def __init__(self, fail: str | None = None) -> None:
        self.fail = fail
        self.calls: list[list[str]] = []
        self.release, self.called = asyncio.Event(), asyncio.Event()
        self.release.set()

    async def __call__(self, texts: Sequence[str]) -> list[list[Finding]]:
        self.calls.append(list(texts))
        self.called.set()
        await self.release.wait()
        if self.fail:
            raise DetectionUnavailable(self.fail)
        return [[self._at(text, NAME, "PERSON"), self._at(text, EMAIL, "EMAIL_ADDRESS")] for text in texts]

    @staticmethod
    def _at(text: str, value: str, entity_type: str) -> Finding:
        at = text.index(value)
        return Finding(entity_type, at, at + len(value), 0.85, "pii", Category.PII)


async def recorded(tmp_path: Path, scan: ExcerptScan | None) -> tuple[list[dict[str, Any]], str]:
    """The stored incidents, and every chain event's body, after one answer incident."""
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    incidents = IncidentLog(IncidentStore(store), COMPLIANCE, lambda: POLICY, lambda: KEYRING, scan=scan)
    await incidents.start()
    incidents.observe_exchange(answer_exchange(), POLICY)
    if isinstance(scan, Detectors):
        assert scan.calls == []  # nothing scanned on the request path: the recorder's task does it
    await asyncio.wait_for(incidents.flush(), 10)
    found = await IncidentStore(store).search(IncidentQuery())
    chain = json.dumps([row["body"] for row in await store.fetch("SELECT body FROM incident_chain", [])])
    await incidents.close(1)
    await store.close()
    return found, chain


async def test_the_excerpt_is_masked_with_what_every_detector_finds_before_it_is_stored(tmp_path: Path) -> None:
    detectors = Detectors()
    [incident], chain = await recorded(tmp_path, detectors)
    assert incident["type"] == "PII_IN_OUTPUT"
    assert incident["excerpt"] == "Customer <PERSON> (<EMAIL_ADDRESS>) has SSN <US_SSN> on file."
    assert incident["entity_types"] == {"US_SSN": 1}  # the scan masks; it adds no finding to the incident
    assert detectors.calls[0] == [ANSWER]  # one scan: the window (here the whole short answer)
    for value in (NAME, "Lopez", EMAIL, SSN):
        assert value not in json.dumps(incident)
        assert value not in chain
    assert "<PERSON>" in chain


async def test_without_detection_no_excerpt_is_kept_but_the_hashes_are(tmp_path: Path) -> None:
    for n, scan in enumerate((Detectors(fail="overloaded"), None)):
        [incident], chain = await recorded(tmp_path / str(n), scan)
        assert incident["excerpt"] is None
        assert incident["evidence"]["value_hashes"] == {"US_SSN": [KEYRING.keyed_hash(SSN)]}
        assert NAME not in chain
        assert EMAIL not in chain
    failing = Detectors(fail="overloaded")
    await recorded(tmp_path / "again", failing)
    assert len(failing.calls) == 3  # retried twice before the excerpt goes


async def test_a_candidate_spooled_before_it_was_masked_keeps_no_raw_text(tmp_path: Path) -> None:
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    spool_path = tmp_path / "incidents.spool"
    detectors = Detectors()
    detectors.release.clear()  # the scan hangs: shutdown comes first
    incidents = IncidentLog(
        IncidentStore(store), COMPLIANCE, lambda: POLICY, lambda: KEYRING, spool_path=spool_path, scan=detectors
    )
    await incidents.start()
    incidents.observe_exchange(answer_exchange(), POLICY)
    await asyncio.wait_for(detectors.called.wait(), 10)
    await incidents.close(grace_s=0.1)
    spooled = spool_path.read_text()
    assert "PII_IN_OUTPUT" in spooled
    for value in (NAME, EMAIL, SSN, "Customer"):
        assert value not in spooled
    [candidate] = [json.loads(line) for line in spooled.splitlines()]
    assert candidate["excerpt"] is None
    assert "window" not in candidate
    await store.close()


async def test_only_violations_that_open_an_incident_have_their_excerpt_scanned(tmp_path: Path) -> None:
    """A repeat folds into its open incident and keeps no excerpt: its window is not scanned (issue 18:
    a scan with NER per blocked request held the recorder to a third of the rate). Once the incident is
    resolved, the next violation opens one, scanned and masked."""
    store = SqlitePromptStore(tmp_path / "log.db")
    await store.open()
    detectors = Detectors()
    detectors.release.clear()  # the first batch's scan waits: the next violations queue up meanwhile
    incidents = IncidentLog(IncidentStore(store), COMPLIANCE, lambda: POLICY, lambda: KEYRING, scan=detectors)
    await incidents.start()
    incidents.observe_exchange(answer_exchange(), POLICY)
    await asyncio.wait_for(detectors.called.wait(), 10)
    for _ in range(5):  # a burst, one batch: the incident they repeat is not stored yet
        incidents.observe_exchange(answer_exchange(), POLICY)
    detectors.release.set()
    await asyncio.wait_for(incidents.flush(), 10)
    assert detectors.calls == [[ANSWER]]  # the first opened the incident; the burst only folded into it
    for _ in range(3):  # later ones, one by one: the incident is open in the store
        incidents.observe_exchange(answer_exchange(), POLICY)
        await asyncio.wait_for(incidents.flush(), 10)
    assert len(detectors.calls) == 1
    [incident] = await IncidentStore(store).search(IncidentQuery())
    assert incident["occurrences"] == 9
    assert incident["excerpt"] == "Customer <PERSON> (<EMAIL_ADDRESS>) has SSN <US_SSN> on file."
    await IncidentStore(store).transition(incident["id"], "resolved", "ann")
    incidents.observe_exchange(answer_exchange(), POLICY)
    await asyncio.wait_for(incidents.flush(), 10)
    assert detectors.calls == [[ANSWER], [ANSWER]]  # a new incident: its excerpt scanned and masked
    newest = (await IncidentStore(store).search(IncidentQuery()))[0]
    assert (newest["occurrences"], newest["excerpt"]) == (1, incident["excerpt"])
    await incidents.close(1)
    await store.close()


def test_repeats_are_the_candidates_an_open_incident_or_an_earlier_one_of_the_batch_will_take() -> None:
    exchange = answer_exchange()
    candidates = IncidentLog(IncidentStore(SqlitePromptStore(Path("unused.db"))), COMPLIANCE, lambda: POLICY)
    [one] = candidates._candidates.for_exchange(exchange, POLICY)
    key, window_s = one.aggregation_key(), 300
    at = [one.at_us, one.at_us + 1_000_000, one.at_us + 400_000_000]  # the last is past the window
    batch = [dataclasses.replace(one, at_us=t) for t in at]
    assert masking.repeats(batch, {}, window_s) == {1}  # the first opens, the second folds into it
    assert masking.repeats(batch, {key: one.at_us - 1}, window_s) == {0, 1}  # open in the store already
    assert masking.repeats(batch, {key: one.at_us - 301_000_000}, window_s) == {1}  # seen too long ago
    kept = masking.without_windows(batch, {1})
    assert kept[0].window is not None
    assert kept[1].window is None
