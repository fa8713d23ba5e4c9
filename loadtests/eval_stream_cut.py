"""Issue 18, item 2: does a streamed answer come out as the whole answer screened at once would, on text
nobody chose for the streaming tests?

Each corpus text that holds a finding the default policy's answer rules act on is streamed through the
scanning stage (``ScanningStream``, every detector but NER in this process, as the default answer rules
need no NER) twice: in word pieces as tokenizers cut them (" word"), and in two chunks at every
``--step``-th offset. Each result is compared with the whole text screened at once:

- *same*: identical;
- *more redacted*: different, but every value the whole screening redacts is absent from it too;
- *leak*: part of a value the whole screening redacts or blocks is in what the caller got: a run of
  three or more of the text's characters, at least one of them a letter or digit inside such a value,
  that the caller's text has in the same order (``difflib`` alignment). Should be 0.

    python -m loadtests.eval_stream_cut                       # about 2 minutes on 2 CPUs
    python -m loadtests.eval_stream_cut --limit 100 --step 7
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from detectors.base import Finding
from gateway.errors import SensitiveDataBlocked
from gateway.policy.data_rules import Action, Direction
from gateway.policy.policy import Policy, load_policy
from gateway.screening.answer_chain import AnswerChain
from gateway.screening.inline import InlineScanner
from gateway.screening.pool import DetectionPool
from gateway.screening.redaction import Pseudonyms, rewrite
from gateway.screening.screen import Screening, decide_texts
from gateway.screening.stream import ScanningStream
from gateway.wire.endpoints import endpoint_named
from loadtests.bench_plan import ROOT

CORPORA = ("tests/data/pii_corpus.jsonl", "tests/data/eval15/formats_dev.jsonl", "tests/data/ner/btc.jsonl")
CHAT = endpoint_named("chat.completions")
LEAK_RUN = 3


class _InlinePool:
    """The policy's detectors but NER in this process, where a ``DetectionPool`` is expected."""

    def __init__(self, scanner: InlineScanner) -> None:
        self._scanner = scanner

    async def scan(self, texts: Sequence[str], entities: frozenset[str] | None = None) -> list[list[Finding]]:
        return self._scanner.scan(texts, entities)[0]


def _delta(text: str) -> bytes:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": text}}]}
    return f"data: {json.dumps(chunk)}\n\n".encode()


def _content(out: bytes) -> str:
    parts: list[str] = []
    for block in out.decode().split("\n\n"):
        if block.startswith("data: {"):
            parts += [c["delta"].get("content") or "" for c in json.loads(block[6:])["choices"]]
    return "".join(parts)


async def _streamed(pool: DetectionPool, policy: Policy, pieces: Sequence[str]) -> tuple[str, bool]:
    """What the caller got, and whether the stream was cut by a block."""
    chain = AnswerChain(CHAT, [ScanningStream(CHAT, pool, policy, Screening())])
    out = b""
    try:
        for piece in pieces:
            out += await chain.feed(_delta(piece))
        out += await chain.finish()
    except SensitiveDataBlocked:
        return _content(out), True
    return _content(out), False


async def _verdicts(pool: DetectionPool, policy: Policy, text: str, step: int) -> list[str] | None:
    (decisions,) = await decide_texts(pool, policy, [text], Direction.RESPONSE, Screening(), policy.answer_entities)
    acted = [d for d in decisions if d.action in (Action.REDACT, Action.PSEUDONYMIZE, Action.BLOCK)]
    if not acted:
        return None
    spans = [(d.finding.start, d.finding.end) for d in acted]
    blocks = any(d.action is Action.BLOCK for d in acted)
    expected = "" if blocks else rewrite(text, decisions, Pseudonyms())
    cuts = [re.findall(r"\s*\S+", text)] + [[text[:i], text[i:]] for i in range(1, len(text), step)]
    verdicts = []
    for pieces in cuts:
        got, blocked = await _streamed(pool, policy, pieces)
        if got == expected or (blocked and blocks and not got):
            verdicts.append("same")
        elif _leaked(text, got, spans):
            verdicts.append("leak")
        else:
            verdicts.append("more redacted")
    return verdicts


def _leaked(text: str, got: str, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether the caller's text kept a letter or digit of a value, in a run of three or more characters
    aligned with the original text."""
    matcher = difflib.SequenceMatcher(None, text, got, autojunk=False)
    for block in matcher.get_matching_blocks():
        if block.size < LEAK_RUN:
            continue
        for at in range(block.a, block.a + block.size):
            if text[at].isalnum() and any(start <= at < end for start, end in spans):
                return True
    return False


def _texts(path: Path) -> list[str]:
    rows = [cast(dict[str, Any], json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    return [str(row["text"]) for row in rows if isinstance(row.get("text"), str)]


async def _run(args: argparse.Namespace) -> int:
    policy = load_policy(ROOT / "policies" / "default.yaml")
    assert policy.detection is not None
    scanner = InlineScanner.from_config(policy.detection)
    assert scanner is not None
    pool = cast(DetectionPool, _InlinePool(scanner))
    print("| corpus | texts with a finding | cuts | same | more redacted | leak |\n|---|---:|---:|---:|---:|---:|")
    leaks = 0
    for name in args.corpus or CORPORA:
        counts: Counter[str] = Counter()
        texts = 0
        for text in _texts(ROOT / name):
            if len(text) > args.max_chars or texts >= args.limit:
                continue
            verdicts = await _verdicts(pool, policy, text, args.step)
            if verdicts is None:
                continue
            texts += 1
            counts.update(verdicts)
        leaks += counts["leak"]
        total = sum(counts.values())
        print(f"| {name} | {texts} | {total} | {counts['same']} | {counts['more redacted']} | {counts['leak']} |")
    return 1 if leaks else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--limit", type=int, default=250, help="texts with a finding per corpus")
    parser.add_argument("--step", type=int, default=3, help="split in two at every step-th offset")
    parser.add_argument("--max-chars", type=int, default=600)
    parser.add_argument("--corpus", action="append", help="a JSONL file of texts (path from the repo's root)")
    return asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
