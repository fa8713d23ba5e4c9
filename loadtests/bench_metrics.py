"""What the metrics cost a request: ``observe_exchange`` for one finished exchange (counts,
four histograms, findings, tokens), and one ``/metrics`` exposition, single-process and in
multiprocess mode (``aigw serve --workers N``).

    python -m loadtests.bench_metrics
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import timeit

from detectors.base import Category, Finding
from gateway.config.settings import Settings
from gateway.errors import ApiFormat
from gateway.exchange import AccessDecision, Exchange
from gateway.policy.data_rules import Action, RuledDecision
from gateway.screening.screen import Screening
from gateway.wire.capture import AnswerCapture

NUMBER = 20_000


def exchange() -> Exchange:
    ex = Exchange(
        api=ApiFormat.OPENAI,
        endpoint="chat.completions",
        provider="openai",
        model="gpt-5.5",
        decision=AccessDecision.ALLOW,
        status=200,
        stream=True,
        upstream_ms=420.0,
    )
    now = time.perf_counter()
    ex.started, ex.sent_at, ex.answered_at, ex.relayed_at = now - 0.5, now - 0.499, now - 0.05, now - 0.0499
    findings = [
        Finding("US_SSN", 3, 14, 0.9, "pii", Category.PII),
        Finding("EMAIL_ADDRESS", 20, 30, 0.9, "pii", Category.PII),
        Finding("AWS_ACCESS_KEY_ID", 40, 60, 1.0, "secrets", Category.SECRET),
    ]
    ex.screening = Screening(decisions=[RuledDecision(f, Action.REDACT) for f in findings], scanned_s=0.004)
    ex.response_screening = Screening(scanned_s=0.001)
    ex.capture = AnswerCapture(keep_text=False)
    ex.capture.prompt_tokens, ex.capture.completion_tokens = 120, 380
    return ex


def per_call_us(run: object, number: int) -> float:
    runs = timeit.repeat(run, number=number, repeat=5)  # type: ignore[arg-type]
    return statistics.median(runs) / number * 1e6


def main() -> None:
    from gateway.metrics import GatewayMetrics
    from gateway.request_metrics import ModelLabels, observe_exchange

    metrics, labels, ex = GatewayMetrics(), ModelLabels(Settings()), exchange()
    observe = per_call_us(lambda: observe_exchange(metrics, ex, labels), NUMBER)
    scrape = per_call_us(metrics.exposition, 200)
    print(f"| single process | {observe:.1f} µs per request | {scrape / 1000:.2f} ms per scrape |")


if __name__ == "__main__":
    main()
    # Multiprocess mode must be chosen before prometheus_client creates any value: a fresh interpreter.
    with tempfile.TemporaryDirectory() as folder:
        code = "from loadtests.bench_metrics import multiprocess_main; multiprocess_main()"
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": folder}
        subprocess.run([sys.executable, "-c", code], env=env, check=True)


def multiprocess_main() -> None:
    from gateway.metrics import GatewayMetrics
    from gateway.request_metrics import ModelLabels, observe_exchange

    metrics, labels, ex = GatewayMetrics(), ModelLabels(Settings()), exchange()
    observe = per_call_us(lambda: observe_exchange(metrics, ex, labels), NUMBER // 4)
    scrape = per_call_us(metrics.exposition, 50)
    print(f"| multiprocess (`--workers N`) | {observe:.1f} µs per request | {scrape / 1000:.2f} ms per scrape |")
