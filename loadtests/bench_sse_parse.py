"""What the SSE parser costs per streamed event, for each framing a provider may use.

    .venv/bin/python -m loadtests.bench_sse_parse [--words 2000]

Each event of a chat stream is fed as its own read (CRLF-split: cut between each CR and
its LF, so every event takes several reads); best of seven runs.
"""

from __future__ import annotations

import argparse
import time

from gateway.wire import replies
from gateway.wire.endpoints import endpoint_named
from gateway.wire.sse_parse import SseParser
from loadtests.mock_faults import stream_fault


def per_event_us(reads: list[bytes], events: int) -> float:
    best = float("inf")
    for _ in range(7):
        started = time.perf_counter()
        parser = SseParser()
        for read in reads:
            for _event in parser.feed(read):
                pass
        best = min(best, time.perf_counter() - started)
    return best / events * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--words", type=int, default=2000)
    args = parser.parse_args()
    text = " ".join(f"word{i}" for i in range(args.words))
    events = list(replies.render_stream(endpoint_named("chat.completions"), replies.Reply("m", text, 1), {}))
    for mode in ("lf", "crlf", "crlf-split", "cr"):
        reads = events if mode == "lf" else stream_fault(mode, events, anthropic=False).events
        print(f"{mode:>10}: {per_event_us(reads, len(events)):.2f} us/event ({len(events)} events, {len(reads)} reads)")


if __name__ == "__main__":
    main()
