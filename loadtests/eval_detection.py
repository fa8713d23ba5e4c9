"""Detection quality in one run: secrets (eval_secrets), then PII per corpus, aigw next to Presidio.

    python -m loadtests.eval_detection                    # everything below except the blind prose split
    python -m loadtests.eval_detection --limit 500        # the first 500 lines of each corpus, quicker
    python -m loadtests.eval_detection --include-blind    # also the held-out prose sets (*blind*.jsonl)
    python -m loadtests.eval_detection --corpus my.jsonl  # only that corpus (repeatable); no secrets part

The PII part loads aigw's detector and Presidio's default ``AnalyzerEngine`` once each (same
spaCy model, score threshold 0.5) and scores both, per corpus and per entity type, on:

* tests/data/ner/*.jsonl: real text (WNUT-17, Broad Twitter Corpus, UNER English-EWT, GUM;
  sources and licences in tests/data/ner/README.md); tuning on them is allowed;
* tests/data/eval15/*.jsonl when present: evaluation sets written for issue 15 before any
  tuning, and tests/data/eval15b/*.jsonl (written 2026-12-06 by a helper that had not seen the
  detectors). Sets named ``*blind*`` are scored only with ``--include-blind``: ``prose_blind``
  had its first look on 2026-12-05 and is not tuned on; ``prose_blind2``'s first look is reserved;
* every split of tests/data/pii_corpus.jsonl, the project's own generator (see
  loadtests/make_pii_corpus.py for what each split has seen): ``dev`` was tuned on.

Which types are scored on which corpus, the matching rules (exact span match for P / R / F1,
same-type overlap as the second figure, any-type overlap recall) and the "characters flagged
outside any true span" figure are defined in loadtests/eval_corpora.py. In short: a type is
scored only where the corpus annotates it (ORGANIZATION and OTHER never), so our EMAIL_ADDRESS
findings are not false positives on a corpus without e-mail annotations, but every finding of
any type counts in the characters-outside figure.

A full run ends with the earlier generator-only tables (whole corpus, overlap matching; the
issue 3 targets by split). Progress goes to stderr; the report (markdown) to stdout.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from detectors.pii.detector import PiiConfig
from loadtests import eval_secrets
from loadtests.eval_corpora import (
    Corpus,
    Scores,
    corpus_table,
    evaluate,
    pii_split,
    read_corpus,
    scored_types,
    summary_table,
)
from loadtests.eval_pii import Predict, Span, load, ours, presidio_default, prf, quality_table, score

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SPLITS = ("dev", "heldout", "blind", "fresh", "unseen")
TARGETS = "structured P >= 0.95 and R >= 0.98; PERSON F1 >= 0.85"
BLIND = "prose_blind"
ROLES = {
    "ner": "real text, tuning allowed",
    "formats_dev": "written before tuning, tuning allowed",
    "formats_holdout": "written before tuning, never tuned on",
    BLIND: "written before tuning, first look 2026-12-05, never tuned on",
    "prose_blind2": "written 2026-12-06 before that day's tuning, first look reserved",
    "dev": "generator, tuned on",
    "split": "generator, held out when written, since evaluated",
}


def cached(predict: Predict) -> Predict:
    """Each text analysed once per run: the generator tables below re-score the split texts."""
    memo: dict[str, list[Span]] = {}

    def run(text: str) -> list[Span]:
        if text not in memo:
            memo[text] = predict(text)
        return memo[text]

    return run


def default_corpora(limit: int | None, include_blind: bool) -> list[Corpus]:
    corpora = [read_corpus(p, limit, ROLES["ner"]) for p in sorted((DATA / "ner").glob("*.jsonl"))]
    for path in sorted([*(DATA / "eval15").glob("*.jsonl"), *(DATA / "eval15b").glob("*.jsonl")]):
        if BLIND not in path.stem or include_blind:
            corpora.append(read_corpus(path, limit, ROLES.get(path.stem, "issue 15 evaluation set")))
    corpora += [pii_split(s, limit, ROLES["dev" if s == "dev" else "split"]) for s in SPLITS]
    return corpora


def split_table(ours_predict: Predict, base_predict: Predict) -> str:
    lines = [
        "| split | samples | PERSON P / R / F1 (Presidio F1) | LOCATION F1 | PHONE R | CARD R | structured P / R |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for split in SPLITS:
        rows = load(None, split)
        mine, base = score(rows, ours_predict), score(rows, base_predict)
        p, r, f, _ = prf(mine["PERSON"])
        sp, sr, _, _ = prf(mine["structured (micro)"])
        cells = [
            f"{p:.3f} / {r:.3f} / {f:.3f} ({prf(base['PERSON'])[2]:.3f})",
            f"{prf(mine['LOCATION'])[2]:.3f}",
            f"{prf(mine['PHONE_NUMBER'])[1]:.3f}",
            f"{prf(mine['CREDIT_CARD'])[1]:.3f}",
            f"{sp:.3f} / {sr:.3f}",
        ]
        lines.append(f"| {split} | {len(rows)} | " + " | ".join(cells) + " |")
    return "\n".join(lines).replace("nan", "n/a")


def compare(corpora: Sequence[Corpus], ours_predict: Predict, base_predict: Predict) -> str:
    """Both systems on every corpus: the summary table, then one table per corpus."""
    results: list[tuple[Corpus, Scores, Scores]] = []
    for corpus in corpora:
        types = scored_types(corpus)
        t0 = time.perf_counter()
        mine = evaluate(corpus, ours_predict, types)
        t1 = time.perf_counter()
        base = evaluate(corpus, base_predict, types)
        t2 = time.perf_counter()
        print(
            f"{corpus.name}: {len(corpus.texts)} texts, aigw {t1 - t0:.0f} s, Presidio {t2 - t1:.0f} s", file=sys.stderr
        )
        results.append((corpus, mine, base))
    tables = [corpus_table(c, m, b) for c, m, b in results]
    return summary_table(results) + "\n\n" + "\n\n".join(tables)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="a JSONL corpus (repeatable)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N lines of each corpus")
    parser.add_argument("--include-blind", action="store_true", help="also score the *blind* sets")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    full = not args.corpus and args.limit is None
    if args.corpus:
        corpora = [read_corpus(path, args.limit) for path in args.corpus]
    else:
        corpora = default_corpora(args.limit, args.include_blind)
        print("## Secrets\n")
        print(eval_secrets.evaluate())
    ours_predict = cached(ours())
    base_predict = cached(presidio_default(PiiConfig().model, 0.5)[0])
    print("\n## PII per corpus: aigw vs Presidio default (same spaCy model, threshold 0.5)\n")
    print(compare(corpora, ours_predict, base_predict))
    if full:
        rows = load(None, "all")
        print(f"\n## PII, generator corpus as a whole ({len(rows)} samples, overlap matching)\n")
        print(quality_table(score(rows, ours_predict), score(rows, base_predict)))
        print(f"\n## PII by generator split (targets: {TARGETS})\n")
        print(split_table(ours_predict, base_predict))


if __name__ == "__main__":
    main()
