"""Detection quality in one run: secrets (eval_secrets) and PII per corpus split (eval_pii).

    python -m loadtests.eval_detection     # about 2 minutes on 2 CPUs; markdown on stdout

The PII part scores ours and Presidio's default engine (same spaCy model) on every split of
tests/data/pii_corpus.jsonl, loading both engines once: ``dev`` (tuned on), ``heldout``,
``blind``, ``fresh`` and ``unseen`` (see loadtests/make_pii_corpus.py for what each split has seen).
The per-entity table is for the whole corpus; eval_pii gives it for one split, with timings.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from detectors.pii import PiiConfig
from loadtests import eval_secrets
from loadtests.eval_pii import Predict, load, ours, presidio_default, prf, quality_table, score

SPLITS = ("dev", "heldout", "blind", "fresh", "unseen")
TARGETS = "structured P >= 0.95 and R >= 0.98; PERSON F1 >= 0.85"


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


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    print("## Secrets\n")
    print(eval_secrets.evaluate())
    ours_predict = ours()
    base_predict, _ = presidio_default(PiiConfig().model, 0.5)
    rows = load(None, "all")
    print(f"\n## PII, whole corpus ({len(rows)} samples)\n")
    print(quality_table(score(rows, ours_predict), score(rows, base_predict)))
    print(f"\n## PII by split (targets: {TARGETS})\n")
    print(split_table(ours_predict, base_predict))


if __name__ == "__main__":
    main()
