"""Values split across the parts of a request: an SSN across two messages, a key across the
system prompt and the user turn, an Anthropic ``system`` given as a list.

Each part is scanned on its own, so a value cut in two is found in neither. Scanning the
whole body again as one text would double the cost; instead, a small window around each
place where one part ends and the next begins (the two parts joined with nothing between
them, as a value cut by its sender would be) is scanned as well.
A finding that crosses a seam is split into the piece each part holds, so each piece is
redacted where it is. Names and places (NER) are not taken from the windows: a window cut
from two sentences is where a model guesses wrong, and names are not what is cut in two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

from detectors.base import Category, Finding
from detectors.injection_classifier import CLASSIFIER_ONLY
from detectors.pii.ner import NER_ENTITIES

REACH = 64  # characters each side of a seam: longer than any value the detectors find in pieces


@dataclass(frozen=True)
class Window:
    text: str
    start: int  # where it begins in the joined parts


def seam_windows(parts: Sequence[str]) -> list[Window]:
    """Two kinds of window: one per seam, from the end of one part to the start of the next
    and no further (a third part glued on would end a value without a word boundary: "8726" +
    "hi"); and, where parts are short, one across a run of seams (a value cut in three)."""
    if len(parts) < 2:
        return []
    joined = "".join(parts)
    ends = list(accumulate(len(part) for part in parts))
    pairs: list[tuple[int, int]] = []
    runs: list[tuple[int, int]] = []
    for n, seam in enumerate(ends[:-1]):
        pairs.append((max(seam - REACH, ends[n - 1] if n else 0), min(seam + REACH, ends[n + 1])))
        low, high = max(0, seam - REACH), min(len(joined), seam + REACH)
        if runs and low <= runs[-1][1]:
            runs[-1] = (runs[-1][0], high)
        else:
            runs.append((low, high))
    spans = dict.fromkeys([*pairs, *(run for run in runs if run not in pairs)])
    return [Window(joined[low:high], low) for low, high in spans]


def pattern_entities(known: frozenset[str], entities: frozenset[str] | None) -> frozenset[str]:
    """What the seam windows (and model names, and text runs inside media) are scanned for: the
    scan's types without NER's and without the injection classifier's own (so the windows run on the
    cheap inline path; both models read prose, not fragments of it or bytes of an image). ``known``: every
    type the policy's detectors report (``Policy.known_types``)."""
    wanted = known if entities is None else entities
    return wanted - NER_ENTITIES - CLASSIFIER_ONLY


def split_findings(
    parts: Sequence[str],
    windows: Sequence[Window],
    found: Sequence[list[Finding]],
    own: Sequence[list[Finding]] | None = None,
) -> list[list[Finding]]:
    """Per part, the pieces of the window findings that cross a seam (none for the others).

    ``own``: each part's findings from its own scan. An injection finding is about a stretch of
    text as a whole (a classifier scores the window it is given), so one whose parts already
    include a part with an injection finding of its own is that part's: split, it would put an
    injection in the neighbouring parts (a user's question, a tool call) that they do not hold,
    under their sources. An instruction only found across the seam is still split."""
    starts = [0, *accumulate(len(part) for part in parts)]
    pieces: list[list[Finding]] = [[] for _ in parts]
    injected = {n for n, mine in enumerate(own or ()) if any(f.category is Category.INJECTION for f in mine)}
    for window, findings in zip(windows, found, strict=True):
        for finding in findings:
            if finding.entity_type in NER_ENTITIES:
                continue
            low, high = window.start + finding.start, window.start + finding.end
            touched = [n for n in range(len(parts)) if starts[n] < high and low < starts[n + 1]]
            if len(touched) < 2:  # inside one part: that part's own scan has it
                continue
            if finding.category is Category.INJECTION and injected.intersection(touched):
                continue
            for n in touched:
                begin, end = max(low, starts[n]) - starts[n], min(high, starts[n + 1]) - starts[n]
                pieces[n].append(replace(finding, start=begin, end=end))
    return pieces


__all__ = ["Window", "pattern_entities", "seam_windows", "split_findings"]
