"""Acting on findings: redact, pseudonymize, and restore pseudonyms in answers.

Detection finds; this module rewrites. Redaction puts a typed placeholder such as
``[EMAIL_ADDRESS]`` where a value was. Pseudonymization puts a placeholder such as
``<PERSON_1>`` that is stable within one exchange (the same value always gets the
same placeholder), and restores the original wherever the provider's answer uses
it, including when a placeholder arrives split across streamed chunks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from gateway.policy.data_rules import Action, Decision

PLACEHOLDER = re.compile(r"<([A-Z][A-Z0-9_]*?)_(\d+)>")
# Longest placeholder we ever write; a stream holds back at most this much text.
MAX_PLACEHOLDER_LENGTH = 64
_PARTIAL_AT_END = re.compile(rf"<[A-Z0-9_]{{0,{MAX_PLACEHOLDER_LENGTH - 2}}}$")


class Pseudonyms:
    """The placeholders of one exchange, and the originals they stand for."""

    def __init__(self) -> None:
        self._placeholder_of: dict[tuple[str, str], str] = {}
        self._original_of: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self._taken: set[str] = set()

    def reserve_existing(self, texts: Iterable[str]) -> None:
        """Never hand out a placeholder the caller already wrote, or restoring would
        turn the caller's own literal text into somebody's data."""
        for text in texts:
            self._taken.update(m.group(0) for m in PLACEHOLDER.finditer(text))

    def placeholder(self, entity_type: str, value: str) -> str:
        key = (entity_type, value)
        existing = self._placeholder_of.get(key)
        if existing is not None:
            return existing
        kind = re.sub(r"[^A-Z0-9_]", "_", entity_type.upper())[: MAX_PLACEHOLDER_LENGTH - 10] or "ENTITY"
        while True:
            self._counts[kind] += 1
            candidate = f"<{kind}_{self._counts[kind]}>"
            if candidate not in self._taken:
                break
        self._placeholder_of[key] = candidate
        self._original_of[candidate] = value
        return candidate

    def __bool__(self) -> bool:
        return bool(self._original_of)

    def restore(self, text: str, *, json_escaped: bool = False) -> str:
        """Put originals back. In a JSON-encoded string (tool-call arguments) the
        original is escaped so the JSON stays valid."""
        if not self._original_of or "<" not in text:
            return text

        def original(match: re.Match[str]) -> str:
            value = self._original_of.get(match.group(0))
            if value is None:
                return match.group(0)
            return json.dumps(value, ensure_ascii=False)[1:-1] if json_escaped else value

        return PLACEHOLDER.sub(original, text)


def rewrite(text: str, decisions: Sequence[Decision], pseudonyms: Pseudonyms) -> str:
    """Apply redact/pseudonymize decisions (non-overlapping) to ``text``."""
    out: list[str] = []
    cursor = 0
    for decision in sorted(decisions, key=lambda d: d.finding.start):
        f = decision.finding
        if decision.action not in (Action.REDACT, Action.PSEUDONYMIZE) or f.start < cursor:
            continue
        out.append(text[cursor : f.start])
        if decision.action is Action.REDACT:
            out.append(f"[{f.entity_type}]")
        else:
            out.append(pseudonyms.placeholder(f.entity_type, text[f.start : f.end]))
        cursor = f.end
    out.append(text[cursor:])
    return "".join(out)


class StreamRestorer:
    """Restores placeholders in one stream of text deltas (one per content block).

    A delta that ends in what may be the start of a placeholder (``<PERS``) is held
    back until the next delta shows whether it is one; nothing else is delayed.
    """

    def __init__(self, pseudonyms: Pseudonyms, *, json_escaped: bool = False) -> None:
        self._pseudonyms = pseudonyms
        self._json_escaped = json_escaped
        self._pending = ""

    def feed(self, delta: str) -> str:
        text = self._pending + delta
        partial = _PARTIAL_AT_END.search(text)
        cut = partial.start() if partial else len(text)
        self._pending = text[cut:]
        return self._pseudonyms.restore(text[:cut], json_escaped=self._json_escaped)

    def flush(self) -> str:
        """What is still held back when the stream ends (it was not a placeholder)."""
        rest, self._pending = self._pending, ""
        return self._pseudonyms.restore(rest, json_escaped=self._json_escaped)
