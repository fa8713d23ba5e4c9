"""Short phone numbers (2-6 digits): extensions and small countries' whole numbers, only where a
phone word labels them; the short digit runs everywhere else (years, counts, PINs, rooms) are not."""

from __future__ import annotations

import pytest

from detectors.pii.detector import PII_ENTITIES, PiiConfig, PiiDetector
from detectors.pii.phone_short import short_numbers


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector.from_config(PiiConfig(entities=sorted(PII_ENTITIES - {"PERSON", "LOCATION"})))


def found(detector: PiiDetector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == "PHONE_NUMBER"]


SHORT_PHONES = [
    ("For IT, ext. 4417", "ext. 4417"),
    ("Desk: x2231", "x2231"),
    ("Tel. x 31 (reception)", "x 31"),
    ("dial 4417 from any office phone", "4417"),
    ("Stanley, Falkland Islands, tel 21234", "21234"),  # 5-digit national numbers
    ("Saint Helena: phone no. 22123", "22123"),
    ("Alofi, Niue. Phone: 4002", "4002"),  # 4 digits
    ("Funafuti, Tuvalu, mobile 90 1234", "90 1234"),  # grouped, 6 digits
    ("Mobile (work): 20123", "20123"),
    ("Tórshavn, tel 20 12 34", "20 12 34"),  # the Faroes' 6 digits in pairs
    ("Nouméa, tél. 20.12.34", "20.12.34"),  # New Caledonia
    ("Nuku'alofa, phone 20-123", "20-123"),  # Tonga
    ("Norfolk Island, phone 3 81234", "3 81234"),
    ("Vladi Pimenov ext. 37625", "ext. 37625"),  # UNER English-EWT (an Enron e-mail)
    ("Room 4417, tel 4418", "4418"),  # the label tells which is the phone
    ("Reykjavík, sími 555 1234", "555 1234"),  # Iceland's 7 digits: a number as before
    ("Vaduz, Tel. 235 12 34", "235 12 34"),  # Liechtenstein's 7
    ("Monaco, tél. 93 15 20 00", "93 15 20 00"),  # Monaco's 8
]


@pytest.mark.parametrize(("text", "value"), SHORT_PHONES)
def test_labelled_short_numbers_are_phones(detector: PiiDetector, text: str, value: str) -> None:
    assert found(detector, text) == [value]


NOT_SHORT_PHONES = [
    "The meeting room phone is extension 6969; dial 9 for an outside line",  # words between: formats_dev leaves it
    "call 911 or dial 112",  # service numbers, nobody's
    "we will call 2025 a good year",
    "call 1500 customers before Friday",
    "dial 2000 times a day",
    "phone 1200 € per month",
    "call at 14:30, call 12-05",
    "Tel. 12 34",  # a grouped short number has 5 or 6 digits
    "ext4 filesystem, the ext 4 partition, ext 16 and ext 32 types",
    "a mob 1500 strong, cell B12, cell 1234 of the sheet",
    "PIN 4417, room 2231, order 12345, in 2019 we sold 4417 phones",
    "telemetry 12345 samples, telephones 2000",
    "the phone costs 12345.67",  # an amount (found before this change, with "phone" near)
    "phone: 1.2345, fax 12.345",  # decimals and thousands, not numbers in pairs
]


@pytest.mark.parametrize("text", NOT_SHORT_PHONES)
def test_short_runs_without_a_phone_label_are_not_phones(detector: PiiDetector, text: str) -> None:
    assert found(detector, text) == []


def test_an_extension_after_a_number_belongs_to_that_number(detector: PiiDetector) -> None:
    assert found(detector, "Office (212) 555-0199 ext. 7 today") == ["(212) 555-0199 ext. 7"]
    assert found(detector, "+48 693-615-271, then ask for extension 804.") == ["+48 693-615-271"]
    # the extension of digits that are no phone number is not one on its own
    assert list(short_numbers("order 4417-99, ext. 30")) == []
