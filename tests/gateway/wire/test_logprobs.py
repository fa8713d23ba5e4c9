"""Logprobs are the answer's text once more: whole answers keep them only when what they spell
is clean (``LogprobSlot``); streams drop them (``drop_logprobs``, run by the answer gate)."""

from __future__ import annotations

import json

from gateway.wire.logprobs import LogprobSlot, drop_logprobs, has_logprobs, spelled


def test_a_logprob_slot_reads_tokens_bytes_and_alternatives_and_is_removed_whole() -> None:
    entries = [
        {"token": "a", "bytes": [98], "top_logprobs": [{"token": "c", "bytes": [100]}]},
        {"token": "b", "bytes": [99], "top_logprobs": [{"token": "e", "bytes": [102]}]},
    ]
    assert [t for t in spelled(entries) if t] == ["ab", "bc", "ce", "df"]
    choice = {"logprobs": {"content": entries}}
    slot = LogprobSlot(choice, "logprobs")
    assert "ab" in slot.text.split("\n")
    slot.replace("[REDACTED]")
    assert choice["logprobs"] is None
    part = {"logprobs": entries}
    LogprobSlot(part, "logprobs").replace("")
    assert part["logprobs"] == []


def test_only_filled_or_escaped_logprobs_are_looked_at() -> None:
    assert not has_logprobs('{"choices": [{"delta": {"content": "hi"},   "logprobs": null}], "x": {"logprobs" : []}}')
    assert has_logprobs('{"logprobs": {"content": [{"token": "x"}]}}')
    assert has_logprobs('{"logprob\\u0073": {"content": [{"token": "x"}]}}')


def test_drop_logprobs_empties_every_one() -> None:
    event = json.loads('{"choices": [{"logprobs": {"content": [{"token": "x"}]}}], "part": {"logprobs": [{"t": 1}]}}')
    assert drop_logprobs(event)
    assert event == {"choices": [{"logprobs": None}], "part": {"logprobs": []}}
    assert not drop_logprobs(event)
