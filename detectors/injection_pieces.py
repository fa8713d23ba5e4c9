"""Window-sized pieces of training documents, as the classifier scores long texts at inference.

The stretch around a planted instruction is an indirect attack, the stretches of a document that hold
none are benign. Without them the model learns only whole documents, where a planted sentence is one
among many and a document's ordinary imperatives were never shown to it as benign.
"""

from __future__ import annotations

from dataclasses import dataclass

from detectors.injection_model import BENIGN

DOCUMENT = "benign_document"


@dataclass(frozen=True)
class Piece:
    text: str
    target: str  # the class it trains: an attack family or BENIGN
    family: str


def pieces_of(text: str, family: str, planted: str, size: int) -> list[Piece]:
    """A benign document's pieces, or an attack's piece around ``planted`` and its document's others."""
    if family == DOCUMENT:
        return [Piece(text[lo:hi], BENIGN, DOCUMENT) for lo, hi in _cuts(text, size)] if len(text) > size else []
    start = text.find(planted) if planted else -1
    if start < 0:
        return []
    end = start + len(planted)
    pad = max(0, (size - len(planted)) // 2)
    lo, hi = _snap(text, start - pad), _snap(text, end + pad)
    rest = [Piece(text[a:b], BENIGN, DOCUMENT) for a, b in _cuts(text, size) if b <= start or a >= end]
    return [Piece(text[lo:hi], family, family), *rest]


def _cuts(text: str, size: int) -> list[tuple[int, int]]:
    """``text`` in consecutive pieces of about ``size`` characters, cut at whitespace."""
    cuts, lo = [], 0
    while lo < len(text):
        hi = _snap(text, lo + size)
        if text[lo:hi].strip():
            cuts.append((lo, hi))
        lo = hi if hi > lo else len(text)
    return cuts


def _snap(text: str, at: int) -> int:
    """``at`` moved forward to the next whitespace (or the text's end), within the text."""
    if at <= 0:
        return 0
    space = text.find(" ", at)
    return len(text) if at >= len(text) or space < 0 else space
