"""Social handles spelled as names: "@DavidCunliffeMP", "@jenniferlopez", "@katy_weaver".

A handle that spells a person's name identifies that person as well as the name does (the
Broad Twitter Corpus of tests/data/ner marks 1,530 such mentions PERSON; spaCy finds almost
none). A handle is read as a name when its first part (split at capitals, digits, dots, hyphens
and underscores: "@maria.lopez") is a common given name and another part follows ("@WendyWings", "@Luke5SOS"),
when a surname is followed by a given name ("@SmithJohn"), or when an all-lowercase handle is
a given name and a surname run together ("@jenniferlopez"); names are those of the US Census
(``pii_names_places.census_names``). Decorators, annotations and package scopes are not
mentions: nothing directly after a word character, nothing followed by "(", "." + letter or "/".
"""

from __future__ import annotations

import re

from presidio_analyzer import AnalysisExplanation, LocalRecognizer
from presidio_analyzer import RecognizerResult as Result
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.pii.name_words import words
from detectors.pii.names_places import all_surnames, census_names

ID_KEY = Result.RECOGNIZER_IDENTIFIER_KEY
HANDLE_SCORE = 0.7  # below NER's 0.85: a handle spelled like a name may still be a brand's
# Twitter/GitHub style ("@katy_weaver") and Slack/Teams style with dots or hyphens ("@maria.lopez").
HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*)(?![\w(/@-]|[.-]\w)")
PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
MIN_PART = 3  # "Ed", "Al", "Jo" run into too many words
MIN_HANDLE = 4
# Parts that make a handle a team's, a bot's, a brand's or a code variable's ("@GrantId", "@max-bot").
NOT_A_PERSON_PART = words(
    """
    bot ci ops team it eng sre support help app hq official outlet us uk and id ids rows row amount date code
    count deleted name size total type status key value flag list
    """
)
# T-SQL and other code variables: "DECLARE @MaxDate DATE", "SET @BillAmount = 0", "WHERE id = @GrantId)".
SQL_BEFORE = re.compile(r"\b(?:declare|set|select|where|values|exec|execute)\s+$|[=(<>]\s*$", re.IGNORECASE)
SQL_AFTER = re.compile(
    r"\s*(?:[=)<>]|\s(?:int|bigint|varchar|nvarchar|char|bit|date|datetime2?|money|decimal|numeric|float|table)\b)",
    re.IGNORECASE,
)
# Decorators read like handles ("@max_retries.setter"): one alone on its line is code, as is one
# with an attribute that decorators use.
DECORATOR_LINE = re.compile(r"[ \t]*(?:\(|$)", re.MULTILINE)
DECORATOR_PARTS = frozenset({"setter", "getter", "deleter", "register", "fixture", "route", "command", "task", "cache"})


def handle_is_a_name(handle: str) -> bool:
    """Whether a handle (without "@") spells a person's name (see the module docstring)."""
    if len(handle) < MIN_HANDLE:
        return False
    names = census_names()
    given, surnames = names["given"], all_surnames()
    parts = [p.capitalize() for p in PARTS.findall(handle)]
    if any(part.lower() in NOT_A_PERSON_PART for part in parts[1:]):
        return False  # "@travis-ci", "@ray-team", "@MaxRows", "@BenAndJerrys"
    if (
        len(parts) >= 2
        and len(parts[0]) >= MIN_PART
        and (parts[0] in given or (parts[0] in surnames and parts[1] in given))
    ):
        return True
    low = handle.lower()
    if not low.isalpha() or low != handle:
        return False
    return any(
        low[:i].capitalize() in given and low[i:].capitalize() in surnames
        for i in range(MIN_PART, len(low) - MIN_PART + 1)
    )


class HandleRecognizer(LocalRecognizer):
    """PERSON for @-mentions that spell a person's name."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON"], name="HandleRecognizer")

    def load(self) -> None:
        census_names()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Result]:
        if "@" not in text:
            return []
        explanation = AnalysisExplanation(
            "HandleRecognizer", HANDLE_SCORE, textual_explanation="handle spelled as a name"
        )
        return [
            Result("PERSON", m.start(), m.end(), HANDLE_SCORE, explanation, {ID_KEY: self.id})
            for m in HANDLE.finditer(text)
            if handle_is_a_name(m.group(1)) and not _decorator(text, m) and not _code_variable(text, m)
        ]


def _decorator(text: str, mention: re.Match[str]) -> bool:
    """A handle-shaped decorator: alone on its line, or with a decorator's attribute."""
    line_start = text.rfind("\n", 0, mention.start()) + 1
    alone = not text[line_start : mention.start()].strip() and DECORATOR_LINE.match(text, mention.end())
    parts = re.split(r"[._-]", mention.group(1).lower())
    return bool(alone) or any(part in DECORATOR_PARTS for part in parts[1:])


def _code_variable(text: str, mention: re.Match[str]) -> bool:
    """A SQL variable or parameter: after DECLARE/SET/an operator, or before a type, "=" or ")"."""
    before = text[max(0, mention.start() - 12) : mention.start()]
    return bool(SQL_BEFORE.search(before) or SQL_AFTER.match(text, mention.end()))
