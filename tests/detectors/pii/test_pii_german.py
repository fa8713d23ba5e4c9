"""pii_german: German common nouns are no people; names in German text still are."""

from __future__ import annotations

import pytest

from detectors.pii.detector import PiiConfig, PiiDetector
from detectors.pii.german import german_paragraph, holds_in_german


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector.from_config(PiiConfig(entities=["PERSON", "LOCATION"]))


def people(detector: PiiDetector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == "PERSON"]


def test_german_paragraphs_are_told_from_english_ones() -> None:
    german = "Die Rechnung für die Wartung liegt bei. Bitte überweisen Sie den Betrag bis Freitag."
    english = "Die Hard is a film; the band played Das Boot and Der Kommissar at the gig in Berlin."
    assert german_paragraph(german, 4, 12)
    assert not german_paragraph(english, 0, 8)
    # the paragraph around the span decides, not the whole text
    assert not german_paragraph(english + "\n\n" + german, 0, 8)


@pytest.mark.parametrize(
    ("span", "kind", "holds"),
    [
        ("Rechnung", "PERSON", False),  # a noun ending
        ("Wartung der Heizungsanlage", "PERSON", False),
        ("Könnten Sie", "PERSON", False),  # a verb and a pronoun
        ("Herren", "PERSON", False),  # no title before it, no common name
        ("Jürgen Hoffmann", "PERSON", True),  # two capitalised words, neither a noun by its ending
        ("Ursula von der Leyen", "PERSON", True),  # name particles
        ("Anna", "PERSON", True),  # a common given name
        ("Vertrieb", "LOCATION", False),
        ("Hamburg", "LOCATION", True),  # a known place
    ],
)
def test_what_holds_in_german(span: str, kind: str, holds: bool) -> None:
    text = f"Wir haben {span} gestern besprochen und die Unterlagen sind nicht vollständig."
    start = text.index(span)
    assert holds_in_german(text, start, start + len(span), kind) is holds


def test_a_surname_after_a_german_title_holds() -> None:
    text = "Die Besprechung wurde verschoben. Herr Weber bringt die Unterlagen mit."
    start = text.index("Weber")
    assert holds_in_german(text, start, start + len("Weber"), "PERSON")


def test_german_letters_keep_their_names_and_lose_their_nouns(detector: PiiDetector) -> None:
    letter = (
        "Sehr geehrte Damen und Herren, die Rechnung für die Wartung der Heizungsanlage liegt bei. "
        "Bitte überweisen Sie den Betrag bis Freitag. Mit freundlichen Grüßen, Jürgen Hoffmann"
    )
    assert people(detector, letter) == ["Jürgen Hoffmann"]
    notes = "Die Besprechung mit der Geschäftsführung wurde auf Dienstag verschoben. Herr Weber bringt die Unterlagen."
    assert people(detector, notes) == ["Weber"]
    ask = "Könnten Sie bitte die Zusammenfassung über die Lieferkette überarbeiten? Die Abteilung Einkauf braucht sie."
    assert people(detector, ask) == []


def test_titles_and_sign_offs_of_other_languages_cue_names(detector: PiiDetector) -> None:
    assert "Yılmaz" in people(detector, "Frau Yılmaz und Herr Nowak haben das Angebot geprüft.")
    assert people(detector, "Ciao a tutti, la riunione è spostata alle tre. Grazie, Giulia Romano") == ["Giulia Romano"]
    assert people(detector, "Goedemorgen, de vergadering gaat niet door. Groeten, Pieter Jansen") == ["Pieter Jansen"]
    assert people(detector, "Vielen Dank, Ihr Team") == []  # a pronoun after a sign-off is no name


def test_greetings_are_trimmed_and_short_german_notes_lose_their_nouns(detector: PiiDetector) -> None:
    for text, name in [
        ("Hallo Dennis, anbei die Unterlagen.", "Dennis"),
        ("Bonjour Camille, merci pour le rapport.", "Camille"),
        ("Beste Sanne, bedankt voor je bericht.", "Sanne"),
        ("Ciao Giulia, ci vediamo domani.", "Giulia"),
    ]:
        assert people(detector, text) == [name]
    mixed = "Die Besprechung wurde verschoben. Clement Hartung und Mei Ling Cheung kommen auch."
    assert people(detector, mixed) == ["Clement Hartung", "Mei Ling Cheung"]  # "-ment", "-ung" but names
