"""spaCy NER for Presidio, made cheap, and cue-based names where spaCy's small model misses them.

Presidio's ``SpacyNlpEngine`` runs the whole pipeline (tok2vec, tagger, parser,
attribute_ruler, lemmatizer, ner) on every text: the lemmas feed its context enhancer,
the rest is unused. In the ``en_core_web_*`` packages NER has its own tok2vec, so
``WindowedNerEngine`` loads the package with every other component excluded (half the
time per token). It runs NER over the whole text, and only when the text has a word that
can be part of a name or place (``name_word``: not starting lowercase, not a common word,
prompt verb, product, month or language of ``data/not_names.txt``). Text without one (code,
logs, lowercase chat, most prompts about software) costs no NER at all, and loses nothing:
``clean_span`` drops every NER finding without such a word (issue 15: shortcuts must be
lossless; loadtests/diff_shortcuts.py checks it on the evaluation corpora).

Cue- and layout-based names are in ``pii_cues`` and ``pii_structure``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
import spacy
from presidio_analyzer import AnalysisExplanation, LocalRecognizer
from presidio_analyzer import RecognizerResult as Result
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.api import NumpyOps

from detectors.pii_names_places import common_person_names, place_names

# spaCy labels that are PII here; ORG, NORP, DATE, ... are not reported by this detector.
NER_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}
NER_ENTITIES = frozenset(NER_LABELS.values())
NER_SCORE = 0.85  # Presidio's default for spaCy entities (spaCy gives no per-entity confidence)
ID_KEY = Result.RECOGNIZER_IDENTIFIER_KEY

# A run of letters ("pro-Beijing" is "pro" and "Beijing"), or a dotted acronym ("U.S.").
CONTEXT = 80  # characters of the paragraphs before and after a window
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+")
# Capitalised at the start of a sentence, a greeting or a sign-off: not a reason to run NER.
COMMON = frozenset(STOP_WORDS) | {
    "hi", "hello", "hey", "dear", "thanks", "thank", "regards", "best", "cheers", "sincerely", "please", "yes",
    "ok", "okay", "sure", "note", "subject", "re", "fwd", "fw", "can", "could", "would", "will", "should", "let",
}  # fmt: skip


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
    "team", "all", "everyone", "there", "folks", "guys", "world", "support", "customer", "sir", "madam", "friend",
    "friends", "colleagues", "admin", "service", "number", "id", "name",
}  # fmt: skip


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
    r"(?:,\s*[A-Z]|\s+(?:is|was|has|had)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:city|town|village|capital|port|state|country"
    r"|region|province|island|place|destination|municipality)|\s+(?:city|town|airport|province|region|county|state"
    r"|area|harbou?r|port|station|streets?|district|metro)\b)",
    re.IGNORECASE,
)
LEADING_THE = re.compile(r"the\s+", re.IGNORECASE)
TITLE = re.compile(r"(?:(?:mr|mrs|ms|mx|dr|prof|sir|dame)\.?\s+)+", re.IGNORECASE)
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


class NerArtifacts(NlpArtifacts):
    """Presidio's artifacts carry spaCy spans of one doc; ours carry offsets into the text."""

    def __init__(self, engine: NlpEngine, vocab: Vocab, spans: list[NerSpan]) -> None:
        empty = Doc(vocab, words=[])
        super().__init__(entities=[], tokens=empty, tokens_indices=[], lemmas=[], nlp_engine=engine, language="en")
        self.ner_spans = spans


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


def ner_windows(text: str) -> list[tuple[int, int]]:
    """Where NER runs: each paragraph that has a ``name_word`` (adjacent ones as one window).

    A paragraph without one costs no NER, and that loses nothing NER would find in it:
    ``clean_span`` drops every NER finding without a ``name_word``. What it may change is the
    context of the next paragraph's first words; loadtests/diff_shortcuts.py compares these
    windows with NER over every whole text on the evaluation corpora. The earlier windows (a
    few characters around capitalised words that did not start a sentence) lost names there:
    248 findings in 4,000 real texts, from spaCy's lost context and sentence-initial names."""
    windows: list[tuple[int, int]] = []
    start = 0
    for brk in [*PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        if any(True for _ in name_candidates(text[start:end])):
            lo, hi = _widened(text, start, end)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        start = brk.end() if brk else end
    return windows


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """A paragraph with CONTEXT characters of its neighbours (cut at whitespace): spaCy reads a
    sign-off ("Nirosha, Customer Care") as a name only after the letter before it."""
    lo = max(0, start - CONTEXT)
    if lo > 0:
        lo = next((i + 1 for i in range(lo, start) if text[i].isspace()), start)
    hi = min(len(text), end + CONTEXT)
    if hi < len(text):
        hi = next((i for i in range(hi, end, -1) if text[i].isspace()), end)
    return lo, hi


def has_name_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], widened to whole words, has a ``name_word``."""
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    while end < len(text) and text[end].isalpha():
        end += 1
    return any(name_word(m.group()) for m in WORD.finditer(text, start, end))


class MatmulOps(NumpyOps):  # type: ignore[misc]  # thinc's classes are Any to mypy
    """thinc's CPU ops with matrix products done by numpy (OpenBLAS) instead of blis.

    For NER's small matrices (tens of tokens x 288) OpenBLAS is about 1.8x faster than
    blis on the AMD EPYC CPUs of loadtests/RESULTS.md: 25-35% off NER time, same spans."""

    name = "numpy-matmul"

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        a, b = (x.T if trans1 else x), (y.T if trans2 else y)
        return np.matmul(a, b) if out is None else np.matmul(a, b, out=out)


class WindowedNerEngine(NlpEngine):
    """An NLP engine that loads only spaCy's NER component and runs it on windows."""

    EXCLUDE = ("tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer")

    def __init__(self, model: str) -> None:
        self.model = model
        self.nlp: Language | None = None
        # False: NER over every whole text, no gate and no windows (the reference that
        # loadtests/diff_shortcuts.py compares the shortcut with).
        self.windowed = True

    def load(self) -> None:
        # Loaded by package name: spacy.load never downloads; Presidio's engine would try to.
        nlp = spacy.load(self.model, exclude=list(self.EXCLUDE))
        if nlp.pipe_names != ["ner"]:
            raise ValueError(f"{self.model}: expected a pipeline reduced to ['ner'], got {nlp.pipe_names}")
        ops = MatmulOps()
        for node in nlp.get_pipe("ner").model.walk():  # type: ignore[attr-defined]
            node.ops = ops
        self.nlp = nlp

    def is_loaded(self) -> bool:
        return self.nlp is not None

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return self.artifacts(text, NER_ENTITIES)

    def artifacts(self, text: str, wanted: Iterable[str]) -> NerArtifacts:
        assert self.nlp is not None, "load() first"
        wanted = frozenset(wanted) & NER_ENTITIES
        spans: list[NerSpan] = []
        if wanted:
            windows = ner_windows(text) if self.windowed else [(0, len(text))]
            for (lo, _), doc in zip(windows, self.nlp.pipe(text[lo:hi] for lo, hi in windows), strict=True):
                for ent in doc.ents:
                    kind = NER_LABELS.get(ent.label_)
                    if kind in wanted:
                        spans.append(NerSpan(lo + ent.start_char, lo + ent.end_char, kind))
        return NerArtifacts(self, self.nlp.vocab, spans)

    def process_batch(
        self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1, **kwargs: Any
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield str(text), self.process_text(str(text), language)

    def is_stopword(self, word: str, language: str) -> bool:
        return word.lower() in STOP_WORDS

    def is_punct(self, word: str, language: str) -> bool:
        return bool(word) and not any(ch.isalnum() for ch in word)

    def get_supported_entities(self) -> list[str]:
        return sorted(NER_ENTITIES)

    def get_supported_languages(self) -> list[str]:
        return ["en"]


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
# Names are not preceded by a determiner ("the Jenkins upgrade", "our Kafka cluster").
DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|our|your|their|its|this|these|those)\s+$", re.IGNORECASE)
# Software and infrastructure nouns: "Grafana cluster", "React migration" are products, not people or places.
PRODUCT_NOUN_AFTER = re.compile(
    r"^\s+(?:cluster|migration|upgrade|workshop|deployment|server|instance|pipeline|dashboard|database|db|validator"
    r"|api|sdk|plugin|release|version|job|container|pod|node|service|library|framework|config|logs?)\b",
    re.IGNORECASE,
)


def clean_span(text: str, span: NerSpan) -> NerSpan | None:
    """Trim titles and possessives off names; drop or relabel spans that are no name or place
    (spaCy's small model tags products, field labels, acronyms and streets as PERSON/GPE)."""
    start, end, kind = span
    if kind == "PERSON":
        if (verb := ADDRESS_VERB.match(text, start, end)) and verb.end() < end:
            start = verb.end()
        if title := TITLE.match(text, start, end):
            start = title.end()
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
    if (after_determiner and value not in common_person_names()) or NUMBER_AFTER.match(text, end):
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


class NerRecognizer(LocalRecognizer):
    """PERSON and LOCATION from ``NerArtifacts`` (the engine ran spaCy already)."""

    def __init__(self) -> None:
        super().__init__(supported_entities=sorted(NER_ENTITIES), name="SpacyNerRecognizer")

    def load(self) -> None:
        """The place and person names, now rather than on the first request (about a second); the
        engine owns spaCy."""
        place_names()
        common_person_names()

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Result]:
        results = []
        for raw in merge_name_parts(text, getattr(nlp_artifacts, "ner_spans", [])):
            span = clean_span(text, raw)
            if span is not None and span.entity_type in entities:
                explanation = AnalysisExplanation("SpacyNerRecognizer", NER_SCORE, textual_explanation="spaCy NER")
                metadata = {ID_KEY: self.id}
                results.append(Result(span.entity_type, span.start, span.end, NER_SCORE, explanation, metadata))
        return results
