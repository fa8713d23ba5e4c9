"""Differential test of the PII detector's speed shortcuts: shortcut vs full pipeline, findings lost.

Issue 15, item 1: a shortcut that drops a finding the full pipeline makes is a leak. Each
shortcut is run against the same detector with the shortcut switched off, text by text over
the evaluation corpora, and every finding (type, start, end) that only the full pipeline makes
is counted as lost. Findings that only the shortcut makes are counted too (a window can give
spaCy's NER less context and so a different span).

Shortcuts checked:

* ``ner-gate``: spaCy NER runs only when a text has a name candidate, and then only on
  windows around the candidates (``pii_ner.ner_windows``). Full: NER over every whole text
  (``WindowedNerEngine.windowed = False``).
* ``batched``: a detection worker runs NER over the texts of all jobs in its batch at once
  (``PiiDetector.prepared``). Full: NER text by text. spaCy's layers see the same rows either
  way; this checks that the spans do not move with a text's neighbours in the batch.
* ``pattern-exit``: with PERSON and LOCATION not wanted, ``PiiDetector.detect`` returns
  nothing for a text without a digit, "@", IPv6 colon or spelled-out e-mail, without running
  any recognizer. Full: Presidio's analyzer with every recognizer on every text.

    python -m loadtests.diff_shortcuts                     # every corpus below, every shortcut
    python -m loadtests.diff_shortcuts --limit 300 --show  # quicker; print the lost findings

Corpora: tests/data/ner/*.jsonl, tests/data/eval15/formats_dev.jsonl and the generator corpus
(tests/data/pii_corpus.jsonl). The held-out issue-15 sets (formats_holdout, prose_blind) are
never read here. The exit status is 1 when any finding is lost.
Run with OPENBLAS_NUM_THREADS=1 as the gateway's detection workers do (``threadpool_limits``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from detectors.pii.detector import PATTERN_VALUE_CHAR, PII_ENTITIES, PiiConfig, PiiDetector
from detectors.pii.email import maybe_spelled
from detectors.pii.ner import NER_ENTITIES
from loadtests.eval_corpora import Corpus, pii_split, read_corpus

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NEVER_READ = frozenset({"formats_holdout", "prose_blind"})  # held out for issue 15: not opened here
Key = tuple[str, int, int]
BATCH = 16  # texts per spaCy run in the batched shortcut (the pool's MAX_BATCH_JOBS)
Detect = Callable[[str], set[Key]]


@dataclass
class Diff:
    """One shortcut on one corpus: findings of the full pipeline, and those the shortcut lost or added."""

    texts: int = 0
    full: int = 0
    lost: list[tuple[int, Key]] = field(default_factory=list)
    added: list[tuple[int, Key]] = field(default_factory=list)


def default_corpora(limit: int | None) -> list[Corpus]:
    paths = [*sorted((DATA / "ner").glob("*.jsonl")), DATA / "eval15" / "formats_dev.jsonl"]
    corpora = [read_corpus(p, limit) for p in paths if p.exists() and p.stem not in NEVER_READ]
    return [*corpora, pii_split("all", limit, "")]


def keys(detector: PiiDetector, text: str, entities: frozenset[str] | None = None) -> set[Key]:
    return {(f.entity_type, f.start, f.end) for f in detector.detect(text, entities)}


@contextmanager
def whole_text_ner(detector: PiiDetector) -> Iterator[None]:
    """NER over every whole text while inside (the engine is the detector's own)."""
    engine = detector._ner  # the diff needs the engine's switch; PiiDetector has no public handle on it
    assert engine is not None, "a detector with NER"
    engine.windowed = False
    try:
        yield
    finally:
        engine.windowed = True


def ner_gate(detector: PiiDetector) -> tuple[Detect, Detect]:
    def full(text: str) -> set[Key]:
        with whole_text_ner(detector):
            return keys(detector, text)

    return (lambda text: keys(detector, text)), full


def pattern_exit(detector: PiiDetector) -> tuple[Detect, Detect]:
    """The exit applies when no NER type is wanted. Full, on a text that takes the exit: the same
    call on the text with " 0" appended (a digit defeats the exit), keeping the findings that end
    inside the text; on any other text the two sides are the same call."""
    types = PII_ENTITIES - NER_ENTITIES

    def full(text: str) -> set[Key]:
        if PATTERN_VALUE_CHAR.search(text) or maybe_spelled(text):
            return keys(detector, text, types)
        return {k for k in keys(detector, text + " 0", types) if k[2] <= len(text)}

    return (lambda text: keys(detector, text, types)), full


def batched(detector: PiiDetector) -> tuple[Detect, Detect]:
    """Each text's NER run in one spaCy batch with the texts before it in its group of BATCH (as a
    detection worker runs a batch of jobs, ``PiiDetector.prepared``; batches of 1 to BATCH texts),
    against the text on its own."""
    before: list[str] = []

    def shortcut(text: str) -> set[Key]:
        with detector.prepared([([*before, text], None)]):
            found = keys(detector, text)
        before[:] = [] if len(before) == BATCH - 1 else [*before, text]
        return found

    return shortcut, (lambda text: keys(detector, text))


SHORTCUTS: dict[str, Callable[[PiiDetector], tuple[Detect, Detect]]] = {
    "batched": batched,
    "ner-gate": ner_gate,
    "pattern-exit": pattern_exit,
}


def compare(corpus: Corpus, shortcut: Detect, full: Detect) -> Diff:
    diff = Diff(texts=len(corpus.texts))
    for i, text in enumerate(corpus.texts):
        fast, slow = shortcut(text), full(text)
        diff.full += len(slow)
        diff.lost += [(i, k) for k in sorted(slow - fast)]
        diff.added += [(i, k) for k in sorted(fast - slow)]
    return diff


def report(name: str, corpus: Corpus, diff: Diff, show: bool) -> str:
    line = f"| {name} | {corpus.name} | {diff.texts} | {diff.full} | {len(diff.lost)} | {len(diff.added)} |"
    if not show:
        return line
    examples = [
        f"    lost {kind} {corpus.texts[i][start:end]!r} in {corpus.texts[i][max(0, start - 40) : end + 40]!r}"
        for i, (kind, start, end) in diff.lost[:20]
    ]
    return "\n".join([line, *examples])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N lines of each corpus")
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="a JSONL corpus (repeatable)")
    parser.add_argument("--shortcut", choices=sorted(SHORTCUTS), action="append", default=[])
    parser.add_argument("--show", action="store_true", help="print up to 20 lost findings per row (corpus text)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpora = [read_corpus(p, args.limit) for p in args.corpus] or default_corpora(args.limit)
    detector = PiiDetector.from_config(PiiConfig())
    print("| shortcut | corpus | texts | findings (full) | lost | added |\n|---|---|---:|---:|---:|---:|")
    lost = 0
    for name in args.shortcut or sorted(SHORTCUTS):
        shortcut, full = SHORTCUTS[name](detector)
        for corpus in corpora:
            diff = compare(corpus, shortcut, full)
            lost += len(diff.lost)
            print(report(name, corpus, diff, args.show), flush=True)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
