"""Issue 18, item 3: a detection worker's CPU per 500-character prompt, by batch size, in this process.

The detectors of policies/default.yaml (as a worker builds them) scan batches of jobs the way a
worker does (``gateway.screening.worker.scan_batch``: one spaCy run over the texts of the whole
batch), each job one chat prompt of about 500 characters with names, an e-mail and numbers,
every prompt of a batch different (the corpus prompt of bench_ner_load with a request number).
The figure is this thread's CPU time (``time.thread_time``) per job, the p50 of ``--rounds``
rounds; other processes on a shared host inflate it far less than wall time.

The last rows are the floor under any spaCy-based PII detection: spaCy's smallest English pipeline
(the detectors' model) with NER alone, every other component excluded, over the same batches, and
what that floor leaves of the issue's budget (570 req/s on 2 CPUs is 3.5 ms of CPU per request for
everything on the host: the gateway, its workers, the mock provider and the client).

    OPENBLAS_NUM_THREADS=1 python -m loadtests.bench_worker_batch              # about 40 s
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence

import spacy
from threadpoolctl import threadpool_limits

from detectors.registry import build_detectors
from gateway.policy.policy import load_policy
from gateway.screening.worker import Job, scan_batch
from loadtests.bench_ner_load import SIZE
from loadtests.bench_plan import ROOT
from loadtests.eval_pii import load, texts_of

BATCHES = (1, 2, 4, 8, 16)
TARGET_RPS, CPUS = 570, 2


def ner_only_ms(model: str, texts: list[str], rounds: int) -> float:
    """spaCy's NER alone per text (``nlp.pipe`` over the batch), this thread's CPU, p50 of rounds."""
    nlp = spacy.load(model, exclude=[name for name in spacy.load(model).pipe_names if name != "ner"])
    list(nlp.pipe(texts, batch_size=len(texts)))  # warm
    samples = []
    for _ in range(rounds):
        started = time.thread_time()
        list(nlp.pipe(texts, batch_size=len(texts)))
        samples.append((time.thread_time() - started) / len(texts))
    return 1000 * statistics.median(samples)


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
    pii = detection.pii
    assert pii is not None
    print(f"\n| jobs per batch | spaCy NER alone ({pii.model}), CPU ms per prompt (p50) |\n|---:|---:|")
    floor = 0.0
    for size in (1, BATCHES[-1]):
        texts = [f"{text}\n\nRequest {n}." for n in range(size)]
        floor = ner_only_ms(pii.model, texts, max(3, args.rounds * 4 // size))
        print(f"| {size} | {floor:.2f} |", flush=True)
    budget = 1000 * CPUS / TARGET_RPS
    print(f"\n{TARGET_RPS} req/s on {CPUS} CPUs: {budget:.2f} ms CPU per request for everything on the host;")
    print(f"NER alone at batches of {BATCHES[-1]} leaves {budget - floor:.2f} ms for the gateway, the rest of")
    print(f"detection, the mock and the client; NER alone caps the host at {1000 * CPUS / floor:.0f} req/s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
