"""The answer chain (issue 17, step 3): a streamed answer is parsed once, and its events pass
the stages in one fixed order -- ids gate, scan, capture for the prompt log, restore -- so the
log keeps the answer as screened and the caller's own values come back last."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import pytest

from gateway.policy.policy import Policy, load_policy
from gateway.screening.answer_chain import AnswerChain, AnswerStages, answer_stream
from gateway.screening.answer_ids import AnswerGate
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms
from gateway.screening.restore import RestoringStream
from gateway.screening.screen import Screening
from gateway.screening.stream import ScanningStream
from gateway.wire import sse_parse
from gateway.wire.capture import AnswerCapture, CapturingStage
from gateway.wire.endpoints import endpoint_named
from gateway.wire.sse_parse import SseParser
from tests.gateway.screening.inline_pool import inline_pool
from tests.gateway.screening.test_scanning_stream_joined import texts

# E-mail addresses are pseudonymized in prompts and redacted in answers: a provider writing one
# has it redacted, while the caller's own, sent as a placeholder, must come back as it was.
POLICY = """\
policy: {id: t, version: "1"}
default_group: everyone
groups: {everyone: {approved_tools: [{provider: openai, models: ["*"]}]}}
detection: {pii: {entities: [EMAIL_ADDRESS, US_SSN]}}
data_rules:
  - {id: ssn, match: {entity_types: [US_SSN]}, action: redact}
  - {id: mail-out, match: {entity_types: [EMAIL_ADDRESS]}, directions: [prompt], action: pseudonymize}
  - {id: mail-back, match: {entity_types: [EMAIL_ADDRESS]}, directions: [response], action: redact}
"""
OWN_EMAIL = "jane.roe@example.com"
PIECES = ["Write to <EMAIL_", "ADDRESS_1> (not ", "ops@example.org) about SSN 536", "-22-8726 today."]
SCREENED = "Write to <EMAIL_ADDRESS_1> (not [EMAIL_ADDRESS]) about SSN [US_SSN] today."
RESTORED = f"Write to {OWN_EMAIL} (not [EMAIL_ADDRESS]) about SSN [US_SSN] today."


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    path = tmp_path_factory.mktemp("policy") / "policy.yaml"
    path.write_text(POLICY)
    return load_policy(path)


@pytest.fixture(scope="module")
def pool(policy: Policy) -> DetectionPool:
    return inline_pool(policy)


def chunk(text: str, finish: str | None = None) -> bytes:
    choice = {"index": 0, "delta": {"content": text}, "finish_reason": finish}
    obj = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": "gpt-4o", "choices": [choice]}
    return f"data: {json.dumps(obj)}\n\n".encode()


def provider_stream() -> bytes:
    return b"".join([*(chunk(p) for p in PIECES), chunk("", "stop"), b"data: [DONE]\n\n"])


def reads(stream: bytes, size: int = 7) -> list[bytes]:
    return [stream[i : i + size] for i in range(0, len(stream), size)]


def every_stage(pool: DetectionPool, policy: Policy, capture: AnswerCapture) -> AnswerStages:
    """The stages the gateway runs on a screened stream whose prompt was pseudonymized, given
    in reverse: the order they run in is the chain's, not the caller's."""
    pseudonyms = Pseudonyms()
    assert pseudonyms.placeholder("EMAIL_ADDRESS", OWN_EMAIL) == "<EMAIL_ADDRESS_1>"
    ep, screening = endpoint_named("chat.completions"), Screening()
    return AnswerStages(
        restore=RestoringStream(ep, pseudonyms),
        capture=CapturingStage(capture, ep),
        scan=ScanningStream(ep, pool, policy, screening),
        gate=AnswerGate(pool, policy, screening),
    )


def relayed(stages: AnswerStages, provider_reads: list[bytes]) -> bytes:
    async def source() -> AsyncGenerator[bytes, None]:
        for read in provider_reads:
            yield read

    async def go() -> bytes:
        return b"".join([out async for out in answer_stream(endpoint_named("chat.completions"), source(), stages)])

    return asyncio.run(go())


def test_the_log_keeps_the_answer_as_screened_and_the_caller_gets_their_own_values_last(
    pool: DetectionPool, policy: Policy
) -> None:
    capture = AnswerCapture(keep_text=True)
    stages = every_stage(pool, policy, capture)
    assert stages.in_order() == [stages.gate, stages.scan, stages.capture, stages.restore]
    out = relayed(stages, reads(provider_stream()))
    # Capture after the scan: what the provider wrote is redacted in the log ...
    # ... and before restore: the log holds the placeholder, never the caller's value.
    assert capture.text == SCREENED
    # Restore last: the caller's own address comes back, not redacted as if the provider wrote it.
    assert texts(out) == RESTORED
    assert out.endswith(b"data: [DONE]\n\n")


def test_without_a_stage_that_rewrites_the_provider_reads_go_out_as_they_came(pool: DetectionPool) -> None:
    """Capture alone (nothing screened, nothing to restore): the reads are relayed untouched --
    comments, CRLF framing and all -- while the capture reads the one parse's events."""
    capture = AnswerCapture(keep_text=True)
    stream = b": keep-alive\r\n\r\n" + provider_stream().replace(b"\n\n", b"\r\n\r\n")
    provider_reads = reads(stream, 5)
    ep = endpoint_named("chat.completions")
    stages = AnswerStages(capture=CapturingStage(capture, ep))

    async def source() -> AsyncGenerator[bytes, None]:
        for read in provider_reads:
            yield read

    async def go() -> list[bytes]:
        return [out async for out in answer_stream(ep, source(), stages)]

    assert asyncio.run(go()) == provider_reads
    assert capture.text == "".join(PIECES)


class ParserSpy:
    """Every SseParser made, and what each was fed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fed: dict[int, list[bytes]] = {}
        self.json_reads: list[bytes] = []
        feed, init, read_json = SseParser.feed, SseParser.__init__, sse_parse.SseEvent.json

        def spy_init(parser: SseParser) -> None:
            init(parser)
            self.fed[id(parser)] = []

        def spy_feed(parser: SseParser, read: bytes) -> Iterator[sse_parse.SseEvent]:
            self.fed[id(parser)].append(read)
            return feed(parser, read)

        def spy_json(event: sse_parse.SseEvent) -> Any:
            self.json_reads.append(event.raw)
            return read_json(event)

        monkeypatch.setattr(SseParser, "__init__", spy_init)
        monkeypatch.setattr(SseParser, "feed", spy_feed)
        monkeypatch.setattr(sse_parse.SseEvent, "json", spy_json)


def test_the_answer_is_parsed_once_whatever_the_stages(
    pool: DetectionPool, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = ParserSpy(monkeypatch)
    stream = provider_stream()
    provider_reads = reads(stream)
    relayed(every_stage(pool, policy, AnswerCapture(keep_text=True)), provider_reads)
    (fed,) = spy.fed.values()  # one parser for the four stages, each read fed to it once
    assert fed == provider_reads
    provider_events = [event.raw for event in SseParser().feed(stream)]
    # Each of the provider's events has its JSON read once (the [DONE] too, found not to be JSON);
    # the others read are the stages' own events (the scan's released text), once each.
    provider_reads_of_json = [raw for raw in spy.json_reads if raw in provider_events]
    assert sorted(provider_reads_of_json) == sorted(provider_events)


def test_a_chain_holds_one_parser_and_its_stages_in_order(pool: DetectionPool, policy: Policy) -> None:
    stages = every_stage(pool, policy, AnswerCapture(keep_text=False))
    chain = AnswerChain(endpoint_named("chat.completions"), stages.in_order())
    assert isinstance(chain.parser, SseParser)
    assert [type(stage).__name__ for stage in stages.in_order()] == [
        "AnswerGate",
        "ScanningStream",
        "CapturingStage",
        "RestoringStream",
    ]


def test_an_unfinished_last_event_passes_every_stage_even_unscreened(pool: DetectionPool) -> None:
    """A provider ending without the last blank line: its last event goes through the stages like
    any other when nothing is screened too (restored for the caller, its usage captured)."""
    pseudonyms = Pseudonyms()
    pseudonyms.placeholder("EMAIL_ADDRESS", OWN_EMAIL)
    capture, ep = AnswerCapture(keep_text=True), endpoint_named("chat.completions")
    choice = {"index": 0, "delta": {"content": " <EMAIL_ADDRESS_1>"}, "finish_reason": "stop"}
    last = {"id": "chatcmpl-1", "choices": [choice], "usage": {"prompt_tokens": 5, "completion_tokens": 4}}
    stream = chunk("Write to") + f"data: {json.dumps(last)}".encode()
    stages = AnswerStages(capture=CapturingStage(capture, ep), restore=RestoringStream(ep, pseudonyms))
    out = relayed(stages, reads(stream, 9))
    assert texts(out) == f"Write to {OWN_EMAIL}"
    assert capture.text == "Write to <EMAIL_ADDRESS_1>"
    assert (capture.prompt_tokens, capture.completion_tokens) == (5, 4)
