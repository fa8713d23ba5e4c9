"""Every text field of a request or a response, as a writable slot.

Requests are walked whole: ``request_slots`` lives in gateway.wire.request_slots and is
re-exported here; the answer side (``response_slots``, and ``answer_strings`` that
screening reads) lives in gateway.wire.response_slots, re-exported here too.

Detection reads the slots; redaction and pseudonymization write them back in
place, so what goes upstream (or back to the caller) keeps the API's exact shape.
"""

from __future__ import annotations

from gateway.wire.request_slots import request_slots as request_slots
from gateway.wire.response_slots import answer_strings as answer_strings
from gateway.wire.response_slots import response_slots as response_slots
from gateway.wire.slot import Container as Container
from gateway.wire.slot import Slot as Slot
