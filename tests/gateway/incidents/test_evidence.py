"""An incident's evidence: a redacted excerpt that hides every finding, and keyed hashes."""

from __future__ import annotations

from detectors.base import Category, Finding
from gateway.incidents.evidence import MAX_HASHES_PER_TYPE, Evidence, excerpt_window, gather, masked, redacted_excerpt
from gateway.policy.data_rules import Action, RuledDecision
from gateway.promptlog.crypto import LogKeyring

KEYRING = LogKeyring({"k1": b"\x01" * 32, "k2": b"\x02" * 32}, current="k2")


def finding(text: str, value: str, entity_type: str, category: Category = Category.PII, nth: int = 0) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(value, start + 1)
    return Finding(entity_type, start, start + len(value), 0.9, "pii", category)


def decided(f: Finding, action: Action = Action.REDACT) -> RuledDecision:
    return RuledDecision(finding=f, action=action)


def excerpt(evidence: Evidence) -> str:
    """The excerpt as the recorder's task makes it when the masking scan finds nothing more."""
    assert evidence.window is not None
    return masked(evidence.window, ())


def test_the_excerpt_replaces_every_finding_in_the_window_allowed_ones_too() -> None:
    text = "Call Maria Lopez on 212-555-0199 about SSN 536-22-8726 today"
    name = finding(text, "Maria Lopez", "PERSON")
    phone = finding(text, "212-555-0199", "PHONE_NUMBER")
    ssn = finding(text, "536-22-8726", "US_SSN")
    assert redacted_excerpt(text, [name, phone, ssn], ssn, 100) == (
        "Call <PERSON> on <PHONE_NUMBER> about SSN <US_SSN> today"
    )


def test_the_excerpt_is_clipped_to_its_context_and_never_cuts_a_finding_in_half() -> None:
    text = "x" * 50 + " 4111 1111 1111 1111 and 536-22-8726 " + "y" * 50
    card = finding(text, "4111 1111 1111 1111", "CREDIT_CARD")
    ssn = finding(text, "536-22-8726", "US_SSN")
    excerpt = redacted_excerpt(text, [card, ssn], ssn, 10)  # the window starts inside the card number
    assert excerpt == "…<CREDIT_CARD> and <US_SSN> yyyyyyyyy…"
    assert "1111" not in excerpt


def test_the_excerpt_is_one_line() -> None:
    text = "line one\n\tkey: AKIAQWERTYUIOPASDFGH\nline three"
    key = finding(text, "AKIAQWERTYUIOPASDFGH", "AWS_ACCESS_KEY_ID", Category.SECRET)
    assert redacted_excerpt(text, [key], key, 40) == "line one key: <AWS_ACCESS_KEY_ID> line three"


def test_hashes_are_keyed_per_type_deduplicated_and_only_for_the_chosen_decisions() -> None:
    text = "ssn 536-22-8726, again 536-22-8726, other 078-05-1120, mail a@b.org"
    ssns = [decided(finding(text, "536-22-8726", "US_SSN", nth=i)) for i in (0, 1)]
    other = decided(finding(text, "078-05-1120", "US_SSN"))
    mail = decided(finding(text, "a@b.org", "EMAIL_ADDRESS"), Action.ALLOW)
    evidence = gather([(text, [*ssns, other, mail])], [*ssns, other], KEYRING, 100)
    assert evidence.to_json() == {
        "scheme": "hmac-sha256",
        "key_id": "k2",
        "value_hashes": {"US_SSN": [KEYRING.keyed_hash("536-22-8726"), KEYRING.keyed_hash("078-05-1120")]},
    }
    assert KEYRING.keyed_hash("536-22-8726") == KEYRING.keyed_hash_under("k2", "536-22-8726")
    assert KEYRING.keyed_hash_under("k1", "536-22-8726") != KEYRING.keyed_hash("536-22-8726")
    assert excerpt(evidence) == "ssn <US_SSN>, again <US_SSN>, other <US_SSN>, mail <EMAIL_ADDRESS>"


def test_the_excerpt_comes_from_the_text_holding_the_first_chosen_finding() -> None:
    first, second = "nothing chosen here: a@b.org", "but here: 536-22-8726"
    mail = decided(finding(first, "a@b.org", "EMAIL_ADDRESS"), Action.ALLOW)
    ssn = decided(finding(second, "536-22-8726", "US_SSN"))
    evidence = gather([(first, [mail]), (second, [ssn])], [ssn], None, 60)
    assert excerpt(evidence) == "but here: <US_SSN>"
    assert evidence.to_json() == {}  # no keyring: no hashes


def test_hashes_per_type_are_capped_and_no_excerpt_when_the_policy_keeps_none() -> None:
    values = [f"{i:03d}-22-8726" for i in range(MAX_HASHES_PER_TYPE + 5)]
    text = " ".join(values)
    chosen = [decided(finding(text, v, "US_SSN")) for v in values]
    evidence = gather([(text, chosen)], chosen, KEYRING, 0)
    assert evidence.window is None
    assert len(evidence.value_hashes["US_SSN"]) == MAX_HASHES_PER_TYPE


def test_what_the_masking_scan_finds_in_the_window_is_masked_too() -> None:
    prefix = "lorem ipsum " * 50  # before the scan margin: not in the window at all
    text = prefix + "Dear Maria Lopez (maria.lopez@example.org), your SSN 536-22-8726 is on file. Bye."
    ssn = decided(finding(text, "536-22-8726", "US_SSN"))
    evidence = gather([(text, [ssn])], [ssn], None, 60)
    window = evidence.window
    assert window is not None
    assert prefix not in window.text  # the request path holds a window, not the whole text
    assert "Maria" not in repr(window)
    assert "Maria" not in repr(evidence)
    # What a scan with every detector reports, offsets into the window's text.
    scanned = [
        finding(window.text, "Maria Lopez", "PERSON"),
        finding(window.text, "maria.lopez@example.org", "EMAIL_ADDRESS"),
        finding(window.text, "536-22-8726", "US_SSN"),
    ]
    assert masked(window, scanned) == "…ipsum Dear <PERSON> (<EMAIL_ADDRESS>), your SSN <US_SSN> is on file. Bye."


def test_overlapping_findings_of_screening_and_the_scan_are_masked_as_one_and_never_cut() -> None:
    text = "x" * 40 + " key AKIAQWERTYUIOPASDFGH then 536-22-8726 and more text here"
    ssn = finding(text, "536-22-8726", "US_SSN")
    window = excerpt_window(text, [ssn], ssn, 12)  # the excerpt starts inside the key
    key_start = window.text.index("AKIA")
    # "key AKIA" and the key: overlapping, and the first straddles the excerpt's start only once
    # the second has widened it (in this order, one pass over the findings would cut "key AKIA").
    head = Finding("SECRET", key_start - 4, key_start + 4, 0.9, "secrets", Category.SECRET)
    inner = Finding("AWS_ACCESS_KEY_ID", key_start, key_start + 20, 0.9, "secrets", Category.SECRET)
    part = Finding("US_SSN", window.text.index("536") + 4, window.text.index("536") + 11, 0.6, "pii", Category.PII)
    out = masked(window, [head, inner, part])
    assert out == "…<SECRET> then <US_SSN> and more te…"
    for fragment in ("AKIA", "QWERTY", "8726", "22-"):
        assert fragment not in out


def test_the_scan_window_grows_to_whitespace_so_a_long_value_at_its_edge_is_scanned_whole() -> None:
    token = "t0k3n" * 30  # 150 characters without a space: longer than the scan margin
    text = f"start {token} ssn 536-22-8726 end"
    ssn = finding(text, "536-22-8726", "US_SSN")
    window = excerpt_window(text, [ssn], ssn, 10)
    assert token in window.text  # whole: a detector can recognise it, and mask it where the excerpt shows part
    found = [finding(window.text, token, "API_KEY", Category.SECRET)]
    assert masked(window, found) == "…<API_KEY> ssn <US_SSN> end"
