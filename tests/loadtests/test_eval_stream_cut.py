"""eval_stream_cut: streamed answers leak nothing the whole screening redacts, on a slice of corpus text."""

from __future__ import annotations

import asyncio
from typing import cast

import pytest

from detectors.pii.address_lexicon import WORD_AFTER_NAME
from gateway.policy.policy import Policy, load_policy
from gateway.screening import stream as stream_module
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool
from loadtests import eval_stream_cut
from loadtests.bench_plan import ROOT

SLICE = 12  # texts with a finding per corpus: the full run is `python -m loadtests.eval_stream_cut`


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(ROOT / "policies" / "default.yaml")


@pytest.fixture(scope="module")
def pool(policy: Policy) -> DetectionPool:
    assert policy.detection is not None
    scanner = InlineScanner.from_config(policy.detection)
    assert scanner is not None
    return cast(DetectionPool, eval_stream_cut._InlinePool(scanner))


def verdicts(pool: DetectionPool, policy: Policy, texts: list[str]) -> list[str]:
    found: list[str] = []
    for text in texts:
        got = asyncio.run(eval_stream_cut._verdicts(pool, policy, text, step=11))
        found += got or []
    return found


@pytest.mark.parametrize("corpus", ["tests/data/pii_corpus.jsonl", "tests/data/eval15/formats_dev.jsonl"])
def test_no_leak_on_corpus_text(pool: DetectionPool, policy: Policy, corpus: str) -> None:
    texts = [t for t in eval_stream_cut._texts(ROOT / corpus) if len(t) <= 400][:300]
    found = verdicts(pool, policy, texts)
    assert len(found) > SLICE  # the slice holds texts the answer rules act on
    assert "leak" not in found
    assert found.count("same") > len(found) // 2


def test_a_cut_that_releases_everything_is_a_leak(
    pool: DetectionPool, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stream_module, "release_cut", len)  # no holding back at all
    found = verdicts(pool, policy, ["Pay with card 4111 1111 1111 1111 today, thanks."])
    assert "leak" in found


def test_a_street_type_after_the_name_is_held(pool: DetectionPool, policy: Policy) -> None:
    assert "utca" in WORD_AFTER_NAME
    assert "leak" not in verdicts(pool, policy, ["Ship to Váci utca 12, 1052 Budapest today."])
