"""Log probabilities in an answer: the answer's text once more, token by token.

A choice's ``logprobs`` (chat ``content``/``refusal`` entries, Responses ``output_text``
parts, legacy completions ``tokens``/``top_logprobs``) spell out the very text the content
holds, and the alternatives at each position can spell another one; ``bytes`` hold the same
text again as integers. Screened token by token, a value cut into tokens is never found, and
a value redacted in the content would still be read from them.

The rule chosen here:

- whole answers: the logprobs of one choice (or part) are one ``LogprobSlot`` whose text is
  everything they spell -- the chosen tokens joined, their bytes joined and decoded, and the
  k-th alternatives of every position joined, one line each -- and the choice's own text. A
  finding in it (in the tokens, or in the content they stand for) does not rewrite tokens -- a redaction
  cannot be mapped back onto tokens and their probabilities -- it replaces that choice's
  logprobs with null (``[]`` where the API has a list): the caller keeps the redacted content
  and loses only the probabilities of that one choice.
- streams: a chunk's logprobs describe text that the scanning stream still holds back in its
  window, and going out with the chunk they would run ahead of the decision on that text
  (the tokens of a secret delivered before the stream is cut for it). Holding them back with
  the text would mean re-emitting them in our own delta events, whose token boundaries we do
  not know; so a screened stream carries no logprobs (``gateway.screening.answer_ids.AnswerGate``). The content is
  unchanged; callers who need probabilities can ask for a whole answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from gateway.wire.slot import Slot

LOGPROBS_KEY = "logprobs"
_FILLED = re.compile(r'"logprobs"\s*:(?!\s*(?:null\b|\[\s*\]))')  # a logprobs key with a value that is not empty


@dataclasses.dataclass(frozen=True, slots=True)
class LogprobSlot(Slot):
    """One choice's (or part's) logprobs, read as the texts they spell; rewritten by removal."""

    @property
    def text(self) -> str:
        """What the logprobs spell, and the text of their own choice or part: a value found in
        that text (and redacted there) takes the logprobs with it, even when the tokens spell
        it in a way no detector reads (cut short, or shuffled among alternatives)."""
        spelt = [t for t in spelled(self.container[self.key]) if t]  # type: ignore[index]
        return "\n".join([*spelt, *_own_text(self.container)])

    def replace(self, new: str) -> None:
        value = self.container[self.key]  # type: ignore[index]
        self.container[self.key] = [] if isinstance(value, list) else None  # type: ignore[index]


def _own_text(container: Any) -> Iterator[str]:
    """The text beside the logprobs: a chat choice's message, a completion's or a part's text."""
    if not isinstance(container, dict):
        return
    message = container.get("message")
    for node, key in ((container, "text"), (message, "content"), (message, "refusal")):
        if isinstance(node, dict) and isinstance(node.get(key), str):
            yield node[key]


def spelled(value: Any) -> Iterator[str]:
    """The texts a logprobs value spells: per list of token entries the chosen tokens joined,
    their bytes joined, and each rank of alternatives joined; legacy ``tokens`` joined and
    ``top_logprobs`` maps joined by rank; any other string on its own."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            if key == "top_logprobs" and isinstance(inner, list) and all(isinstance(m, dict) for m in inner):
                yield from _ranks([list(m) for m in inner])  # legacy completions: {token: logprob} per position
            elif isinstance(inner, list) and all(isinstance(t, str) for t in inner):
                yield "".join(inner)  # legacy completions ``tokens``
            else:
                yield from spelled(inner)
    elif isinstance(value, list):
        entries = [e for e in value if isinstance(e, dict)]
        if entries:
            yield "".join(e["token"] for e in entries if isinstance(e.get("token"), str))
            yield _decoded(e.get("bytes") for e in entries)
            alternatives: list[list[Any]] = [_list(e.get("top_logprobs")) for e in entries]
            yield from _entry_ranks(alternatives)
            for entry in entries:  # whatever else an entry holds, on its own
                yield from spelled({k: v for k, v in entry.items() if k not in ("token", "bytes", "top_logprobs")})
        yield from (item for item in value if isinstance(item, str))
        for item in value:
            if isinstance(item, list):
                yield from spelled(item)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ranks(positions: list[list[Any]]) -> Iterator[str]:
    for rank in range(max((len(p) for p in positions), default=0)):
        yield "".join(p[rank] for p in positions if rank < len(p) and isinstance(p[rank], str))


def _entry_ranks(positions: list[list[Any]]) -> Iterator[str]:
    for rank in range(max((len(p) for p in positions), default=0)):
        alts = [p[rank] for p in positions if rank < len(p) and isinstance(p[rank], dict)]
        yield "".join(a["token"] for a in alts if isinstance(a.get("token"), str))
        yield _decoded(a.get("bytes") for a in alts)


def _decoded(byte_lists: Iterator[Any]) -> str:
    """Token bytes joined and read as UTF-8 (a character may span two tokens' bytes)."""
    out = bytearray()
    for values in byte_lists:
        if isinstance(values, list):
            out.extend(b for b in values if isinstance(b, int) and 0 <= b < 256)
    return out.decode("utf-8", errors="replace")


def drop_logprobs(node: Any) -> bool:
    """Every non-empty ``logprobs`` value in a streamed event emptied (None, or [] for a list)."""
    changed = False
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in list(items):
        if key == LOGPROBS_KEY and isinstance(node, dict) and value not in (None, [], {}):
            node[key] = [] if isinstance(value, list) else None
            changed = True
        elif isinstance(value, dict | list):
            changed |= drop_logprobs(value)
    return changed


def has_logprobs(data: str) -> bool:
    """Whether an event's JSON text may hold logprobs that are not empty. Most events carry none,
    or an empty one ("logprobs":null, "logprobs":[]); a key written with \\u escapes
    ("logprob\\u0073") is read as JSON reads it, so such an event is looked at too."""
    return "\\u" in data or _FILLED.search(data) is not None
