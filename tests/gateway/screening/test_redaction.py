"""Redaction, pseudonymization and restoration, including split placeholders in streams."""

from __future__ import annotations

import json

import pytest

from detectors.base import Category, Finding
from gateway.policy.data_rules import Action, Decision
from gateway.screening.redaction import Pseudonyms, StreamRestorer, rewrite

TEXT = "Ask Jane Roe (jane@example.com) and Jane Roe's boss, Bob Stone."


def spans(text: str, *values: tuple[str, str]) -> list[Finding]:
    found = []
    for entity_type, value in values:
        start = text.index(value)
        found.append(Finding(entity_type, start, start + len(value), 0.9, "test", Category.PII))
    return found


def decide(findings: list[Finding], action: Action) -> list[Decision]:
    return [Decision(f, action) for f in findings]


def test_redact_uses_typed_placeholders():
    found = spans(TEXT, ("PERSON", "Jane Roe"), ("EMAIL_ADDRESS", "jane@example.com"))
    assert rewrite(TEXT, decide(found, Action.REDACT), Pseudonyms()) == (
        "Ask [PERSON] ([EMAIL_ADDRESS]) and Jane Roe's boss, Bob Stone."
    )


def test_pseudonyms_are_stable_and_round_trip():
    found = spans(TEXT, ("PERSON", "Jane Roe"), ("EMAIL_ADDRESS", "jane@example.com"), ("PERSON", "Bob Stone"))
    second = TEXT.rindex("Jane Roe")
    found.append(Finding("PERSON", second, second + 8, 0.9, "test", Category.PII))
    pseudonyms = Pseudonyms()
    sent = rewrite(TEXT, decide(found, Action.PSEUDONYMIZE), pseudonyms)
    assert sent == "Ask <PERSON_1> (<EMAIL_ADDRESS_1>) and <PERSON_1>'s boss, <PERSON_2>."
    assert pseudonyms.restore(sent) == TEXT


def test_allow_audit_block_leave_text_alone():
    found = spans(TEXT, ("PERSON", "Jane Roe"))
    for action in (Action.ALLOW, Action.AUDIT, Action.BLOCK):
        assert rewrite(TEXT, decide(found, action), Pseudonyms()) == TEXT


def test_placeholders_the_caller_wrote_are_never_reused_or_restored():
    text = "Template uses <PERSON_1> literally; the real name is Ann Lee."
    pseudonyms = Pseudonyms()
    pseudonyms.reserve_existing([text])
    sent = rewrite(text, decide(spans(text, ("PERSON", "Ann Lee")), Action.PSEUDONYMIZE), pseudonyms)
    assert sent.endswith("is <PERSON_2>.")
    assert pseudonyms.restore(sent) == text


def test_restore_inside_json_arguments_keeps_json_valid():
    pseudonyms = Pseudonyms()
    placeholder = pseudonyms.placeholder("PERSON", 'Jo "JJ" Bloggs')
    arguments = json.dumps({"name": placeholder})
    assert json.loads(pseudonyms.restore(arguments, json_escaped=True)) == {"name": 'Jo "JJ" Bloggs'}


@pytest.mark.parametrize(
    "chunks",
    [
        ["Hello <PERSON_1>, meet <PERSON_2>."],
        ["Hello <PER", "SON_1>, meet <", "PERSON_2", ">."],
        ["Hello <", "P", "E", "R", "S", "O", "N", "_", "1", ">", ", meet <PERSON_2>", "."],
        ["Hello <PERSON_1", ">, meet <PERSON_2>."],
        ["a < b and <notaplaceholder> and <PERSON_9> stay; ", "Hello <PERSON_1>, meet <PERSON_2>."],
    ],
)
def test_stream_restorer_handles_split_placeholders(chunks: list[str]):
    pseudonyms = Pseudonyms()
    pseudonyms.placeholder("PERSON", "Jane Roe")
    pseudonyms.placeholder("PERSON", "Bob Stone")
    restorer = StreamRestorer(pseudonyms)
    out = "".join(restorer.feed(c) for c in chunks) + restorer.flush()
    assert out == pseudonyms.restore("".join(chunks))
    assert out.endswith("Hello Jane Roe, meet Bob Stone.")


def test_stream_restorer_holds_back_only_a_possible_placeholder():
    pseudonyms = Pseudonyms()
    pseudonyms.placeholder("PERSON", "Jane Roe")
    restorer = StreamRestorer(pseudonyms)
    assert restorer.feed("plain text ") == "plain text "
    assert restorer.feed("then <PER") == "then "
    assert restorer.feed("haps not>") == "<PERhaps not>"
    assert restorer.feed("x <") == "x "
    assert restorer.flush() == "<"
