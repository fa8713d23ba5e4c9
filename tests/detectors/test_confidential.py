"""Confidential data: configured terms, configured patterns, classification markers."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from detectors.base import Category, Detector
from detectors.confidential import (
    MARKER,
    PATTERN,
    TERM,
    ConfidentialConfig,
    ConfidentialDetector,
    TermMatcher,
    find_markers,
)

TERMS = [
    "Project Nightingale",
    "Nightingale",
    "Acme",
    "Acme Corp",
    "Corp Labs",
    "C++",
    ".NET",
    "Initech GmbH",
    "İzmir Office",
]


@pytest.fixture(scope="module")
def detector() -> ConfidentialDetector:
    cfg = ConfidentialConfig(terms=TERMS, patterns=[{"name": "doc_id", "regex": r"\bDOC-\d{6}\b"}])
    return ConfidentialDetector.from_config(cfg)


def found(detector: ConfidentialDetector, text: str, entity_type: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == entity_type]


def test_implements_the_detector_protocol(detector: ConfidentialDetector) -> None:
    as_protocol: Detector = detector
    assert as_protocol.name == "confidential"
    assert as_protocol.category is Category.CONFIDENTIAL
    assert as_protocol.entity_types == {TERM, PATTERN, MARKER}
    (finding,) = detector.detect("Acme")
    assert (finding.detector, finding.category, finding.score) == ("confidential", Category.CONFIDENTIAL, 0.85)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Case and whitespace: any run of whitespace matches one space of the term.
        ("Status of Project Nightingale?", ["Project Nightingale"]),
        ("status of PROJECT nightingale?", ["PROJECT nightingale"]),
        ("Project  Nightingale", ["Project  Nightingale"]),
        ("Project\nNightingale", ["Project\nNightingale"]),
        ("Project \t\r\n Nightingale", ["Project \t\r\n Nightingale"]),
        ("Project\u00a0Nightingale", ["Project\u00a0Nightingale"]),
        # Whole words only.
        ("We moved to Acmeville.", []),
        ("NotAcme and acme2", []),
        # An underscore joins words ("acme_corp" is the term "Acme Corp" in an identifier).
        ("NotAcme and Acme_corp and acme2", ["Acme_corp"]),
        ("Acme's results; (acme) and ACME.", ["Acme", "acme", "ACME"]),
        # Overlapping and nested terms: leftmost, then longest.
        ("Nightingale alone", ["Nightingale"]),
        ("Acme Corp Labs", ["Acme Corp"]),
        ("the Corp Labs team", ["Corp Labs"]),
        ("Acme Corporation", ["Acme"]),  # "Acme Corp" is not a whole word here, "Acme" is
        # Terms that begin or end with punctuation match at their word edges only.
        ("We write C++ and .NET code", ["C++", ".NET"]),
        ("Initech  GmbH signed", ["Initech  GmbH"]),
        ("nothing to see here", []),
    ],
)
def test_terms(detector: ConfidentialDetector, text: str, expected: list[str]) -> None:
    assert found(detector, text, TERM) == expected


def test_term_offsets_are_in_the_original_text(detector: ConfidentialDetector) -> None:
    text = "Re:\n\n  project   \n\tNIGHTINGALE  and   acme corp."
    spans = [(f.start, f.end) for f in detector.detect(text)]
    assert spans == [(7, 30), (38, 47)]
    assert text[7:30] == "project   \n\tNIGHTINGALE"
    assert text[38:47] == "acme corp"


def test_dotted_capital_i_folds_to_i_and_keeps_offsets() -> None:
    # "İ".lower() is two characters ("i" and a combining dot); it is folded to "i" instead.
    text = "İİ met the İZMİR  OFFICE and Acme, izmir office"
    matcher = TermMatcher(["İzmir Office", "acme"])
    assert [text[s:e] for s, e in matcher.find(text)] == ["İZMİR  OFFICE", "Acme", "izmir office"]
    assert find_markers("İİ [CONFİDENTİAL]") == [(4, 16, 0.9)]


def test_thousands_of_terms() -> None:
    terms = [f"Codename {i:05d}x" for i in range(5000)]
    detector = ConfidentialDetector.from_config(ConfidentialConfig(terms=terms, markers=False))
    text = "Budget for CODENAME  04242X and codename 04242 are unrelated; Codename 4999x is not a term."
    assert found(detector, text, TERM) == ["CODENAME  04242X"]
    assert found(detector, "Codename 00000x, codename 04999X.", TERM) == ["Codename 00000x", "codename 04999X"]


def test_terms_files(tmp_path: Path) -> None:
    customers = tmp_path / "customers.txt"
    customers.write_text("\ufeff# customers, one per line\n\n  Globex  \nInitrode\n# Hooli\nC# Guild\n", "utf-8")
    projects = tmp_path / "projects.txt"
    projects.write_text("Blue Harvest\n", "utf-8")
    cfg = ConfidentialConfig(terms=["Acme"], terms_files=[customers, projects])
    detector = ConfidentialDetector.from_config(cfg)
    text = "Acme, Globex, Initrode, Hooli, the C# Guild, # customers and blue harvest"
    assert found(detector, text, TERM) == ["Acme", "Globex", "Initrode", "C# Guild", "blue harvest"]


def test_unreadable_terms_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    with pytest.raises(ValueError, match=r"terms file .*nope\.txt"):
        ConfidentialDetector.from_config(ConfidentialConfig(terms_files=[missing]))
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Société Générale\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.txt: not UTF-8"):
        ConfidentialDetector.from_config(ConfidentialConfig(terms_files=[latin1]))


def test_no_terms_and_blank_terms() -> None:
    detector = ConfidentialDetector.from_config(ConfidentialConfig(terms=["", "   "], markers=False))
    assert detector.detect("anything at all") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See DOC-123456.", [(4, 14)]),
        ("DOC-123456 and DOC-654321", [(0, 10), (15, 25)]),
        ("DOC-12345 or DOC-1234567 or XDOC-123456", []),
    ],
)
def test_patterns(detector: ConfidentialDetector, text: str, expected: list[tuple[int, int]]) -> None:
    assert [(f.start, f.end) for f in detector.detect(text) if f.entity_type == PATTERN] == expected


@pytest.mark.parametrize(
    "regex",
    [
        r"\bDOC-\d{6}\b",  # run without the leading \b, which is checked by hand
        r"\bdoc-\d+",
        r"\bA|B",  # an alternation: run as written
        r"\bx?y",  # an optional first character: run as written
        r"\b[A-Z]{2}-\d{3}\b",
        r"(?i)\bdoc-\d+",
    ],
)
def test_patterns_behave_exactly_like_re(regex: str) -> None:
    text = "XDOC-123456 DOC-123456 _DOC-654321 doc-1 adoc-2 B AB y xy zxy AB-123 xAB-123 é-DOC-000001"
    detector = ConfidentialDetector.from_config(ConfidentialConfig(patterns=[{"name": "p", "regex": regex}]))
    expected = [m.span() for m in re.finditer(regex, text) if m.end() > m.start()]
    assert expected, "the text should exercise the pattern"
    assert [(f.start, f.end) for f in detector.detect(text, frozenset({PATTERN}))] == expected


def test_markers_far_into_a_long_text(detector: ConfidentialDetector) -> None:
    filler = "The internal review of restricted parking and sensitive plants is secret to nobody. " * 60
    text = filler + "\n*** COMPANY CONFIDENTIAL ***\n" + filler + "end. INTERNAL USE ONLY"
    findings = [f for f in detector.detect(text) if f.entity_type == MARKER]
    assert [text[f.start : f.end] for f in findings] == ["COMPANY CONFIDENTIAL", "INTERNAL USE ONLY"]
    assert findings[0].start == len(filler) + 5


@pytest.mark.parametrize(
    ("patterns", "error"),
    [
        ([{"name": "ticket", "regex": r"TCK-(\d+"}], r"pattern 'ticket': invalid regex"),
        ([{"name": "anything", "regex": r"\d*"}], r"pattern 'anything': regex matches the empty string"),
        ([{"name": "a", "regex": "x"}, {"name": "a", "regex": "y"}], r"duplicate pattern names: a"),
        ([{"name": "a", "regex": "x", "flags": "i"}], r"Extra inputs are not permitted"),
        ([{"name": "", "regex": "x"}], r"at least 1 character"),
    ],
)
def test_invalid_patterns(patterns: list[dict[str, str]], error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        ConfidentialConfig(patterns=patterns)


def test_config_is_strict_frozen_and_picklable() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        ConfidentialConfig(term=["x"])  # type: ignore[call-arg]
    cfg = ConfidentialConfig(terms=["Acme"], patterns=[{"name": "doc", "regex": "DOC-1"}])
    with pytest.raises(ValidationError, match="frozen"):
        cfg.markers = False  # type: ignore[misc]
    # Worker processes build detectors from a pickled config.
    assert pickle.loads(pickle.dumps(cfg)) == cfg  # noqa: S301 - our own bytes


@pytest.mark.parametrize(
    ("text", "marker", "score"),
    [
        # Upper case.
        ("CONFIDENTIAL", "CONFIDENTIAL", 0.9),  # alone: a banner
        ("This memo is CONFIDENTIAL and must", "CONFIDENTIAL", 0.7),
        ("Q3 plan, STRICTLY CONFIDENTIAL.", "STRICTLY CONFIDENTIAL", 0.85),
        ("Notes, INTERNAL USE ONLY, for staff", "INTERNAL USE ONLY", 0.85),
        ("INTERNAL_ONLY build notes", "INTERNAL_ONLY", 0.85),
        ("Draft (HIGHLY-CONFIDENTIAL) v2", "HIGHLY-CONFIDENTIAL", 0.9),
        ("PROPRIETARY & CONFIDENTIAL notice", "PROPRIETARY & CONFIDENTIAL", 0.85),
        ("This file is RESTRICTED.", "RESTRICTED", 0.7),
        # Government-style banners with caveats.
        ("SECRET//NOFORN summary", "SECRET//NOFORN", 0.95),
        ("TOP SECRET//SCI//NOFORN", "TOP SECRET//SCI//NOFORN", 0.95),
        ("CONFIDENTIAL//REL TO USA, FVEY report", "CONFIDENTIAL//REL TO USA, FVEY", 0.95),
        # Title-case phrases.
        ("Slides are Company Confidential, sorry", "Company Confidential", 0.7),
        ("This is for Internal Use Only, thanks", "for Internal Use Only", 0.7),
        # Banners in any case: brackets, rules, own line, label.
        ("[CONFIDENTIAL] Q3 numbers", "CONFIDENTIAL", 0.9),
        ("[confidential] Q3 numbers", "confidential", 0.9),
        ("*** Internal Only ***\nbody", "Internal Only", 0.9),
        ("=== restricted ===", "restricted", 0.9),
        ("Subject line\nConfidential\n\nHi all", "Confidential", 0.9),
        ("Sensitivity: Internal", "Internal", 0.9),
        ("Classification = Restricted", "Restricted", 0.9),
        ("Label: INTERNAL USE ONLY for staff", "INTERNAL USE ONLY", 0.9),
        ("[INTERNAL] roadmap", "INTERNAL", 0.9),
        ("-- SECRET --", "SECRET", 0.9),
        # Distribution notices, any case.
        ("Confidential - Do not distribute", "Confidential - Do not distribute", 0.9),
        ("see attached. confidential, do not forward.", "confidential, do not forward", 0.9),
        ("INTERNAL ONLY: NOT FOR DISTRIBUTION", "INTERNAL ONLY: NOT FOR DISTRIBUTION", 0.9),
        ("Please note: DO NOT DISTRIBUTE", "DO NOT DISTRIBUTE", 0.85),
    ],
)
def test_classification_markers(detector: ConfidentialDetector, text: str, marker: str, score: float) -> None:
    findings = [f for f in detector.detect(text) if f.entity_type == MARKER]
    assert [(text[f.start : f.end], f.score) for f in findings] == [(marker, score)]


@pytest.mark.parametrize(
    "text",
    [
        # Prose: lower or sentence case is not a marking (decision: not reported at all).
        "Please keep this confidential.",
        "This is confidential information about the launch.",
        "Confidential information must be stored encrypted.",
        "Access is restricted to admins.",
        "The tool is internal only for now.",
        "It is highly confidential stuff, do you agree?",
        "please do not distribute widely",
        # Weak words outside banners, and code.
        "HTTP 500 INTERNAL SERVER ERROR",
        "set CLIENT SECRET in the env",
        "SECRET_KEY = 'x'; MAX_CONFIDENTIAL_LEVEL = 3",
        "if level == Level.RESTRICTED: deny()",
        "call RESTRICTED(x) now",
        "[internal] section of an ini file",
        "Confidentiality and restrictedness",
        "top secret recipe for cookies",
    ],
)
def test_prose_and_code_are_not_markers(detector: ConfidentialDetector, text: str) -> None:
    assert found(detector, text, MARKER) == []


def test_markers_can_be_turned_off() -> None:
    detector = ConfidentialDetector.from_config(ConfidentialConfig(markers=False))
    assert detector.detect("[CONFIDENTIAL]") == []
    assert find_markers("[CONFIDENTIAL]") == [(1, 13, 0.9)]


def test_entities_filter(detector: ConfidentialDetector) -> None:
    text = "CONFIDENTIAL: Acme Corp, DOC-123456"
    assert [f.entity_type for f in detector.detect(text)] == [MARKER, TERM, PATTERN]
    assert [f.entity_type for f in detector.detect(text, frozenset({TERM}))] == [TERM]
    assert [f.entity_type for f in detector.detect(text, frozenset({PATTERN, MARKER}))] == [MARKER, PATTERN]
    assert detector.detect(text, frozenset({"EMAIL_ADDRESS"})) == []
    assert detector.detect(text, frozenset()) == []


def test_findings_are_sorted_and_values_are_not_printed(
    detector: ConfidentialDetector, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    text = "DOC-000001 Nightingale [RESTRICTED] acme"
    findings = detector.detect(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert [text[f.start : f.end] for f in findings] == ["DOC-000001", "Nightingale", "RESTRICTED", "acme"]
    assert capsys.readouterr() == ("", "")
    assert caplog.records == []
