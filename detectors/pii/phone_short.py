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

from detectors.pii.recognizers import Hit

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
# "ext." or "ext:" written as an abbreviation is a label of its own; "ext 16" (no dot) needs 3 digits or more
# (the "ext 16" and "ext 32" of msgpack's type tables). One pattern for all three forms, matched against the
# lower-cased text: a case-insensitive alternation is 3x slower, and a pass per form as many times. A text
# whose lower-case form has another length ("İ") is matched case-insensitively instead.
SHORT = (
    rf"(?<![^\W_])(?:(?P<ext>extn?(?:[.:][ \t]*\d{{2,6}}|[ \t]+\d{{3,6}}))"
    rf"|(?P<word>{EXT_WORD})(?![^\W_]){BETWEEN}(?:(?P<x>x[ \t]?\d{{2,6}})|{NUMBER})){END}"
)
SHORT_LOWER, SHORT_ANY_CASE = re.compile(SHORT), re.compile(SHORT, re.IGNORECASE)
IS_PHONE_WORD = re.compile(PHONE_WORD, re.IGNORECASE)
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
    lower = text.lower()
    matches = SHORT_LOWER.finditer(lower) if len(lower) == len(text) else SHORT_ANY_CASE.finditer(text)
    for match in matches:
        if match.group("ext"):  # "ext. 4417", unless it is the extension of digits just before
            start, end = match.span("ext")
            if not NUMBER_BEFORE.search(text, max(0, start - 8), start):
                yield start, end, 0.6
        elif match.group("x"):  # "Desk: x2231"
            yield (*match.span("x"), 0.6)
        elif IS_PHONE_WORD.fullmatch(match.group("word")):  # "Tel 21234", not "Desk: 2231"
            start, end = match.span("num")
            digits = "".join(ch for ch in match.group("num") if ch.isdigit())
            grouped = not match.group("num").isdigit()
            if (grouped and not 5 <= len(digits) <= 6) or YEAR.fullmatch(digits):
                continue  # "Tel 12 34": a grouped one has 5 or 6 digits
            if not COUNT_AFTER.match(text, end):
                yield start, end, 0.6
