"""pii_cues: names after form fields, in capitals as on a card, on the next line of a label."""

from __future__ import annotations

import pytest

from detectors.pii.cues import PersonCueRecognizer


def cued(text: str) -> list[str]:
    return [text[r.start : r.end] for r in PersonCueRecognizer().analyze(text, ["PERSON"])]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Card: 6447-4173-2863-1225   Cardholder: ALEKSANDR SMIRNOV", ["ALEKSANDR SMIRNOV"]),
        ("Cardholder: HAORAN SUN", ["HAORAN SUN"]),  # "Sun" alone is a weekday, not here
        ("Wire it to the account (beneficiary Park Do-yun) by Friday.", ["Park Do-yun"]),
        ("Emergency contact - Lukas (spouse) +49 30 1234567", ["Lukas"]),
        ("Ship to:\nDmitry Sokolov\nRue du Rhône 80", ["Dmitry Sokolov"]),
        ("between 9 and 5, ask for Siobhán.", ["Siobhán"]),
        ("Hi Priya, thanks!", ["Priya"]),  # the greetings as before
    ],
)
def test_form_fields_and_labels_cue_names(text: str, expected: list[str]) -> None:
    assert cued(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Took an hour to deliver to Chatham, food cold.",  # no field: a place
        "Cardholder: VISA GOLD",  # a product in capitals
        "ask for Help if needed",  # a common word
        "ask for Reception at the front desk",  # an English noun
        "Ship to:\nAcme Robotics GmbH\nMain St 1",  # a company word on the line
        "Payee: Initech Ltd",
        "Beneficiary Bank: First Republic",  # a label
        "Herr Bürgermeister, vielen Dank",  # an office after a title
        "Madame, Monsieur,",
        "Cordialement, La Direction Financière",  # a department after a sign-off
        "Atentamente, Equipo Comercial",
        "Grazie Mille",
    ],
)
def test_no_name(text: str) -> None:
    assert cued(text) == []


def test_the_lowercase_twin_finds_what_the_case_insensitive_pattern_finds() -> None:
    from detectors.pii.cues import PERSON_CUE, PERSON_CUE_LOWER, cue_matches

    for text in ["Dear MR. Jones, hi Ana", "Regards,\nJ. Smith", "İstanbul office: hi Ayşe"]:  # "İ" lowercases to 2
        expected = [m.span("name") for m in PERSON_CUE.finditer(text)]
        assert [m.span("name") for m in cue_matches(text, text.lower(), PERSON_CUE, PERSON_CUE_LOWER)] == expected
    assert cued("İstanbul office: hi Ayşe") == ["Ayşe"]  # offsets from the original text
