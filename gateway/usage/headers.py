"""What a caller is told about its limits: the x-ratelimit headers on every answer (OpenAI's names,
which both SDKs expose), a 429's message and ``retry-after``, and the estimate a request is admitted on."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from gateway.policy.limits import SPEND_UNITS, AppliedLimit
from gateway.usage.counters import MINUTE, Charge, Slot, Verdict
from gateway.wire.endpoints import Endpoint
from gateway.wire.slots import request_texts
from gateway.wire.text import approx_tokens

MAX_TOKEN_FIELDS = ("max_tokens", "max_completion_tokens", "max_output_tokens")
MAX_ESTIMATE = 10**9
GENERATING = frozenset({"chat.completions", "completions", "responses", "messages"})  # billed for an answer
UNBILLED = frozenset({"messages.count_tokens"})  # free at the provider: counted as a request, never tokens or spend
WITH_CHOICES = frozenset({"chat.completions", "completions"})  # n answers (best_of: generated, one returned)
CHOICE_FIELDS = ("n", "best_of")


class Estimate(NamedTuple):
    prompt: int
    completion: int
    assumed: bool = False  # the completion is the gateway's assumption: the caller set no maximum


def estimate_tokens(endpoint: Endpoint, body: Mapping[str, Any], default_completion: int = 0) -> Estimate:
    """(prompt, completion) tokens to admit a request on: its texts at about four characters a token,
    and the most it asked to be answered with, or ``default_completion`` when it set no maximum (so
    that concurrent requests cannot all be admitted on their prompts alone); times ``n`` choices."""
    if endpoint.name in UNBILLED:
        return Estimate(0, 0)
    prompt = sum(approx_tokens(text) for text in request_texts(endpoint, dict(body)))
    if endpoint.name not in GENERATING:  # embeddings: the prompt is all that is billed
        return Estimate(min(prompt, MAX_ESTIMATE), 0)
    completion, assumed = default_completion, True
    for name in MAX_TOKEN_FIELDS:
        value = _count(body.get(name))
        if value is not None and value > 0:
            completion, assumed = value, False
            break
    choices = max(_count(body.get(name)) or 1 for name in CHOICE_FIELDS) if endpoint.name in WITH_CHOICES else 1
    return Estimate(min(prompt, MAX_ESTIMATE), min(completion * choices, MAX_ESTIMATE), assumed)


def _count(value: object) -> int | None:
    return min(value, MAX_ESTIMATE) if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def duration(seconds: float) -> str:
    """OpenAI's reset format: "250ms", "12s", "6m0s", "3h2m1s"."""
    if seconds < 1:
        return f"{max(0, math.ceil(seconds * 1000))}ms"
    whole = math.ceil(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    return f"{minutes}m{secs}s" if minutes else f"{secs}s"


def limit_headers(
    limits: Sequence[AppliedLimit], slots: Sequence[Slot], verdict: Verdict, anthropic: bool = False
) -> dict[str, str]:
    """x-ratelimit-{limit,remaining,reset}-{requests,tokens}: of the limit of each kind with the least
    left (a per-minute one before a daily one when both have as much). On Anthropic routes also
    Anthropic's anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset} (reset: an RFC 3339 time)."""
    headers: dict[str, str] = {}
    for kind in ("requests", "tokens"):
        best: tuple[float, int, float] | None = None  # (remaining, limit, reset)
        for limit, slot, used in zip(limits, slots, verdict.used, strict=True):
            if limit.metric.kind != kind:
                continue
            remaining = max(0.0, limit.limit - used)
            if best is None or remaining < best[0]:
                best = (remaining, limit.limit, slot.resets_in_s)
        if best is not None:
            headers[f"x-ratelimit-limit-{kind}"] = str(best[1])
            headers[f"x-ratelimit-remaining-{kind}"] = str(math.floor(best[0]))
            headers[f"x-ratelimit-reset-{kind}"] = duration(best[2])
            if anthropic:
                at = datetime.fromtimestamp(math.ceil(time.time() + best[2]), UTC)
                headers[f"anthropic-ratelimit-{kind}-limit"] = str(best[1])
                headers[f"anthropic-ratelimit-{kind}-remaining"] = str(math.floor(best[0]))
                headers[f"anthropic-ratelimit-{kind}-reset"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return headers


def retry_after_s(charge: Charge, slot: Slot, verdict: Verdict, index: int) -> int:
    """Whole seconds until ``charge`` would fit: a calendar budget at its window's end; a sliding minute
    once enough of the previous minute has slid out (or, if this minute alone is too full, into the next)."""
    if charge.window != "minute":
        return max(1, math.ceil(slot.resets_in_s))
    current, previous = verdict.current[index], verdict.previous[index]
    room = charge.limit - max(charge.amount, 1)
    if current <= room and previous > 0:  # wait for the previous minute's weight to fall enough
        share_needed = (room - current) / previous
        wait = (slot.weight - share_needed) * MINUTE
    else:  # into the next minute, where this minute becomes the previous one
        share_needed = (room / current) if current else 1.0
        wait = slot.resets_in_s + max(0.0, 1 - share_needed) * MINUTE
    return max(1, math.ceil(wait))


def refusal_message(limit: AppliedLimit, used: float, wait_s: int, currency: str) -> str:
    """Which limit, how much of it is used, and when to try again: never whose or what was asked."""
    window = limit.metric.window
    scope = "" if limit.scope == "*" else f" for {limit.scope}"
    if limit.metric.kind == "spend":
        spent = (Decimal(int(used)) / SPEND_UNITS).quantize(Decimal("0.01"))
        what = f"spend budget of {limit.shown_limit} {currency} per {window}{scope} is used up ({spent} spent)"
    else:
        unit = limit.metric.kind if limit.tokens == "total" else f"{limit.tokens} tokens"
        what = f"limit of {limit.shown_limit} {unit} per {window}{scope} is reached ({int(used)} used)"
    return (
        f"Rate limit: your {what} under AI policy rule {limit.rule}. Try again in {wait_s} s, "
        f"or ask your AI policy owner for a higher limit."
    )
