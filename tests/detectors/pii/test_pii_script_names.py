"""pii_script_names: Cyrillic, Greek and Vietnamese names inside Latin-script text."""

from __future__ import annotations

import pytest

from detectors.pii.script_names import ScriptNameRecognizer, script_name_spans


def names(text: str) -> list[str]:
    return [text[s:e] for s, e in script_name_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Replace the card on file for Иван Соколов with the new one.", ["Иван Соколов"]),
        ("Νίκος Παπαδόπουλος | npapadopoulos@example.com", ["Νίκος Παπαδόπουλος"]),
        ("W-9 form: Name Nguyễn Thanh Hương; TIN/SSN on file", ["Nguyễn Thanh Hương"]),  # without the label
        ("Ship to:\nДмитрий Соколов\nRue du Rhône 80", ["Дмитрий Соколов"]),
    ],
)
def test_names_in_another_script(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Москва — столица России. Иван Петров живёт там.",  # Russian text: runs open sentences
        "Tôi tên là Nguyễn Văn An và tôi sống ở Hà Nội.",  # Vietnamese text
        "The Café Société in Zürich opens at nine.",  # accents are not Vietnamese letters
        "plain ASCII text with Names In Capitals",
        'Error: "Ошибка Сервера Базы Данных" again',  # quoted: a message, not a name
        "The office in Нижний Новгород opens in May",  # no surname ending, no given name
        "Account at Εθνική Τράπεζα closed",
        "Công Ty Cổ Phần Minh Anh sent the invoice from Hà Nội",  # a company, a city
    ],
)
def test_no_names(text: str) -> None:
    assert names(text) == []


def test_the_recognizer_reports_person() -> None:
    text = "Call Иван Соколов today."
    assert [(r.entity_type, text[r.start : r.end]) for r in ScriptNameRecognizer().analyze(text, ["PERSON"])] == [
        ("PERSON", "Иван Соколов")
    ]
