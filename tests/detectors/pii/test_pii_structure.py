"""Names and dates of birth that layout gives away: speaker lines, people lists, tables, log keys."""

from __future__ import annotations

import pytest

from detectors.pii.detector import PiiConfig, PiiDetector
from detectors.pii.ner import NerSpan, clean_span, merge_name_parts, name_candidates
from detectors.pii.structure import StructureRecognizer, is_name, table_cells


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector.from_config(PiiConfig())


def layout(text: str) -> set[tuple[str, str]]:
    results = StructureRecognizer().analyze(text, ["PERSON", "DATE_OF_BIRTH"])
    return {(r.entity_type, text[r.start : r.end]) for r in results}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ana: can you send the deck today\nBo Chen: sure, sending it in a minute", {"Ana", "Bo Chen"}),
        (
            "[09:14] T. Okoye: the build is red again\n[09:15] Marit Lund: on it, give me a sec",
            {"T. Okoye", "Marit Lund"},
        ),
        ("Mira Patel  10:02\nlet's begin with the numbers", {"Mira Patel"}),
        ("Attendees: Ana Silva, Kofi Mensah and R. Okoye\nAgenda: budget", {"Ana Silva", "Kofi Mensah", "R. Okoye"}),
        ("Approved: Lena Berg (CFO), Omar Haddad (Finance)", {"Lena Berg", "Omar Haddad"}),
        ("Cc: Ines K. Duarte\nSubject: the renewal", {"Ines K. Duarte"}),
    ],
)
def test_people_in_speaker_lines_and_lists(text: str, expected: set[str]) -> None:
    assert {value for kind, value in layout(text) if kind == "PERSON"} == expected


@pytest.mark.parametrize(
    "text",
    [
        "Summary: the deploy went fine and all is well",  # one labelled line is a heading, not a transcript
        "Summary: the deploy went fine and all is well\nNext steps: we ship the fix on monday",  # labels
        "Tenant: Grace Hill\nEmployer: Contoso Pharmaceuticals",  # form fields have values, not messages
        "To: Accounts Payable, Finance\nFrom: Billing",
        "Attendees: Platform, Billing, Customer Success",
        "Co-authored-by: Ana Silva <ana@example.com>\nReviewed-by: Bo Chen <bo@example.com>",
    ],
)
def test_labels_are_not_speakers_or_attendees(text: str) -> None:
    found = {value for kind, value in layout(text) if kind == "PERSON"}
    assert not found & {"Summary", "Next", "Tenant", "Employer", "Accounts Payable", "Finance", "Billing", "Platform"}
    assert not found & {"Customer Success", "Co-authored-by", "Reviewed-by"}


def test_csv_columns_name_people_and_birth_dates() -> None:
    text = "id,first_name,last_name,dob,plan\n1,Ana,Silva,1980-02-03,Gold\n2,Kofi,Mensah,11/30/1975,Basic"
    assert set(layout(text)) == {
        ("PERSON", "Ana"),
        ("PERSON", "Silva"),
        ("PERSON", "Kofi"),
        ("PERSON", "Mensah"),
        ("DATE_OF_BIRTH", "1980-02-03"),
        ("DATE_OF_BIRTH", "11/30/1975"),
    }


def test_markdown_and_semicolon_tables() -> None:
    markdown = "| Name | Role |\n|---|---|\n| Ana Silva | CFO |\n| Bo Chen | Engineer |"
    assert layout(markdown) == {("PERSON", "Ana Silva"), ("PERSON", "Bo Chen")}
    quoted = 'customer;"notes, free text";amount\n"Lena Berg";"paid, thanks";12.50'
    assert layout(quoted) == {("PERSON", "Lena Berg")}


def test_tables_without_person_columns_give_nothing() -> None:
    assert list(table_cells("product,region,owner_team\nGrafana,Europe,Platform\nKafka,Asia,Data")) == []
    assert list(table_cells("sku;colour\nAB-1;Red")) == []


def test_is_name() -> None:
    assert is_name("Ana Silva")
    assert is_name("D. Kamau")
    assert is_name("Hamza C. Şahin")
    assert not is_name("Accounts Payable")
    assert not is_name("Kafka")
    assert not is_name("ana silva")
    assert not is_name("CFO")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('2025-01-02T10:00:00Z INFO login ok user="Lena Berg" ip=10.1.2.3', "Lena Berg"),
        ('{"assignee": "N. Ortega", "status": "open"}', "N. Ortega"),
        ("vendor:\n  contact_person: Omar Haddad\n  tier: gold", "Omar Haddad"),
        ("Customer (L. Ofori): sure, it is the card ending 4242", "L. Ofori"),
    ],
)
def test_people_after_keys_in_logs_json_and_yaml(detector: PiiDetector, text: str, name: str) -> None:
    assert name in [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == "PERSON"]


def test_a_login_handle_is_not_a_person(detector: PiiDetector) -> None:
    text = "INFO login ok user=asilva ip=10.1.2.3"
    assert [f for f in detector.detect(text) if f.entity_type == "PERSON"] == []


def test_a_first_name_that_starts_a_sentence_gets_ner_when_a_verb_follows() -> None:
    text = "Funmilayo will cover the on-call rotation. Summarize the rest."
    assert [text[a:b] for a, b in name_candidates(text)] == ["Funmilayo"]


def test_spacys_place_guesses_for_people_are_corrected() -> None:
    text = "thanks, Nasrin Ofori will review it and Zeynep asked for the logs"
    spans = [NerSpan(8, 14, "LOCATION"), NerSpan(15, 20, "PERSON"), NerSpan(40, 46, "LOCATION")]
    merged = merge_name_parts(text, spans)
    assert merged[0] == NerSpan(8, 20, "PERSON")
    assert clean_span(text, merged[1]) == NerSpan(40, 46, "PERSON")  # places do not ask
    berlin = "we flew to Berlin on monday"
    assert clean_span(berlin, NerSpan(11, 17, "LOCATION")) == NerSpan(11, 17, "LOCATION")


@pytest.mark.parametrize(
    ("text", "is_ip"),
    [
        ("We upgraded Kafka 3.7.1.2 last night", False),
        ("## 11.5.8.191\n### Fixed\n- the add-in", False),
        ("Versión 4.0.46.196: corrección de errores", False),
        ("the server 10.0.0.12 is down", True),
        ("Access from 192.168.17.118 was blocked", True),  # "Access" is a product, but not here
    ],
)
def test_versions_after_products_and_headings_are_not_addresses(detector: PiiDetector, text: str, is_ip: bool) -> None:
    assert any(f.entity_type == "IP_ADDRESS" for f in detector.detect(text)) is is_ip


def test_sql_insert_columns_name_people_and_birth_dates() -> None:
    text = (
        "INSERT INTO customers (full_name, email, birth_date, note) VALUES\n"
        "  ('Ana Silva', 'ana@example.com', 'March 3, 1980', 'it''s (gold), ok'),\n"
        "  ('Bo Chen', 'bo@example.com', '1975-11-30', NULL);"
    )
    assert layout(text) == {
        ("PERSON", "Ana Silva"),
        ("PERSON", "Bo Chen"),
        ("DATE_OF_BIRTH", "March 3, 1980"),
        ("DATE_OF_BIRTH", "1975-11-30"),
    }
    assert layout("INSERT INTO orders (sku, qty) VALUES ('AB-1', 2);") == set()


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Call me back on +354 940 0531, thanks", "PHONE_NUMBER", "+354 940 0531"),
        ("Missed call from Ana (069 42259920) at 16:20", "PHONE_NUMBER", "069 42259920"),
        ("seen at the clinic (hospital no. MR-117435)", "MEDICAL_RECORD_NUMBER", "MR-117435"),
    ],
)
def test_more_phone_and_record_number_shapes(detector: PiiDetector, text: str, kind: str, value: str) -> None:
    assert value in [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == kind]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Date:   Thu Mar 20 16:04:07 2025 -0500", "PHONE_NUMBER"),
        ("VALUES ('437-63-9268', 'x')", "PHONE_NUMBER"),
        ("Bump PostgreSQL from 11.9.64.72 to v7.7.34", "IP_ADDRESS"),
        ("Bumps the React client to 4.7.97.16", "IP_ADDRESS"),
        ("00:50 UTC rollback of 7.1.92.116 started", "IP_ADDRESS"),
        ("Merge pull request #493 from release/8.6.27.54", "IP_ADDRESS"),
    ],
)
def test_times_ssns_and_versions_are_not_phones_or_addresses(detector: PiiDetector, text: str, kind: str) -> None:
    assert [text[f.start : f.end] for f in detector.detect(text) if f.entity_type == kind] == []


@pytest.mark.parametrize("header", ["Patıent,Ward", "ſurname,Ward"])  # dotless i, long s
def test_a_header_spelled_with_letters_that_match_ascii_ignoring_case_is_still_a_name_column(header: str) -> None:
    """NAME_COLUMN matches ignoring case, where U+0131 and U+017F match "i" and "s": the quick test that
    skips lines without a column word must accept them too, or these tables would lose their names."""
    text = f"{header}\nAna Silva,B2\nJoão Pham,C1"
    assert [text[a:b] for _, a, b in table_cells(text)] == ["Ana Silva", "João Pham"]


def test_lines_without_a_column_word_or_delimiter_are_no_header() -> None:
    text = "Ward;Bed\nAna Silva;B2\n\nname\nAna Silva\n\nfull name|ward\n---|---\nJoão Pham|C1"
    assert [text[a:b] for _, a, b in table_cells(text)] == ["João Pham"]
