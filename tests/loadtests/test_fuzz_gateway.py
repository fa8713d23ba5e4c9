"""Issue 13's fuzzer, short: a real gateway survives mutated requests and a misbehaving provider.

450 requests with a fixed seed: every mutation class 30 times and every provider fault mode
at least once (``loadtests.fuzz_mutations`` takes classes in turn). The invariants are the
long run's: no 500 of the gateway's own, no dead background task, no 503 for want of the
prompt-log writer, every answered request in the prompt log.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from loadtests.fuzz_gateway import fuzz, parse_args
from loadtests.fuzz_mutations import CLASSES
from loadtests.mock_faults import MODES

REQUESTS = 450


def test_fuzzed_gateway_keeps_its_invariants(tmp_path: Path) -> None:
    args = parse_args(["--requests", str(REQUESTS), "--seed", "13", "--check-every", "100", "--keep", str(tmp_path)])
    report = fuzz(args)
    summary = report.render(REQUESTS, 13, 0.0)

    sent = Counter(o.request.mutation for o in report.outcomes)
    assert set(sent) == set(CLASSES), summary
    assert {o.request.fault for o in report.outcomes if o.request.mutation == "provider-fault"} == set(MODES)
    assert len(report.outcomes) == REQUESTS

    problems = Counter(p for o in report.outcomes for p in o.problems)
    assert problems["gateway-500"] == 0, summary
    assert problems["internal-error-not-500"] == 0, summary
    assert problems["prompt-log-503"] == 0, summary
    assert problems["missing-record"] == 0, summary
    assert problems["no-response"] + problems["broken-body"] == 0, summary
    assert report.readiness_failures == [], summary
    assert report.gateway_exit == 0, summary
    assert not report.failed(), summary
