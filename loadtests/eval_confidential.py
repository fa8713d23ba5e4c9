"""Confidential terms and markers, and spelled/private e-mails: recall on planted forms, findings on prose.

    python -m loadtests.eval_confidential          # a few seconds
    python -m loadtests.eval_confidential --bench  # and the median time of one detect call

Recall: every form listed in ``PLANTED`` (hyphenated, joined, plural, letter-spaced terms;
markers in other languages, leetspeak, CJK; e-mails on private top-level domains and spelled
out) must be found with exactly the planted span. Prose: every finding on texts that hold no
marking, term or e-mail of these kinds is a false positive: the PII corpus
(tests/data/pii_corpus.jsonl, e-mails excluded: they are scored by eval_pii) and every
paragraph of the repository's Markdown files (README, RESULTS, docs), which talk about
"confidential", "secret" and "internal" data all the time. Run it against an older tree with
``PYTHONPATH=<tree> python <this file>`` to compare.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from detectors.confidential import ConfidentialConfig, ConfidentialDetector
from detectors.pii.detector import PiiConfig, PiiDetector

ROOT = Path(__file__).resolve().parent.parent
TERMS = ["Project Nightingale", "Blue Harvest", "Globex Corporation", "Initech", "Acme Corp"]
# (text, planted value, entity type)
PLANTED: list[tuple[str, str, str]] = [
    *(
        (f"Status of {v}?", v, "CONFIDENTIAL_TERM")
        for v in (
            "Project Nightingale",
            "Project-Nightingale",
            "ProjectNightingale",
            "project_nightingale",
            "project.nightingale",
            "PROJECT - NIGHTINGALE",
            "Project Nightingales",
            "Blue\u00adHarvest",
            "P R O J E C T  N I G H T I N G A L E",
            "Initechs",
            "globex-corporation",
            "AcmeCorp",
        )
    ),
    *(
        (f"{v}\nQ3 plan attached", v, "CLASSIFICATION_MARKER")
        for v in (
            "CONFIDENTIAL",
            "C0NFIDENTIAL",
            "C0NF1D3NT14L",
            "VERTRAULICH",
            "STRENG VERTRAULICH",
            "CONFIDENTIEL",
            "RESERVADO",
            "CONFIDENCIAL",
            "RISERVATO",
            "VERTROUWELIJK",
            "INTERNAL ONLY",
            "R3STRICTED",
            "5ECRET",
            "機密",
            "社外秘",
            "极密",
            "机密",
            "대외비",
            "KONFIDENTIELL",
            "POUFNE",
        )
    ),
    *(
        (f"Memo: this deck is {v} and must not leave.", v, "CLASSIFICATION_MARKER")
        for v in (
            "STRENG VERTRAULICH",
            "CONFIDENTIEL",
            "C0NFIDENTIAL",
            "c0nfidential",
            "【社外秘】",
            "社外秘",
        )
    ),
    # Issue 14 item 3, second round: CJK prose with a cue, Cyrillic, Greek and other European
    # stamps in running text, markings spelled letter by letter, lower-case labels.
    *(
        (text, value, "CLASSIFICATION_MARKER")
        for text, value in (
            ("这份报告是机密，请勿外传。", "机密"),
            ("此文件为机密", "机密"),
            ("本文件属于绝密级别", "绝密"),
            ("这是机密文件，帮我总结", "机密"),
            ("本报告包含商业机密", "机密"),
            ("机密★5年", "机密"),
            ("この資料は極秘です", "極秘"),
            ("本資料は機密扱いです", "機密"),
            ("이 문서는 기밀입니다", "기밀"),
            ("Документ КОНФИДЕНЦИАЛЬНО для отдела", "КОНФИДЕНЦИАЛЬНО"),
            ("Отчёт СЕКРЕТНО, не пересылать", "СЕКРЕТНО"),
            ("Пометка ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ внизу", "ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ"),
            ("Звіт КОНФІДЕНЦІЙНО для ради", "КОНФІДЕНЦІЙНО"),
            ("Έγγραφο ΕΜΠΙΣΤΕΥΤΙΚΟ για τη διοίκηση", "ΕΜΠΙΣΤΕΥΤΙΚΟ"),
            ("Dokumentum BIZALMAS a vezetésnek", "BIZALMAS"),
            ("Raport CONFIDENȚIAL pentru board", "CONFIDENȚIAL"),
            ("Documento RISERVATA per il CdA", "RISERVATA"),
            ("Belge ÇOK GİZLİ olarak işaretli", "ÇOK GİZLİ"),
            ("Muistio ERITTÄIN SALAINEN hallitukselle", "ERITTÄIN SALAINEN"),
            ("memo C O N F I D E N T I A L here", "C O N F I D E N T I A L"),
            ("memo C-O-N-F-I-D-E-N-T-I-A-L here", "C-O-N-F-I-D-E-N-T-I-A-L"),
            ("memo C.O.N.F.I.D.E.N.T.I.A.L here", "C.O.N.F.I.D.E.N.T.I.A.L"),
            ("notes I N T E R N A L  O N L Y here", "I N T E R N A L  O N L Y"),
            ("plan S-E-C-R-E-T here", "S-E-C-R-E-T"),
            ("Confidential: Q3 plan attached", "Confidential"),
        )
    ),
    *(
        (f"Write to {v} today", v, "EMAIL_ADDRESS")
        for v in (
            "alice@acme.corp",
            "bob@mail.internal",
            "carol@host.local",
            "dan@nas.lan",
            "erin@router.home",
            "frank@portal.intranet",
            "alice [at] acme [dot] com",
            "alice at acme dot com",
            "name [at] domain dot com",
            "alice(at)acme(dot)com",
            "bob @ mail.internal",
            "carol@host[dot]local",
            "alice dot smith at acme dot co dot uk",
        )
    ),
]


def _strip(value: str) -> str:
    return value.strip("【】")


def recall() -> tuple[int, int, list[str]]:
    conf = ConfidentialDetector.from_config(ConfidentialConfig(terms=TERMS))
    pii = PiiDetector.from_config(PiiConfig(entities=["EMAIL_ADDRESS"]))
    hits, missed = 0, []
    for text, value, kind in PLANTED:
        findings = (pii if kind == "EMAIL_ADDRESS" else conf).detect(text)
        spans = {text[f.start : f.end] for f in findings if f.entity_type == kind}
        if _strip(value) in spans:
            hits += 1
        else:
            missed.append(f"{kind}: {value!r}")
    return hits, len(PLANTED), missed


def prose_texts() -> dict[str, list[str]]:
    rows = [json.loads(line) for line in (ROOT / "tests/data/pii_corpus.jsonl").read_text("utf-8").splitlines()]
    markdown = sorted(p for p in ROOT.rglob("*.md") if not any(d.startswith(".") for d in p.relative_to(ROOT).parts))
    paragraphs = [p for path in markdown if path.exists() for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    return {"pii_corpus": [r["text"] for r in rows], "markdown": paragraphs, "spacy_examples": _spacy_examples()}


def _spacy_examples() -> list[str]:
    """spaCy's example sentences in the languages the markers cover: ordinary prose in Chinese,
    Japanese, Korean, Russian, Ukrainian, Greek... (none holds a marking)."""
    codes = "zh ja ko ru uk el hu ro tr fi sv da nb nl it pt pl cs sk de fr es"
    sentences: list[str] = []
    for code in codes.split():
        module = importlib.import_module(f"spacy.lang.{code}.examples")
        sentences.extend(str(s) for s in module.sentences)
    return sentences


def prose_findings() -> dict[str, dict[str, int]]:
    conf = ConfidentialDetector.from_config(ConfidentialConfig(terms=TERMS))
    pii = PiiDetector.from_config(PiiConfig(entities=["EMAIL_ADDRESS"]))
    out: dict[str, dict[str, int]] = {}
    for name, texts in prose_texts().items():
        counts = {"texts": len(texts), "CONFIDENTIAL_TERM": 0, "CLASSIFICATION_MARKER": 0, "EMAIL_ADDRESS": 0}
        for text in texts:
            for f in conf.detect(text):
                counts[f.entity_type] = counts.get(f.entity_type, 0) + 1
            if name == "markdown":  # the PII corpus's e-mails are gold spans, scored by eval_pii
                counts["EMAIL_ADDRESS"] += len(pii.detect(text))
        out[name] = counts
    return out


def _median_us(call: Callable[[], object], runs: int = 2000) -> float:
    for _ in range(50):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def bench() -> None:
    """Median µs of one call on clean corpus text (samples without gold spans) of about 200
    and 2,000 characters: the confidential detector with 1,000 terms and markers on, the
    PII detector with its pattern types only (what runs inline, without spaCy)."""
    rows = [json.loads(line) for line in (ROOT / "tests/data/pii_corpus.jsonl").read_text("utf-8").splitlines()]
    clean = " ".join(r["text"] for r in rows if not r["spans"])
    terms = [*TERMS, *(f"Codename {i:04d} Falcon" for i in range(1000 - len(TERMS)))]
    conf = ConfidentialDetector.from_config(ConfidentialConfig(terms=terms))
    types = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS"]
    pii = PiiDetector.from_config(PiiConfig(entities=types))
    for size in (200, 2000):
        text = clean[:size]
        print(
            f"{size} chars: confidential {_median_us(partial(conf.detect, text)):.1f} µs, "
            f"pii patterns {_median_us(partial(pii.detect, text), 500):.1f} µs"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", action="store_true")
    if parser.parse_args().bench:
        bench()
    hits, total, missed = recall()
    print(f"planted forms found with their span: {hits}/{total}")
    for line in missed:
        print(f"  missed {line}")
    for name, counts in prose_findings().items():
        print(f"{name}: {json.dumps(counts)}")


if __name__ == "__main__":
    main()
