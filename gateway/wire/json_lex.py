"""Where a streamed piece of JSON text is: inside a string literal or not.

Tool input is streamed as JSON text in fragments (Anthropic ``partial_json``, chat tool call
``arguments``). A redaction inside a string literal is written as it is, but one that replaces a
bare value (a card written as a number) must become a JSON string of its own, or the client's
parse fails. The state is carried across windows by feeding it every text released, so it never
depends on guessing from the characters around a value.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable

from gateway.wire.slot import Slot

# What a redaction or a pseudonym writes: never valid JSON outside a string literal.
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9_]*\]|<[A-Z][A-Z0-9_]*_\d+>")


@dataclasses.dataclass
class JsonLex:
    """The lexical state after the text fed so far: in a string literal, after a backslash in one."""

    in_string: bool = False
    escape: bool = False

    def feed(self, text: str) -> None:
        for char in text:
            self._step(char)

    def _step(self, char: str) -> None:
        if not self.in_string:
            self.in_string = char == '"'
        elif self.escape:
            self.escape = False
        elif char == "\\":
            self.escape = True
        elif char == '"':
            self.in_string = False

    def release(self, text: str, context: str, starts: Iterable[int]) -> frozenset[int]:
        """Text going out after ``context`` (scanned as ``context + text``): of the findings'
        ``starts`` (in that scanned text), those outside a string literal; the state then moves
        past ``text``. Offsets, not decisions, so the wire format needs nothing of the policy."""
        bare = self.bare(text, [start - len(context) for start in starts])
        self.feed(text)
        return frozenset(s + len(context) for s in bare)

    def bare(self, text: str, offsets: Iterable[int]) -> frozenset[int]:
        """Of ``offsets`` into ``text`` (text that follows what was fed), those outside a string
        literal. The state itself does not move."""
        wanted = sorted(o for o in set(offsets) if 0 <= o <= len(text))
        probe = dataclasses.replace(self)
        out, at = set(), 0
        for offset in wanted:
            probe.feed(text[at:offset])
            at = offset
            if not probe.in_string:
                out.add(offset)
        return frozenset(out)


def quote_bare(text: str) -> str:
    """JSON text with every placeholder outside a string literal written as a JSON string (a
    redacted number); those inside one (they hold no quote or backslash) are left as they are."""
    lex, out, at = JsonLex(), [], 0
    for match in _PLACEHOLDER.finditer(text):
        lex.feed(text[at : match.start()])
        out.append(text[at : match.start()])
        out.append(match.group() if lex.in_string else f'"{match.group()}"')
        lex.feed(match.group())
        at = match.end()
    out.append(text[at:])
    return "".join(out)


@dataclasses.dataclass(frozen=True, slots=True)
class JsonTextSlot(Slot):
    """A whole tool call's ``arguments`` (JSON text in a string): a redacted number stays valid JSON."""

    def replace(self, new: str) -> None:
        self.container[self.key] = quote_bare(new) if _is_json(self.text) else new  # type: ignore[index]


def _is_json(text: str) -> bool:
    """Arguments that are not JSON (a custom tool's free text) are rewritten as they are."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
