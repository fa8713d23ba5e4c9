"""A detection pool that runs every detector but NER in the test's own process (the gateway's
``InlineScanner``): answer rules on pattern types, screened without worker processes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from detectors.base import Finding
from gateway.policy.policy import Policy
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool


class InlinePool:
    def __init__(self, scanner: InlineScanner) -> None:
        self._scanner = scanner

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        return self._scanner.scan(texts, entities)[0]


def inline_pool(policy: Policy) -> DetectionPool:
    """The policy's detectors but NER, in this process, where a ``DetectionPool`` is expected."""
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None
    return cast(DetectionPool, InlinePool(inline))
