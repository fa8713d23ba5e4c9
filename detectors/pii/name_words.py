"""Which words can be part of a name or place: the vocabulary of NER's gate and span checks.

``name_word`` is what every NER finding must contain (``pii_ner_spans.clean_span``) and what makes
``pii_ner.ner_windows`` run NER on a paragraph at all: not starting lowercase, not a common word,
prompt verb, product, month or language of ``data/not_names.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

# A run of letters ("pro-Beijing" is "pro" and "Beijing"), or a dotted acronym ("U.S.").
WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+")
# Capitalised at the start of a sentence, a greeting or a sign-off: not a reason to run NER.
COMMON = frozenset(STOP_WORDS) | {
    "hi",
    "hello",
    "hey",
    "dear",
    "thanks",
    "thank",
    "regards",
    "best",
    "cheers",
    "sincerely",
    "please",
    "yes",
    "ok",
    "okay",
    "sure",
    "note",
    "subject",
    "re",
    "fwd",
    "fw",
    "can",
    "could",
    "would",
    "will",
    "should",
    "let",
}


PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each paragraph: text between blank lines, the blank lines left out."""
    bounds, start = [], 0
    for brk in PARAGRAPH_BREAK.finditer(text):
        bounds.append((start, brk.start()))
        start = brk.end()
    return [*bounds, (start, len(text))]


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs and words that open prompts and sentences ("Summarize ...", "Draft ...", "Great ..."); no given
# names or places among them (not "Bill", "Mark", "Chase", "Grant", "Will"), since a word listed here
# alone never starts NER and never makes a finding.
SENTENCE_WORDS = words(
    """
    summarize summarise write draft explain translate convert compare suggest generate give list describe
    refactor fix debug update create show find make tell provide calculate outline analyze analyse review
    check help rewrite format extract classify count sort merge split parse rotate run deploy install
    configure build test use send book reply join start log wire reconcile ship add remove delete rename
    great good nice happy thanks thank hope wow lol oh yeah okay ok sorry welcome congratulations congrats
    image posted latest looking according despite although however thus during tonight today tomorrow
    yesterday dear hi hello hey best regards cheers sincerely please pls new quick date name action
    """
)


# Words that are no name even when capitalised and cued ("Hi team", "Dear customer").
NOT_NAMES = COMMON | {
    "team",
    "all",
    "everyone",
    "there",
    "folks",
    "guys",
    "world",
    "support",
    "customer",
    "sir",
    "madam",
    "friend",
    "friends",
    "colleagues",
    "admin",
    "service",
    "number",
    "id",
    "name",
    "tel",
    "fax",
    "mob",
    "cell",
}


def vocabulary(resource: str) -> frozenset[str]:
    text = resources.files("detectors").joinpath(resource).read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return frozenset(word.lower() for line in lines for word in line.split())


# Products, months, languages, job titles...: capitalised, but no person or place (see the file).
NOT_NAME_WORDS = vocabulary("data/not_names.txt")
FIELD_LABELS = vocabulary("data/field_labels.txt")  # "Subject", "Attendees", "Payable": labels, not names
PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")  # "IBANs", "APIs"
# Acronyms of prompts about software and documents: all caps, but no person or place.
ACRONYMS = words(
    """
    api apis json yaml xml url uri sql http https html css csv tsv pdf id ui ux cli sdk aws gcp llm ai ml
    faq tl dr ok tcp udp ip dns ssh ssl tls jwt cpu gpu ram ssd os vm db etl ci cd qa pr hr ceo cto cfo
    """
)
GATE_COMMON = COMMON | NOT_NAME_WORDS | SENTENCE_WORDS
GATE_ACRONYMS = NOT_NAME_WORDS | SENTENCE_WORDS | ACRONYMS  # "US", "UK", "NYC" are places


def name_candidates(text: str) -> Iterator[tuple[int, int]]:
    """Words that can be (part of) a name or place: ``name_word``s."""
    for m in WORD.finditer(text):
        if name_word(m.group()):
            yield m.span()


def name_word(word: str) -> bool:
    """A word that does not start lowercase (capitalised, a short acronym, or a caseless script) and
    is not a common word, a listed non-name or a prompt's opening verb: what NER findings must have."""
    if len(word) < 2 or word[0].islower() or PLURAL_ACRONYM.fullmatch(word):
        return False  # an initial alone is no name
    if word.isupper():  # "US", "NYC", "U.S."; longer all-caps runs are headings, keys and shouting
        return len(word.replace(".", "")) <= 4 and word.lower() not in GATE_ACRONYMS
    return word.lower() not in GATE_COMMON


def has_name_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], widened to whole words, has a ``name_word``."""
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return any(name_word(m.group()) for m in WORD.finditer(text, start, end))
