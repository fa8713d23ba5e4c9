"""Short scans that need no NER model run in-process, with the same findings the workers give."""

from __future__ import annotations

import pytest

from detectors.base import Detector, Finding
from detectors.registry import DetectorsConfig, build_detectors
from gateway.scan_chunks import TEXT_COST_CHARS
from gateway.screening.inline import CLASSIFIER_TEXT_COST_CHARS, MEMO_ENTRIES, InlineScanner
from gateway.screening.pool import DetectionPool, DetectionUnavailable

RULES_ONLY = {"classifier": {"enabled": False}}
CONFIG = DetectorsConfig.model_validate(
    {
        "secrets": {},
        "pii": {},
        "confidential": {"markers": True, "terms": ["Project Nightingale"]},
        "injection": RULES_ONLY,
    }
)
WITH_CLASSIFIER = CONFIG.model_copy(update={"injection": DetectorsConfig.model_validate({"injection": {}}).injection})
ANSWER_TYPES = frozenset({"AWS_ACCESS_KEY_ID", "US_SSN", "CLASSIFICATION_MARKER", "CONFIDENTIAL_TERM"})
TEXT = "CONFIDENTIAL: Project Nightingale, SSN 536-22-8726, key AKIA" + "QWERTYUIOPASDFGH, ask Maria Gonzalez."
NO_NAMES = "confidential: the ssn is 536-22-8726 and the key is AKIA" + "QWERTYUIOPASDFGH; rotate it today."


@pytest.fixture(scope="module")
def inline() -> InlineScanner:
    scanner = InlineScanner.from_config(CONFIG)
    assert scanner is not None
    return scanner


def test_serves_short_texts_that_need_no_model(inline: InlineScanner):
    assert inline.serves([TEXT], ANSWER_TYPES)  # no PERSON or LOCATION wanted
    assert inline.serves([NO_NAMES], None)  # everything wanted, but nothing NER could look at
    assert inline.serves([NO_NAMES, NO_NAMES], frozenset({"PERSON", "NOT_A_CONFIGURED_TYPE"}))


def test_possible_names_and_long_texts_go_to_the_workers(inline: InlineScanner):
    assert not inline.serves([TEXT], None)  # "Maria Gonzalez" needs spaCy
    assert not inline.serves([NO_NAMES, TEXT], ANSWER_TYPES | {"PERSON"})
    assert not inline.serves(["x" * 1001], ANSWER_TYPES)
    assert inline.serves(["x" * 1000], ANSWER_TYPES)


def test_the_injection_classifier_makes_each_text_cost_more():
    """The classifier costs ~0.25 ms a text whatever its length: three short texts at most, inline."""
    scanner = InlineScanner.from_config(WITH_CLASSIFIER)
    assert scanner is not None
    assert scanner.text_cost == TEXT_COST_CHARS + CLASSIFIER_TEXT_COST_CHARS == 400
    assert scanner.max_texts == 3
    assert scanner.serves(["x" * 500, "y" * 100], None)  # 600 characters and one more text: 1000
    assert not scanner.serves(["x" * 500, "y" * 101], None)
    assert scanner.serves(["x"] * 3, None)
    assert not scanner.serves(["x"] * 4, None)
    assert scanner.serves(["x"] * 10, ANSWER_TYPES)  # a scan that does not run the classifier costs as before


def test_each_text_counts_its_fixed_cost(inline: InlineScanner):
    """A thousand one-character texts cost 65-95 ms on the event loop: they go to the workers."""
    assert TEXT_COST_CHARS == 100
    assert inline.max_texts == 11
    assert inline.serves(["x" * 500, "y" * 400], ANSWER_TYPES)  # 900 characters and one more text: 1000
    assert not inline.serves(["x" * 500, "y" * 401], ANSWER_TYPES)
    assert inline.serves(["x"] * 10, ANSWER_TYPES)  # 10 characters and nine more texts: 910
    assert not inline.serves(["x"] * 11, ANSWER_TYPES)
    assert inline.serves([""] * 11, ANSWER_TYPES)
    assert not inline.serves([""] * 12, ANSWER_TYPES)
    assert not inline.serves(["x"] * 1000, ANSWER_TYPES)
    assert not inline.serves([""] * 1_000_000, ANSWER_TYPES)  # refused by count, before any summing


@pytest.mark.parametrize(("text", "entities"), [(TEXT, ANSWER_TYPES), (NO_NAMES, None)])
def test_same_findings_as_the_full_detectors(inline: InlineScanner, text: str, entities: frozenset[str] | None):
    full = build_detectors(CONFIG)  # what a worker builds, spaCy included
    expected = sorted((f.entity_type, f.start, f.end) for d in full for f in d.detect(text, entities))
    (found,), seconds = inline.scan([text], entities)
    assert set(seconds) == {d.name for d in inline.detectors}
    assert sorted((f.entity_type, f.start, f.end) for f in found) == expected
    assert {"US_SSN", "AWS_ACCESS_KEY_ID"} <= {t for t, *_ in expected}


def test_off_when_disabled():
    assert InlineScanner.from_config(CONFIG, max_chars=0) is None


async def test_pool_answers_inline_without_a_worker(inline: InlineScanner):
    # max_pending=0 refuses every scan that would need a worker, and none was started.
    pool = DetectionPool(build_detectors, CONFIG, workers=1, max_pending=0, time_limit_s=30, inline=inline)
    try:
        (found,) = await pool.scan([TEXT], ANSWER_TYPES)
        assert {f.entity_type for f in found} == ANSWER_TYPES
        (found,) = await pool.scan([NO_NAMES])
        assert {"US_SSN", "AWS_ACCESS_KEY_ID"} <= {f.entity_type for f in found}
        with pytest.raises(DetectionUnavailable, match="overloaded"):
            await pool.scan([TEXT])  # a possible name: a worker's job
    finally:
        await pool.close()


async def test_an_inline_error_is_typed_for_fail_closed(inline: InlineScanner):
    pool = DetectionPool(build_detectors, CONFIG, workers=1, max_pending=0, time_limit_s=30, inline=inline)
    bad: list[str] = [b"CONFIDENTIAL"]  # type: ignore[list-item]  # not text: a detector raises
    try:
        with pytest.raises(DetectionUnavailable, match="error: "):
            await pool.scan(bad, ANSWER_TYPES)
    finally:
        await pool.close()


def test_pattern_scans_leave_out_the_injection_classifier():
    from detectors.injection_classifier import CLASSIFIER_ONLY
    from detectors.registry import entity_categories
    from gateway.screening.split_values import pattern_entities

    wanted = pattern_entities(frozenset(entity_categories(WITH_CLASSIFIER)), None)
    assert not wanted & CLASSIFIER_ONLY
    assert "INJECTION_INSTRUCTION_OVERRIDE" in wanted  # the rules still run


class CountingDetector:
    """A real detector that counts the texts it is asked to scan."""

    def __init__(self, inner: Detector) -> None:
        self.name, self.category, self.entity_types = inner.name, inner.category, inner.entity_types
        self._inner = inner
        self.calls = 0

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        self.calls += 1
        return self._inner.detect(text, entities)


def counting_scanner() -> tuple[InlineScanner, list[CountingDetector]]:
    detectors = [CountingDetector(d) for d in build_detectors(CONFIG, with_ner=False)]
    return InlineScanner(tuple(detectors), frozenset(), max_chars=1000), detectors


def test_a_short_clean_text_scanned_again_costs_no_scan_and_one_with_a_finding_is_never_kept():
    """The model name of every request (issue 18: 0.2 ms a scan) is remembered; a text in which the
    detectors find something is scanned again every time (no protected value stays in memory)."""
    scanner, detectors = counting_scanner()
    first, _ = scanner.scan(["gpt-5.5"], None)
    calls = sum(d.calls for d in detectors)
    again, seconds = scanner.scan(["gpt-5.5"], None)
    assert again == first == [[]]
    assert sum(d.calls for d in detectors) == calls  # no detector ran
    assert seconds == {}
    again[0].append(first)  # type: ignore[arg-type]  # the caller's list is its own
    assert scanner.scan(["gpt-5.5"], None)[0] == [[]]
    name = "gpt-5;536-22-8726"  # an SSN in a model name
    for _ in range(2):
        calls = sum(d.calls for d in detectors)
        assert [f.entity_type for f in scanner.scan([name], None)[0][0]] == ["US_SSN"]
        assert sum(d.calls for d in detectors) > calls  # scanned each time
    assert all(text != name for text, _ in scanner._memo)


def test_the_memo_is_keyed_by_the_entities_asked_for_and_bounded():
    scanner, detectors = counting_scanner()
    name = "gpt-5;536-22-8726"
    assert scanner.scan([name], frozenset({"EMAIL_ADDRESS"}))[0] == [[]]  # nothing found for this set: kept
    assert [f.entity_type for f in scanner.scan([name], None)[0][0]] == ["US_SSN"]  # another key: scanned
    for n in range(MEMO_ENTRIES):  # the first entries are pushed out, the most recent kept
        scanner.scan([f"model-{n}"], None)
    calls = sum(d.calls for d in detectors)
    scanner.scan([f"model-{MEMO_ENTRIES - 1}"], None)
    assert sum(d.calls for d in detectors) == calls
    scanner.scan([name], frozenset({"EMAIL_ADDRESS"}))
    assert sum(d.calls for d in detectors) > calls  # scanned again: it had been forgotten


def test_longer_texts_several_texts_and_words_of_a_stream_are_always_scanned():
    scanner, detectors = counting_scanner()
    for texts in ([NO_NAMES], ["gpt-5", "gpt-5"], ["Hello "], ["the card ends in 1111"]):
        scanner.scan(texts, None)
        calls = sum(d.calls for d in detectors)
        scanner.scan(texts, None)
        assert sum(d.calls for d in detectors) > calls
