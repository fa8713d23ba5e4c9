"""The counters in Redis, shared by every replica (``store.redis_url``): one Lua script per admission.

The script reads every counter of a request, and increments all of them or none, in one atomic
step (``gateway.usage.counters`` says which algorithm and why). A correction after the answer is a
second script: INCRBY, and a TTL set when the key has none (a key that expired during a long stream
must not live forever). Failures surface as ``CounterStoreDown``; the limiter decides what then.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from gateway.usage.counters import Charge, Slot, Verdict

KEY_PREFIX = "aigw:{lim}:"  # one hash tag: a script's keys stay in one cluster slot
TIMEOUT_S = 0.5  # a Redis that does not answer in this long is down for the limiter

# KEYS: per charge, its window's key and the previous window's key.
# ARGV: per charge, limit, amount, weight of the previous window, TTL, assumed (charged as far as the limit allows).
# Returns: refused (0: admitted), per charge the window's counter and the previous one's, then per charge the amount.
ADMIT = """
local n = #KEYS / 2
local out = {}
local amounts = {}
local refused = 0
for i = 1, n do
  local cur = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local prev = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  local limit = tonumber(ARGV[5 * i - 4])
  local amount = tonumber(ARGV[5 * i - 3])
  local used = prev * tonumber(ARGV[5 * i - 2]) + cur
  out[2 * i - 1] = cur
  out[2 * i] = prev
  if refused == 0 and (used >= limit or used + amount > limit) then
    refused = i
  end
  amounts[i] = amount + math.min(tonumber(ARGV[5 * i]), math.max(math.ceil(limit - used - amount), 0))
end
if refused == 0 then
  for i = 1, n do
    out[2 * i - 1] = redis.call('INCRBY', KEYS[2 * i - 1], amounts[i])
    redis.call('EXPIRE', KEYS[2 * i - 1], ARGV[5 * i - 1])
  end
end
for i = 1, n do
  table.insert(out, amounts[i])
end
table.insert(out, 1, refused)
return out
"""

# KEYS: the keys to correct; ARGV: per key, the amount (may be negative) and the TTL.
ADD = """
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], ARGV[2 * i - 1])
  if redis.call('TTL', KEYS[i]) < 0 then
    redis.call('EXPIRE', KEYS[i], ARGV[2 * i])
  end
end
return #KEYS
"""


class CounterStoreDown(Exception):
    """The shared counter store did not answer (or answered with an error)."""


class RedisCounters:
    def __init__(self, url: str) -> None:
        self._client: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S, retry_on_timeout=False
        )
        self._admit = self._client.register_script(ADMIT)
        self._add = self._client.register_script(ADD)

    async def admit(self, charges: Sequence[Charge], slots: Sequence[Slot]) -> Verdict:
        keys: list[str] = []
        args: list[int | float] = []
        for charge, slot in zip(charges, slots, strict=True):
            keys += [KEY_PREFIX + slot.key, KEY_PREFIX + (slot.previous or slot.key + ":none")]
            args += [charge.limit, charge.amount, slot.weight if slot.previous else 0.0, slot.ttl_s, charge.assumed]
        try:
            raw: list[Any] = await self._admit(keys=keys, args=args)
        except (RedisError, OSError) as exc:
            raise CounterStoreDown(type(exc).__name__) from None
        refused, n = int(raw[0]), len(slots)
        current = tuple(int(v) for v in raw[1 : 2 * n + 1 : 2])
        previous = tuple(int(v) for v in raw[2 : 2 * n + 1 : 2])
        amounts = tuple(int(v) for v in raw[2 * n + 1 :])
        used = tuple(p * s.weight + c for p, c, s in zip(previous, current, slots, strict=True))
        return Verdict(refused == 0, refused - 1 if refused else None, used, current, previous, amounts)

    async def add(self, slots: Sequence[Slot], amounts: Sequence[int]) -> None:
        pairs = [(slot, amount) for slot, amount in zip(slots, amounts, strict=True) if amount]
        if not pairs:
            return
        args: list[int] = []
        for slot, amount in pairs:
            args += [amount, slot.ttl_s]
        try:
            await self._add(keys=[KEY_PREFIX + slot.key for slot, _ in pairs], args=args)
        except (RedisError, OSError) as exc:
            raise CounterStoreDown(type(exc).__name__) from None

    async def close(self) -> None:
        await self._client.aclose()
