"""Scoring aigw and Presidio's default engine on span-annotated corpora (used by eval_detection).

A corpus is JSON Lines, one ``{"text", "spans": [{"start", "end", "type"}]}`` per line
(``entity_type`` is accepted for ``type``; other keys are ignored); offsets are Python
string indices. Corpus labels are mapped to our entity types by ``LABELS`` (PER -> PERSON,
LOC/GPE/FAC -> LOCATION, ORG -> ORGANIZATION, US/UK_PASSPORT -> PASSPORT); unknown labels
are kept as they are (OTHER stays OTHER).

Which types are scored. A type is scored on a corpus only where the corpus annotates it
(its lines carry spans of that type; the generator corpus annotates every type in
eval_pii's ORDER). So our EMAIL_ADDRESS or Presidio's NRP and DATE_TIME findings are not
false positives on a corpus that does not annotate those types. ORGANIZATION and OTHER
(products, works, events; MISC maps to it) are never scored: they are not personal data
here, and neither system reports them (Presidio ignores spaCy's ORG by default). A system
that cannot report a scored type (STREET_ADDRESS before issue 15, UK_NINO for Presidio)
gets recall 0 for it: that is what it finds.

Matching. P / R / F1 use exact span match: a prediction is right, and a gold span found,
only with the same start, end and type (each distinct span counted once). The second
figure is any-overlap with the same type, as in eval_pii: a gold span is found when a
prediction of its type overlaps it, a prediction is right when it overlaps a gold span of
its type. A corpus that does not annotate STREET_ADDRESS labels addresses as places, so there
our STREET_ADDRESS findings are scored as LOCATION. ``any-type R`` is the share of gold spans
overlapped by a prediction of any type.

Characters flagged outside any true span: the characters that a system flags, with every
finding it reports at threshold 0.5 whatever its type (so the unscored EMAIL, NRP or
DATE_TIME findings count here), that lie in no gold span of any type (OTHER included),
as a share of all characters of the corpus.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loadtests.eval_pii import GROUP, ORDER, Predict, Span, load, overlaps, ratios

LABELS = {
    "PER": "PERSON",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "MISC": "OTHER",
    **GROUP,
}
UNSCORED = frozenset({"ORGANIZATION", "OTHER"})
Counts = dict[str, Counter[str]]


@dataclass(frozen=True)
class Corpus:
    """Texts with their gold spans, the types it annotates and what it may be used for."""

    name: str
    texts: list[str]
    gold: list[list[Span]]
    annotated: frozenset[str]
    role: str = ""


@dataclass(frozen=True)
class Scores:
    """One system's counts per scored type and its characters flagged outside gold spans."""

    counts: Counts
    outside: int
    chars: int
    outside_annotated: int = 0  # the same, counting only findings of types the corpus annotates


def parse_spans(row: Mapping[str, Any]) -> list[Span]:
    spans = []
    for s in row["spans"]:
        label = str(s.get("type", s.get("entity_type")))
        spans.append((int(s["start"]), int(s["end"]), LABELS.get(label, label)))
    return spans


def read_corpus(path: Path, limit: int | None = None, role: str = "") -> Corpus:
    """A JSONL corpus file, its first ``limit`` lines; annotated types = the types its spans carry."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [json.loads(line) for line in lines[:limit] if line]
    gold = [parse_spans(r) for r in rows]
    annotated = frozenset(t for spans in gold for _, _, t in spans)
    return Corpus(path.stem, [str(r["text"]) for r in rows], gold, annotated, role)


def pii_split(split: str, limit: int | None, role: str) -> Corpus:
    """One split of the project's generator corpus; it annotates every type of eval_pii's ORDER."""
    rows = load(limit, split)
    gold = [[(s["start"], s["end"], GROUP.get(s["entity_type"], s["entity_type"])) for s in r["spans"]] for r in rows]
    return Corpus(f"pii_corpus:{split}", [r["text"] for r in rows], gold, frozenset(ORDER), role)


def scored_types(corpus: Corpus) -> list[str]:
    """The corpus's annotated types, ORGANIZATION and OTHER left out; eval_pii's order first, then by name."""
    kinds = corpus.annotated - UNSCORED
    return [t for t in ORDER if t in kinds] + sorted(kinds - set(ORDER))


def score_spans(gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]], types: Sequence[str]) -> Counts:
    """Per type: gold and pred (distinct spans), exact hits, overlap found/right, any-type found."""
    counts: Counts = {t: Counter() for t in types}
    for gold_spans, pred_spans in zip(gold, pred, strict=True):
        g_set = {g for g in gold_spans if g[2] in counts}
        p_set = {p for p in pred_spans if p[2] in counts}
        for g in g_set:
            c = counts[g[2]]
            c["gold"] += 1
            c["exact"] += g in p_set
            c["found"] += any(overlaps(g, p) for p in p_set)
            c["any"] += any(g[0] < p[1] and p[0] < g[1] for p in pred_spans)
        for p in p_set:
            counts[p[2]]["pred"] += 1
            counts[p[2]]["right"] += any(overlaps(p, g) for g in g_set)
    return counts


def exact_prf(c: Counter[str]) -> tuple[float, float, float]:
    return ratios(c["exact"], c["pred"], c["exact"], c["gold"])


# Span conventions differ between corpora: GUM's names carry titles and possessives ("Mr. Collins",
# "Warhol's"), CoNLL-style sets and ours do not. The "convention-free" figure strips both from gold
# and predicted PERSON spans alike before exact matching.
TITLE_PREFIX = re.compile(
    r"(?:(?:mr|mrs|ms|mx|dr|prof|professor|sir|dame|president|senator|governor|judge|justice|general|emperor"
    r"|secretary|minister|ambassador|attorney|administrator|major-general|inspector)\.?\s+)+",
    re.IGNORECASE,
)
POSSESSIVE = re.compile(r"\s?['’]s?$")


def convention_free(text: str, spans: Sequence[Span]) -> list[Span]:
    """PERSON spans without a leading title or a trailing possessive; other spans unchanged."""
    out = []
    for start, end, kind in spans:
        if kind == "PERSON":
            if (title := TITLE_PREFIX.match(text, start, end)) and title.end() < end:
                start = title.end()
            if (tail := POSSESSIVE.search(text, start, end)) and tail.start() > start:
                end = tail.start()
        out.append((start, end, kind))
    return out


def convention_free_prf(c: Counter[str]) -> tuple[float, float, float]:
    return ratios(c["exact_free"], c["pred_free"], c["exact_free"], c["gold_free"])


def overlap_prf(c: Counter[str]) -> tuple[float, float, float]:
    return ratios(c["right"], c["pred"], c["found"], c["gold"])


def chars_outside(texts: Sequence[str], gold: Sequence[Sequence[Span]], pred: Sequence[Sequence[Span]]) -> int:
    """Characters inside some prediction (any type) and inside no gold span (any type)."""
    total = 0
    for text, gold_spans, pred_spans in zip(texts, gold, pred, strict=True):
        flagged = bytearray(len(text))
        for start, end, _ in pred_spans:
            flagged[start:end] = b"\x01" * (min(end, len(text)) - start)
        for start, end, _ in gold_spans:
            flagged[start:end] = bytes(min(end, len(text)) - start)
        total += sum(flagged)
    return total


def as_annotated(pred: Sequence[Span], annotated: frozenset[str]) -> list[Span]:
    """A corpus that does not tell street addresses apart labels them as places (LOC, FAC, our
    generator's LOCATION): there a STREET_ADDRESS finding is scored as the LOCATION it is."""
    if "STREET_ADDRESS" in annotated:
        return list(pred)
    return [(s, e, "LOCATION" if t == "STREET_ADDRESS" else t) for s, e, t in pred]


def evaluate(corpus: Corpus, predict: Predict, types: Sequence[str]) -> Scores:
    pred = [as_annotated(predict(text), corpus.annotated) for text in corpus.texts]
    outside = chars_outside(corpus.texts, corpus.gold, pred)
    # An e-mail address or phone number flagged in a corpus that annotates neither is counted
    # above (it is outside every true span) and left out here: the corpus cannot say it is wrong.
    of_annotated = [[p for p in spans if p[2] in corpus.annotated] for spans in pred]
    outside_annotated = chars_outside(corpus.texts, corpus.gold, of_annotated)
    chars = sum(len(t) for t in corpus.texts)
    counts = score_spans(corpus.gold, pred, types)
    if "PERSON" in counts:
        free_gold = [convention_free(t, g) for t, g in zip(corpus.texts, corpus.gold, strict=True)]
        free_pred = [convention_free(t, p) for t, p in zip(corpus.texts, pred, strict=True)]
        free = score_spans(free_gold, free_pred, ["PERSON"])["PERSON"]
        counts["PERSON"].update({f"{k}_free": free[k] for k in ("exact", "pred", "gold")})
    return Scores(counts, outside, chars, outside_annotated)


def _cell(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.3f}" for v in values)


def share(scores: Scores, annotated_only: bool = False) -> str:
    outside = scores.outside_annotated if annotated_only else scores.outside
    return f"{100 * outside / scores.chars:.2f}%" if scores.chars else "n/a"


def corpus_table(corpus: Corpus, mine: Scores, base: Scores) -> str:
    """Per scored type, aigw and Presidio side by side, then the characters flagged outside gold spans."""
    with_spans = sum(bool(g) for g in corpus.gold)
    role = f"; {corpus.role}" if corpus.role else ""
    lines = [
        f"### {corpus.name} ({len(corpus.texts)} texts, {with_spans} with spans{role})\n",
        "| type | gold | aigw P / R / F1 | Presidio P / R / F1 | aigw overlap P / R / F1 "
        "| Presidio overlap P / R / F1 | any-type R aigw / Presidio |",
        "|---|---:|---|---|---|---|---|",
    ]
    for kind, c in mine.counts.items():
        b = base.counts[kind]
        any_r = f"{ratios(0, 0, c['any'], c['gold'])[1]:.3f} / {ratios(0, 0, b['any'], b['gold'])[1]:.3f}"
        cells = [_cell(exact_prf(c)), _cell(exact_prf(b)), _cell(overlap_prf(c)), _cell(overlap_prf(b)), any_r]
        lines.append(f"| {kind} | {c['gold']} | " + " | ".join(cells) + " |")
    lines.append(
        f"\nCharacters flagged outside any true span: aigw {share(mine)} ({mine.outside} of {mine.chars}), "
        f"Presidio {share(base)} ({base.outside}); counting only findings of the types this corpus annotates: "
        f"aigw {share(mine, True)}, Presidio {share(base, True)}."
    )
    return "\n".join(lines).replace("nan", "n/a")


def summary_table(results: Sequence[tuple[Corpus, Scores, Scores]]) -> str:
    """One line per corpus: PERSON and LOCATION F1 (exact, overlap) and characters outside, aigw | Presidio."""
    lines = [
        "| corpus | texts | PERSON F1 aigw / Presidio | PERSON overlap F1 | LOCATION F1 | LOCATION overlap F1 "
        "| chars outside aigw / Presidio | same, annotated types only | PERSON F1, titles and possessives ignored |",
        "|---|---:|---|---|---|---|---|---|---|",
    ]
    for corpus, mine, base in results:
        cells = []
        for kind in ("PERSON", "LOCATION"):
            for prf in (exact_prf, overlap_prf):
                have = kind in mine.counts and mine.counts[kind]["gold"]
                cells.append(
                    f"{prf(mine.counts[kind])[2]:.3f} / {prf(base.counts[kind])[2]:.3f}" if have else "no gold"
                )
        cells.append(f"{share(mine)} / {share(base)}")
        cells.append(f"{share(mine, True)} / {share(base, True)}")
        if "PERSON" in mine.counts and mine.counts["PERSON"]["gold"]:
            free = (convention_free_prf(mine.counts["PERSON"])[2], convention_free_prf(base.counts["PERSON"])[2])
            cells.append(f"{free[0]:.3f} / {free[1]:.3f}")
        else:
            cells.append("no gold")
        lines.append(f"| {corpus.name} | {len(corpus.texts)} | " + " | ".join(cells) + " |")
    return "\n".join(lines).replace("nan", "n/a")
