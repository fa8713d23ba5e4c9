"""Issue 14 item 1: what walking the whole request body costs, against the old known-field list.

For a few request shapes: how many texts and characters are scanned, whether the inline
scanner still serves them (or they go to the workers), the walk's time and the inline
scan's time with the default policy's detectors (no NER: the inline path). ``--before``
loads the old ``request_slots`` from a copy of the old gateway/wire/slots.py:

    git show c657dc9:gateway/wire/slots.py > /tmp/old_slots.py
    python -m loadtests.bench_request_walk --before /tmp/old_slots.py
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway.policy.policy import load_policy
from gateway.screening.inline import InlineScanner
from gateway.wire.endpoints import endpoint_named
from gateway.wire.slots import request_slots

Walk = Callable[[str, dict[str, Any]], list[Any]]
PROMPT = "Summarise the attached meeting notes for the team and list the three open decisions, briefly. " * 2
TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}
SHAPES: dict[str, tuple[str, dict[str, Any]]] = {
    "chat, 200 chars": (
        "chat.completions",
        {"model": "gpt-4o", "messages": [{"role": "user", "content": PROMPT}], "max_tokens": 200, "temperature": 0.2},
    ),
    "chat, system + 3 turns": (
        "chat.completions",
        {
            "model": "gpt-4o",
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": PROMPT},
                {"role": "assistant", "content": "Here is the summary."},
                {"role": "user", "content": "Thanks, and the owners?"},
            ],
            "user": "u-42",
        },
    ),
    "chat + 3 tools": (
        "chat.completions",
        {"model": "gpt-4o", "messages": [{"role": "user", "content": PROMPT}], "tools": [TOOL] * 3},
    ),
    # Issue 16 item 3: a tool call and its result, each slot read as its part (tool/tool_result...).
    "anthropic tool_use + tool_result": (
        "messages",
        {
            "model": "claude-x",
            "max_tokens": 200,
            "messages": [
                {"role": "user", "content": PROMPT},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "notes", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": PROMPT}]},
            ],
        },
    ),
}


def load_before(path: Path) -> Walk:
    spec = importlib.util.spec_from_file_location("old_slots", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    walk: Walk = module.request_slots
    return walk


def measure(name: str, walk: Walk, inline: InlineScanner, endpoint: str, body: dict[str, Any]) -> str:
    texts = [s.text for s in walk(endpoint, copy.deepcopy(body)) if s.text]
    runs = 2000
    started = time.perf_counter()
    for _ in range(runs):
        walk(endpoint, body)
    walk_us = (time.perf_counter() - started) / runs * 1e6
    scans = 200
    started = time.perf_counter()
    for _ in range(scans):
        inline.scan(texts, None)
    scan_ms = (time.perf_counter() - started) / scans * 1000
    inline_ok = "inline" if inline.serves(texts, None) else "pool"
    chars = sum(len(t) for t in texts)
    return f"| {name} | {len(texts)} | {chars} | {inline_ok} | {walk_us:.1f} | {scan_ms:.3f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="a copy of the old gateway/wire/slots.py")
    args = parser.parse_args()
    policy = load_policy(Path("policies/default.yaml"))
    assert policy.detection is not None
    inline = InlineScanner.from_config(policy.detection)
    assert inline is not None
    walks: list[tuple[str, Walk]] = [("after", lambda e, b: request_slots(endpoint_named(e), b))]
    if args.before:
        walks.insert(0, ("before", load_before(args.before)))
    print("| request (walk) | texts | chars | path | walk µs | inline scan ms |")
    print("|---|---|---|---|---|---|")
    for shape, (endpoint, body) in SHAPES.items():
        for label, walk in walks:
            print(measure(f"{shape} ({label})", walk, inline, endpoint, body))


if __name__ == "__main__":
    main()
