"""Issue 18, item 3: a detection worker's CPU per 500-character prompt, by batch size, in this process.

The detectors of policies/default.yaml (as a worker builds them) scan batches of jobs the way a
worker does (``gateway.screening.worker.scan_batch``: one spaCy run over the texts of the whole
batch), each job one chat prompt of about 500 characters with names, an e-mail and numbers,
every prompt of a batch different (the corpus prompt of bench_ner_load with a request number).
The figure is this thread's CPU time (``time.thread_time``) per job, the p50 of ``--rounds``
rounds; other processes on a shared host inflate it far less than wall time.

    OPENBLAS_NUM_THREADS=1 python -m loadtests.bench_worker_batch              # about 30 s
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

from threadpoolctl import threadpool_limits

from detectors.registry import build_detectors
from gateway.policy.policy import load_policy
from gateway.screening.worker import Job, scan_batch
from loadtests.bench_ner_load import SIZE
from loadtests.bench_plan import ROOT
from loadtests.eval_pii import load, texts_of

BATCHES = (1, 2, 4, 8, 16)


def cost_ms(detectors: Sequence[object], jobs: list[Job], rounds: int) -> float:
    samples = []
    scan_batch(detectors, jobs)  # type: ignore[arg-type]  # warm
    for _ in range(rounds):
        started = time.thread_time()
        scan_batch(detectors, jobs)  # type: ignore[arg-type]
        samples.append((time.thread_time() - started) / len(jobs))
    return 1000 * statistics.median(samples)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    threadpool_limits(limits=1)
    detection = load_policy(ROOT / "policies" / "default.yaml").detection
    assert detection is not None
    detectors = build_detectors(detection)
    text = texts_of(load(None, "dev"), SIZE, True)
    print("| jobs per batch | worker CPU ms per prompt (p50) |\n|---:|---:|")
    for size in BATCHES:
        jobs: list[Job] = [([f"{text}\n\nRequest {n}."], None) for n in range(size)]
        print(f"| {size} | {cost_ms(detectors, jobs, max(3, args.rounds * 4 // size)):.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
