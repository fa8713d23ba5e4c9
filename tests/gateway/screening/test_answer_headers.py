"""A relayed header value whose shape proves nothing (an id, a long number) is scanned too and
dropped on any finding."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gateway.policy.policy import load_policy
from gateway.providers.reply_headers import passable_headers
from gateway.screening.answer_headers import screen_header_values
from tests.gateway.providers.test_reply_headers import AWS, GH, REAL
from tests.gateway.screening.inline_pool import inline_pool


def test_ids_and_long_numbers_with_a_finding_are_dropped() -> None:
    policy = load_policy(Path(__file__).parents[3] / "policies" / "default.yaml")
    pool = inline_pool(policy)
    headers = passable_headers(
        {**REAL, "request-id": "req_" + AWS, "x-request-id": GH, "retry-after": "4111111111111111"}
    )
    assert {"request-id", "x-upstream-request-id"} <= headers.keys()  # their shapes fit; a card's 16 digits do not
    asyncio.run(screen_header_values(pool, policy, headers))
    expected = {k.lower(): v for k, v in REAL.items() if k not in ("x-request-id", "request-id", "retry-after")}
    assert headers == expected
    clean = passable_headers(REAL)
    asyncio.run(screen_header_values(pool, policy, clean))
    assert clean == passable_headers(REAL)
