"""Two more views for the secrets and PII detectors: digits written as words, and values
written backwards.

A careless or determined sender writes an SSN as "five three six two two eight seven
four one" or a key backwards ("LP7JK2...YAIKA"); a model reads either as well as the
value itself.

- ``spelled_digits``: a run of at least ``MIN_SPELLED_DIGITS`` digits written as English
  words (zero to nine; "oh" for 0 inside a run; "double"/"triple" before a digit word),
  separated by spaces, commas or hyphens, becomes its digits; each digit maps back to
  its word(s), the rest of the text is kept as is. Digit words mixed with numbers of up
  to four digits count too ("five 3 six-22-8741" reads 536-22-8741: the separator next
  to a number of two or more digits is kept, so the grouping the detectors know stays).
  A run of numbers alone is left to the other views. Seven digits is the shortest value
  worth finding (a local phone number); prose counts things one or two words at a time
  ("two cats and three dogs"), never seven digit words in a row.
- ``reversed_segments``: each token of ``[A-Za-z0-9@._+-]`` (no spaces, slashes or
  colons: not a path or URL) of ``MIN_REVERSED_CHARS`` to ``MAX_REVERSED_CHARS``
  characters that could hold a value -- at least nine digits (SSN, card), an "@" with no
  dot after it (a reversed e-mail), or letters and digits over at least 16 characters (a
  key; or letters alone ending in an AWS key id's prefix reversed, "...AIKA"), and not
  only hex digits with at least one letter (UUIDs, hashes) -- reversed. The reversed
  tokens are joined into one text (as for decoded segments) and a finding maps to the
  whole token. Ordinary words, dates, versions and short numbers never qualify.
"""

from __future__ import annotations

import re

from detectors.decoding import Decoded
from detectors.normalize import View

MIN_SPELLED_DIGITS = 7
MIN_REVERSED_CHARS = 10
MAX_REVERSED_CHARS = 256  # the longest key we know is ~200 characters; longer is a blob
_JOIN = "\n\n"

_DIGITS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_REPEAT = {"double": 2, "triple": 3}
# zero|oh|one|two|three|triple|four|five|six|seven|eight|nine|double, as a trie: the
# regular-expression engine tries alternatives one by one at every position.
_WORD = r"(?:o(?:ne|h)|t(?:wo|hree|riple)|f(?:our|ive)|s(?:ix|even)|eight|nine|zero|double)"
_SEP = r"(?:\s*[,\-]\s*|\s+)"
_UNIT = rf"(?:{_WORD}|\d{{1,4}})"
# Five words at least: "triple five triple six one" is the shortest seven-digit run.
_RUN_PATTERN = rf"\b{_UNIT}(?:{_SEP}{_UNIT}){{4,}}\b"
_RUN = re.compile(_RUN_PATTERN)  # on the lower-cased text: twice as fast as IGNORECASE
_RUN_ANY_CASE = re.compile(_RUN_PATTERN, re.IGNORECASE)  # when lower() changes lengths
_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_RUN_WORD = re.compile(r"[A-Za-z]+|\d+")

_REVERSIBLE = re.compile(r"(?<![A-Za-z0-9@._+\-])[A-Za-z0-9@._+\-]{10,}(?![A-Za-z0-9@._+\-])")
_EDGE = "._+-"
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[A-Za-z]")
_AWS_REVERSED = ("AIKA", "AISA", "AIBA", "ACCA")
_HEX_ID = re.compile(r"(?=[0-9.\-]*[A-Fa-f])[0-9A-Fa-f.\-]+")


def spelled_digits(text: str) -> View | None:
    """``text`` with each run of spelled digits as its digits, or None if it has none."""
    lower = text.lower()
    # A run holds at least three digit words, or one among numbers (a substring count,
    # in C, rules out most texts for a microsecond or two: the run expression costs several).
    words = sum(map(lower.count, _DIGIT_WORDS))
    if words < 3 and (words == 0 or not _beside_a_digit(lower)):
        return None
    matches = _RUN.finditer(lower) if len(lower) == len(text) else _RUN_ANY_CASE.finditer(text)
    # From the first digit word to the last: an "oh" at either edge stays a word.
    runs = [(digits[0][1][0], digits[-1][1][1], digits) for m in matches if (digits := _run_digits(m))]
    if not runs:
        return None
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for start, end, digits in runs:
        chars.append(text[at:start])
        starts.extend(range(at, start))
        ends.extend(range(at + 1, start + 1))
        for digit, (s, e) in digits:
            chars.append(digit)
            starts.append(s)
            ends.append(e)
        at = end
    chars.append(text[at:])
    starts.extend(range(at, len(text)))
    ends.extend(range(at + 1, len(text) + 1))
    return View("".join(chars), tuple(starts), tuple(ends))


def _beside_a_digit(lower: str) -> bool:
    """Whether a digit word stands within three characters of a digit ("five 3"): the
    only way a run with fewer than three digit words holds seven digits. A few substring
    searches: the run expression would cost ten times as much on every text with a
    "one" in it ("someone", "phone")."""
    for word in _DIGIT_WORDS:
        at = lower.find(word)
        while at != -1:
            end = at + len(word)
            if any(c.isdigit() for c in lower[max(0, at - 3) : at] + lower[end : end + 3]):
                return True
            at = lower.find(word, end)
    return False


def _run_digits(run: re.Match[str]) -> list[tuple[str, tuple[int, int]]]:
    """The digits of a run (and the separators kept beside numbers) with the span of the
    word(s) or characters each came from; [] when the run holds fewer than
    ``MIN_SPELLED_DIGITS`` digits or no digit word."""
    base = run.start()
    text = run.string
    words = [(w.group().lower(), base + w.start(), base + w.end()) for w in _RUN_WORD.finditer(run.group())]
    # "oh" is a digit only between digits (not "oh, one more thing"); a repeat word only
    # before a digit word.
    while words and words[0][0] in ("oh", "double", "triple"):
        words.pop(0)
    while words and words[-1][0] in ("oh", "double", "triple"):
        words.pop()
    if all(word.isdigit() for word, _, _ in words):
        return []
    out: list[tuple[str, tuple[int, int]]] = []
    times, times_start, previous, previous_end, group = 1, -1, "", -1, 0
    for word, start, end in words:
        # "six-22": keep the dash; but "four 111 1111" is one group of four digits.
        if group > 1 and (_is_number(previous) or _is_number(word)):
            out.extend((text[i], (i, i + 1)) for i in range(previous_end, start))
            group = 0
        elif group == 1 and _is_number(word) and len(word) > 3:
            return []  # "one, 2024-05-17": a count and a date, no group of a value
        previous, previous_end, before = word, end, len(out)
        if word.isdigit():
            out.extend((digit, (start + i, start + i + 1)) for i, digit in enumerate(word))
            times = 1
        elif word in _REPEAT:
            times, times_start = _REPEAT[word], start
        else:
            span = (times_start if times > 1 else start, end)
            out.extend((_DIGITS[word], span) for _ in range(times))
            times = 1
        group += len(out) - before
    return out if sum(c.isdigit() for c, _ in out) >= MIN_SPELLED_DIGITS else []


def _is_number(word: str) -> bool:
    """Two digits or more: a group of the value, whose separators are part of its shape."""
    return len(word) > 1 and word.isdigit()


def reversed_segments(text: str, decoded: Decoded | None = None) -> Decoded | None:
    """The value-like tokens of ``text`` reversed and joined, or None if there are none.
    A token inside a segment that ``decoded`` holds is read decoded, not reversed (a
    base64 attachment is not a key written backwards)."""
    if len(text) < MIN_REVERSED_CHARS:
        return None
    spans = [(start, end) for _, _, start, end in decoded.parts] if decoded is not None else []
    pieces: list[str] = []
    parts: list[tuple[int, int, int, int]] = []
    at = 0
    for match in _REVERSIBLE.finditer(text):
        token = match.group()
        stripped = token.strip(_EDGE)
        if not MIN_REVERSED_CHARS <= len(stripped) <= MAX_REVERSED_CHARS or not _worth_reversing(stripped):
            continue
        start = match.start() + len(token) - len(token.lstrip(_EDGE))
        if any(s <= start and start + len(stripped) <= e for s, e in spans):
            continue
        parts.append((at, at + len(stripped), start, start + len(stripped)))
        pieces.append(stripped[::-1])
        at += len(stripped) + len(_JOIN)
    if not pieces:
        return None
    return Decoded(_JOIN.join(pieces), tuple(parts))


def _worth_reversing(token: str) -> bool:
    # An e-mail read backwards has its domain's dot before the "@", none after it; a
    # forward address (found by the plain scan) is not reversed.
    if "@" in token and "." not in token.rsplit("@", 1)[1]:
        return True
    # UUIDs, hashes and hex ids (common in prompts: request ids, commits) read backwards
    # are hex again; a hex value is the decoder's business.
    if _HEX_ID.fullmatch(token) is not None:
        return False
    digits = len(_DIGIT.findall(token))
    if digits >= 9:
        return True
    # An AWS key id of capitals alone (AKIAQWERTYUIOPASDFGH) holds no digit.
    return len(token) >= 16 and _LETTER.search(token) is not None and (digits > 0 or token.endswith(_AWS_REVERSED))
