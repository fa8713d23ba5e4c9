"""diff_shortcuts: the detector's shortcuts lose no finding on a slice of the evaluation corpora."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detectors.pii.detector import PiiConfig, PiiDetector
from loadtests import diff_shortcuts
from loadtests.eval_corpora import Corpus, read_corpus

DATA = Path(__file__).resolve().parent.parent / "data"
SLICE = 60  # lines per corpus: the full run is `python -m loadtests.diff_shortcuts`


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector.from_config(PiiConfig())


@pytest.mark.parametrize("name", sorted(diff_shortcuts.SHORTCUTS))
@pytest.mark.parametrize("corpus", ["btc", "gum", "uner_en_ewt", "wnut17"])
def test_no_finding_lost_on_real_text(detector: PiiDetector, name: str, corpus: str) -> None:
    texts = read_corpus(DATA / "ner" / f"{corpus}.jsonl", SLICE)
    shortcut, full = diff_shortcuts.SHORTCUTS[name](detector)
    diff = diff_shortcuts.compare(texts, shortcut, full)
    assert diff.lost == []
    assert diff.texts == SLICE


def test_the_ner_reference_runs_on_the_whole_text(detector: PiiDetector) -> None:
    """The sentence-initial "Michael" was no name candidate of the old windows: the full side finds it."""
    shortcut, full = diff_shortcuts.ner_gate(detector)
    text = "Michael helped shoot the majority of my firm's videos."
    assert ("PERSON", 0, 7) in full(text)
    assert shortcut(text) == full(text)


def test_a_lossy_shortcut_is_counted() -> None:
    corpus = Corpus("t", ["a", "b"], [[], []], frozenset())
    diff = diff_shortcuts.compare(corpus, lambda text: set(), lambda text: {("PERSON", 0, 1)})
    assert [i for i, _ in diff.lost] == [0, 1]
    assert diff.full == 2


def test_held_out_sets_are_never_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    row = json.dumps({"text": "Dana Whitfield", "spans": [{"start": 0, "end": 14, "type": "PERSON"}]}) + "\n"
    for name in ("ner/wnut17", "eval15/formats_dev", "eval15/formats_holdout", "eval15/prose_blind"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{name}.jsonl").write_text(row, encoding="utf-8")
    monkeypatch.setattr(diff_shortcuts, "DATA", tmp_path)
    names = [c.name for c in diff_shortcuts.default_corpora(1)]
    assert names == ["wnut17", "formats_dev", "pii_corpus:all"]
