"""Run a detector on a text and on its views: normalised (detectors.normalize), decoded
(detectors.decoding), unescaped (detectors.escapes), digits spelled as words and
value-like tokens reversed (detectors.spelled), keys in other shapes (detectors.keyshapes,
for the secrets detector only), with every finding in the original text's offsets.

The original text is always scanned, so a view can only add findings, never lose one
the plain scan makes. A finding a view repeats (same type, same original span) is
reported once; overlapping ones are settled later, as any others (resolve_overlaps).
"""

from __future__ import annotations

from dataclasses import dataclass

from detectors.base import Category, Detector, Finding, wanted
from detectors.decoding import Decoded, decoded_segments
from detectors.escapes import unescaped_view
from detectors.keyshapes import key_view
from detectors.normalize import View, normalized_view
from detectors.pii.ner import NER_ENTITIES
from detectors.spelled import reversed_segments, spelled_digits

# Encoded, spelled and reversed values are values, not prose: only these detectors read
# those views (an injection rule or a confidential marker in a decoded blob is the
# injection detector's own "encoded payload" business).
DECODED_CATEGORIES = frozenset({Category.SECRET, Category.PII})
# Read backwards, the digits of an SSN, a phone or an invoice number often make another
# phone number, and one in ten digit strings passes a card's Luhn check: on the PII
# corpus, the card numbers given as invalid ("Is 4542506344103064 a valid card?") read
# as valid cards backwards. In reversed tokens only the SSN (a 4-2-3 grouping or nine
# digits with context) and the e-mail are looked for, and every secret (whose prefixes
# never arise backwards); a card written backwards is not found.
REVERSED_PII = frozenset({"US_SSN", "EMAIL_ADDRESS"})


@dataclass(frozen=True, slots=True)
class TextViews:
    normalized: View | None
    decoded: Decoded | None
    spelled: View | None = None  # digits as words, read after normalisation
    reversed: Decoded | None = None
    unescaped: View | None = None  # JSON, HTML and Markdown escapes resolved, then normalised
    keys: View | None = None  # key-shaped tokens in their plain form, after normalisation
    decoded_normalized: View | None = None  # a view of decoded.text (536/22/8741 in base64)
    # Views of decoded.text too: escapes (a \\u-escaped card or an HTML-entity key in
    # base64) and key shapes (a ROT13 or grouped key in base64, secrets only).
    decoded_unescaped: View | None = None
    decoded_keys: View | None = None

    @classmethod
    def of(cls, text: str) -> TextViews:
        normalized = normalized_view(text)
        spelled = _after(normalized, spelled_digits(normalized.text if normalized is not None else text))
        keys = _after(normalized, key_view(normalized.text if normalized is not None else text))
        unescaped = unescaped_view(text)
        if unescaped is not None:
            unescaped = _after(unescaped, normalized_view(unescaped.text)) or unescaped
        decoded = decoded_segments(text)
        decoded_normalized = normalized_view(decoded.text) if decoded is not None else None
        decoded_unescaped = decoded_keys = None
        if decoded is not None:
            decoded_unescaped = unescaped_view(decoded.text)
            if decoded_unescaped is not None:
                after = _after(decoded_unescaped, normalized_view(decoded_unescaped.text))
                decoded_unescaped = after or decoded_unescaped
            plain = decoded_normalized.text if decoded_normalized is not None else decoded.text
            decoded_keys = _after(decoded_normalized, key_view(plain))
        reversed_ = reversed_segments(text, decoded)
        return cls(
            normalized,
            decoded,
            spelled,
            reversed_,
            unescaped,
            keys,
            decoded_normalized,
            decoded_unescaped,
            decoded_keys,
        )

    @property
    def empty(self) -> bool:
        return all(
            v is None for v in (self.normalized, self.decoded, self.spelled, self.reversed, self.unescaped, self.keys)
        )


def _after(outer: View | None, inner: View | None) -> View | None:
    """``inner``, a view of ``outer``'s text (or of the text itself when ``outer`` is
    None), in the original text's offsets."""
    if inner is None or outer is None:
        return inner
    return outer.then(inner)


def detect(detector: Detector, text: str, views: TextViews, entities: frozenset[str] | None) -> list[Finding]:
    """``detector``'s findings in ``text`` and in its views, in ``text``'s offsets."""
    found = list(detector.detect(text, entities))
    if views.empty:
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
    if detector.category in DECODED_CATEGORIES:
        for view in (views.spelled, views.unescaped):
            if view is not None:
                extra.extend(view.to_original(f) for f in detector.detect(view.text, view_entities))
        if views.keys is not None and detector.category is Category.SECRET:
            extra.extend(views.keys.to_original(f) for f in detector.detect(views.keys.text, view_entities))
        if views.decoded is not None:
            in_decoded = detector.detect(views.decoded.text, view_entities)
            keys = views.decoded_keys if detector.category is Category.SECRET else None
            for view in (views.decoded_normalized, views.decoded_unescaped, keys):
                if view is not None:
                    in_decoded += [view.to_original(f) for f in detector.detect(view.text, view_entities)]
            for f in in_decoded:
                mapped = views.decoded.to_original(f)
                if mapped is not None:
                    extra.append(mapped)
        if views.reversed is not None:
            extra.extend(_reversed(detector, views.reversed, view_entities, found))
    if not extra:
        return found
    seen = {(f.entity_type, f.start, f.end) for f in found}
    for f in extra:
        key = (f.entity_type, f.start, f.end)
        if key not in seen:
            seen.add(key)
            found.append(f)
    return found


def _reversed(detector: Detector, reversed_: Decoded, entities: frozenset[str], found: list[Finding]) -> list[Finding]:
    """Findings in the reversed tokens, but none on a token where the detector already
    found something read forwards: a card read backwards that happens to pass Luhn would
    only relabel a value already found."""
    if detector.category is Category.PII:
        entities = entities & REVERSED_PII
    if not entities:
        return []
    out: list[Finding] = []
    for f in detector.detect(reversed_.text, entities):
        mapped = reversed_.to_original(f)
        if mapped is not None and not any(g.start < mapped.end and mapped.start < g.end for g in found):
            out.append(mapped)
    return out
