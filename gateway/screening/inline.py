"""Short scans that need no NER model run in the gateway's own process.

A scan in a worker process costs a round trip (pickling, two pipe writes, two process
wake-ups) however small the text: 0.1 ms on a quiet 2-CPU VM, a millisecond or more when
its host is busy (loadtests/RESULTS.md). The detectors take tens of microseconds to half a
millisecond on a short text, as long as spaCy's NER does not have to run; and NER only
runs on paragraphs holding a word that could be a name (``pii_ner.ner_windows``).
So a scan of at most ``max_chars`` characters runs here, on the event loop, when it asks
for no PERSON or LOCATION, or when its texts have no NER window: every short answer under
the default policy, and short prompts without names. Anything longer, or any text with a
possible name, goes to the pool. The findings are the same either way (the detectors
here are the workers' detectors without the spaCy model, which would see nothing).

Nothing can stop a scan on the event loop half-way, so what runs here is bounded by its
cost, not only its characters: every text costs ``TEXT_COST_CHARS`` on top of its length
(each detector's fixed cost per text, about 65 µs, is what 100 characters cost; a thousand
one-character texts took 95 ms here, on the loop). One text of ``max_chars`` is served, as
are fewer characters spread over more texts, up to ``max_chars // TEXT_COST_CHARS + 1``
texts: no more than about a millisecond of the loop under the defaults. The injection classifier
(detectors.injection_classifier) adds ``CLASSIFIER_TEXT_COST_CHARS`` per text when the policy runs it.

A short text without whitespace scanned alone in which the detectors find nothing (at most
``MEMO_MAX_CHARS``: the model name of every request) is remembered, the most recent
``MEMO_ENTRIES`` of them (whitespace leaves out the words a stream releases one by one, which
rarely repeat and would push the model names out; a text with a finding is never kept, so no
value the policy protects stays in memory, and it is scanned again each time). The detectors
are deterministic, so a repeat gets what a scan would find (nothing), for a dictionary look-up
instead of about 0.2 ms ("gpt-5.5" has digits, so every pattern recognizer runs on it). The
memo belongs to this scanner, so a policy with other detectors starts with an empty one.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import re
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from detectors.base import Detector, Finding
from detectors.injection_classifier import CLASSIFIER_ONLY
from detectors.pii.ner import NER_ENTITIES, ner_windows
from detectors.registry import DetectorsConfig, build_detectors, entity_categories
from detectors.views import TextViews, detect
from gateway.scan_chunks import TEXT_COST_CHARS

DEFAULT_MAX_CHARS = 1_000
# The injection classifier's fixed cost per text (~0.25 ms: n-gram hashing, table lookups, one matrix
# product, whatever the length), in characters of the budget: with it, three short texts at most.
CLASSIFIER_TEXT_COST_CHARS = 300
MEMO_MAX_CHARS = 64
MEMO_ENTRIES = 1024
_HAS_SPACE = re.compile(r"\s")
MemoKey = tuple[str, frozenset[str] | None]


@dataclass(frozen=True)
class InlineScanner:
    detectors: tuple[Detector, ...]
    types: frozenset[str]  # what the policy's detectors can report
    max_chars: int = DEFAULT_MAX_CHARS
    text_cost: int = TEXT_COST_CHARS  # what one more text costs, in characters
    _memo: OrderedDict[MemoKey, tuple[Finding, ...]] = field(default_factory=OrderedDict, compare=False, repr=False)

    @classmethod
    def from_config(cls, config: DetectorsConfig, max_chars: int = DEFAULT_MAX_CHARS) -> InlineScanner | None:
        """None when inline scanning is off (``max_chars`` 0)."""
        if max_chars <= 0 or not config.enabled:
            return None
        classifier = config.injection is not None and config.injection.classifier.enabled
        text_cost = TEXT_COST_CHARS + (CLASSIFIER_TEXT_COST_CHARS if classifier else 0)
        detectors = tuple(build_detectors(config, with_ner=False))
        release_freed_memory()
        return cls(detectors, frozenset(entity_categories(config)), max_chars, text_cost)

    @property
    def max_texts(self) -> int:
        return self.max_chars // self.text_cost + 1

    def serves(self, texts: Sequence[str], entities: frozenset[str] | None) -> bool:
        """True for short texts that want no NER type, or have no NER window to run it on."""
        # A pattern scan (seam windows, model names, media runs) does not run the classifier.
        classified = entities is None or bool(entities & CLASSIFIER_ONLY)
        text_cost = self.text_cost if classified else TEXT_COST_CHARS
        if len(texts) > self.max_chars // text_cost + 1:  # before the sum: a request can hold very many texts
            return False
        if sum(len(text) for text in texts) + text_cost * (len(texts) - 1) > self.max_chars:
            return False
        wanted = self.types if entities is None else self.types & entities
        return not wanted & NER_ENTITIES or not any(ner_windows(text) for text in texts)

    def scan(self, texts: Sequence[str], entities: frozenset[str] | None) -> Scanned:
        if len(texts) != 1 or len(texts[0]) > MEMO_MAX_CHARS or _HAS_SPACE.search(texts[0]):
            return scan_timed(self.detectors, texts, entities)
        key = (texts[0], entities)
        remembered = self._memo.get(key)
        if remembered is not None:
            self._memo.move_to_end(key)
            return [list(remembered)], {}
        scanned = scan_timed(self.detectors, texts, entities)
        if not scanned[0][0]:
            self._memo[key] = ()
            if len(self._memo) > MEMO_ENTRIES:
                self._memo.popitem(last=False)
        return scanned


Scanned = tuple[list[list[Finding]], dict[str, float]]  # findings per text; seconds per detector


def release_freed_memory() -> None:
    """Hand the memory that building detectors used and freed back to the system (glibc only).

    Loading the injection classifier parses 4 MB of JSON into objects that are freed once its
    arrays are built; glibc keeps those pages, about 24 MiB a process (issue 18, item 4), unless
    asked to trim. Nothing else runs while detectors are built, so this costs a few milliseconds once."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def scan_timed(detectors: Sequence[Detector], texts: Sequence[str], entities: frozenset[str] | None) -> Scanned:
    """Every detector on every text and its normalised and decoded views (detectors.views),
    and how long each detector took (for the metrics; building the views, a few
    microseconds for most texts, counts only in the scan's total)."""
    found: list[list[Finding]] = [[] for _ in texts]
    seconds: dict[str, float] = {}
    views = [TextViews.of(text) for text in texts]
    for detector in detectors:
        started = time.perf_counter()
        for n, text in enumerate(texts):
            found[n].extend(detect(detector, text, views[n], entities))
        seconds[detector.name] = seconds.get(detector.name, 0.0) + time.perf_counter() - started
    return found, seconds
