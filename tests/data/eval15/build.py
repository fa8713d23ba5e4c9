"""Build the eval15 PII evaluation files from marked-up templates; offsets are correct by construction.

Run: `python tests/data/eval15/build.py` (deterministic: fixed seeds). It reads prose.tpl,
formats_dev.tpl and formats_holdout.tpl (templates separated by a line `===`; lines starting with
`##` are comments), expands each template with made-up values, and writes prose_blind.jsonl,
formats_dev.jsonl and formats_holdout.jsonl: one {"text", "spans", "source"} object per line, where
every span satisfies text[start:end] == the value that was inserted (asserted).

Markup in a template:
  [[TYPE:value]]       a fixed entity, e.g. [[PERSON:Callum]] or [[LOCATION:Lagos]]
  <<P1>> <<P1.first>> <<P1.last>> <<P1.lastfirst>> <<P1.email>>   one made-up person per id per text;
                       `@hu` after the id picks a culture, `|lower` / `|upper` after the slot changes case
  <<PHONE>> <<PHONE:uk>> <<PHONEX>> (with an extension)   <<CARD>> <<CARD:amex>>   <<SSN>> <<IBAN>>
  <<ADDR>> <<ADDRML>> (multi-line) <<ADDRC>> <<ADDRMLC>> (followed by the country, a LOCATION)
  <<CITY>> <<COUNTRY>> <<REGION>> (LOCATION)   <<EMAIL>> (a role mailbox)
  <<PRODUCT>> <<COMPANY>> <<MONTH>> <<DATE>> <<TIME>> <<MONEY>> <<ORDER>> <<VERSION>> <<ISBN>> <<TRACK>>
  <<COORD>> <<ZIP>> <<REF16>> <<NUM:pattern>> <<PICK:a;b;c>>   unannotated fillers (hard negatives)

Span conventions (also in README.md):
  PERSON          the name only, without titles (Mr, Dr, Prof.) and without a trailing comma; a given name
                  alone, a surname alone ("Dr. [Okafor]") and "Family, Given" in a list are all PERSON.
  PHONE_NUMBER    from the first character of the number (including "+" and the opening bracket) to its
                  last digit, including an extension written after it ("x42", "ext. 7"); cue words such as
                  "Tel.", "Mobile:" are outside the span.
  CREDIT_CARD     the digits with their inner spaces or dashes.
  STREET_ADDRESS  one span from the first street line (house number/street, flat or unit line, PO box, PSC/
                  Unit box) through the line holding the postcode and city (and state/province code when
                  written there). Newlines inside a multi-line block are inside the span. The recipient's
                  name (PERSON), a company line (not annotated) and a trailing country (LOCATION) are not.
  LOCATION        cities, countries and regions written outside an address span.
  EMAIL_ADDRESS, US_SSN, IBAN_CODE   the value as written (IBAN with its inner spaces).
Not annotated: companies, products, rooms and buildings, dates, times, money, order/invoice/ticket numbers,
version numbers, coordinates, lone postcodes, ISBNs, tracking numbers, Luhn-invalid reference numbers.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import fillers
import pools
from addresses import COUNTRIES, make_address

HERE = Path(__file__).resolve().parent
MARK = re.compile(r"<<([^<>]+)>>|\[\[([A-Z_]+):(.+?)\]\]", re.DOTALL)
Segment = tuple[str, str | None]


@dataclass
class Filler:
    """Draws values for one output file; `half` keeps dev and holdout value pools apart."""

    rng: random.Random
    half: int | None
    persons: dict[str, pools.Person] = field(default_factory=dict)
    turn: dict[str, int] = field(default_factory=dict)
    tally: dict[str, int] = field(default_factory=dict)

    def count(self, key: str) -> None:
        """Record which country or scheme a value came from (printed by summary)."""
        self.tally[key] = self.tally.get(key, 0) + 1

    def cycle(self, kind: str, options: list[str]) -> str:
        """Round-robin over options so that every country/scheme is covered evenly."""
        n = self.turn.get(kind, 0)
        self.turn[kind] = n + 1
        return options[n % len(options)]

    def person(self, ref: str) -> pools.Person:
        """The person behind id `ref` ("P1" or "P1@hu") in the current text."""
        pid, _, culture = ref.partition("@")
        if pid not in self.persons:
            self.persons[pid] = pools.make_person(self.rng, self.half, culture or None)
        return self.persons[pid]

    def expand(self, slot: str) -> list[Segment]:
        """Turn one <<slot>> into text segments, each with its entity type or None."""
        body, _, case = slot.partition("|")
        kind, _, arg = body.partition(":")
        segments = self.segments(kind.strip(), arg.strip())
        if case == "lower":
            return [(t.lower(), ty) for t, ty in segments]
        if case == "upper":
            return [(t.upper(), ty) for t, ty in segments]
        return segments

    def segments(self, kind: str, arg: str) -> list[Segment]:
        """Dispatch on the slot kind."""
        rng = self.rng
        if re.fullmatch(r"P\d+(@\w+)?(\.\w+)?", kind):
            ref, _, part = kind.partition(".")
            p = self.person(ref)
            if part == "email":
                return [(p.email, "EMAIL_ADDRESS")]
            value = {"": p.full, "first": p.given, "last": p.family, "lastfirst": f"{p.family}, {p.given}"}[part]
            return [(value, "PERSON")]
        if kind in ("PHONE", "PHONEX"):
            country = arg or self.cycle("phone", sorted(pools.PHONES))
            self.count(f"phone:{country}")
            phone = pools.make_phone(rng, country)
            if kind == "PHONEX":
                phone += rng.choice(pools.EXTENSIONS)
            return [(phone, "PHONE_NUMBER")]
        if kind == "CARD":
            kind = arg or self.cycle("card", pools.card_kinds())
            number = pools.card_digits(rng, kind)
            self.count(f"card:{kind.partition('/')[0]}/{len(number)}")
            return [(pools.group_card(rng, number), "CREDIT_CARD")]
        if kind.startswith("ADDR"):
            code = arg or self.cycle("addr", sorted(COUNTRIES))
            self.count(f"address:{code}")
            out: list[Segment] = [(make_address(rng, code, self.half, "ML" in kind), "STREET_ADDRESS")]
            if kind.endswith("C"):
                out += [("\n" if "ML" in kind else ", ", None), (COUNTRIES[code].name, "LOCATION")]
            return out
        if kind in ("CITY", "COUNTRY", "REGION"):
            return [(rng.choice(pools.pick_half(fillers.PLACES[kind], self.half)), "LOCATION")]
        if kind == "SSN":
            return [(pools.make_ssn(rng), "US_SSN")]
        if kind == "IBAN":
            country = arg or self.cycle("iban", sorted(pools.IBAN_BBAN))
            return [(pools.make_iban(rng, country, rng.random() < 0.6), "IBAN_CODE")]
        if kind == "EMAIL":
            return [(fillers.role_email(rng), "EMAIL_ADDRESS")]
        if kind == "PICK":
            return [(rng.choice(arg.split(";")), None)]
        while True:  # an unannotated number must not be a valid card number by chance
            value = pools.fill(rng, arg) if kind == "NUM" else fillers.negative(rng, kind)
            if not card_like(value):
                return [(value, None)]


def card_like(value: str) -> bool:
    """True for 12-19 digits (spaces/dashes allowed) that pass the Luhn check."""
    digits = re.sub(r"[ -]", "", value)
    return digits.isdigit() and 12 <= len(digits) <= 19 and pools.luhn_ok(digits)


def render(template: str, filler: Filler) -> dict[str, object]:
    """Expand one template into a record whose spans are computed while the text is assembled."""
    filler.persons.clear()
    text, spans, at = "", [], 0
    for m in MARK.finditer(template):
        text += template[at : m.start()]
        at = m.end()
        segs = filler.expand(m.group(1)) if m.group(1) else [(m.group(3), m.group(2))]
        for value, etype in segs:
            if etype:
                spans.append({"start": len(text), "end": len(text) + len(value), "type": etype, "value": value})
            text += value
    text += template[at:]
    for s in spans:
        assert text[s["start"] : s["end"]] == s.pop("value"), (template, s)  # type: ignore[index]
    return {"text": text, "spans": spans}


def load_templates(path: Path) -> list[str]:
    """Templates from a .tpl file: blocks separated by `===` lines, `##` comment lines dropped."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("##")]
    blocks = "\n".join(lines).split("\n===\n")
    return [b.strip("\n") for b in blocks if b.strip()]


def build(tpl: str, out: str, target: int, seed: int, half: int | None) -> tuple[list[dict[str, object]], Filler]:
    """Expand templates to `target` unique texts: slot-free templates once, the others in turn."""
    rng = random.Random(seed)
    templates = load_templates(HERE / tpl)
    fixed = [t for t in templates if "<<" not in t]
    slotted = [t for t in templates if "<<" in t]
    records, seen, filler = [], set(), Filler(rng, half)
    for i in range(len(fixed) + max(0, target - len(fixed))):
        template = fixed[i] if i < len(fixed) else slotted[(i - len(fixed)) % len(slotted)]
        for _attempt in range(50):
            rec = render(template, filler)
            if rec["text"] not in seen:
                break
        assert rec["text"] not in seen, template
        seen.add(rec["text"])
        records.append(rec)
    rng.shuffle(records)
    stem = out.removesuffix(".jsonl")
    for n, rec in enumerate(records, 1):
        rec["source"] = f"eval15:{stem}:{n}"
    with (HERE / out).open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return records, filler


def summary(name: str, built: tuple[list[dict[str, object]], Filler]) -> None:
    """Print per-type span counts, entity-free texts and the length range of one file."""
    records, filler = built
    counts: dict[str, int] = {}
    for rec in records:
        for s in rec["spans"]:  # type: ignore[attr-defined]
            counts[s["type"]] = counts.get(s["type"], 0) + 1
    empty = sum(1 for r in records if not r["spans"])
    lengths = [len(str(r["text"])) for r in records]
    print(f"{name}: {len(records)} texts, {empty} without entities, length {min(lengths)}-{max(lengths)}")
    print("   ", json.dumps(dict(sorted(counts.items()))))
    print("   ", json.dumps(dict(sorted(filler.tally.items()))))


def main() -> None:
    """Write the three files and print their counts."""
    summary("prose_blind", build("prose.tpl", "prose_blind.jsonl", 400, 1501, None))
    summary("formats_dev", build("formats_dev.tpl", "formats_dev.jsonl", 300, 1502, 0))
    summary("formats_holdout", build("formats_holdout.tpl", "formats_holdout.jsonl", 300, 1503, 1))


if __name__ == "__main__":
    main()
