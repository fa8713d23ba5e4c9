"""Counters of requests, tokens and spend: in this process, or in Redis for a fleet.

The algorithm is a sliding window counter for the per-minute limits and a fixed calendar window
(UTC day, UTC month) for the daily and monthly budgets:

- A per-minute limit keeps one counter per minute; what counts is this minute's counter plus the
  previous minute's weighted by the share of it still inside the last 60 seconds. That is a
  sliding window with two integers per limit, so a caller cannot burst twice the limit across a
  minute's boundary as a fixed window allows. GCRA was the other choice; it needs only one value,
  but it meters a steady rate, and a token budget is spent in lumps whose size is known only after
  the answer (an estimate admitted, then corrected by the provider's usage): a counter takes a
  correction as one INCRBY, where GCRA would have to move its theoretical arrival time back and
  forth and could not report "used N of M" for the x-ratelimit headers.
- A budget per day or month resets when the calendar says so (finance's day and month, in UTC),
  which only a fixed window does.

Every check of one request is one atomic step: all its counters are read, and either all are
incremented or none (one Lua script in Redis; the event loop's single thread in process). Two
replicas cannot both take the last request. Redis keys share one hash tag, so one script's keys
are in one slot; the key's TTL outlives its window.

The windows come from the caller's clock (``now``): replicas' clocks agree to NTP's precision,
which is well inside a minute.
"""

from __future__ import annotations

import calendar
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Window = Literal["minute", "day", "month"]
MINUTE = 60
SWEEP_EVERY = 1024  # in-process: expired counters are dropped every this many admissions


@dataclass(frozen=True, slots=True)
class Charge:
    """One counter to check and add to: ``amount`` more, allowed while at most ``limit``. ``assumed``: more
    the request may use (an answer's length the caller set no maximum for), charged as far as the limit
    allows, so a budget smaller than it admits such requests one at a time rather than never."""

    counter: str
    limit: int
    amount: int
    window: Window
    assumed: int = 0


@dataclass(frozen=True, slots=True)
class Slot:
    """Where a charge was counted: the counter's key for its window, and the previous window's (minute only)."""

    key: str
    previous: str | None
    weight: float  # the previous window's share still inside the sliding minute
    ttl_s: int
    resets_in_s: float  # until this window ends


@dataclass(frozen=True, slots=True)
class Verdict:
    admitted: bool
    refused: int | None  # the index of the first charge over its limit
    used: tuple[float, ...]  # per charge: the sliding use after this admission (or now, when refused)
    current: tuple[int, ...]  # per charge: this window's counter
    previous: tuple[int, ...]  # per charge: the previous minute's counter (0 for calendar windows)
    charged: tuple[int, ...] = ()  # per charge: what was added (admitted), a fill charge's at most what was left


class CounterStore(Protocol):
    async def admit(self, charges: Sequence[Charge], slots: Sequence[Slot]) -> Verdict: ...

    async def add(self, slots: Sequence[Slot], amounts: Sequence[int]) -> None: ...

    async def close(self) -> None: ...


def slot_for(charge: Charge, now: float, prefix: str = "") -> Slot:
    """The key of ``charge``'s window at ``now``."""
    base = f"{prefix}{charge.counter}"
    if charge.window == "minute":
        minute, into = divmod(now, MINUTE)
        return Slot(f"{base}:{int(minute)}", f"{base}:{int(minute) - 1}", 1 - into / MINUTE, 3 * MINUTE, MINUTE - into)
    day = time.gmtime(now)
    if charge.window == "day":
        ends = calendar.timegm((day.tm_year, day.tm_mon, day.tm_mday, 0, 0, 0)) + 86_400
        return Slot(f"{base}:{day.tm_year:04d}{day.tm_mon:02d}{day.tm_mday:02d}", None, 0.0, 2 * 86_400, ends - now)
    year, month = (day.tm_year + 1, 1) if day.tm_mon == 12 else (day.tm_year, day.tm_mon + 1)
    ends = calendar.timegm((year, month, 1, 0, 0, 0))
    return Slot(f"{base}:{day.tm_year:04d}{day.tm_mon:02d}", None, 0.0, 32 * 86_400, ends - now)


def over(used: float, amount: int, limit: int) -> bool:
    """Refused when the limit is already reached, or this request's estimate would pass it. A request
    that went over (its actual usage was more than estimated) is not taken back; the next is refused."""
    return used >= limit or used + amount > limit


def charged(charge: Charge, used: float) -> int:
    """What an admitted charge adds: its amount, and of its assumed part as much as the limit has left."""
    return charge.amount + min(charge.assumed, max(math.ceil(charge.limit - used - charge.amount), 0))


class LocalCounters:
    """This process's counters: exact for one gateway process; per process under ``--workers`` and
    per replica in a fleet (then set store.redis_url)."""

    def __init__(self) -> None:
        self._values: dict[str, tuple[int, float]] = {}  # key -> (value, expires at)
        self._admissions = 0

    def _get(self, key: str | None, now: float) -> int:
        if key is None:
            return 0
        held = self._values.get(key)
        return held[0] if held is not None and held[1] > now else 0

    async def admit(self, charges: Sequence[Charge], slots: Sequence[Slot]) -> Verdict:
        return self.admit_now(charges, slots, time.time())

    def admit_now(self, charges: Sequence[Charge], slots: Sequence[Slot], now: float) -> Verdict:
        self._admissions += 1
        if self._admissions % SWEEP_EVERY == 0:
            self._values = {k: v for k, v in self._values.items() if v[1] > now}
        current = [self._get(slot.key, now) for slot in slots]
        previous = [self._get(slot.previous, now) for slot in slots]
        used = [p * s.weight + c for p, c, s in zip(previous, current, slots, strict=True)]
        for index, charge in enumerate(charges):
            if over(used[index], charge.amount, charge.limit):
                return Verdict(False, index, tuple(used), tuple(current), tuple(previous))
        amounts = tuple(charged(charge, use) for charge, use in zip(charges, used, strict=True))
        for index, (amount, slot) in enumerate(zip(amounts, slots, strict=True)):
            current[index] += amount
            used[index] += amount
            self._values[slot.key] = (current[index], now + slot.ttl_s)
        return Verdict(True, None, tuple(used), tuple(current), tuple(previous), amounts)

    async def add(self, slots: Sequence[Slot], amounts: Sequence[int]) -> None:
        now = time.time()
        for slot, amount in zip(slots, amounts, strict=True):
            held = self._values.get(slot.key)
            value = held[0] if held is not None and held[1] > now else 0
            expires = held[1] if held is not None and held[1] > now else now + slot.ttl_s
            self._values[slot.key] = (value + amount, expires)

    async def close(self) -> None:
        return None
