"""Every text field of a request or a response, as a writable slot, per endpoint.

Requests are walked whole (gateway.wire.request_slots); the answer's own text is where the
endpoint's dialect says (gateway.wire.dialects), and ``answer_strings``, every string of an
answer that screening reads, lives in gateway.wire.response_slots (re-exported here).

Detection reads the slots; redaction and pseudonymization write them back in
place, so what goes upstream (or back to the caller) keeps the API's exact shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.wire.endpoints import Endpoint
from gateway.wire.request_slots import walk_request
from gateway.wire.response_slots import answer_strings as answer_strings
from gateway.wire.slot import Container as Container
from gateway.wire.slot import Slot as Slot


def request_slots(endpoint: Endpoint, body: dict[str, Any]) -> list[Slot]:
    return walk_request(endpoint, body).slots


def request_texts(endpoint: Endpoint, body: Mapping[str, Any]) -> list[str]:
    """Every string of a request the provider reads, in reading order (gateway.wire.request_slots):
    what is screened, what the prompt log keeps and what the echo providers replay."""
    return [slot.text for slot in request_slots(endpoint, dict(body))]


def response_slots(endpoint: Endpoint, body: dict[str, Any]) -> list[Slot]:
    """The answer's own text in a whole (non-streamed) response."""
    return endpoint.dialect.response_slots(body)
