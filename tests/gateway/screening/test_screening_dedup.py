"""A text repeated in a body (tool schemas, enums, a system prompt per turn) is scanned once,
and every copy is still redacted."""

from __future__ import annotations

from detectors.registry import build_detectors
from gateway.policy.data_rules import Direction
from gateway.policy.policy import load_policy
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool
from gateway.screening.screen import Screening, decide_texts
from tests.conftest import DATA


async def test_repeated_texts_are_scanned_once_and_all_decided() -> None:
    policy = load_policy(DATA / "policy_dlp.yaml")
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None
    pool = DetectionPool(build_detectors, policy.detection, workers=1, max_pending=8, time_limit_s=10, inline=inline)
    scanned: list[list[str]] = []
    real_scan = pool.scan

    async def spy(texts: list[str], entities: frozenset[str] | None = None) -> list[list[object]]:
        scanned.append(list(texts))
        return await real_scan(texts, entities)  # type: ignore[return-value]

    pool.scan = spy  # type: ignore[method-assign]
    secret = "key AKIA" + "QWERTYUIOPASDFGH here"
    texts = [secret, "plain", secret, "plain", secret]
    decided = await decide_texts(pool, policy, texts, Direction.PROMPT, Screening())
    parts, seams = scanned  # each distinct text once (in the order first seen); then the seam windows
    assert parts == [secret, "plain"]
    assert len(seams) == 4 + 1  # a window per seam, and one across the run of short parts
    assert [bool(d) for d in decided] == [True, False, True, False, True]
    assert decided[0][0].finding.entity_type == decided[4][0].finding.entity_type
