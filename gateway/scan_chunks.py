"""Long scans cut into jobs of bounded work, and their findings put back together.

One scan of a 2 MiB prompt outlasts any sensible time limit (NER on name-dense prose runs at
about 40,000 characters a second on the machine of loadtests/RESULTS.md), and holds a worker
all that while. So a text longer than ``chunk_chars`` is cut into pieces of that length, each
overlapping the next by ``overlap`` characters, and pieces and short texts are packed into jobs
of about ``chunk_chars`` worth of work, each with its own time limit. A text costs
``TEXT_COST_CHARS`` more than its length: every detector has a fixed cost per text (about
65 µs, what 100 characters cost), which a thousand one-character texts would otherwise hide.

Findings come back in piece offsets and are mapped to the text's. Each piece *owns* the
positions from the middle of its overlap with the previous piece to the middle of its overlap
with the next, and a finding is kept from the piece that owns its start. A finding no longer
than ``overlap / 2 - CONTEXT_CHARS`` whose start a piece owns lies in that piece with at least
``CONTEXT_CHARS`` of text on either side, more than any detector looks around a value (the
farthest is the injection rules' 160-character keyword reach), so it is found as in the whole
text. What a cut makes up (a token cut short can look like a shorter token) lies within that
distance of the cut, where the piece owns nothing. Longer values (a PEM private key, an encoded
blob) can cross a cut with no piece holding all of them: a long finding that touches a cut is
kept whoever owns it, and joined with the overlapping finding of the same type from the next
piece, so such a value is flagged at least in every part a piece held.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from detectors.base import Finding

DEFAULT_CHUNK_CHARS = 16_384
OVERLAP_CHARS = 2_048
CONTEXT_CHARS = 256
TEXT_COST_CHARS = 100


@dataclass(frozen=True, slots=True)
class Piece:
    """``texts[text][start:end]``; it owns finding starts in ``[own_start, own_end)``."""

    text: int
    start: int
    end: int
    own_start: int
    own_end: int
    cut_before: bool  # the text goes on before ``start``
    cut_after: bool  # ... and after ``end``


Job = list[Piece]


def plan(texts: Sequence[str], chunk_chars: int = DEFAULT_CHUNK_CHARS, overlap: int = OVERLAP_CHARS) -> list[Job]:
    """The jobs that scan ``texts``: every text whole or in overlapping pieces, in order."""
    if chunk_chars <= overlap:
        raise ValueError("chunk_chars must be larger than the overlap")
    budget = chunk_chars + TEXT_COST_CHARS
    jobs: list[Job] = []
    job: Job = []
    cost = 0
    for n, text in enumerate(texts):
        for piece in _pieces(n, len(text), chunk_chars, overlap):
            piece_cost = piece.end - piece.start + TEXT_COST_CHARS
            if job and cost + piece_cost > budget:
                jobs.append(job)
                job, cost = [], 0
            job.append(piece)
            cost += piece_cost
    if job or not jobs:
        jobs.append(job)
    return jobs


def _pieces(n: int, length: int, chunk_chars: int, overlap: int) -> list[Piece]:
    if length <= chunk_chars:
        return [Piece(n, 0, length, 0, length, False, False)]
    step = chunk_chars - overlap
    # The last piece starts where it reaches the end: every piece is a full chunk, and the
    # last one overlaps its neighbour by at least ``overlap``.
    starts = [*range(0, length - chunk_chars, step), length - chunk_chars]
    pieces: list[Piece] = []
    for i, start in enumerate(starts):
        end = start + chunk_chars
        own_start = 0 if i == 0 else pieces[-1].own_end
        # The middle of the overlap with the next piece: at least overlap / 2 from either's cut.
        own_end = length if i == len(starts) - 1 else (starts[i + 1] + end) // 2
        pieces.append(Piece(n, start, end, own_start, own_end, i > 0, i < len(starts) - 1))
    return pieces


def is_whole(jobs: Sequence[Job]) -> bool:
    """One job of whole texts: its findings need no mapping."""
    return len(jobs) == 1 and not any(p.cut_before or p.cut_after for p in jobs[0])


def merge(
    texts: int, jobs: Sequence[Job], found: Sequence[Sequence[Sequence[Finding]]], overlap: int = OVERLAP_CHARS
) -> list[list[Finding]]:
    """Findings per text from the findings per piece of each job (in text offsets, deduplicated)."""
    long = overlap // 2 - CONTEXT_CHARS
    kept: list[list[tuple[Finding, bool]]] = [[] for _ in range(texts)]
    for job, per_piece in zip(jobs, found, strict=True):
        for piece, findings in zip(job, per_piece, strict=True):
            for f in findings:
                start, end = f.start + piece.start, f.end + piece.start
                at_cut = (piece.cut_before and f.start == 0) or (piece.cut_after and end == piece.end)
                if piece.own_start <= start < piece.own_end or (at_cut and f.end - f.start > long):
                    moved = f if piece.start == 0 else dataclasses.replace(f, start=start, end=end)
                    kept[piece.text].append((moved, at_cut))
    return [_join(findings) for findings in kept]


def _join_order(item: tuple[Finding, bool]) -> tuple[str, str, int, int]:
    f = item[0]
    return f.entity_type, f.detector, f.start, f.end


def _join(findings: list[tuple[Finding, bool]]) -> list[Finding]:
    """Exact repeats once (the best score); a finding cut by a piece joined with the overlapping
    one of the same type and detector."""
    out: list[tuple[Finding, bool]] = []
    for f, at_cut in sorted(findings, key=_join_order):
        if out:
            last, last_cut = out[-1]
            same = (last.entity_type, last.detector) == (f.entity_type, f.detector)
            exact = same and (last.start, last.end) == (f.start, f.end)
            if exact or (same and (at_cut or last_cut) and f.start < last.end):
                joined = dataclasses.replace(last, end=max(last.end, f.end), score=max(last.score, f.score))
                out[-1] = (joined, at_cut or last_cut)
                continue
        out.append((f, at_cut))
    return sorted((f for f, _ in out), key=lambda f: (f.start, f.end, f.entity_type))
