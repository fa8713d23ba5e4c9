"""The answer chain around one stage, for tests that feed a stage the bytes a provider sends
(``feed`` per read, then ``finish``), as the gateway does (``gateway.screening.answer_chain``)."""

from __future__ import annotations

from gateway.policy.policy import Policy
from gateway.screening.answer_chain import AnswerChain
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms
from gateway.screening.restore import RestoringStream
from gateway.screening.screen import Screening
from gateway.screening.stream import ScanningStream
from gateway.wire.endpoints import Endpoint, endpoint_named


def scanning(
    endpoint: Endpoint | str, pool: DetectionPool, policy: Policy, screening: Screening, choices: int = 1
) -> AnswerChain:
    endpoint = endpoint_named(endpoint) if isinstance(endpoint, str) else endpoint
    return AnswerChain(endpoint, [ScanningStream(endpoint, pool, policy, screening, choices)])


def restoring(endpoint: Endpoint | str, pseudonyms: Pseudonyms) -> AnswerChain:
    endpoint = endpoint_named(endpoint) if isinstance(endpoint, str) else endpoint
    return AnswerChain(endpoint, [RestoringStream(endpoint, pseudonyms)])
