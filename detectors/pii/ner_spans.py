"""spaCy's PERSON and LOCATION spans, checked: titles and possessives trimmed, products, labels,
acronyms, companies and streets dropped or relabelled, cities told from people.

spaCy's small English model tags products, field labels, acronyms and streets as PERSON/GPE and
many cities as PERSON; ``clean_span`` corrects what the text around a span gives away.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from detectors.pii.german import german_noun, german_paragraph, holds_in_german
from detectors.pii.name_words import NOT_NAME_WORDS, NOT_NAMES, has_name_word
from detectors.pii.names_places import census_names, common_person_names, place_names

# What people do in a sentence: "Adaeze asked ...", "Funmilayo will cover ...", "Freja's laptop".
PERSON_VERB_AFTER = re.compile(
    r"(?:'s|’s|[ \t]+(?:asked|said|says|says|told|wrote|mentioned|confirmed|reported|called|emailed|sent|replied"
    r"|will|would|can|could|should|is|was|has|had|wants|wanted|needs|needed|thinks|thought|noted|agreed|approved"
    r"|joined|left|owns|leads|managed|manages|signed|requested|raised|shared|suggested|explained|promised))\b"
)
# Verbs only people do: a "place" before one is a person ("Zeynep asked"). Not "is", "has" or "'s":
# "Tulsa has an arid climate", "Poland's third city".
SPEECH_VERB_AFTER = re.compile(
    r"[ \t]+(?:asked|said|says|told|wrote|mentioned|emailed|replied|thinks|thought|promised|explained|suggested"
    r"|agreed|signed|requested)\b"
)
TRAILING = " \t,;:'’\"-–"  # "Carrie Fisher '" of tokenised text, "Dwayne ," of a list
INITIAL_OR_SUFFIX = re.compile(r"(?:\b[A-Z]|\b(?:Jr|Sr|St))\.$")
LEADING_COMMON = re.compile(r"(?:will|can|may|did|does|do|so|but|and|or|if|as)\s+(?=[A-Z])", re.IGNORECASE)
# One word with a capital inside after lowercase letters: a hashtag or brand ("ZodiacFacts", "WiFi"),
# unless the inside capital follows a surname prefix ("McDonald", "MacArthur", "DeShawn", "LeBron").
CAMEL_CASE = re.compile(r"(?!(?:Mc|Mac|De|Le|La|Di|Du|Van|Von|Da|Fitz)[A-Z])[A-Z]?[a-z]+[A-Z]\w*")
TITLE_BEFORE = re.compile(r"\b(?:mr|mrs|ms|mx|dr|prof|sir|dame)\.?\s+$", re.IGNORECASE)
# Greetings of other languages that spaCy's English model reads as part of a name.
GREETING = re.compile(
    r"(?:hallo|hi|hey|hello|dear|liebe|lieber|bonjour|salut|hola|estimad[oa]|querid[oa]|ciao|buongiorno|car[oa]"
    r"|gentile|olá|oi|prezad[oa]|beste|geachte|hej|hei|moin|servus|grüß gott)[ \t]*,?[ \t]+",
    re.IGNORECASE,
)
# Offices held by people: "President Bush", "Senator Kennedy".
ROLE_BEFORE = re.compile(
    r"\b(?:president|senator|governor|minister|judge|justice|king|queen|prince|princess|pope|general|coach"
    r"|professor|director|chancellor|mayor|secretary|ambassador|chairman|chief|captain|officer|detective)\s+$",
    re.IGNORECASE,
)
# What is said of places: "in Mérida", "flights from Sharjah", "cities like Kraków", "Tulsa, Oklahoma".
PLACE_BEFORE = re.compile(
    r"\b(?:in|at|from|to|into|near|around|across|outside|inside|via|through|towards?|like|visit|visiting|visited"
    r"|between|of|north|south|east|west|downtown|central)\s+$",
    re.IGNORECASE,
)
PLACE_AFTER = re.compile(
    r"(?:(?-i:,[ \t]*[A-Z])"  # ", Texas": case-sensitive (", please" is no place)
    r"|\s+(?:is|was|has|had)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:city|town|village|capital|port|state|country"
    r"|region|province|island|place|destination|municipality)|\s+(?:city|town|airport|province|region|county|state"
    r"|area|harbou?r|port|station|streets?|district|metro)\b)",
    re.IGNORECASE,
)
LEADING_THE = re.compile(r"the\s+", re.IGNORECASE)
TITLE = re.compile(
    r"(?:(?:mr|mrs|ms|mx|dr|prof|sir|dame|herr|herrn|frau|monsieur|madame|mme|mlle|señor|señora|sra|signor"
    r"|signora|dhr|mevr)\.?\s+)+",
    re.IGNORECASE,
)
# A sentence that opens with a verb of address ("Email Maria Gonzalez ...") makes
# spaCy's small model take the verb for a first name.
ADDRESS_VERB = re.compile(
    r"(?:e-?mail|call|phone|text|ask|tell|ping|message|dm|cc|contact|invite|remind|thank|notify|meet)\s+(?=[A-Z])",
    re.IGNORECASE,
)
NOT_A_NAME = re.compile(r"[\d@/\\_=<>{}\[\]#|:;]")
# A Lotus Notes address of a person, "Becky Stephens@ENRON": the name and its organisation.
NOTES_ADDRESS = re.compile(r"[^\W\d_]+(?:[ .'-][^\W\d_]+)+@[A-Z][A-Z0-9]+")


class NerSpan(NamedTuple):
    start: int
    end: int
    entity_type: str


STREET = (
    r"(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|way|close|boulevard|blvd|court|ct|place|pl|terrace|crescent)"
)
ENDS_IN_STREET = re.compile(rf"\s{STREET}\.?$", re.IGNORECASE)
ORG_SUFFIX = re.compile(
    r"\s(?:inc|ltd|llc|plc|gmbh|ag|corp|co|group|holdings|bank|labs?|systems|solutions|technologies|logistics|imports"
    r"|retail|health|partners|university|hospital|clinic|foundation)\.?$",
    re.IGNORECASE,
)
NUMBER_AFTER = re.compile(r" ?[v#]?\d")
LABEL_AFTER = re.compile(r"(?:[ \t]+[a-z]+){0,2}:")
LOWERCASE_WORD_AFTER = re.compile(r"[ \t]+[a-z]")
# Names are not preceded by a determiner ("the Jenkins upgrade", "our Kafka cluster").
DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|our|your|their|its|this|these|those)\s+$", re.IGNORECASE)
# Software and infrastructure nouns: "Grafana cluster", "React migration" are products, not people or places.
PRODUCT_NOUN_AFTER = re.compile(
    r"\s+(?:cluster|migration|upgrade|workshop|deployment|server|instance|pipeline|dashboard|database|db|validator"
    r"|api|sdk|plugin|release|version|job|container|pod|node|service|library|framework|config|logs?"
    # project code names: "the Falcon rollout", "Project Atlas codebase"
    r"|project|rollout|launch|initiative|program|programme|workstream|codebase|repo|repository|module"
    r"|feature|integration|app|stack|engine|sprint"
    # tools, plans and ideas named after people: "the Harvey licence", "the Kelly criterion"
    r"|licen[cs]e|subscription|seats?|pilot|trial|plan|extension|workflows?|chatbot|bot|assistant|agent|model"
    r"|criterion|principle|theory|method|law|animation|widget|contract|build|integration)\b",
    # not "branch", "platform": "the Leeds branch"
    re.IGNORECASE,
)


def clean_span(text: str, span: NerSpan, german: tuple[tuple[int, int], ...] | None = None) -> NerSpan | None:
    """Trim titles and possessives off names; drop or relabel spans that are no name or place
    (spaCy's small model tags products, field labels, acronyms and streets as PERSON/GPE)."""
    start, end, kind = span
    if kind == "PERSON":
        if (verb := ADDRESS_VERB.match(text, start, end)) and verb.end() < end:
            start = verb.end()
        if title := TITLE.match(text, start, end):
            start = title.end()
        if (greeting := GREETING.match(text, start, end)) and greeting.end() < end:
            start = greeting.end()  # "Hallo Dennis", "Bonjour Camille": spaCy takes the greeting in
        if text.endswith(("'s", "’s"), start, end):
            end -= 2
    if (the := LEADING_THE.match(text, start, end)) and the.end() < end:
        start = the.end()  # "the United States": the name is "United States"
    if "\n" in text[start:end]:
        end = text.index("\n", start, end)  # names do not run over lines ("Success\nDecision")
    value = text[start:end].rstrip(TRAILING)
    if value.endswith(".") and not INITIAL_OR_SUFFIX.search(value):
        value = value[:-1]
    end = start + len(value)
    if (common := LEADING_COMMON.match(value)) and value.count(" ") >= 2:
        start, value = start + common.end(), value[common.end() :]  # "Will António Guterres": a headline's verb
    if not value.strip() or (NOT_A_NAME.search(value) and not NOTES_ADDRESS.fullmatch(value)):
        return None
    if not has_name_word(text, start, end):
        return None  # also what makes ner_windows' gate lossless (lowercase names are left out)
    first = value.split()[0].lower()
    if first in NOT_NAME_WORDS or (" " not in value and first in NOT_NAMES):
        return None  # "macOS Sonoma", a table header "Name"
    if PRODUCT_NOUN_AFTER.match(text, end):
        return None  # a product
    if " " not in value and value.lower() in NOT_NAME_WORDS:
        return None  # "React", "Kafka", "Monday": spaCy's small model calls products people and places
    if german_paragraph(text, start, end, german) and not holds_in_german(text, start, end, kind):
        return None  # a German common noun: "Rechnung", "Wartung der Heizungsanlage" (pii_german)
    if " " not in value and german_noun(value):
        return None  # "Hallo Dennis, anbei die Unterlagen": too short to tell German, the ending tells
    if kind == "LOCATION" and SPEECH_VERB_AFTER.match(text, end):
        return NerSpan(start, end, "PERSON")  # places do not ask, say or own laptops: "Zeynep asked"
    if kind == "PERSON":
        return _person_span(text, start, end, value)
    return NerSpan(start, end, kind)


def _person_span(text: str, start: int, end: int, value: str) -> NerSpan | None:
    """spaCy's PERSON, checked against what its small model gets wrong: acronyms, hashtags, streets,
    companies, products and field labels; a city's name is a place where the text says so."""
    one_word = " " not in value
    if one_word and ((value.isupper() and len(value) <= 4) or CAMEL_CASE.fullmatch(value)):
        return None  # an acronym (DOB, MRN, NI), a hashtag or brand
    if ENDS_IN_STREET.search(value):
        return NerSpan(start, end, "LOCATION")
    place = value in place_names()
    if place and _place_here(text, start, end, value):
        return NerSpan(start, end, "LOCATION")  # "Mérida is a city of contrasts": spaCy's small model says PERSON
    if ORG_SUFFIX.search(value) or (one_word and _no_person_here(text, start, end, value)):
        # "the Hyderabad branch", "Lisbon: +351 ...": no person, but a city is still a place
        return NerSpan(start, end, "LOCATION") if place else None
    return NerSpan(start, end, "PERSON")


def _no_person_here(text: str, start: int, end: int, value: str) -> bool:
    """A one-word "name" after a determiner ("the React rewrite"; not a common name: "the Bush
    administration"), before a number ("Mastercard 5500 ...", "Kafka 3.7.1") or as a field label
    opening a line ("Email: ..."; not "Susan:" alone)."""
    after_determiner = DETERMINER_BEFORE.search(text, max(0, start - 8), start)
    if after_determiner and not PERSON_VERB_AFTER.match(text, end):
        # "in the Louvre.", "the Hajj", "the Kelly criterion", "our Devin subscription"; kept: "the Bush
        # administration" (a common surname), "the Warhol exhibit" (no given name), "The Tsar employed"
        given = value in census_names()["given"]
        if given or (value not in common_person_names() and not LOWERCASE_WORD_AFTER.match(text, end)):
            return True
    if NUMBER_AFTER.match(text, end):
        return True
    label = LABEL_AFTER.match(text, end)
    line_end = text.find("\n", end)
    rest = text[label.end() : line_end if line_end >= 0 else len(text)] if label else ""
    return bool(label and rest.strip() and not text[text.rfind("\n", 0, start) + 1 : start].strip())


def _place_here(text: str, start: int, end: int, value: str) -> bool:
    """Whether a city's name that spaCy called PERSON is the city. Never after a title or office or
    before a verb of speech ("Dr. Austin", "President Bush", "Jordan said"). A common US name
    ("Kennedy", "Norman") is the city only where the text says place ("in Jordan", "Austin is a
    city"); any other city's name ("Łódź was ...", "Mérida has ...") always is. Relabelling every
    such name moved 31 right PERSON findings of the tuning corpora to LOCATION."""
    before = text[max(0, start - 24) : start]
    if TITLE_BEFORE.search(before) or ROLE_BEFORE.search(before) or SPEECH_VERB_AFTER.match(text, end):
        return False
    if value not in common_person_names():
        return True
    return bool(PLACE_BEFORE.search(before) or PLACE_AFTER.match(text, end))


def merge_name_parts(text: str, spans: list[NerSpan]) -> list[NerSpan]:
    """ "Nasrin Ofori" tagged GPE + PERSON by spaCy's small model (unfamiliar first names often
    read as places): a place directly followed by a person is one person."""
    merged: list[NerSpan] = []
    for span in sorted(spans):
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.entity_type == "LOCATION"
            and span.entity_type == "PERSON"
            and text[last.end : span.start] == " "
        ):
            merged[-1] = NerSpan(last.start, span.end, "PERSON")
        else:
            merged.append(span)
    return merged
