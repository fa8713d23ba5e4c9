"""Issue 14, item 2: what the normalised and decoded views (detectors.views) add to a scan.

In this process, with the default policy's detectors as the inline scanner builds them
(no spaCy NER, which the views do not change: it runs on the same windows), the median
time of one scan of one text:

* ``before``: every detector on the text alone (the scan before the views);
* ``after``: ``scan_timed`` as the gateway runs it (views built, detectors on each);
* ``views``: building the views alone.

Texts: clean corpus prompts of about 200 and 2,000 characters (tests/data/pii_corpus.jsonl,
ASCII: the fast path), the same prompts in French and Japanese (non-ASCII: the view is
built and scanned), and a 200-character prompt holding a base64 segment.

    python -m loadtests.bench_normalize            # about 20 seconds on 2 CPUs
"""

from __future__ import annotations

import base64
import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from detectors.base import Detector
from detectors.registry import build_detectors
from detectors.views import TextViews
from gateway.policy.policy import load_policy
from gateway.screening.inline import scan_timed
from loadtests.eval_pii import load, texts_of

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 2_000
FRENCH = "Le café de la gare ouvre à 7 h 30, près de l'hôtel de ville; réunion à l'étage. "
JAPANESE = "東京都の人口は約１４００万人です。会議は３月５日（火）１０時から、本社の会議室で。"


def sized(texts: Sequence[str], chars: int) -> str:
    out = ""
    for text in texts:
        if len(out) >= chars:
            break
        out += text + " "
    return out[:chars]


def medians_us(fns: Sequence[Callable[[], object]], repeat: int) -> list[float]:
    """Median microseconds of each function, run in turn (so a busy spell of the host
    weighs on all of them alike)."""
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, times in zip(fns, samples, strict=True):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return [statistics.median(times) * 1e6 for times in samples]


def before(detectors: Sequence[Detector], text: str) -> None:
    for detector in detectors:
        detector.detect(text, None)


def main() -> None:
    policy = load_policy(ROOT / "policies" / "default.yaml")
    assert policy.detection is not None
    detectors = build_detectors(policy.detection, with_ner=False)
    rows = load(None, "all")
    blob = base64.b64encode(b"notes from the sync, nothing secret here at all").decode()
    texts = {
        "clean 200 (ASCII)": texts_of(rows, 200, with_pii=False),
        "clean 2,000 (ASCII)": texts_of(rows, 2_000, with_pii=False),
        "French 200": sized([FRENCH] * 5, 200),
        "Japanese 200": sized([JAPANESE] * 8, 200),
        "French 2,000": sized([FRENCH] * 30, 2_000),
        "base64 in 200": sized([f"please look at {blob} and", texts_of(rows, 200, with_pii=False)], 200),
    }
    print("| text | before µs | after µs | added µs | views alone µs |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, text in texts.items():
        repeat = REPEAT if len(text) < 1_000 else REPEAT // 4
        for _ in range(50):  # warm caches and regex compilation
            scan_timed(detectors, [text], None)
        runs: list[Callable[[], object]] = [
            partial(before, detectors, text),
            partial(scan_timed, detectors, [text], None),
            partial(TextViews.of, text),
        ]
        b, a, v = medians_us(runs, repeat)
        print(f"| {name} | {b:.0f} | {a:.0f} | {a - b:+.0f} | {v:.1f} |")


if __name__ == "__main__":
    main()
