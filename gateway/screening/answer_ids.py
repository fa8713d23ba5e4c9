"""The API's ids and enums in an answer (``id``, ``model``, ``system_fingerprint``, a tool
call's ``id``...), screened apart from its text, and the screened stream's gate.

They are not text, and clients do not join them with anything, so they are scanned apart
from the answer's text (no seam windows across them): all of one answer's (or one event's)
in a single text, one line each -- one detector pass however many there are. A stream
repeats the same ones in every event: a value screened once in a stream is not scanned
again (``AnswerGate`` keeps what it decided per stream). What the rules do applies as to
any text: a block withholds the answer, a redaction rewrites the id.

``AnswerGate`` runs ahead of the scanning stream in the answer chain
(``gateway.screening.answer_chain``): it screens each event's ids and drops its logprobs
(``gateway.wire.logprobs``); the text is windowed and screened by the scanning stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from gateway.json_input import encode_json, parse_upstream
from gateway.policy.data_rules import Action, Direction
from gateway.policy.policy import Policy
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms, rewrite
from gateway.screening.screen import Screening, decide_texts, refuse_blocked
from gateway.wire.answer_event import AnswerEvent
from gateway.wire.logprobs import drop_logprobs, has_logprobs
from gateway.wire.response_slots import id_places

WHOLE = "The provider's answer was withheld by the AI policy because it contains"
REST = "The rest of the provider's answer was withheld by the AI policy because it contains"
REWRITTEN = "[REDACTED]"  # every id, when a rewrite spans two of them


@dataclass(frozen=True)
class Ids:
    """The places of an answer's ids, read as one text of one line each."""

    places: tuple[tuple[Any, str], ...]

    @property
    def text(self) -> str:
        return "\n".join(container[key] for container, key in self.places)

    def replace(self, new: str) -> None:
        lines = new.split("\n")
        if len(lines) != len(self.places):  # a finding across two lines: none of them is kept
            lines = [REWRITTEN] * len(self.places)
        for (container, key), line in zip(self.places, lines, strict=True):
            container[key] = line


async def screen_ids(
    pool: DetectionPool,
    policy: Policy,
    node: Any,
    screening: Screening,
    what: str = WHOLE,
    decided: dict[str, str] | None = None,
) -> bool:
    """Screen ``node``'s ids in place; True when one was rewritten. ``decided``: a stream's
    earlier outcomes (ids text -> what it became), reused, and added to."""
    ids = Ids(tuple(id_places(node))) if isinstance(node, dict | list) else Ids(())
    if not ids.places:
        return False
    text = ids.text
    out = decided.get(text) if decided is not None else None
    if out is None:
        found = await decide_texts(pool, policy, [text], Direction.RESPONSE, screening, policy.answer_entities)
        decisions = found[0] if found else []
        refuse_blocked(decisions, what)
        rewrites = any(d.action in (Action.REDACT, Action.PSEUDONYMIZE) for d in decisions)
        out = rewrite(text, decisions, Pseudonyms()) if rewrites else text
        if decided is not None:
            decided[text] = out
    if out == text:
        return False
    ids.replace(out)
    return True


async def screen_body_ids(pool: DetectionPool, policy: Policy, body: bytes, screening: Screening) -> bytes:
    """A whole answer (or error body) with its ids screened; a body that is not JSON is left to
    ``screen_response``, which screens or refuses it."""
    obj = parse_upstream(body)
    if not isinstance(obj, dict | list) or not await screen_ids(pool, policy, obj, screening):
        return body
    return encode_json(obj).encode()


@dataclass
class AnswerGate:
    """The answer chain's first stage: each event's ids screened, its logprobs dropped."""

    pool: DetectionPool
    policy: Policy
    screening: Screening
    _decided: dict[str, str] = field(default_factory=dict)
    rewrites: ClassVar[bool] = True

    async def feed(self, events: list[AnswerEvent]) -> list[AnswerEvent]:
        for event in events:
            obj = event.obj
            if obj is None:
                continue  # [DONE], or what the scanning stream refuses
            changed = has_logprobs(event.sse.data) and drop_logprobs(obj)
            changed |= await screen_ids(self.pool, self.policy, obj, self.screening, REST, self._decided)
            event.changed |= changed
        return events

    async def finish(self) -> list[AnswerEvent]:
        return []
