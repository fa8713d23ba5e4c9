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

Which words can be names is ``pii_name_words``; the checks of spaCy's spans are
``pii_ner_spans``; cue- and layout-based names are in ``pii_cues``, ``pii_structure`` and
``pii_handles``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

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

from detectors.pii.german import german_paragraphs
from detectors.pii.name_words import (
    FIELD_LABELS,
    NOT_NAME_WORDS,
    NOT_NAMES,
    has_name_word,
    name_candidates,
    name_word,
    paragraphs,
)
from detectors.pii.names_places import common_person_names, place_names
from detectors.pii.ner_spans import NerSpan, clean_span, merge_name_parts

# Re-exported: the vocabulary and span checks lived here before they were split out.
__all__ = [
    "FIELD_LABELS",
    "NER_ENTITIES",
    "NOT_NAMES",
    "NOT_NAME_WORDS",
    "MatmulOps",
    "NerArtifacts",
    "NerRecognizer",
    "NerSpan",
    "WindowedNerEngine",
    "clean_span",
    "has_name_word",
    "merge_name_parts",
    "name_candidates",
    "name_word",
    "ner_windows",
]

# spaCy labels that are PII here; ORG, NORP, DATE, ... are not reported by this detector.
NER_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION"}
NER_ENTITIES = frozenset(NER_LABELS.values())
NER_SCORE = 0.85  # Presidio's default for spaCy entities (spaCy gives no per-entity confidence)
ID_KEY = Result.RECOGNIZER_IDENTIFIER_KEY

CONTEXT = 80  # characters of the paragraphs before and after a window


class NerArtifacts(NlpArtifacts):
    """Presidio's artifacts carry spaCy spans of one doc; ours carry offsets into the text."""

    def __init__(self, engine: NlpEngine, vocab: Vocab, spans: list[NerSpan]) -> None:
        empty = Doc(vocab, words=[])
        super().__init__(entities=[], tokens=empty, tokens_indices=[], lemmas=[], nlp_engine=engine, language="en")
        self.ner_spans = spans


def ner_windows(text: str) -> list[tuple[int, int]]:
    """Where NER runs: each paragraph that has a ``name_word`` (adjacent ones as one window).

    A paragraph without one costs no NER, and that loses nothing NER would find in it:
    ``clean_span`` drops every NER finding without a ``name_word``. What it may change is the
    context of the next paragraph's first words; loadtests/diff_shortcuts.py compares these
    windows with NER over every whole text on the evaluation corpora. The earlier windows (a
    few characters around capitalised words that did not start a sentence) lost names there:
    248 findings in 4,000 real texts, from spaCy's lost context and sentence-initial names."""
    windows: list[tuple[int, int]] = []
    for start, end in paragraphs(text):
        if any(True for _ in name_candidates(text[start:end])):
            lo, hi = _widened(text, start, end)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
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

    def artifacts(self, text: str, wanted: Iterable[str], known: list[NerSpan] | None = None) -> NerArtifacts:
        """The PERSON and LOCATION spans of ``text`` that are ``wanted``; ``known``: the text's spans
        of every kind, found already by ``spans`` (NER is not run again)."""
        assert self.nlp is not None, "load() first"
        wanted = frozenset(wanted) & NER_ENTITIES
        spans: list[NerSpan] = []
        if wanted:
            found = self.spans([text])[text] if known is None else known
            spans = [span for span in found if span.entity_type in wanted]
        return NerArtifacts(self, self.nlp.vocab, spans)

    def spans(self, texts: Iterable[str]) -> dict[str, list[NerSpan]]:
        """Each distinct text's PERSON and LOCATION spans, its windows of every text in one ``nlp.pipe``:
        spaCy runs its layers over the windows of several texts together, for about 35% less CPU
        per text at 4-16 texts of 500 characters than one by one (the detection pool's batches)."""
        assert self.nlp is not None, "load() first"
        distinct = list(dict.fromkeys(texts))
        windows = [
            (text, lo, hi) for text in distinct for lo, hi in (ner_windows(text) if self.windowed else [(0, len(text))])
        ]
        found: dict[str, list[NerSpan]] = {text: [] for text in distinct}
        docs = self.nlp.pipe(text[lo:hi] for text, lo, hi in windows)
        for (text, lo, _), doc in zip(windows, docs, strict=True):
            for ent in doc.ents:
                kind = NER_LABELS.get(ent.label_)
                if kind is not None:
                    found[text].append(NerSpan(lo + ent.start_char, lo + ent.end_char, kind))
        return found

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
        raw_spans = merge_name_parts(text, getattr(nlp_artifacts, "ner_spans", []))
        german = german_paragraphs(text) if raw_spans else ()  # once per text, not per span
        for raw in raw_spans:
            span = clean_span(text, raw, german)
            if span is not None and span.entity_type in entities:
                explanation = AnalysisExplanation("SpacyNerRecognizer", NER_SCORE, textual_explanation="spaCy NER")
                metadata = {ID_KEY: self.id}
                results.append(Result(span.entity_type, span.start, span.end, NER_SCORE, explanation, metadata))
        return results
