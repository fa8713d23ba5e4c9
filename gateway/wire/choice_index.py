"""The choices a chat (or legacy completions) stream may carry, and the text a naive client joins.

A client keys a choice by its ``index`` but the usual loop reads ``chunk.choices[0].delta.content``
whatever the index says, joining every choice's text in arrival order. A provider could spread a
value over two indexes (or odd forms of one: ``"0.0"``, ``false``, ``"-0"``, ``null``), each
windowed apart and released regrouped, while that loop joins it back whole. So an index must be
a JSON integer in ``0..n-1``, ``n`` being what the caller asked (default 1): anything else is an
answer that cannot be screened. When the caller asked for more than one choice, each is windowed
apart (what a client keying by index reads) and their content is also scanned in the order it goes
out, as that loop joins it: a value a rule acts on that crosses from one choice into another there is
refused (the parts sent on separate keys cannot be redacted as one).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from detectors.base import Finding
from gateway.wire.endpoints import Endpoint


def asked_choices(endpoint: Endpoint, body: dict[str, Any]) -> int:
    """How many choices the caller asked for; 1 where the API has no ``n`` (or it is not a number)."""
    n = body.get("n") if endpoint.dialect.has_choices else None
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 1 else 1


def bad_index(endpoint: Endpoint, obj: dict[str, Any], asked: int) -> bool:
    """A choice whose ``index`` is not a JSON integer in ``0..asked-1``."""
    if not endpoint.dialect.has_choices or not isinstance(obj.get("choices"), list):
        return False
    for choice in obj["choices"]:
        if not isinstance(choice, dict):
            continue
        n = choice.get("index")
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n < asked:
            return True
    return False


@dataclasses.dataclass
class ChoiceJoin:
    """Every choice's content in the order it goes out, with the seams where the choice changes: held
    until scanned, then kept as ``context`` (``keep`` characters) for the next scan."""

    keep: int
    held: str = ""
    context: str = ""
    seams: list[int] = dataclasses.field(default_factory=list)  # offsets in context + held
    last: object = None

    def add(self, choice: object, text: str) -> None:
        if self.last is not None and choice != self.last and (self.context or self.held):
            self.seams.append(len(self.context) + len(self.held))
        self.last = choice
        self.held += text

    def add_pieces(self, pieces: list[tuple[tuple[str | int, ...], str]]) -> bool:
        """Add the chat content among released pieces (stream key, text); True when some is held."""
        for key, text in pieces:
            if key[0] == "c" and key[2] in ("content", "text"):
                self.add(key[1], text)
        return bool(self.held)

    def crossed(self, findings: list[Finding]) -> bool:
        """Whether a finding in ``text()`` crosses from one choice into another."""
        return any(f.start < seam < f.end for f in findings for seam in self.seams)

    def text(self) -> str:
        return self.context + self.held

    def advance(self) -> None:
        """After a scan: what was held becomes context; seams before what is kept are done."""
        joined = self.text()
        kept = joined[-self.keep :] if self.keep else ""
        drop = len(joined) - len(kept)
        self.context, self.held = kept, ""
        self.seams = [s - drop for s in self.seams if s - drop > 0]
