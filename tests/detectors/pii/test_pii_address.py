"""STREET_ADDRESS: exact spans in many countries' formats, the span convention, near misses, the cheap exit."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from detectors.pii import address as pii_address
from detectors.pii.address import StreetAddressRecognizer, trie_regex
from detectors.pii.detector import PiiConfig, PiiDetector


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector.from_config(PiiConfig(entities=["STREET_ADDRESS"]))


def addresses(detector: PiiDetector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == "STREET_ADDRESS"]


# (country or form, text, the one address span expected)
POSITIVES = [
    ("UK", "Ship to 221B Baker Street, London", "221B Baker Street, London"),
    ("UK postcode", "Our office: 43 Acacia Avenue, Bristol BS4 8YU.", "43 Acacia Avenue, Bristol BS4 8YU"),
    ("US", "To 1600 Pennsylvania Ave NW, Washington, DC 20500", "1600 Pennsylvania Ave NW, Washington, DC 20500"),
    ("US ordinal", "meet at 350 5th Ave, New York, NY 10118 at noon", "350 5th Ave, New York, NY 10118"),
    ("Germany", "Meine Adresse: Hauptstraße 12, 10115 Berlin", "Hauptstraße 12, 10115 Berlin"),
    ("Germany abbr.", "Musterstr. 5\nD-12345 Musterstadt", "Musterstr. 5\nD-12345 Musterstadt"),
    ("Austria", "Kärntner Straße 5, 1010 Wien, Österreich", "Kärntner Straße 5, 1010 Wien"),
    ("Switzerland", "Bahnhofstrasse 1, CH-8001 Zürich", "Bahnhofstrasse 1, CH-8001 Zürich"),
    ("France", "Livraison au 12 rue de la Paix, 75002 Paris svp", "12 rue de la Paix, 75002 Paris"),
    ("France, quoted", "the label says '12 rue de la Paix' in bold", "12 rue de la Paix"),
    ("Belgium", "Avenue Louise 54, 1050 Bruxelles", "Avenue Louise 54, 1050 Bruxelles"),
    ("Italy", "Abito in Via Roma 15, 00184 Roma.", "Via Roma 15, 00184 Roma"),
    ("Italy, letter after slash", "Via dei Mille 12/B, 80121 Napoli NA", "Via dei Mille 12/B, 80121 Napoli NA"),
    ("Italy province", "Corso Vittorio Emanuele II, 24 - 50194 Firenze (FI)", None),
    ("Spain", "Calle Mayor 5, 3º B, 28013 Madrid", "Calle Mayor 5, 3º B, 28013 Madrid"),
    ("Portugal", "Rua das Flores, nº 12, 2º Esq., 4050-262 Porto", "Rua das Flores, nº 12, 2º Esq., 4050-262 Porto"),
    ("Brazil", "Av. Paulista, 1578 - Bela Vista, São Paulo - SP, 01310-200", None),
    ("Mexico", "Calle Hidalgo 88 Int. 4, Col. Roma Norte, 04083 Ciudad de México", None),
    ("Poland", "ul. Marszałkowska 84/92, 00-514 Warszawa", "ul. Marszałkowska 84/92, 00-514 Warszawa"),
    ("Greece", "Λεωφ. Κηφισίας 124, 115 26 Αθήνα", "Λεωφ. Κηφισίας 124, 115 26 Αθήνα"),
    ("Netherlands", "Keizersgracht 123\n1015 CJ Amsterdam\nNederland", "Keizersgracht 123\n1015 CJ Amsterdam"),
    ("Sweden", "Drottninggatan 10, 111 51 Stockholm", "Drottninggatan 10, 111 51 Stockholm"),
    ("Sweden flat", "Sveavägen 82 lgh 1102, 115 18 Stockholm", "Sveavägen 82 lgh 1102, 115 18 Stockholm"),
    ("Denmark", "Vesterbrogade 12, 1620 København V", "Vesterbrogade 12, 1620 København V"),
    ("Norway", "Karl Johans gate 22, 0159 Oslo", "Karl Johans gate 22, 0159 Oslo"),
    ("Finland", "Kauppakatu 93 B 22, 00190 Helsinki", "Kauppakatu 93 B 22, 00190 Helsinki"),
    ("Hungary", "Váci utca 12, 1052 Budapest", "Váci utca 12, 1052 Budapest"),
    ("Hungary, city first", "1052 Budapest, Andrássy út 63.", "1052 Budapest, Andrássy út 63."),
    ("Czechia, no street word", "Údolní 129, 094 20 Brno", "Údolní 129, 094 20 Brno"),
    ("Turkey", "İstiklal Caddesi No: 123, 34433 Beyoğlu/İstanbul", None),
    ("Japan", "1-chōme-9-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005", None),
    ("Japan hyphenated", "2-3-02 Nishi-Shinjuku\nShinjuku-ku, Tokyo 160-0023", None),
    ("Locked Bag", "Locked Bag 123, Sydney NSW 2001", "Locked Bag 123, Sydney NSW 2001"),
    ("Japan dashed", "3-1-1 Kasumigaseki, Chiyoda-ku, Tokyo 100-8918", None),
    ("Japan script", "〒100-0005 東京都千代田区丸の内1-9-1", None),
    ("India", "Flat 4B, 22 Nehru Marg, New Delhi 110001", "Flat 4B, 22 Nehru Marg, New Delhi 110001"),
    ("India sector", "House No. 221, Sector 15, FC Road, Pune, Maharashtra 411003", None),
    ("Australia", "Unit 5/12 Smith St, Sydney NSW 2000", "Unit 5/12 Smith St, Sydney NSW 2000"),
    ("Canada", "123 rue Sainte-Catherine Ouest, Montréal, QC H3B 1A7", None),
    ("US block", "Jane Doe\n42 Elm St, Apt 3\nSpringfield, IL 62704\nUSA", "42 Elm St, Apt 3\nSpringfield, IL 62704"),
    ("PO box", "P.O. Box 123, Springfield, IL 62704", "P.O. Box 123, Springfield, IL 62704"),
    ("Postfach", "Postfach 10 20 30, 50667 Köln", "Postfach 10 20 30, 50667 Köln"),
    ("boîte postale", "BP 45, 75001 Paris", "BP 45, 75001 Paris"),
    ("Caixa Postal", "Caixa Postal 45, 01000-000 São Paulo", "Caixa Postal 45, 01000-000 São Paulo"),
    ("GPO box", "GPO Box 1234, Melbourne VIC 3001", "GPO Box 1234, Melbourne VIC 3001"),
    ("Japan chōme script", "住所：東京都千代田区丸の内1丁目9番1号", "東京都千代田区丸の内1丁目9番1号"),
    ("Mexico, C.P.", "Calle Durango 12, Col. Roma, C.P. 06700, Ciudad de México", None),
    ("Greece, Τ.Κ.", "Ερμού 15, Τ.Κ. 105 63 Αθήνα", None),
    ("Nigeria, P.M.B.", "P.M.B. 1234, Ikeja, Lagos 100001", None),
    ("Apartado", "Apartado de Correos 1234, 28080 Madrid", "Apartado de Correos 1234, 28080 Madrid"),
    ("APO", "PSC 1234, Box 5678, APO AE 09204", "PSC 1234, Box 5678, APO AE 09204"),
    ("FPO ship", "USS Harrier, Unit 5721\nFPO AE 09107", "USS Harrier, Unit 5721\nFPO AE 09107"),
]


@pytest.mark.parametrize(("form", "text", "expected"), POSITIVES, ids=[p[0] for p in POSITIVES])
def test_addresses_are_found_whole(detector: PiiDetector, form: str, text: str, expected: str | None) -> None:
    """``None``: the whole text is the address."""
    assert addresses(detector, text) == [expected or text]


@pytest.mark.parametrize(
    "text",
    [
        "I have 3 Street Fighter games",
        "Chapter 12 Road to Damascus is the best one",
        "Section 5 Avenue of approach",
        "released on 12 May 2024 at 10:30 for $12.50, version 2.3.1",
        "On 12 May Road closures begin",
        "sent via Slack 2 days ago",
        "Windows 10, 2019 Edition is out",
        "Python 3.12 Way forward; Top 10 Rd trips; 5 Ways to win",
        "Costs $12 Main Street; €15 Avenue fee",
        "Updated to v2.3 Road map",
        "the 4 Road Runner episodes aired in 1949",
        "countersigned by Daisuke R. O'Neill on 1 October 2023.",
        "Philips AVENT SCF 281 / 02 Microwave St",
        "Saad Khalid, 19, of Eclipse Avenue, Mississauga.",
        "RT @Kaaaatie 4 : I just need a friend",
        "In the context of FIDO U 2 F , when is a key reused",
        "Spring 2024 planning: 3 brigade 2 renegade",
        "Step 3 Drive the nail in; page 7 Street art",
        "the Sector 5 results were good",
        "5 Things Wall Street Got Wrong About 2024",
        "Terminal 2 Gate 14 closes at 10:40",
    ],
)
def test_near_misses_are_no_addresses(detector: PiiDetector, text: str) -> None:
    assert addresses(detector, text) == []


def test_prose_shapes_need_an_address_cue(detector: PiiDetector) -> None:
    assert addresses(detector, "we planned 12 baker street and more") == []
    assert addresses(detector, "my address is 12 baker street") == ["12 baker street"]
    assert addresses(detector, "she lives on 42 elm street now") == ["42 elm street"]
    assert addresses(detector, "Box 12 holds the cables") == []
    assert addresses(detector, "Smith et al. Nature 2019 showed it") == []
    assert addresses(detector, "spotkanie: ul. Marszałkowska 84.") == ["ul. Marszałkowska 84"]
    assert addresses(detector, "Adresse: Box 12, 111 22 Stockholm") == ["Box 12, 111 22 Stockholm"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Übersetze: Lieferung an Hauptstraße 12, 10115 Berlin", "Hauptstraße 12, 10115 Berlin"),
        ("Lieferung an Kärntner Straße 5, 1010 Wien", "Kärntner Straße 5, 1010 Wien"),
        ("Lieferung an Údolní 129, 094 20 Brno", "Údolní 129, 094 20 Brno"),
    ],
)
def test_capitalized_nouns_before_the_street_stay_outside(detector: PiiDetector, text: str, expected: str) -> None:
    assert addresses(detector, text) == [expected]


def test_every_address_of_a_text_is_its_own_span(detector: PiiDetector) -> None:
    text = "Old: 12 Baker Street, London. New: Hauptstraße 5, 10115 Berlin; invoices to P.O. Box 9, Leeds LS1 4AP."
    assert addresses(detector, text) == [
        "12 Baker Street, London",
        "Hauptstraße 5, 10115 Berlin",
        "P.O. Box 9, Leeds LS1 4AP",
    ]


def test_address_blocks_one_after_another_stay_apart(detector: PiiDetector) -> None:
    text = "From:\nHauptstraße 12\n10115 Berlin\nTo:\nVáci utca 3\n1052 Budapest\n\nKirály utca 31\n7647 Pécs"
    assert addresses(detector, text) == [
        "Hauptstraße 12\n10115 Berlin",
        "Váci utca 3\n1052 Budapest",
        "Király utca 31\n7647 Pécs",
    ]


def test_an_address_is_no_location_too() -> None:
    detector = PiiDetector.from_config(PiiConfig(entities=["STREET_ADDRESS", "LOCATION"]))
    text = "Ship to 221B Baker Street, London and then to Paris"
    found = {(f.entity_type, text[f.start : f.end]) for f in detector.detect(text)}
    assert ("STREET_ADDRESS", "221B Baker Street, London") in found
    assert not {v for t, v in found if t == "LOCATION"} & {"London", "Baker Street"}


def test_texts_without_digits_are_skipped_and_words_far_from_numbers_are_not_looked_at() -> None:
    recognizer = StreetAddressRecognizer()
    assert recognizer.analyze("Hauptstraße, Baker Street, rue de la Paix", ["STREET_ADDRESS"]) == []
    far = "Baker Street " + "word " * 40 + "and 12 more"
    assert list(recognizer.hits(far)) == []
    assert [h[1:3] for h in recognizer.hits("at 12 Baker Street")] == [(3, 18)]


def test_a_dotted_lower_case_i_keeps_offsets() -> None:
    text = "adres: İstiklal Caddesi No: 12, 34433 İstanbul"  # "İ".lower() is two characters
    ((_, start, end, _),) = StreetAddressRecognizer().hits(text)
    assert text[start:end] == "İstiklal Caddesi No: 12, 34433 İstanbul"


def test_trie_regex_matches_exactly_its_words() -> None:
    words = ["st", "street", "str", "strasse", "rue", "ru"]
    pattern = re.compile(f"(?:{trie_regex(words)})$")
    assert all(pattern.match(w) for w in words)
    assert not any(pattern.match(w) for w in ["s", "stree", "stra", "streets", "r", "rues"])


DATA = Path(__file__).resolve().parents[2] / "data"


def corpus_texts() -> list[str]:
    files = [DATA / "pii_corpus.jsonl", DATA / "eval15" / "formats_dev.jsonl", *sorted((DATA / "ner").glob("*.jsonl"))]
    return [json.loads(line)["text"] for path in files for line in path.read_text(encoding="utf-8").splitlines()]


def test_looking_only_near_numbers_loses_no_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shortcut (street words only within 64 characters of a number) against a scan of the whole text."""
    recognizer = StreetAddressRecognizer()
    texts = [t for t in corpus_texts() if any(ch.isdigit() for ch in t)]
    windowed = [list(recognizer.hits(t)) for t in texts]
    monkeypatch.setattr(pii_address, "_windows", lambda text: iter([(0, len(text))]))
    assert [list(recognizer.hits(t)) for t in texts] == windowed
    assert sum(map(len, windowed)) > 800  # the corpora do hold addresses
