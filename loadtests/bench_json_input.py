"""Issue 13: what the hostile-input checks of request parsing cost, against the plain
``json.loads`` the gateway used before (same bodies, same process, interleaved rounds).

``parse_request`` decodes strict UTF-8, refuses repeated keys (an ``object_pairs_hook``, so
objects are built in Python), non-finite numbers, lone surrogate escapes (a regex over the
raw bytes; a walk only when one may be present) and nesting beyond the limit (a bracket
count; a walk only when there are more brackets than the limit).

    python -m loadtests.bench_json_input          # a few seconds
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from gateway.json_input import parse_request


def _chat(text: str, messages: int = 1) -> bytes:
    turns = [{"role": "user" if n % 2 == 0 else "assistant", "content": text} for n in range(messages)]
    return json.dumps({"model": "gpt-4o", "messages": turns, "temperature": 0.2}).encode()


def _tools() -> bytes:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    for n in range(20):
        schema["properties"][f"field_{n}"] = {"type": "string", "description": f"field {n}", "enum": ["a", "b"]}
    tools = [{"type": "function", "function": {"name": f"tool_{n}", "parameters": schema}} for n in range(8)]
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}], "tools": tools}
    return json.dumps(body).encode()


BODIES = {
    "clean 200-char prompt": _chat("x" * 200),
    "2,000-char prompt, non-ASCII": _chat("Grüße, Maria López: 536-22-8726. " * 60),
    "50-message conversation": _chat("a reply of moderate length " * 8, 50),
    "8 tools with 20-field schemas": _tools(),
    "1 MB prompt": _chat("lorem ipsum " * 85_000),
}


def _per_call_us(parse: Callable[[bytes], object], body: bytes, seconds: float = 0.3) -> float:
    count, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        parse(body)
        count += 1
    return elapsed / count * 1e6


def main() -> None:
    print(f"{'body':32} {'bytes':>9} {'json.loads µs':>14} {'parse_request µs':>17} {'added µs':>9}")
    for name, body in BODIES.items():
        plain, checked = [], []
        for _ in range(5):  # interleaved, so drift on a shared machine hits both alike
            plain.append(_per_call_us(json.loads, body))
            checked.append(_per_call_us(parse_request, body))
        a, b = statistics.median(plain), statistics.median(checked)
        print(f"{name:32} {len(body):>9,} {a:>14.1f} {b:>17.1f} {b - a:>+9.1f}")


if __name__ == "__main__":
    main()
