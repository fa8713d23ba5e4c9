"""Issue 14 item 1: what checking media payloads against their declared type costs the request walk
(and, since red team round 2, decoding genuine media whole to screen the printable text in it).

Requests holding a base64 image or audio clip (real headers, megabytes long) and an SVG (text:
decoded whole and screened). ``--before`` loads the old ``request_slots`` module, as in
loadtests.bench_request_walk:

    git show c48ab6c:gateway/wire/request_slots.py > /tmp/old_request_slots.py
    python -m loadtests.bench_media_walk --before /tmp/old_request_slots.py
"""

from __future__ import annotations

import argparse
import base64
import random
import time
from pathlib import Path
from typing import Any

from gateway.wire.endpoints import endpoint_named
from gateway.wire.request_slots import walk_request
from loadtests.bench_request_walk import Walk, load_before

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x04\x00\x00\x00\x03\x00\x08\x06\x00\x00\x00"
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x44\xac\x00\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg">' + b'<path d="M0 0 L10 10 Z"/>' * 800 + b"</svg>"


def _b64(head: bytes, size: int) -> str:
    """A header followed by ``size`` bytes like an encoder's compressed output (random-looking:
    a few short printable runs per kilobyte, which the walk now extracts and screens)."""
    return base64.b64encode(head + random.Random(size).randbytes(size)).decode()


def _chat(*parts: dict[str, Any]) -> dict[str, Any]:
    text = {"type": "text", "text": "What is in this picture?"}
    return {"model": "gpt-4o", "messages": [{"role": "user", "content": [text, *parts]}]}


SHAPES: dict[str, tuple[str, dict[str, Any]]] = {
    "chat + 1 MB PNG data URI": (
        "chat.completions",
        _chat({"type": "image_url", "image_url": {"url": "data:image/png;base64," + _b64(PNG, 1 << 20)}}),
    ),
    "chat + 5 MB PNG data URI": (
        "chat.completions",
        _chat({"type": "image_url", "image_url": {"url": "data:image/png;base64," + _b64(PNG, 5 << 20)}}),
    ),
    "chat + 5 MB WAV input_audio": (
        "chat.completions",
        _chat({"type": "input_audio", "input_audio": {"data": _b64(WAV, 5 << 20), "format": "wav"}}),
    ),
    "chat + 20 KB SVG (text)": (
        "chat.completions",
        _chat({"type": "image_url", "image_url": {"url": "data:image/svg+xml;base64," + _b64(SVG, 0)}}),
    ),
}


def measure(name: str, walk: Walk, endpoint: str, body: dict[str, Any]) -> str:
    slots = walk(endpoint, body)
    chars = sum(len(s.text) for s in slots)
    runs = 20
    started = time.perf_counter()
    for _ in range(runs):
        walk(endpoint, body)
    walk_us = (time.perf_counter() - started) / runs * 1e6
    return f"| {name} | {len(slots)} | {chars} | {walk_us:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="a copy of the old gateway/wire/request_slots.py")
    args = parser.parse_args()
    walks: list[tuple[str, Walk]] = [("after", lambda e, b: walk_request(endpoint_named(e), b).slots)]
    if args.before:
        walks.insert(0, ("before", load_before(args.before)))
    print("| request (walk) | slots | chars to scan | walk µs |")
    print("|---|---|---|---|")
    for shape, (endpoint, body) in SHAPES.items():
        for label, walk in walks:
            print(measure(f"{shape} ({label})", walk, endpoint, body))


if __name__ == "__main__":
    main()
