"""A streamed answer goes out at the provider's pace (issue 18, item 2): a word behind, more only while a
candidate for a finding is open; and wherever a provider cuts a value, the caller gets what the whole
answer screened at once would give (redacted as the policy says, a block before any of the value).

Each detector type a rule acts on in answers: under the default policy secrets (block), cards, SSNs
(also spelled out), IBANs, street addresses and classification markers (redact); under a policy that
redacts people's data in answers too, e-mails, phones and UK NINOs. Each answer is cut into two chunks
at every offset, and into three at every pair of offsets around the value."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from gateway.errors import SensitiveDataBlocked
from gateway.policy.data_rules import Direction
from gateway.policy.policy import Policy, load_policy
from gateway.screening import stream as stream_module
from gateway.screening.answer_chain import AnswerChain
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms, rewrite
from gateway.screening.restore import RestoringStream
from gateway.screening.screen import Screening, decide_texts
from gateway.screening.stream import ScanningStream
from gateway.wire.endpoints import endpoint_named
from tests.gateway.screening.inline_pool import inline_pool

DEFAULT = Path(__file__).parents[3] / "policies" / "default.yaml"
PEOPLE = """\
policy: {id: t, version: "1"}
default_group: everyone
groups: {everyone: {approved_tools: [{provider: openai, models: ["*"]}]}}
detection: {secrets: {}, pii: {}}  # answers acted on for PERSON: NER's pace (MODEL_SCAN_INTERVAL_S)
data_rules:
  - {id: people-out, match: {entity_types: [EMAIL_ADDRESS]}, directions: [prompt], action: pseudonymize}
  - {id: people-back, match: {entity_types: [EMAIL_ADDRESS, PHONE_NUMBER, UK_NINO, PERSON]}, action: redact}
"""
CHAT = endpoint_named("chat.completions")

# (answer, the value in it); every answer here holds a finding when screened whole.
REDACTED = [
    ("Pay with card 4111 1111 1111 1111 today.", "4111 1111 1111 1111"),
    ("Pay with card 4111-1111-1111-1111 today.", "4111-1111-1111-1111"),
    ("Her SSN is 536-22-8726 on file.", "536-22-8726"),
    ("Her SSN is five three six two two eight seven two six on file.", "five three six two two eight seven two six"),
    ("Account GB82 WEST 1234 5698 7654 32 is closed.", "GB82 WEST 1234 5698 7654 32"),
    ("Mail it to 221B Baker Street, London NW1 6XE today.", "221B Baker Street, London NW1 6XE"),
    ("Ship to 12 rue de la Paix, 75002 Paris tomorrow.", "12 rue de la Paix, 75002 Paris"),
    ("Send it to 12 main street, springfield il 62704 today.", "12 main street"),  # lower-case words after a number
    ("This memo is INTERNAL ONLY and goes no further.", "INTERNAL ONLY"),
    # The street type after the name in lower case, the number last: the name is held until it shows.
    ("Ship to Váci utca 12, 1052 Budapest today.", "Váci utca 12, 1052 Budapest"),
    ("Write to Karl Johans gate 22, 0159 Oslo soon.", "Karl Johans gate 22, 0159 Oslo"),
    ("Send it to Brivibas iela 40, Riga please.", "Brivibas iela 40, Riga"),
    ("Write to Viale dei Mille 43, 00185 Roma today.", "Viale dei Mille 43"),  # an article inside the name
    # A flat's word after the number: "ap." was a plain word that went out between two redactions.
    ("Our office is at Rua Augusta, 5420, bloco B, ap. 71 - Jardins - Rio de Janeiro - RJ, 28952-738.", "Rua Augusta"),
]
# A record with no plain word for lines: cut as a window, wherever the text runs past 128 characters.
RECORD = (
    "Vendor record\nName: Orbis Bank\nContact: Paloma Dominguez\nPhone: +234 1 350 5519 x42\n"
    "Address: Spalenberg 75\n1208 Genève\nSwitzerland\nIBAN: AT24 6903 2481 3040 3668\nPayment terms: 30 days"
)
BLOCKED = [
    ("Use the key AKIAIOSFODNN7EXAMPLQ for the bucket.", "AKIAIOSFODNN7EXAMPLQ"),
    ("The token is ghp_1234567890abcdefghijABCDEFGHIJ123456 here.", "ghp_1234567890abcdefghijABCDEFGHIJ123456"),
    ("my password is hunter2xyz! and more", "hunter2xyz!"),
    ("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA12345\n-----END RSA PRIVATE KEY-----", "-----BEGIN"),
]
PEOPLE_REDACTED = [
    ("Write to ops.team@example.org about it.", "ops.team@example.org"),
    ("Call her on +1 415-555-0132 after lunch.", "+1 415-555-0132"),
    ("His NINO AB 12 34 56 C is on file.", "AB 12 34 56 C"),
    ("Dear Jane Roe, thanks for the note.", "Jane Roe"),  # names: by cues here (the test pool runs no NER)
    ("Please ask Mr. John Smith about it.", "John Smith"),
]


@pytest.fixture(scope="module")
def default_policy() -> Policy:
    return load_policy(DEFAULT)


@pytest.fixture(scope="module")
def people_policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    path = tmp_path_factory.mktemp("policy") / "policy.yaml"
    path.write_text(PEOPLE)
    return load_policy(path)


def delta(text: str) -> bytes:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}}]}
    return f"data: {json.dumps(chunk)}\n\n".encode()


def content(out: bytes) -> str:
    joined = []
    for block in out.decode().split("\n\n"):
        if block.startswith("data: {"):
            joined += [c["delta"].get("content") or "" for c in json.loads(block[6:])["choices"]]
    return "".join(joined)


class Streamed:
    """One answer through the scanning stage (and restoring, with pseudonyms), read by read."""

    def __init__(self, pool: DetectionPool, policy: Policy, pseudonyms: Pseudonyms | None = None) -> None:
        scan = ScanningStream(CHAT, pool, policy, Screening())
        self.chain = AnswerChain(CHAT, [scan, RestoringStream(CHAT, pseudonyms)] if pseudonyms else [scan])
        self.out = b""
        self.blocked = False

    async def feeding(self, piece: str) -> None:
        try:
            self.out += await self.chain.feed(delta(piece))
        except SensitiveDataBlocked:
            self.blocked = True

    async def finishing(self) -> None:
        if not self.blocked:
            try:
                self.out += await self.chain.finish()
            except SensitiveDataBlocked:
                self.blocked = True

    def feed(self, piece: str) -> str:
        """What the caller has by now."""
        asyncio.run(self.feeding(piece))
        return content(self.out)

    def finish(self) -> str:
        asyncio.run(self.finishing())
        return content(self.out)


def streamed(pool: DetectionPool, policy: Policy, pieces: list[str], pseudonyms: Pseudonyms | None = None) -> Streamed:
    stream = Streamed(pool, policy, pseudonyms)

    async def go() -> None:
        for piece in pieces:
            if piece and not stream.blocked:
                await stream.feeding(piece)
        await stream.finishing()

    asyncio.run(go())
    return stream


def whole(pool: DetectionPool, policy: Policy, answer: str) -> str:
    """The answer screened at once, as a whole (not streamed) answer is."""
    (decisions,) = asyncio.run(
        decide_texts(pool, policy, [answer], Direction.RESPONSE, Screening(), policy.answer_entities)
    )
    assert decisions, "the sample must hold a finding"
    return rewrite(answer, decisions, Pseudonyms())


def splits(answer: str, value: str) -> list[list[str]]:
    """The answer in two chunks at every offset, and in three at every pair of offsets around the value."""
    start, end = answer.index(value), answer.index(value) + len(value)
    two = [[answer[:i], answer[i:]] for i in range(1, len(answer))]
    around = range(max(1, start - 2), min(len(answer), end + 2))
    three = [[answer[:i], answer[i:j], answer[j:]] for i in around for j in around if i < j]
    return [*two, *three, list(answer)]  # and one character at a time


def check_redacted(pool: DetectionPool, policy: Policy, answer: str, value: str) -> None:
    expected = whole(pool, policy, answer)
    assert value not in expected
    for pieces in splits(answer, value):
        stream = streamed(pool, policy, pieces)
        assert not stream.blocked
        assert content(stream.out) == expected, pieces


@pytest.mark.parametrize(("answer", "value"), REDACTED, ids=[v for _, v in REDACTED])
def test_a_redacted_value_cut_anywhere_is_redacted_as_whole(default_policy: Policy, answer: str, value: str) -> None:
    check_redacted(inline_pool(default_policy), default_policy, answer, value)


@pytest.mark.parametrize(("answer", "value"), PEOPLE_REDACTED, ids=[v for _, v in PEOPLE_REDACTED])
def test_peoples_data_cut_anywhere_is_redacted_as_whole(
    people_policy: Policy, answer: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PERSON is an NER type: scans are paced in time; here every read is released as soon as it is safe.
    monkeypatch.setattr(stream_module, "MODEL_SCAN_INTERVAL_S", 0.0)
    check_redacted(inline_pool(people_policy), people_policy, answer, value)


@pytest.mark.parametrize(("answer", "value"), BLOCKED, ids=["aws", "github", "password", "pem"])
def test_a_blocked_secret_cut_anywhere_blocks_before_any_of_it_goes(
    default_policy: Policy, answer: str, value: str
) -> None:
    pool = inline_pool(default_policy)
    for pieces in splits(answer, value):
        stream = streamed(pool, default_policy, pieces)
        assert stream.blocked, pieces
        got = content(stream.out)
        assert answer.startswith(got), pieces
        assert len(got) <= answer.index(value), pieces  # none of the value went


def test_a_value_a_window_cut_goes_through_is_redacted_on_both_sides(default_policy: Policy) -> None:
    pool = inline_pool(default_policy)
    assert "Spalenberg" not in whole(pool, default_policy, RECORD)
    for pieces in splits(RECORD, "Spalenberg 75\n1208 Genève"):
        got = content(streamed(pool, default_policy, pieces).out)
        assert not {"Spalenberg", "1208", "Genève", "6903"} & set(re.findall(r"\w+", got)), pieces
        assert got.startswith("Vendor record\nName: Orbis Bank\n")
        assert got.endswith("\nPayment terms: 30 days")


def test_a_pseudonym_cut_anywhere_comes_back_with_redactions_kept(people_policy: Policy) -> None:
    pseudonyms = Pseudonyms()
    placeholder = pseudonyms.placeholder("EMAIL_ADDRESS", "jane.roe@example.com")
    answer = f"Write to {placeholder} (not ops@example.org) today."
    expected = "Write to jane.roe@example.com (not [EMAIL_ADDRESS]) today."
    pool = inline_pool(people_policy)
    for pieces in splits(answer, placeholder):
        assert content(streamed(pool, people_policy, pieces, pseudonyms).out) == expected, pieces


def test_plain_words_go_out_one_word_behind(default_policy: Policy) -> None:
    words = ["the", "quarterly", "report", "shows", "steady", "growth", "in", "all", "regions", "and", "the", "team"]
    stream = Streamed(inline_pool(default_policy), default_policy)
    sent = ""
    for word in words:
        got = stream.feed(" " + word)
        assert got == (sent + " " if sent else "")  # all but the word just come, which may go on
        sent += " " + word
    assert stream.finish() == sent


def test_a_capitalised_word_goes_out_once_a_plain_word_has_begun_after_it(default_policy: Policy) -> None:
    # As tokenizers send it: a word is known complete only when the next piece begins.
    stream = Streamed(inline_pool(default_policy), default_policy)
    assert stream.feed("Thanks") == ""
    assert stream.feed(" f") == ""  # "f" may be "four", which may spell a number out with what follows
    assert stream.feed("or") == "Thanks "  # no joiner begins "for": "Thanks" ends a run
    assert stream.feed(" the") == "Thanks for "
    assert stream.feed(" Vincent") == "Thanks for the "
    assert stream.feed(" v") == "Thanks for the "  # "v" may be "van": the name may go on
    assert stream.feed("an Gogh") == "Thanks for the "
    assert stream.feed(" in") == "Thanks for the "  # "in" may be "internal", a banner's word
    assert stream.feed("to") == "Thanks for the Vincent van Gogh "
    assert stream.feed(" 12") == "Thanks for the Vincent van Gogh into "
    assert stream.feed(" ma") == "Thanks for the Vincent van Gogh into "  # the two words after a digit wait
    assert stream.finish() == "Thanks for the Vincent van Gogh into 12 ma"


@pytest.mark.parametrize(
    ("opened", "held", "closing"),
    [
        (" call me at", " 555 0132", " please, after lunch and before"),  # digits: a phone, a card...
        (" write to", " jane.roe@exa", "mple.com when you can"),  # a token of value characters
        (" I met", " Vincent van", " Gogh in the gallery"),  # a capitalised run NER may join
        (" her number is", " five three six", " two now and then"),  # digits spelled out
    ],
)
def test_an_open_candidate_is_held_until_it_closes(
    default_policy: Policy, opened: str, held: str, closing: str
) -> None:
    stream = Streamed(inline_pool(default_policy), default_policy)
    stream.feed(opened)
    got = stream.feed(held)
    assert got == opened + " "
    assert held.strip()[:3] not in got
    for word in re.findall(r"\s*\S+", closing):
        got = stream.feed(word)
    assert got.startswith(opened + held)  # closed by the plain words after it: released
    assert stream.finish().endswith(closing)
