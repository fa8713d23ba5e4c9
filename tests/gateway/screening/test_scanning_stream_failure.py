"""An answer event the gateway cannot read follows the policy's detection.on_failure: the
stream is cut (block, the default), or the event is relayed and the exchange records that
screening was skipped (allow). Never passed on silently."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from detectors.base import Finding
from gateway.errors import UpstreamInvalid
from gateway.policy.policy import Policy, load_policy
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening, screen_response
from gateway.wire.endpoints import endpoint_named
from tests.gateway.screening.chains import scanning

POLICY = """\
policy: {{id: t, version: "1"}}
default_group: everyone
groups: {{everyone: {{approved_tools: [{{provider: openai, models: ["*"]}}]}}}}
detection: {{secrets: {{}}, on_failure: {on_failure}}}
data_rules:
  - {{id: s, match: {{categories: [secret]}}, action: block}}
"""
GOOD = b'data: {"choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": null}]}\n\n'
BAD = [b'data: {"choices": [\n\n', b'data: {"t": "\xff"}\n\n', b"data: just words\n\n", b"data: [1, 2]\n\n"]


class NoFindings:
    """A detection pool that finds nothing (what is scanned is not the point here)."""

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        return [[] for _ in texts]


def policy(tmp_path: Path, on_failure: str) -> Policy:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY.format(on_failure=on_failure))
    return load_policy(path)


def run(p: Policy, reads: list[bytes], screening: Screening) -> bytes:
    stream = scanning("chat.completions", cast(DetectionPool, NoFindings()), p, screening)

    async def go() -> bytes:
        return b"".join([await stream.feed(read) for read in reads]) + await stream.finish()

    return asyncio.run(go())


@pytest.mark.parametrize("bad", BAD)
def test_an_unreadable_event_cuts_the_stream_when_failing_closed(tmp_path: Path, bad: bytes) -> None:
    with pytest.raises(UpstreamInvalid, match="could not be screened"):
        run(policy(tmp_path, "block"), [GOOD, bad, GOOD], Screening())


@pytest.mark.parametrize("bad", BAD)
def test_an_unreadable_event_is_relayed_and_recorded_when_failing_open(tmp_path: Path, bad: bytes) -> None:
    screening = Screening()
    out = run(policy(tmp_path, "allow"), [GOOD, bad, GOOD], screening)
    assert bad in out
    assert screening.skipped is not None
    assert screening.skipped.startswith("unscreenable")


def test_an_unfinished_last_event_is_screened_too(tmp_path: Path) -> None:
    with pytest.raises(UpstreamInvalid):
        run(policy(tmp_path, "block"), [GOOD, b"data: {not json"], Screening())


def test_keep_alives_are_no_failure(tmp_path: Path) -> None:
    out = run(policy(tmp_path, "block"), [b": ping\n\n", GOOD, b"event: x\n\n"], Screening())
    assert out.startswith(b":\n\n")


@pytest.mark.parametrize(
    ("body", "error", "withheld"),
    [
        (b"<html>502</html>", False, True),  # a 200 that is not JSON
        (b'data: {"choices": []}\n\n', False, True),  # an SSE body for a whole answer
        (b"\xff\xfe", True, True),  # an error body that is not even text
        (b"<html>upstream broke</html>", True, False),  # an error body in HTML: scanned as text
        (b"", False, False),  # nothing to read
    ],
)
def test_a_whole_answer_that_cannot_be_read_is_withheld(
    tmp_path: Path, body: bytes, error: bool, withheld: bool
) -> None:
    async def go() -> Any:
        pool = cast(DetectionPool, NoFindings())
        return await screen_response(
            pool, policy(tmp_path, "block"), endpoint_named("chat.completions"), body, Screening(), error=error
        )

    if withheld:
        with pytest.raises(UpstreamInvalid):
            asyncio.run(go())
    else:
        assert asyncio.run(go()) == body
