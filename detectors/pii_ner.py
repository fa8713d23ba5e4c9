"""spaCy NER for Presidio, made cheap, and cue-based names where spaCy's small model misses them.

Presidio's ``SpacyNlpEngine`` runs the whole pipeline (tok2vec, tagger, parser,
attribute_ruler, lemmatizer, ner) on every text: the lemmas feed its context enhancer,
the rest is unused. In the ``en_core_web_*`` packages NER has its own tok2vec, so
``WindowedNerEngine`` loads the package with every other component excluded (half the
time per token), and runs NER only on short windows around name candidates: capitalised,
uncommon words whose capital is not explained by starting a sentence, and that are not
products, months or languages (``data/not_names.txt``). Text without any (code, logs,
lowercase chat, most prompts about software) costs no NER at all. NER is still ~65 us per
token on a 2-CPU VM, so the window is small (PAD characters either side): measured on the
corpus, PAD 8 finds 97% of the names PAD 40 finds, at 60% of the time on name-dense text.

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

# spaCy labels that are PII here; ORG, NORP, DATE, ... are not reported by this detector.
NER_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}
NER_ENTITIES = frozenset(NER_LABELS.values())
NER_SCORE = 0.85  # Presidio's default for spaCy entities (spaCy gives no per-entity confidence)
# Window: PAD characters either side of a name candidate (snapped to whitespace), windows closer than GAP
# merged, and the whole text as one doc when windows would cover WHOLE_TEXT of it anyway.
PAD, GAP, WHOLE_TEXT = 8, 16, 0.75
ID_KEY = Result.RECOGNIZER_IDENTIFIER_KEY

# A word starting with anything but a lowercase ASCII letter (uppercase, or any non-ASCII letter).
CAP_WORD = re.compile(r"(?<![\w'’-])[^\W\d_a-z][^\W\d_]*(?:['’-][^\W\d_]+)*")
# Capitalised at the start of a sentence, a greeting or a sign-off: not a reason to run NER.
COMMON = frozenset(STOP_WORDS) | {
    "hi", "hello", "hey", "dear", "thanks", "thank", "regards", "best", "cheers", "sincerely", "please", "yes",
    "ok", "okay", "sure", "note", "subject", "re", "fwd", "fw", "can", "could", "would", "will", "should", "let",
}  # fmt: skip
SENTENCE_START = ".!?:;\n\"'(>*#/-"


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
# What people do in a sentence: "Adaeze asked ...", "Funmilayo will cover ...", "Freja's laptop".
PERSON_VERB_AFTER = re.compile(
    r"(?:'s|’s|[ \t]+(?:asked|said|says|says|told|wrote|mentioned|confirmed|reported|called|emailed|sent|replied"
    r"|will|would|can|could|should|is|was|has|had|wants|wanted|needs|needed|thinks|thought|noted|agreed|approved"
    r"|joined|left|owns|leads|managed|manages|signed|requested|raised|shared|suggested|explained|promised))\b"
)
TITLE = re.compile(r"(?:(?:mr|mrs|ms|mx|dr|prof|sir|dame)\.?\s+)+", re.IGNORECASE)
# A sentence that opens with a verb of address ("Email Maria Gonzalez ...") makes
# spaCy's small model take the verb for a first name.
ADDRESS_VERB = re.compile(
    r"(?:e-?mail|call|phone|text|ask|tell|ping|message|dm|cc|contact|invite|remind|thank|notify|meet)\s+(?=[A-Z])",
    re.IGNORECASE,
)
NOT_A_NAME = re.compile(r"[\d@/\\_=<>{}\[\]#|:;]")


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
    """Capitalised, uncommon words whose capital is not explained by their position: a word
    that starts a sentence or a line ("Summarize", "Phone:") counts only when the next word
    is capitalised too (a full name: "Sophie Petrov said", "Sarah Jenkins owns"). Listed
    non-names ("React", "Monday") are never candidates themselves."""
    words = [m for m in CAP_WORD.finditer(text) if _capitalised(m.group())]
    for i, m in enumerate(words):
        if m.group().lower() in NOT_NAME_WORDS:
            continue
        j = m.start() - 1
        while j >= 0 and text[j] in " \t":
            j -= 1
        mid_sentence = j >= 0 and text[j] not in SENTENCE_START
        if (
            mid_sentence
            or (i + 1 < len(words) and text[m.end() : words[i + 1].start()] == " ")
            or PERSON_VERB_AFTER.match(text, m.end())
        ):
            yield m.span()


def _capitalised(word: str) -> bool:
    return (
        word[0].isupper() and not word.isupper() and not PLURAL_ACRONYM.fullmatch(word) and word.lower() not in COMMON
    )


def ner_windows(text: str) -> list[tuple[int, int]]:
    """Merged character windows around the name candidates of ``text``."""
    windows: list[tuple[int, int]] = []
    for start, end in name_candidates(text):
        lo, hi = _snap_left(text, start - PAD), _snap_right(text, end + PAD)
        if windows and lo <= windows[-1][1] + GAP:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    if sum(hi - lo for lo, hi in windows) >= WHOLE_TEXT * len(text):
        return [(0, len(text))]  # one doc is cheaper than many that cover it all
    return windows


def _snap_left(text: str, pos: int) -> int:
    """Move a window start back to a whitespace (within GAP), so no word is cut."""
    if pos <= 0:
        return 0
    space = max(text.rfind(" ", pos - GAP, pos), text.rfind("\n", pos - GAP, pos))
    return space + 1 if space >= 0 else pos


def _snap_right(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    found = [i for i in (text.find(" ", pos, pos + GAP), text.find("\n", pos, pos + GAP)) if i >= 0]
    return min(found) if found else pos


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
            windows = ner_windows(text)
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
DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|our|your|their|its|this|that|these|those)\s+$", re.IGNORECASE)
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
    if "\n" in text[start:end]:
        end = text.index("\n", start, end)  # names do not run over lines ("Success\nDecision")
    value = text[start:end].rstrip()
    end = start + len(value)
    if not value.strip() or NOT_A_NAME.search(value) or not any(ch.isupper() for ch in value):
        return None
    first = value.split()[0].lower()
    if first in NOT_NAME_WORDS or (" " not in value and first in NOT_NAMES):
        return None  # "macOS Sonoma", a table header "Name"
    if PRODUCT_NOUN_AFTER.match(text, end) or (" " not in value and value.isupper() and len(value) <= 4):
        return None  # a product, or an acronym (DOB, MRN, US, NI)
    if " " not in value and value.lower() in NOT_NAME_WORDS:
        return None  # "React", "Kafka", "Monday": spaCy's small model calls products people and places
    if kind == "LOCATION" and PERSON_VERB_AFTER.match(text, end):
        return NerSpan(start, end, "PERSON")  # places do not ask, say or own laptops: "Zeynep asked"
    if kind == "PERSON":
        if ENDS_IN_STREET.search(value):
            return NerSpan(start, end, "LOCATION")
        if ORG_SUFFIX.search(value) or DETERMINER_BEFORE.search(text, max(0, start - 8), start):
            return None
        if " " not in value and NUMBER_AFTER.match(text, end):
            return None  # a brand or product before a number: "Mastercard 5500 ...", "Kafka 3.7.1"
        if (
            " " not in value
            and LABEL_AFTER.match(text, end)
            and not text[text.rfind("\n", 0, start) + 1 : start].strip()
        ):
            return None  # a field label at the start of a line: "Email: ...", "Bill to: ..."
    return NerSpan(start, end, kind)


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
        """Nothing to load: the engine owns the spaCy pipeline."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Result]:
        results = []
        for raw in merge_name_parts(text, getattr(nlp_artifacts, "ner_spans", [])):
            span = clean_span(text, raw)
            if span is not None and span.entity_type in entities:
                explanation = AnalysisExplanation("SpacyNerRecognizer", NER_SCORE, textual_explanation="spaCy NER")
                metadata = {ID_KEY: self.id}
                results.append(Result(span.entity_type, span.start, span.end, NER_SCORE, explanation, metadata))
        return results
