"""E-mail addresses on any top-level domain, and spelled out (issue 14, item 4)."""

from __future__ import annotations

import pytest
import regex

from detectors.pii.detector import PiiConfig, PiiDetector
from detectors.pii.email import OfflineEmailRecognizer, at_runs_only


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    # The pattern types only: no spaCy model (e-mails never need it), default threshold 0.5.
    return PiiDetector.from_config(PiiConfig(entities=["EMAIL_ADDRESS", "PHONE_NUMBER", "IP_ADDRESS", "US_SSN"]))


def emails(detector: PiiDetector, text: str) -> list[str]:
    found = [f for f in detector.detect(text) if f.entity_type == "EMAIL_ADDRESS"]
    assert all(f.score >= detector.config.score_threshold for f in found)
    return [text[f.start : f.end] for f in found]


@pytest.mark.parametrize(
    "value",
    [
        # Private and internal top-level domains.
        "alice@acme.corp",
        "bob@mail.internal",
        "carol@host.local",
        "dan@nas.lan",
        "erin@router.home",
        "frank@portal.intranet",
        "grace.hopper+ops@build.eu-west.corp",
        # Spelled out: brackets, spaced "@", bare words.
        "alice [at] acme [dot] com",
        "name [at] domain dot com",
        "alice(at)acme(dot)com",
        "alice {at} acme {dot} corp",
        "alice <at> acme.com",
        "alice [@] acme [.] com",
        "alice@acme[dot]com",
        "bob @ mail.internal",
        "carol @ host . local",
        "alice at acme dot com",
        "ALICE AT ACME DOT COM",
        "alice dot smith at acme dot co dot uk",
        "alice.smith [at] acme.co.uk",
    ],
)
def test_addresses_are_found_whole(detector: PiiDetector, value: str) -> None:
    assert emails(detector, f"Please write to {value} today.") == [value]
    assert emails(detector, value) == [value]


def test_spelled_address_at_the_end_of_a_sentence(detector: PiiDetector) -> None:
    text = "Write to a.b [at] acme.com. Then call."
    assert emails(detector, text) == ["a.b [at] acme.com"]
    assert emails(detector, "mail alice at acme dot com, or bob [at] acme [dot] io") == [
        "alice at acme dot com",
        "bob [at] acme [dot] io",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "look at this dot",
        "Point at red dot in the image",
        "reach us at acme dot com",  # a web address after a prose word, not a mailbox
        "look at google.com for the docs",
        "meet me at the dot com party",
        "y = x @ self.proj",  # matrix product in code
        "x @ W.T and pkg lodash@4.17.21 and HEAD@{1}",
        "alice at acme dot and more",
        "at noon dot the meeting starts",
        "a@b.c and x@y.1",
    ],
)
def test_prose_and_code_are_not_addresses(detector: PiiDetector, text: str) -> None:
    assert emails(detector, text) == []


def test_public_addresses_are_unchanged(detector: PiiDetector) -> None:
    text = "ana.silva@example.com, user=k.mensah@contoso.io and git@github.com:org/repo"
    assert emails(detector, text) == ["ana.silva@example.com", "k.mensah@contoso.io", "git@github.com"]
    assert {f.score for f in detector.detect(text)} == {1.0}


@pytest.mark.parametrize(
    "text",
    [
        'mail "ana@b.org", (bob.x@c.co.uk); <dan@e.io> [eve@f.de]',
        "a@b.c@d.org and x@@y.com, @start, end@",
        "user=ana@x.org path/bob@y.net a+b@c.io",
        "Zoë@exämple.org naïve@e\u0301x.com 東京@例え.jp",
        "x@y.org\tz@w.io\n\nq@r.st:\u00a0s@t.uk",
        "no address here at all",
    ],
)
def test_the_e_mail_regex_finds_the_same_matches_with_only_the_runs_around_at_signs_kept(text: str) -> None:
    pattern = OfflineEmailRecognizer().patterns[0]
    compiled = regex.compile(pattern.regex, regex.DOTALL | regex.MULTILINE | regex.IGNORECASE)  # Presidio's flags
    masked = at_runs_only(text)
    assert len(masked) == len(text)
    assert [m.span() for m in compiled.finditer(masked)] == [m.span() for m in compiled.finditer(text)]


def test_only_the_runs_around_at_signs_are_kept() -> None:
    masked = at_runs_only("Write to (ana@b.org) or bob@c.io, thanks")
    assert masked == " " * 10 + "ana@b.org" + " " * 5 + "bob@c.io" + " " * 8
