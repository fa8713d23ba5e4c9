"""Generate the labeled PII corpus in ``tests/data/pii_corpus.jsonl`` (offline, fixed seed, no Faker).

Each line: ``{"text", "spans": [{"start", "end", "entity_type"}], "split", "template"}``.
Templates are rendered with values from small hand-written generators (names from many
cultures, valid-checksum cards and IBANs, valid-format SSNs/NINOs, US/UK/DE phones in
several formats) and near-miss distractors that are *not* labeled (order numbers, bad-Luhn
cards, bad-checksum IBANs, version strings, dates without birth context, ...).

Against overfitting, every sample carries a ``split``. ``dev`` templates (and the even half
of the name lists) are the only ones whose errors were studied while tuning the detector.
``heldout`` templates (other wording, extra phone formats, the odd half of the names) were
first evaluated after that tuning; ``blind`` templates were written after all tuning and
are for evaluation only (they have since been looked at, so they are no longer blind).

``fresh`` is the unseen test set: its templates, name lists (``FRESH_FIRST``/``FRESH_LAST``,
sharing no name with ``FIRST``/``LAST``), cities, e-mail domains and extra phone formats were
written after all tuning by a different author who never saw the detector's code, its errors
or its results, as realistic enterprise text (chat transcripts with speaker labels, CSV/JSON/
YAML records, e-mail headers and signatures, meeting notes, tickets, code comments, logs, bare
first names and possessives). Its rows are drawn after the older splits have been shuffled and
are appended after them, so the older rows keep their bytes and their order. ``fresh`` has since
been evaluated and its errors studied, so it is no longer unseen either.

``unseen`` is the current unseen test set, for a single evaluation. It was written after
``fresh`` had been evaluated and studied, by an author who never saw the detector's code, its
errors or its results. Its name lists (``UNSEEN_FIRST``/``UNSEEN_LAST``: Filipino, Thai,
Indonesian, Malay, Pakistani, Bangladeshi, Sri Lankan, Ethiopian, Somali, Moroccan, Egyptian,
Hungarian, Romanian, Czech, Baltic, Dutch, Flemish, Icelandic, Welsh, Gaelic, Andean, Mexican,
Caribbean, Maori and Hawaiian names) share no name with the older lists, even after accent
folding; its cities, countries, US/UK/continental addresses with postcodes, e-mail domains and
phone formats (Asia, Africa, Europe, the Caribbean, Latin America, Oceania) are new too. Its
templates are enterprise text in formats no older template uses: HR case notes, post-mortems, CRM
notes, support macros, invoices, shipping labels, travel requests, onboarding checklists,
performance reviews, pull requests, ``git log`` output, stack traces, SQL INSERTs, Markdown
tables, HTML, iCalendar, XML, TSV, voicemail and SMS transcripts, legal letters, insurance,
school and medical forms. ``{kind:key}`` placeholders repeat one value in a template. Its rows
are drawn after the fresh rows, shuffled on their own and appended last.
``python -m loadtests.make_pii_corpus`` rewrites the file byte for byte (a test holds it to that).
The generator's parts: ``pii_corpus_tables`` (names, places, formats), ``pii_corpus_values`` and
``pii_corpus_fields`` (one generator per placeholder), ``pii_corpus_templates`` (per split).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from loadtests.pii_corpus_fields import FIELDS
from loadtests.pii_corpus_templates import (
    BENIGN_DEV,
    BENIGN_HELDOUT,
    BLIND,
    BLIND_BENIGN,
    DEV,
    FRESH,
    FRESH_BENIGN,
    HELDOUT,
    UNSEEN,
    UNSEEN_BENIGN,
)

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "pii_corpus.jsonl"
SEED = 20261123
PLACEHOLDER = re.compile(r"\{(\w+)(?::(\w+))?\}")  # {kind} or {kind:key}, see UNSEEN


def render(template: str, rng: random.Random, split: str) -> dict[str, object]:
    text, spans, pos = [], [], 0
    memo: dict[str, str] = {}  # "{kind:key}" placeholders -> value, so a keyed placeholder repeats its value
    for m in PLACEHOLDER.finditer(template):
        text.append(template[pos : m.start()])
        name, key = m.groups()
        kind, gen = FIELDS[name]
        if key is None:
            value = gen(rng, split)
        elif f"{name}:{key}" in memo:
            value = memo[f"{name}:{key}"]
        elif name == "first" and f"person:{key}" in memo:
            value = memo[f"person:{key}"].split()[0]
        else:
            value = gen(rng, split)
            while name == "person" and value.split()[0].endswith("."):  # "K. Bekele" has no first name to reuse
                value = gen(rng, split)
        if key is not None:
            memo[f"{name}:{key}"] = value
        start = sum(map(len, text))
        text.append(value)
        if kind:
            spans.append({"start": start, "end": start + len(value), "entity_type": kind})
        pos = m.end()
    text.append(template[pos:])
    return {"text": "".join(text), "spans": spans}


def build(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    groups = (
        ("dev", "t", DEV, 60),
        ("heldout", "t", HELDOUT, 60),
        ("dev", "b", BENIGN_DEV, 30),
        ("heldout", "b", BENIGN_HELDOUT, 30),
        ("blind", "t", BLIND, 40),
        ("blind", "b", BLIND_BENIGN, 30),
    )
    for split, kind, templates, repeat in groups:
        for i, template in enumerate(templates):
            for _ in range(repeat):
                rows.append({**render(template, rng, split), "split": split, "template": f"{split}-{kind}{i}"})
    rng.shuffle(rows)
    # The fresh split is drawn only after the older rows have been shuffled and is appended after them: adding
    # its rows to the shuffle above would reorder (and, through the shared generator, rewrite) the older rows.
    fresh: list[dict[str, object]] = []
    for split, kind, templates, repeat in (("fresh", "t", FRESH, 25), ("fresh", "b", FRESH_BENIGN, 20)):
        for i, template in enumerate(templates):
            for _ in range(repeat):
                fresh.append({**render(template, rng, split), "split": split, "template": f"{split}-{kind}{i}"})
    rng.shuffle(fresh)
    # The unseen split follows the same rule: drawn after the fresh rows, shuffled on its own, appended last.
    unseen: list[dict[str, object]] = []
    for split, kind, templates, repeat in (("unseen", "t", UNSEEN, 25), ("unseen", "b", UNSEEN_BENIGN, 20)):
        for i, template in enumerate(templates):
            for _ in range(repeat):
                unseen.append({**render(template, rng, split), "split": split, "template": f"{split}-{kind}{i}"})
    rng.shuffle(unseen)
    return rows + fresh + unseen


def main() -> None:
    rows = build(random.Random(SEED))
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} samples to {OUT}")


if __name__ == "__main__":
    main()
