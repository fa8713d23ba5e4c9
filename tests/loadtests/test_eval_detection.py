"""eval_detection's choice of corpora and its command line (no engine is loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loadtests import eval_detection
from loadtests.eval_pii import Span


def _write(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    row = {"text": "Dana Whitfield", "spans": [{"start": 0, "end": 14, "type": "PERSON"}]}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")


@pytest.mark.parametrize("include_blind", [False, True])
def test_blind_prose_only_on_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, include_blind: bool) -> None:
    for name in ("ner/wnut17", "eval15/formats_dev", "eval15/formats_holdout", "eval15/prose_blind"):
        _write(tmp_path / f"{name}.jsonl")
    monkeypatch.setattr(eval_detection, "DATA", tmp_path)
    names = [c.name for c in eval_detection.default_corpora(1, include_blind)]
    expected = ["wnut17", "formats_dev", "formats_holdout"] + (["prose_blind"] if include_blind else [])
    assert names == expected + [f"pii_corpus:{s}" for s in eval_detection.SPLITS]


def test_command_line() -> None:
    args = eval_detection.parse_args(["--corpus", "a.jsonl", "--corpus", "b.jsonl", "--limit", "5"])
    assert (args.corpus, args.limit, args.include_blind) == ([Path("a.jsonl"), Path("b.jsonl")], 5, False)


def test_cached_analyses_each_text_once() -> None:
    calls: list[str] = []

    def predict(text: str) -> list[Span]:
        calls.append(text)
        return []

    cached = eval_detection.cached(predict)
    cached("a")
    cached("a")
    cached("b")
    assert calls == ["a", "b"]
