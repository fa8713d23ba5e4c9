"""Which of a provider's response headers reach the caller, and only in their API's shape.

A provider's headers are written by whoever answers, like its body: relayed as they came
(a request id, a ``retry-after``, rate-limit counters) they would carry anything past the
screening the body gets. So only a reviewed allow-list passes, and each value must have the
shape its API documents: counts are short numbers, resets durations or timestamps,
``retry-after`` seconds or an HTTP date, request ids a short run of letters, digits, ``_``
and ``-``. Anything else is dropped, counted in the log by number only (a header's name is
the provider's to choose, its value may be the very thing being kept back).

The provider adapter applies this to every reply it receives; the shapes need nothing of the
policy. Values whose shape proves nothing (``needs_scan``) are scanned later by
``gateway.screening.answer_headers``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import structlog

log = structlog.get_logger("aigw")

_NUMBER = re.compile(r"\d{1,12}(?:\.\d{1,6})?")
_SHORT_NUMBER = re.compile(r"\d{1,8}(?:\.\d{1,6})?")  # too short for a card, an SSN or a phone number
_DURATION = re.compile(r"(?:\d{1,6}(?:\.\d{1,6})?(?:ms|s|m|h)){1,4}")  # OpenAI's reset: 1s, 6m0s, 20ms
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)")  # RFC 3339
_HTTP_DATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d\d:\d\d:\d\d GMT"
)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_MEDIA_TYPES = frozenset({"application/json", "text/event-stream", "text/plain"})

# The names relayed (lower-case), each with the shapes its value may take; ids are renamed.
_SHAPES: dict[str, tuple[re.Pattern[str], ...]] = {
    "retry-after": (_NUMBER, _HTTP_DATE),
    "retry-after-ms": (_NUMBER,),
    "openai-processing-ms": (_NUMBER,),
    "request-id": (_ID,),
    "x-request-id": (_ID,),
}
_RATE_LIMIT = re.compile(
    r"x-ratelimit-(?P<o>limit|remaining|reset)-(?:requests|tokens)"
    r"|anthropic-ratelimit-(?:requests|tokens|input-tokens|output-tokens)-(?P<a>limit|remaining|reset)"
)
RENAMED = {"x-request-id": "x-upstream-request-id"}


def passable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The provider's response headers the caller may see, in their documented shapes."""
    out: dict[str, str] = {}
    dropped = 0
    for name, value in headers.items():
        lower = name.lower()
        if lower == "content-type":
            media = _media_type(value)
            if media is not None:
                out[lower] = media
                continue
        elif (shapes := _shapes(lower)) is not None:
            if any(shape.fullmatch(value) for shape in shapes):
                out[RENAMED.get(lower, lower)] = value
                continue
        else:
            continue  # not on the list: never meant for the caller
        dropped += 1
    if dropped:
        log.warning("upstream_headers_dropped", count=dropped, reason="shape")
    return out


def _shapes(name: str) -> tuple[re.Pattern[str], ...] | None:
    if name in _SHAPES:
        return _SHAPES[name]
    match = _RATE_LIMIT.fullmatch(name)
    if match is None:
        return None
    if "reset" in (match["o"], match["a"]):
        return (_DURATION, _TIMESTAMP, _NUMBER)
    return (_NUMBER,)


def _media_type(value: str) -> str | None:
    """The bare media type (and a UTF-8 charset), when it is one an answer comes in."""
    media, _, params = value.partition(";")
    media = media.strip().lower()
    if media not in _MEDIA_TYPES:
        return None
    return f"{media}; charset=utf-8" if "charset=utf-8" in params.replace(" ", "").lower() else media


def needs_scan(value: str) -> bool:
    """A value whose shape alone does not prove it holds nothing: an id, a long number."""
    return not (_SHORT_NUMBER.fullmatch(value) or _DURATION.fullmatch(value) or _TIMESTAMP.fullmatch(value))
