"""Run a detector on a text and on its views: normalised (detectors.normalize) and decoded
(detectors.decoding), with every finding in the original text's offsets.

The original text is always scanned, so a view can only add findings, never lose one
the plain scan makes. A finding a view repeats (same type, same original span) is
reported once; overlapping ones are settled later, as any others (resolve_overlaps).
"""

from __future__ import annotations

from dataclasses import dataclass

from detectors.base import Category, Detector, Finding, wanted
from detectors.decoding import Decoded, decoded_segments
from detectors.normalize import View, normalized_view
from detectors.pii_ner import NER_ENTITIES

# Encoded segments carry values, not prose: only these detectors read their decodings
# (an injection rule or a confidential marker in a decoded blob is the injection
# detector's own "encoded payload" business).
DECODED_CATEGORIES = frozenset({Category.SECRET, Category.PII})


@dataclass(frozen=True, slots=True)
class TextViews:
    normalized: View | None
    decoded: Decoded | None

    @classmethod
    def of(cls, text: str) -> TextViews:
        return cls(normalized_view(text), decoded_segments(text))


def detect(detector: Detector, text: str, views: TextViews, entities: frozenset[str] | None) -> list[Finding]:
    """``detector``'s findings in ``text`` and in its views, in ``text``'s offsets."""
    found = list(detector.detect(text, entities))
    if views.normalized is None and views.decoded is None:
        return found
    # Names and places are left to the scan of the text itself: spaCy's NER reads the
    # original as well as a view (NFKC and folding change no word it knows), and would
    # cost a second model run on every text with, say, an ellipsis or a no-break space.
    view_entities = wanted(detector.entity_types, entities) - NER_ENTITIES
    if not view_entities:
        return found
    extra: list[Finding] = []
    if views.normalized is not None:
        extra.extend(views.normalized.to_original(f) for f in detector.detect(views.normalized.text, view_entities))
    if views.decoded is not None and detector.category in DECODED_CATEGORIES:
        for f in detector.detect(views.decoded.text, view_entities):
            mapped = views.decoded.to_original(f)
            if mapped is not None:
                extra.append(mapped)
    if not extra:
        return found
    seen = {(f.entity_type, f.start, f.end) for f in found}
    for f in extra:
        key = (f.entity_type, f.start, f.end)
        if key not in seen:
            seen.add(key)
            found.append(f)
    return found
