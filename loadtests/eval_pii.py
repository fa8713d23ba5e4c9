"""Quality and speed of the PII detector next to Presidio's default engine, same spaCy model.

    python -m loadtests.eval_pii                 # whole corpus, about two minutes on 2 CPUs
    python -m loadtests.eval_pii --limit 500     # the first 500 samples
    python -m loadtests.eval_pii --split heldout # only templates never used for tuning

Matching is overlap-based: a gold span is found (recall) when a prediction of the same
type overlaps it; a prediction is right (precision) when it overlaps a gold span of its
type. ``exact`` is the share of gold spans predicted with exactly their offsets.
US_PASSPORT and UK_PASSPORT are scored together as PASSPORT (which country a bare 9-digit
number is can't be told). Presidio's default engine has no DATE_OF_BIRTH: its DATE_TIME is
scored as DATE_OF_BIRTH; it has no UK_NINO or MEDICAL_RECORD_NUMBER recognizer by default.
Both engines use score threshold 0.5 (``--baseline-threshold`` changes Presidio's).
Timing: median wall time of one call on texts of 200, 2,000 and 20,000 characters made of
corpus samples without PII ("clean") and with PII, all entity types enabled.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

from detectors.pii.detector import PiiConfig, PiiDetector
from detectors.pii.email import OfflineEmailRecognizer

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii_corpus.jsonl"
STRUCTURED = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
    "IP_ADDRESS",
    "UK_NINO",
    "PASSPORT",
    "US_DRIVER_LICENSE",
    "MEDICAL_RECORD_NUMBER",
    "DATE_OF_BIRTH",
)
ORDER = ("PERSON", "LOCATION", *STRUCTURED)
GROUP = {"US_PASSPORT": "PASSPORT", "UK_PASSPORT": "PASSPORT"}
# The generator corpus labels a street address LOCATION: our STREET_ADDRESS is scored as that.
PREDICTED_GROUP = {**GROUP, "STREET_ADDRESS": "LOCATION"}
BASELINE_GROUP = {**GROUP, "DATE_TIME": "DATE_OF_BIRTH"}
Span = tuple[int, int, str]
Predict = Callable[[str], list[Span]]


def load(limit: int | None, split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if split == "all" or r["split"] == split]
    return rows[:limit] if limit else rows


def ours() -> Predict:
    detector = PiiDetector.from_config(PiiConfig())
    return lambda text: [(f.start, f.end, GROUP.get(f.entity_type, f.entity_type)) for f in detector.detect(text)]


def presidio_default(model: str, threshold: float) -> tuple[Predict, AnalyzerEngine]:
    """Presidio's default engine and recognizers, as shipped, with our spaCy package.

    Its e-mail recognizer is swapped for the same regex with an offline suffix list: the
    shipped one downloads the list on first use and would hang here (no network).
    """
    provider = NlpEngineProvider(nlp_configuration=_default_nlp_conf(model))
    engine = AnalyzerEngine(nlp_engine=provider.create_engine())
    engine.registry.remove_recognizer("EmailRecognizer")
    engine.registry.add_recognizer(OfflineEmailRecognizer())

    def predict(text: str) -> list[Span]:
        results = engine.analyze(text, language="en", score_threshold=threshold)
        return [(r.start, r.end, BASELINE_GROUP.get(r.entity_type, r.entity_type)) for r in results]

    return predict, engine


def _default_nlp_conf(model: str) -> dict[str, Any]:
    import presidio_analyzer

    path = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    conf: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    conf["models"] = [{"lang_code": "en", "model_name": model}]
    return conf


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1] and a[2] == b[2]


def score(rows: Iterable[dict[str, Any]], predict: Predict) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in ORDER}
    for row in rows:
        gold = [(s["start"], s["end"], GROUP.get(s["entity_type"], s["entity_type"])) for s in row["spans"]]
        pred = [(s, e, PREDICTED_GROUP.get(t, t)) for s, e, t in predict(row["text"])]
        pred = [p for p in pred if p[2] in counts]
        for g in gold:
            c = counts[g[2]]
            c["gold"] += 1
            c["found"] += any(overlaps(g, p) for p in pred)
            c["exact"] += g in pred
        for p in pred:
            counts[p[2]]["pred"] += 1
            counts[p[2]]["right"] += any(overlaps(p, g) for g in gold)
    total: Counter[str] = Counter()
    for kind in STRUCTURED:
        total.update(counts[kind])
    counts["structured (micro)"] = total
    return counts


def ratios(right: int, pred: int, found: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from hit counts; nan where there is nothing to divide by."""
    p = right / pred if pred else float("nan")
    r = found / gold if gold else float("nan")
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def prf(c: Counter[str]) -> tuple[float, float, float, float]:
    p, r, f = ratios(c["right"], c["pred"], c["found"], c["gold"])
    return p, r, f, c["exact"] / c["gold"] if c["gold"] else float("nan")


def quality_table(ours_counts: dict[str, Counter[str]], base_counts: dict[str, Counter[str]]) -> str:
    lines = [
        "| entity | gold | ours P | ours R | ours F1 | ours exact | Presidio P | Presidio R | Presidio F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, c in ours_counts.items():
        p, r, f, x = prf(c)
        bp, br, bf, _ = prf(base_counts[kind])
        cells = [f"{v:.3f}" for v in (p, r, f, x, bp, br, bf)]
        lines.append(f"| {kind} | {c['gold']} | " + " | ".join(cells) + " |")
    return "\n".join(lines).replace("nan", "n/a")


def texts_of(rows: list[dict[str, Any]], size: int, with_pii: bool) -> str:
    parts, length = [], 0
    for row in rows:
        if bool(row["spans"]) == with_pii:
            parts.append(row["text"])
            length += len(row["text"]) + 2
            if length >= size:
                break
    text = "\n\n".join(parts)
    return text[: text.rfind(" ", 0, size)] if len(text) > size else text


def median_ms(predict: Predict, text: str, budget_s: float = 1.5) -> float:
    predict(text)
    times: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(times) < 5 or (time.perf_counter() < deadline and len(times) < 200):
        t0 = time.perf_counter()
        predict(text)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def timing_table(rows: list[dict[str, Any]], engines: dict[str, Predict]) -> str:
    lines = [
        "| text | chars | " + " | ".join(f"{n} ms" for n in engines) + " | ratio |",
        "|---|---:|" + "---:|" * (len(engines) + 1),
    ]
    for with_pii in (False, True):
        for size in (200, 2_000, 20_000):
            text = texts_of(rows, size, with_pii)
            ms = [median_ms(p, text) for p in engines.values()]
            cells = " | ".join(f"{m:.1f}" for m in ms)
            lines.append(f"| {'PII' if with_pii else 'clean'} | {len(text)} | {cells} | {ms[-1] / ms[-2]:.1f}x |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N samples")
    parser.add_argument("--split", choices=("all", "dev", "heldout", "blind", "fresh", "unseen"), default="all")
    parser.add_argument("--baseline-threshold", type=float, default=0.5)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    rows = load(args.limit, args.split)
    ours_predict = ours()
    base_predict, _ = presidio_default(PiiConfig().model, args.baseline_threshold)
    print(f"## Quality ({len(rows)} samples, split={args.split})\n")
    print(quality_table(score(rows, ours_predict), score(rows, base_predict)))
    if not args.no_timing:
        regex_only = PiiDetector.from_config(PiiConfig(entities=sorted(set(STRUCTURED) - {"PASSPORT"})))
        engines: dict[str, Predict] = {
            "ours, regex-only types": lambda t: [(f.start, f.end, f.entity_type) for f in regex_only.detect(t)],
            "ours": ours_predict,
            "Presidio default": base_predict,
        }
        print("\n## Analyze time (median per call; ratio = Presidio / ours, all types)\n")
        print(timing_table(load(None, "all"), engines))


if __name__ == "__main__":
    main()
