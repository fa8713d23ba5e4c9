"""Evaluate prompt-injection detection: ``python -m loadtests.eval_injection [--cv 5] [--test] [--include-blind]``.

Per attack family the recall, per benign family the false-positive rate, of three systems in one run:
the rules alone (the naive baseline: what the gateway had before the classifier), the shipped
classifier alone, and the detector as the gateway runs it (rules, classifier and decoders).

- ``--cv``: stratified group K-fold cross-validation on the train and validation splits and the
  project's own data: each row scored by a model that did not train on it, at the thresholds
  ``detectors.injection_train`` chooses from those scores (classifier alone).
- ``--test``: the test split, never used to train or to choose a threshold.
- ``--include-blind``: ``tests/data/eval16/injection_blind.jsonl``, written by someone who saw
  neither the data nor the detectors (its README); look only when the work is done. It was first
  read on 2026-12-06 and has informed work since: ``--include-blind2`` is the second such set
  (``tests/data/eval16b``), written later by another hand, for the next first look.
- ``--speed``: p50/p90 of one scan of 2,000 characters, per system.

Counting: an attack is found when any injection finding is reported for it (whatever the family);
a benign text is a false positive when any is.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detectors.injection import InjectionConfig, InjectionDetector
from detectors.injection_classifier import ClassifierConfig, InjectionClassifier
from detectors.injection_model import InjectionModel
from detectors.injection_train import (
    TRAIN_ONLY,
    Counts,
    Example,
    Settings,
    choose,
    default_paths,
    load_examples,
    out_of_fold,
)

BLIND = Path("tests/data/eval16/injection_blind.jsonl")
BLIND2 = Path("tests/data/eval16b/injection_blind2.jsonl")
Flagger = Callable[[str], bool]


@dataclass(frozen=True)
class Scored:
    group: str  # family, or set/family for the blind set
    label: int
    flags: tuple[bool, ...]  # one per system


def systems(model_file: Path | None = None) -> dict[str, Flagger]:
    rules = InjectionDetector.from_config(InjectionConfig(classifier=ClassifierConfig(enabled=False)))
    config = ClassifierConfig(model_file=model_file)
    full = InjectionDetector.from_config(InjectionConfig(classifier=config))
    classifier = InjectionClassifier(InjectionModel.load(model_file), config)
    everything = frozenset(full.entity_types)
    return {
        "rules (baseline)": lambda t: bool(rules.detect(t)),
        "classifier": lambda t: bool(classifier.find(t, everything)),
        "detector": lambda t: bool(full.detect(t)),
    }


def score(rows: Sequence[tuple[str, int, str]], flaggers: dict[str, Flagger]) -> list[Scored]:
    return [Scored(group, label, tuple(f(text) for f in flaggers.values())) for text, label, group in rows]


def table(title: str, scored: Sequence[Scored], names: Sequence[str]) -> None:
    groups: dict[tuple[int, str], list[Scored]] = defaultdict(list)
    for s in scored:
        groups[(-s.label, s.group)].append(s)
    print(f"\n### {title}\n")
    print("| family | n | measure | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for (neg_label, group), items in sorted(groups.items()):
        rates = [sum(s.flags[i] for s in items) / len(items) for i in range(len(names))]
        measure = "recall" if neg_label else "FP rate"
        print(f"| {group} | {len(items)} | {measure} | " + " | ".join(f"{r:.3f}" for r in rates) + " |")
    for label, measure in ((1, "recall, all attacks"), (0, "FP rate, all benign")):
        items = [s for s in scored if s.label == label]
        if items:
            rates = [sum(s.flags[i] for s in items) / len(items) for i in range(len(names))]
            print(f"| **all** | {len(items)} | {measure} | " + " | ".join(f"{r:.3f}" for r in rates) + " |")


def split_rows(examples: Sequence[Example], split: str) -> list[tuple[str, int, str]]:
    return [(e.text, e.label, e.family) for e in examples if e.split == split]


def near_duplicates(texts: Sequence[str], others: Sequence[str]) -> set[int]:
    """Indexes of ``texts`` with a near-twin among ``others`` (word 5-gram Jaccard >= 0.5): the shared
    corpus is built from templates, and a split by text puts siblings on both sides."""
    holders: dict[tuple[str, ...], list[int]] = defaultdict(list)
    other_grams = [_five_grams(text) for text in others]
    for j, grams in enumerate(other_grams):
        for gram in grams:
            holders[gram].append(j)
    twins: set[int] = set()
    for i, text in enumerate(texts):
        mine = _five_grams(text)
        for j in {j for gram in mine for j in holders.get(gram, ())}:
            if len(mine & other_grams[j]) >= 0.5 * len(mine | other_grams[j]):
                twins.add(i)
                break
    return twins


def _five_grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[k : k + 5]) for k in range(max(1, len(words) - 4))}


def blind_rows(path: Path = BLIND) -> list[tuple[str, int, str]]:
    with path.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [(r["text"], int(r["label"]), f"{r['set']}/{r['family']}") for r in rows]


def cross_validate(examples: Sequence[Example], settings: Settings) -> None:
    """Classifier alone, out of fold, at the thresholds chosen from those same scores: exactly what
    ``detectors.injection_train`` computes to set the shipped model's calibration and thresholds."""
    counts = Counts(examples, settings.window)
    rows = np.array([i for i, e in enumerate(examples) if e.split != "test"], dtype=np.int64)
    pool = [examples[i] for i in rows]
    scores = out_of_fold(counts, examples, rows, settings)
    choice = choose(scores, pool, settings)
    slope, offset = choice.calibration

    def flagged(found: list[tuple[str, float]]) -> bool:
        limits = [choice.thresholds.get(t, choice.threshold) for t, _ in found]
        return any(1 / (1 + np.exp(-(slope * z + offset))) >= at for (_, z), at in zip(found, limits, strict=True))

    scored = [Scored(_group(e), e.label, (flagged(found),)) for e, found in zip(pool, scores, strict=True)]
    title = (
        f"{settings.folds}-fold stratified group cross-validation, out of fold (train + validation splits, own*.jsonl)"
    )
    table(f"{title}; thresholds {choice.threshold:.3f}, indirect {choice.thresholds}", scored, ["classifier"])


def _group(example: Example) -> str:
    """The family, and for the project's own data (written for it, a different hand) which file."""
    return f"{example.family} ({example.origin})" if example.origin in TRAIN_ONLY else example.family


def speed(flaggers: dict[str, Flagger], examples: Sequence[Example]) -> None:
    """p50/p90 of one scan of 2,000 characters of the data's text, per system."""
    joined = " ".join(e.text for e in examples)
    samples = [joined[i : i + 2000] for i in range(0, min(len(joined), 1_000_000), 2000)]
    print(f"\nspeed, {len(samples)} texts of 2,000 characters (one process, after a warm-up):\n")
    print("| system | p50 ms | p90 ms |\n|---|---|---|")
    for name, flagger in flaggers.items():
        for text in samples[:20]:
            flagger(text)
        times = []
        for text in samples:
            start = time.perf_counter()
            flagger(text)
            times.append((time.perf_counter() - start) * 1000)
        p50, p90 = np.percentile(times, [50, 90])
        print(f"| {name} | {p50:.3f} | {p90:.3f} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtests.eval_injection", description=__doc__)
    parser.add_argument("--cv", action="store_true", help="out-of-fold figures, as training computes them (minutes)")
    parser.add_argument("--test", action="store_true", help="also the held-back test split")
    parser.add_argument("--include-blind", action="store_true", help="also the blind set (tests/data/eval16)")
    parser.add_argument("--include-blind2", action="store_true", help="also the second blind set (tests/data/eval16b)")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--model", type=Path, help="a model file to evaluate (default: the shipped one)")
    args = parser.parse_args(argv)
    examples = load_examples(default_paths())
    flaggers = systems(args.model)
    names = list(flaggers)
    # The validation split trains the shipped model (detectors.injection_train): only the test split is held out.
    if args.test:
        test = split_rows(examples, "test")
        scored = score(test, flaggers)
        table("test split (never used to train or choose)", scored, names)
        twins = near_duplicates([t for t, _, _ in test], [e.text for e in examples if e.split != "test"])
        fresh = [s for n, s in enumerate(scored) if n not in twins]
        table(f"test split without the {len(twins)} rows that have a near-twin in training", fresh, names)
    if args.include_blind:
        table("blind set (tests/data/eval16)", score(blind_rows(), flaggers), names)
    if args.include_blind2:
        table("second blind set (tests/data/eval16b)", score(blind_rows(BLIND2), flaggers), names)
    if args.cv:
        cross_validate(examples, Settings())
    if args.speed:
        speed(flaggers, examples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
