"""Short scans that need no NER model run in the gateway's own process.

A scan in a worker process costs a round trip (pickling, two pipe writes, two context
switches: about 0.3 ms on the 2-CPU machine of loadtests/RESULTS.md) however small the
text. The detectors that need no model (secrets, confidential terms and markers,
injection rules, the PII types found by validated patterns) take tens of microseconds on
a short text, less than that hop; so a scan of at most ``max_chars`` characters that asks
only for such types runs here, on the event loop. Under the default policy that is every
short answer (answers are scanned for secrets, IDs and markers, not names). Anything
longer, or anything that wants PERSON or LOCATION, goes to the pool: the loop is never
held for more than a fraction of a millisecond.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detectors.base import Detector, Finding
from detectors.registry import DetectorsConfig, build_detectors, entity_categories, model_free

DEFAULT_MAX_CHARS = 1_000


@dataclass(frozen=True)
class InlineScanner:
    detectors: tuple[Detector, ...]
    types: frozenset[str]  # what these detectors can report
    all_types: frozenset[str]  # what the policy's detectors can report, pool included
    max_chars: int = DEFAULT_MAX_CHARS

    @classmethod
    def from_config(cls, config: DetectorsConfig, max_chars: int = DEFAULT_MAX_CHARS) -> InlineScanner | None:
        """None when inline scanning is off (``max_chars`` 0) or nothing can run without a model."""
        light = model_free(config)
        if max_chars <= 0 or not light.enabled:
            return None
        types = frozenset(entity_categories(light))
        return cls(tuple(build_detectors(light)), types, frozenset(entity_categories(config)), max_chars)

    def serves(self, texts: Sequence[str], entities: frozenset[str] | None) -> bool:
        """True when the texts are short and every wanted type is one these detectors report."""
        wanted = self.all_types if entities is None else self.all_types & entities
        return wanted <= self.types and sum(len(text) for text in texts) <= self.max_chars

    def scan(self, texts: Sequence[str], entities: frozenset[str] | None) -> list[list[Finding]]:
        return [[f for d in self.detectors for f in d.detect(text, entities)] for text in texts]
