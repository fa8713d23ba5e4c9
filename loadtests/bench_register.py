"""Issue 20: what the AI tool register adds to a request -- one ``Register.verdict`` (every entry's
globs tried against the provider and model, the worst standing kept), by register size, in this
process. The request path calls it once per request (twice when a request is rerouted).

    python -m loadtests.bench_register            # a few seconds
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import timeit
from collections.abc import Sequence
from typing import Any

from gateway.policy.register import Register, RegisterPolicy

SIZES = (0, 5, 20, 50, 200)
PROVIDERS = ("openai", "anthropic", "local")


def entry(n: int) -> dict[str, Any]:
    return {
        "id": f"e{n}",
        "provider": PROVIDERS[n % len(PROVIDERS)],
        "models": [f"model-{n}-*", f"other-{n}"],
        "vendor": "Vendor",
        "owner": "owner@example.com",
        "hosting": {"type": "cloud"},
        "data_terms": {"retains_prompts": False},
        "risk_assessed": "2026-01-01",
        "review_by": "2027-01-01",
        "status": "approved",
    }


def verdict_us(size: int, rounds: int, number: int) -> float:
    register = Register(RegisterPolicy.model_validate({"entries": [entry(n) for n in range(size)]}))
    today = dt.date(2026, 12, 6)
    times = timeit.repeat(lambda: register.verdict("openai", "gpt-4o-mini", today), number=number, repeat=rounds)
    return 1e6 * statistics.median(times) / number


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--number", type=int, default=5000)
    args = parser.parse_args(argv)
    print("| register entries | one verdict (us, median of rounds) |\n|---:|---:|")
    for size in SIZES:
        print(f"| {size} | {verdict_us(size, args.rounds, args.number):.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
