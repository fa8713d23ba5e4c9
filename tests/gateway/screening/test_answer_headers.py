"""A relayed header value whose shape proves nothing (an id, a long number) is scanned too and
dropped on any finding."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from detectors.base import Finding
from gateway.policy.policy import load_policy
from gateway.providers.reply_headers import passable_headers
from gateway.screening.answer_headers import screen_header_values
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool
from tests.gateway.providers.test_reply_headers import AWS, GH, REAL


class InlinePool:
    def __init__(self, scanner: InlineScanner) -> None:
        self._scanner = scanner

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        return self._scanner.scan(texts, entities)[0]


def test_ids_and_long_numbers_with_a_finding_are_dropped() -> None:
    policy = load_policy(Path(__file__).parents[3] / "policies" / "default.yaml")
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None
    pool = cast(DetectionPool, InlinePool(inline))
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
