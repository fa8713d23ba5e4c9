"""Confidential terms however they are joined, and markers in other languages, leetspeak and
CJK (issue 14, item 3); prose stays unflagged."""

from __future__ import annotations

import pytest

from detectors.confidential import MARKER, TERM, ConfidentialConfig, ConfidentialDetector, find_markers


def found(detector: ConfidentialDetector, text: str, entity_type: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == entity_type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Hyphens, underscores, dots, spaced hyphens or nothing between the words of a term.
        ("Status of Project-Nightingale?", ["Project-Nightingale"]),
        ("Status of ProjectNightingale?", ["ProjectNightingale"]),
        ("see project_nightingale_v2.py", ["project_nightingale"]),
        ("host project.nightingale.example", ["project.nightingale"]),
        ("PROJECT - NIGHTINGALE", ["PROJECT - NIGHTINGALE"]),
        ("Project\u2013Nightingale", ["Project\u2013Nightingale"]),  # an en dash
        ("AcmeCorp and acme-corp.com", ["AcmeCorp", "acme-corp"]),
        # Plurals and possessives.
        ("Both Project Nightingales slipped", ["Project Nightingales"]),
        ("ProjectNightingale's budget", ["ProjectNightingale"]),
        ("two Nightingales and the Initechs", ["Nightingales", "Initechs"]),
        ("the Companies of Acme", ["Companies", "Acme"]),
        # Invisible characters anywhere, and a term spelled letter by letter.
        ("Night\u00adin\u200bgale", ["Night\u00adin\u200bgale"]),
        ("Project\u00adNightingale", ["Project\u00adNightingale"]),
        ("P R O J E C T  N I G H T I N G A L E", ["P R O J E C T  N I G H T I N G A L E"]),
        ("N-i-g-h-t-i-n-g-a-l-e", ["N-i-g-h-t-i-n-g-a-l-e"]),
    ],
)
def test_terms_however_they_are_joined(text: str, expected: list[str]) -> None:
    terms = ["Project Nightingale", "Nightingale", "Acme Corp", "Acme", "Initech", "Company"]
    detector = ConfidentialDetector.from_config(ConfidentialConfig(terms=terms, markers=False))
    assert found(detector, text, TERM) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in it tech we trust",  # the words of "Initech", but split where the term has no break
        "Acmeville, myProjectNightingale, ProjectNightingaleX",  # glued to other letters
        "P roject Nightingale",  # a break inside a word
        "Nightingale2 and acme3",
        "We bought from Acme. Corp lawyers said no",  # a sentence ends between the words
        "Companyx and Acmess",
        "the net income and C ++",
    ],
)
def test_terms_are_not_found_across_other_words(text: str) -> None:
    terms = ["Initech", "Project Nightingale", "Acme Corp", "Company", ".NET", "C++"]
    detector = ConfidentialDetector.from_config(ConfidentialConfig(terms=terms, markers=False))
    assert found(detector, text, TERM) == []


@pytest.mark.parametrize(
    ("text", "marker", "score"),
    [
        # Other European languages: the same rules as English.
        ("VERTRAULICH", "VERTRAULICH", 0.9),
        ("Dieses Dokument ist STRENG VERTRAULICH.", "STRENG VERTRAULICH", 0.85),
        ("[Confidentiel] résultats T3", "Confidentiel", 0.9),
        ("Rapport CONFIDENTIEL pour la direction", "CONFIDENTIEL", 0.7),
        ("RESERVADO\nInforme anual", "RESERVADO", 0.9),
        ("Documento CONFIDENCIAL de la empresa", "CONFIDENCIAL", 0.7),
        ("*** RISERVATO ***", "RISERVATO", 0.9),
        ("Notitie: STRIKT VERTROUWELIJK", "STRIKT VERTROUWELIJK", 0.85),
        ("Einstufung: Intern", "Intern", 0.9),
        ("Nur für den Dienstgebrauch\nText", "Nur für den Dienstgebrauch", 0.9),
        # Letters written as digits.
        ("C0NFIDENTIAL", "C0NFIDENTIAL", 0.9),
        ("this memo is C0NF1D3NT14L so", "C0NF1D3NT14L", 0.7),
        ("this memo is c0nfidential so", "c0nfidential", 0.7),
        ("Q3 numbers, R3STR1CTED.", "R3STR1CTED", 0.7),
        ("[5ECRET] launch plan", "5ECRET", 0.9),
        ("1NTERNA1 USE ONLY", "1NTERNA1 USE ONLY", 0.9),
        # CJK: marking-only words anywhere, everyday words as banners.
        ("社外秘の資料です", "社外秘", 0.85),
        ("この文書は部外秘", "部外秘", 0.85),
        ("대외비 문서", "대외비", 0.85),
        ("【機密】報告書", "機密", 0.9),
        ("机密\n季度报告", "机密", 0.9),
        ("「极密」", "极密", 0.9),
        ("分類：極秘", "極秘", 0.9),
        ("[기밀] 보고서", "기밀", 0.9),
    ],
)
def test_markers_in_other_languages_and_leetspeak(text: str, marker: str, score: float) -> None:
    assert [(text[s:e], sc) for s, e, sc in find_markers(text)] == [(marker, score)]


@pytest.mark.parametrize(
    "text",
    [
        "this is a secret recipe",
        "the confidential report is here",
        "Información confidencial de clientes",
        "Ce document est confidentiel et interne.",
        "Die Daten sind vertraulich zu behandeln.",
        "Il progetto è riservato ai soci.",
        "TODOS LOS DERECHOS RESERVADOS",
        "Das ist GEHEIM, sagt er",  # weak words outside a banner
        "機密情報を含むメール",  # 機密 as an everyday word, not a banner
        "保护商业机密很重要",
        "극비리에 진행",
        "error 500: internal, retry 3 times",
        "HTTP 500 1NTERNAL SERVER ERROR",
    ],
)
def test_prose_in_other_languages_is_not_a_marker(text: str) -> None:
    assert find_markers(text) == []


def test_markers_in_other_languages_obey_the_policy_switch() -> None:
    off = ConfidentialDetector.from_config(ConfidentialConfig(markers=False))
    on = ConfidentialDetector.from_config(ConfidentialConfig())
    for text in ("VERTRAULICH", "【機密】", "社外秘", "C0NFIDENTIAL"):
        assert off.detect(text) == []
        assert [f.entity_type for f in on.detect(text)] == [MARKER]
