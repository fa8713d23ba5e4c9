"""Phone numbers of 2 to 6 digits: internal extensions and the whole national numbers of small
countries (Falkland Islands and Saint Helena 5 digits, Niue 4, Tuvalu 5-6), only where a phone
word labels them.

Short digit runs are everywhere (years, counts, PINs, room numbers), so a DLP can only call one a
phone number where the text says so, right before it, on the same line:

* a phone word as a label or a verb, then 4 to 6 digits (grouped: 5 or 6, as the Faroes, Greenland,
  New Caledonia or Tonga write theirs: "20 12 34", "20.12.34", "20-123"): "Tel 21234", "phone no.: 4002",
  "dial 4417 from any office phone", "call 22123". Not after words in between ("the phone
  is 2231"), not a year ("call 2025"), an amount ("call 1500 €") or a count ("call 1500
  customers"); "call 911" (3 digits) is a service number, nobody's;
* an extension written as one, 2 to 6 digits: "ext. 4417" on its own, "x2231" after a phone
  word ("Desk: x2231", "Tel. x 31"). The word "extension" in prose ("ask for extension 804"
  after a number already found) is not enough: the sets written for issue 15 leave those out.

An extension right after a number (or after digits the number recognizer rejected) is that
recognizer's business, never a finding of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors.pii_recognizers import Hit

# Words that label a number as a phone number (not "office", "desk", "contact": those label rooms too).
PHONE_WORD = (
    r"phone|tel(?:e(?:phone|fon|fono|fone|foon))?|tél(?:éphone)?|mobile?|mobil|mob\.|cellular|cellphone"
    r"|cell(?=[ \t]*[:#])|fax|landline|whats ?app|hotline|helpline|dial|call|rufnummer|durchwahl|telefono|teléfono"
    r"|telefone|puhelin|sími|simi|tlf|tfn|celular|móvil|movil|τηλ(?:έφωνο)?|тел(?:ефон)?"
)
# Words that label an extension ("Desk: x2231").
EXT_WORD = rf"{PHONE_WORD}|desk|office|direct(?: line| dial)?|switchboard|reception"
# What may stand between a label and its value: "Tel.:", "phone no. #", "Mobile (work):".
BETWEEN = r"\.?(?:[ \t]*(?:\((?:work|office|home|mobile|direct|desk)\)|no\.?|nr\.?|number|#|:|-))*[ \t]*"
# After the value: no more digits, letters or an "@" (part of something longer), no decimal, time or date.
END = r"(?![\w@]|[ \t]?[.,:/-]?\d)"
# 4-6 digits, or 5-6 in groups split by one kind of separator ("20 12 34", "20.12.34", "211-234", "3 81234").
# Not two groups split by a dot: "12.345" is a thousand separator or a decimal.
NUMBER = r"(?P<num>\d{4,6}|\d{1,3}[ -]\d{2,5}|\d\d(?P<sep>[ .-])\d\d(?P=sep)\d\d)"
LABELLED = re.compile(rf"(?<![^\W_])(?:{PHONE_WORD})(?![^\W_]){BETWEEN}{NUMBER}{END}", re.I)
X_EXTENSION = re.compile(rf"(?<![^\W_])(?:{EXT_WORD})(?![^\W_]){BETWEEN}(?P<num>x[ \t]?\d{{2,6}}){END}", re.I)
# "ext." or "ext:" written as an abbreviation is a label of its own; "ext 16" (no dot) needs 3 digits or more
# (the "ext 16" and "ext 32" of msgpack's type tables).
EXT_LABEL = re.compile(rf"(?<![^\W_])(?P<num>extn?(?:[.:][ \t]*\d{{2,6}}|[ \t]+\d{{3,6}})){END}", re.I)
YEAR = re.compile(r"(?:19|20)\d\d")
# A count or an amount, not a number to call: "call 1500 customers", "dial 2000 times", "ring 1200 €".
COUNT_AFTER = re.compile(
    r"[ \t]*(?:%|€|\$|£|¥|eur\b|usd\b|gbp\b|chf\b|kr\b|times|minutes|mins|hours|seconds|days|people|customers|users"
    r"|clients|calls|messages|texts|units|pieces|numbers|lines|phones|devices|subscribers|contacts|records|rows"
    r"|employees|members|households|patients|students|hrs|h\b|uhr\b|x\b|\*)",
    re.IGNORECASE,
)
# A digit just before an extension (and what may separate them): the extension of that number.
NUMBER_BEFORE = re.compile(r"\d[ \t,;(\-]*$")


def short_numbers(text: str) -> Iterator[Hit]:
    """Labelled short numbers and extensions in (ASCII-digit) text; score 0.6, over the default threshold."""
    for pattern in (LABELLED, X_EXTENSION, EXT_LABEL):
        for match in pattern.finditer(text):
            start, end = match.span("num")
            digits = "".join(ch for ch in match.group("num") if ch.isdigit())
            grouped = not match.group("num").isdigit()
            if pattern is LABELLED and ((grouped and not 5 <= len(digits) <= 6) or YEAR.fullmatch(digits)):
                continue  # "Tel 12 34": a grouped one has 5 or 6 digits
            if pattern is LABELLED and COUNT_AFTER.match(text, end):
                continue
            if pattern is EXT_LABEL and NUMBER_BEFORE.search(text, max(0, start - 8), start):
                continue
            yield start, end, 0.6
