"""Issue 15, item 7: what ``PiiDetector.detect`` costs next to Presidio default's ``analyze``.

In one process, on the bench prompts (``loadtests.eval_pii.texts_of``, as bench_detection
builds them: corpus prompts with and without PII, cut at about 200 and 2,000 characters):

* ``aigw``: ``PiiDetector.detect`` with the default ``PiiConfig()`` (every PII type, spaCy NER);
* ``aigw NER``: the NER part of it alone (``WindowedNerEngine.artifacts``), so a regression
  can be placed on NER or on the recognizers;
* ``Presidio``: the default ``AnalyzerEngine.analyze`` (same spaCy package, full pipeline).

Each round calls every engine once on every prompt, in turn, so a busy spell of the shared
host weighs on all of them alike; the table gives the p50 (and p10-p90) of the rounds' wall
time, and the p50 of the calling thread's CPU time (``time.thread_time``), which other
processes on a loaded host inflate far less than wall time.
The issue's targets: a clean 200-character prompt <= 2 ms, and on the 2,000-character prompt
with PII aigw <= 1/4 of Presidio's time (ratio >= 4).

    OPENBLAS_NUM_THREADS=1 python -m loadtests.bench_pii_speed            # 200 rounds, about a minute
    OPENBLAS_NUM_THREADS=1 python -m loadtests.bench_pii_speed --rounds 50
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from detectors.pii.detector import PiiConfig, PiiDetector
from detectors.pii.ner import NER_ENTITIES
from loadtests.eval_pii import load, presidio_default, texts_of

PROMPTS = ((False, 200), (True, 200), (False, 2_000), (True, 2_000))
ENGINES = ("aigw", "aigw NER", "Presidio")


@dataclass(frozen=True)
class Row:
    """One prompt's timings: per engine, the (p10, p50, p90) of the rounds' wall time and the p50 of
    their CPU time, in milliseconds."""

    prompt: str
    chars: int
    ms: dict[str, tuple[float, float, float]]
    cpu_ms: dict[str, float]

    @property
    def ratio(self) -> float:
        return self.ms["Presidio"][1] / self.ms["aigw"][1]

    @property
    def cpu_ratio(self) -> float:
        return self.cpu_ms["Presidio"] / self.cpu_ms["aigw"]


def quantiles(samples: Sequence[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=10, method="inclusive")
    return cuts[0], statistics.median(samples), cuts[-1]


def engines() -> dict[str, Callable[[str], object]]:
    detector = PiiDetector.from_config(PiiConfig())
    ner = detector.ner
    assert ner is not None, "the default config has PERSON and LOCATION: NER is loaded"
    _, presidio = presidio_default(PiiConfig().model, 0.5)
    return {
        "aigw": detector.detect,
        "aigw NER": lambda text: ner.artifacts(text, NER_ENTITIES),
        "Presidio": lambda text: presidio.analyze(text, "en"),
    }


def measure(rounds: int, warmup: int = 3) -> list[Row]:
    rows = load(None, "all")
    prompts = [(("PII" if pii else "clean"), texts_of(rows, size, pii)) for pii, size in PROMPTS]
    fns = engines()
    wall: dict[tuple[int, str], list[float]] = {(i, name): [] for i in range(len(prompts)) for name in fns}
    cpu: dict[tuple[int, str], list[float]] = {key: [] for key in wall}
    for round_ in range(warmup + rounds):
        for i, (_, text) in enumerate(prompts):
            for name, fn in fns.items():
                t0, c0 = time.perf_counter(), time.thread_time()
                fn(text)
                if round_ >= warmup:
                    wall[i, name].append((time.perf_counter() - t0) * 1000)
                    cpu[i, name].append((time.thread_time() - c0) * 1000)
    return [
        Row(
            kind,
            len(text),
            {name: quantiles(wall[i, name]) for name in fns},
            {name: statistics.median(cpu[i, name]) for name in fns},
        )
        for i, (kind, text) in enumerate(prompts)
    ]


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| prompt | chars | "
        + " | ".join(f"{name} wall p50 (p10-p90) / CPU p50 ms" for name in ENGINES)
        + " | Presidio / aigw wall, CPU |",
        "|---|---:|" + "---:|" * (len(ENGINES) + 1),
    ]
    for row in rows:
        cells = " | ".join(
            f"{row.ms[n][1]:.2f} ({row.ms[n][0]:.2f}-{row.ms[n][2]:.2f}) / {row.cpu_ms[n]:.2f}" for n in ENGINES
        )
        lines.append(f"| {row.prompt} | {row.chars} | {cells} | {row.ratio:.1f}x, {row.cpu_ratio:.1f}x |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200, help="calls per engine and prompt")
    args = parser.parse_args(argv)
    print(table(measure(args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
