"""Secrets detector: provider API keys, private keys, JWTs, passwords and high-entropy tokens.

What a secret looks like is data (``data/secret_rules.yaml``); how a candidate is
confirmed (entropy, character mix, JWT header, key body, placeholders) is code here.

Speed: this runs on every prompt. One Aho-Corasick pass over the lowercased text finds
the rules' keywords; a rule's regex is then tried only *at* its keywords (re.match), or
for tokens with no prefix of their own (AWS secret keys, Azure hex keys) in a short
window after them. Text with no keyword costs that one pass. Quantifiers are bounded
and long runs possessive: no input makes a rule backtrack catastrophically.

Spans: for assignments (``password = "..."``) the span is the value only, so redaction
keeps the name. Overlapping findings are resolved here: the more specific, higher-scored
rule wins (a JWT in ``token = eyJ...`` is a JWT).

Placeholders never fire: masks (``****``, ``xxxx``, ``...``), templates (``<your-api-key>``,
``${DB_PASSWORD}``, ``{{ token }}``, ``%(pw)s``), documentation values (``example``,
``dummy``, ``your_...``) and well-known defaults (``changeme``, ``password``, ``admin``):
they are public already, and flagging them teaches users to ignore the gateway.
Values are never logged.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from detectors.base import Category, Finding, resolve_overlaps, wanted

RULES_PATH = Path(__file__).parent / "data" / "secret_rules.yaml"
# How far past a window a token may run (longest windowed token: 88 chars), so a match
# is never cut short, nor a longer run mistaken for a token, at the window's end.
WINDOW_SLACK = 128
PEM_MAX_CHARS = 64_000  # a PGP private key block is well under this

# Space-separated tables (the formatter would put each word on a line of its own).
_PLACEHOLDER_TABLE = (
    "password passwd pass pwd pw passphrase secret token apikey api_key key changeme changeit none null nil "
    "undefined true false empty redacted hidden masked test testing admin root default guest user username "
    "foo bar baz foobar qwerty letmein"
)
_PLACEHOLDER_WORDS = frozenset(_PLACEHOLDER_TABLE.split())
_MASK_TABLE = (
    "xxxx *** • ... {{ %( example placeholder redacted dummy changeme change_me change-me replaceme replace_me "
    "replace-me"
)
_MASKS = tuple(_MASK_TABLE.split())
_YOUR = re.compile(r"(?:your|my)[_-]?(?:own[_-]?)?(?:api|secret|key|token|pass|pw)")
_DOTTED = re.compile(r"[A-Za-z_]\w{0,60}(?:\.[A-Za-z_]\w{0,60}){1,10}")
_IDENT = re.compile(r"[A-Za-z_]\w*")
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_CLASSES = (re.compile(r"[A-Z]"), re.compile(r"[a-z]"), _DIGIT)
_CASE_RUN = re.compile(r"[a-z]+|[A-Z]+|[0-9]+")
# Tokens that are not secrets: published keys, pagination and idempotency tokens.
_NOT_SECRET_KEY = re.compile(
    r"(?i)public|next|page|continuation|cursor|idempot|sync|update|client_?token|_?ids?$|name$|type$|url$|path$|file$"
)
_KEY_VALUE = re.compile(r"[A-Za-z]{3,}=")  # "Credential=..." in a header: pairs, not one token
_SEPARATORS = re.compile(r"[_.\-/]+")
_HEX = frozenset("0123456789abcdefABCDEF-")
_BAD_LEAD = tuple("*&$%:=-.,;")  # a bare value starting so is syntax (**kw, $VAR, -1), not a password
_QUOTED_BAD_LEAD = tuple(",;:)+=")  # the rest of a string literal, e.g. getpass("Password: ")
# The key's END line, or the next key's BEGIN line (then this one was truncated): searching
# only that far keeps a text of many headers linear.
_PEM_NEXT = re.compile(r"-{4,5} ?(END|BEGIN) [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)? ?-{4,5}")
# A truncated key (no END line): header lines and whole base64 lines, raw or JSON-escaped newlines.
_EOL = r"(?:\r?\n|\\(?:r\\)?n)"
_PEM_LINE = rf"[A-Za-z-]{{1,30}}: [^\r\n\\]{{0,120}}+|[A-Za-z0-9+/=]{{1,120}}+(?=[ \t]*(?:{_EOL}|$))"
_PEM_BODY = re.compile(rf"(?:[ \t]*+{_EOL}[ \t]*+(?:{_PEM_LINE})?){{1,2000}}")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_TRAILING = re.compile(r"(?:\s|\\[rn])+\Z")  # whitespace and JSON-escaped newlines at the end
_B64_RUN = re.compile(r"[A-Za-z0-9+/]{20}")


@dataclass(frozen=True, slots=True)
class Rule:
    entity_type: str
    pattern: re.Pattern[str]
    keywords: tuple[str, ...]
    check: str
    score: float = 1.0
    min_entropy: float = 0.0
    min_classes: int = 1
    no_words: bool = False  # reject identifiers (for tokens with no prefix of their own)
    window: tuple[int, int] | None = None  # (before, after) a keyword; None: match at the keyword


@functools.lru_cache(maxsize=4)
def load_rules(path: Path = RULES_PATH) -> tuple[Rule, ...]:
    """Parse and compile the rule file (cached: the gateway builds a detector per worker)."""
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(_rule(entry) for entry in raw["rules"])


def _rule(entry: dict[str, Any]) -> Rule:
    if entry["check"] not in CHECKS:
        raise ValueError(f"secret rule {entry['type']}: unknown check {entry['check']!r}")
    options = {k: entry[k] for k in ("score", "min_entropy", "min_classes", "no_words") if k in entry}
    flags = re.IGNORECASE if "i" in entry.get("flags", "") else 0
    window = tuple(entry["window"]) if "window" in entry else None
    keywords = tuple(k.lower() for k in entry["keywords"])
    return Rule(entry["type"], re.compile(entry["pattern"], flags), keywords, entry["check"], window=window, **options)


# --- Measures of a value ------------------------------------------------------------


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values()) if n else 0.0


def char_classes(value: str) -> int:
    """How many of upper case, lower case and digits the value mixes."""
    return sum(pattern.search(value) is not None for pattern in _CLASSES)


def is_placeholder(value: str) -> bool:
    """A mask, template, documentation value or well-known default (substring tests: this runs a lot)."""
    low = value.lower().strip("'\"`")
    if not low or low in _PLACEHOLDER_WORDS or low[0] in "<{$%" or low[-1] in ">}" or len(set(low)) == 1:
        return True
    # A name or message, not a password: "challengePassword", "no-password-required".
    named = "passw" in low and not _DIGIT.search(low)
    return named or any(marker in low for marker in _MASKS) or _YOUR.search(low) is not None


def _wordy(value: str) -> bool:
    """An identifier or path made of words, not random characters.

    Mixed case: camelCase switches between upper, lower and digits a few times, a random
    token at nearly every other character (62%); its lowercase runs are word tails
    (``rivate`` in PrivateKey), a random token's average under 2 letters. Single case:
    words between separators. Flags 95% of stdlib's mixed-case identifiers, and about 2% of
    random 16-character tokens, 0.1% of 40-character ones.
    """
    runs = _CASE_RUN.findall(value)  # maximal runs of one kind: lower, upper, digits
    lower = [len(r) for r in runs if r.islower()]
    if lower and any(r.isupper() for r in runs):
        alnum = sum(map(len, runs))
        return (len(lower) > 1 and sum(lower) >= 3.5 * len(lower)) or len(runs) - 1 < 0.25 * (alnum - 1)
    segments = _SEPARATORS.split(value)
    return len(segments) > 1 and sum(len(s) for s in segments if len(s) > 2 and s.isalpha()) > len(value) / 2


def _key_name(text: str, keyword_start: int) -> str:
    """The identifier a keyword ends (``DB_PASSWORD``, ``publicKeyToken``), up to the keyword."""
    start = keyword_start
    while start > 0 and keyword_start - start < 64 and (text[start - 1].isalnum() or text[start - 1] in "_-"):
        start -= 1
    return text[start:keyword_start]


def _code_like(value: str) -> bool:
    """A bare value that reads as code (a variable, attribute or type), not a literal password."""
    if value.startswith(_BAD_LEAD) or _DOTTED.fullmatch(value):
        return True
    is_ident = _IDENT.fullmatch(value) is not None
    return is_ident and not (_DIGIT.search(value) and _LETTER.search(value))


# --- Checks: confirm a match and return the span to report, or None -----------------

Span = tuple[int, int] | None


def _value_span(m: re.Match[str]) -> tuple[int, int]:
    return m.span("v") if "v" in m.re.groupindex else m.span()


def _check_token(rule: Rule, text: str, m: re.Match[str]) -> Span:
    start, end = _value_span(m)
    value = text[start:end]
    if is_placeholder(value) or entropy(value) < rule.min_entropy or char_classes(value) < rule.min_classes:
        return None
    return None if rule.no_words and _wordy(value) else (start, end)


def _check_private_key(rule: Rule, text: str, m: re.Match[str]) -> Span:
    end = _PEM_NEXT.search(text, m.end(), m.end() + PEM_MAX_CHARS)
    if end and end.group(1) == "END":
        body_end, stop = end.start(), end.end()
    else:  # truncated paste: the header and the key lines that follow it are still secret
        body = _PEM_BODY.match(text, m.end())
        if body is None:
            return None
        trailing = _TRAILING.search(text, m.end(), body.end())
        body_end = stop = trailing.start() if trailing else body.end()
    # A header with no key material (docs: "-----BEGIN PRIVATE KEY-----\n...") is not a secret.
    return (m.start(), stop) if _B64_RUN.search(text, m.end(), body_end) else None


def _check_jwt(rule: Rule, text: str, m: re.Match[str]) -> Span:
    """The header must decode to a JSON object naming an "alg"; a signed token needs a signature."""
    header, payload, signature = m.group().split(".")
    try:
        head = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    except (ValueError, RecursionError):  # not base64 or JSON; RecursionError: nested brackets
        return None
    if not isinstance(head, dict) or not isinstance(head.get("alg"), str):
        return None
    return m.span() if len(signature) >= 16 or head["alg"].lower() == "none" else None


def _check_password(rule: Rule, text: str, m: re.Match[str]) -> Span:
    """A quoted (or tagged) value: a literal, so anything but prose, templates and placeholders."""
    start, end = _value_span(m)
    value = text[start:end]
    if len(value) < 4 or any(c.isspace() for c in value) or is_placeholder(value):
        return None
    return None if value.startswith(_QUOTED_BAD_LEAD) else (start, end)


def _env_style(text: str, m: re.Match[str]) -> bool:
    """``DB_PASSWORD=value`` (an UPPER_CASE key glued to '='): values in env files are literals."""
    if "sp" not in m.re.groupindex or m.group("sp") or text[m.end("sp")] != "=":
        return False
    return (_key_name(text, m.start()) + text[m.start() : m.start("sp")]).isupper()


def _check_password_bare(rule: Rule, text: str, m: re.Match[str]) -> Span:
    start, end = _value_span(m)
    value = text[start:end].rstrip(".:,")  # sentence punctuation, or Python's "if pw is None:"
    if len(value) < 4 or is_placeholder(value):
        return None
    if not _env_style(text, m) and _code_like(value):
        return None
    return start, start + len(value)


def _check_url_password(rule: Rule, text: str, m: re.Match[str]) -> Span:
    value = m.group("v")  # user:user@ is a documented default; a comma is multi-host syntax (h1,h2:pw@)
    bad = len(value) < 3 or "," in value or is_placeholder(value) or value.lower() == m.group("user").lower()
    return None if bad else m.span("v")


def _check_ado_password(rule: Rule, text: str, m: re.Match[str]) -> Span:
    start, end = _value_span(m)
    if end >= len(text) or text[end] != ";":  # last pair, no ';' after: the value ends at a space
        end = start + len(text[start:end].split(maxsplit=1)[0]) if text[start:end].strip() else start
    value = text[start:end].rstrip()
    return None if len(value) < 3 or is_placeholder(value) or value.endswith(")") else (start, start + len(value))


def _check_generic(rule: Rule, text: str, m: re.Match[str]) -> Span:
    """High entropy right after a credential word; hex gets a lower bar (4 bits per char at most)."""
    start, end = _value_span(m)
    value = text[start:end].rstrip(".")
    if len(value) < 16 or is_placeholder(value) or _DOTTED.fullmatch(value):
        return None
    # Letters, and digits or (long enough) both cases: a random token, not a word or a number.
    if char_classes(value) < 2 or (not _DIGIT.search(value) and len(value) < 20):
        return None
    if "://" in value or _KEY_VALUE.match(value) or _NOT_SECRET_KEY.search(_key_name(text, m.start()) + m.group("k")):
        return None
    hexish = all(c in _HEX for c in value)
    if hexish and len(value) < 20:  # 64-bit hex is a hash or an id; hex secrets run 32 to 64
        return None
    if not hexish and _wordy(value):
        return None
    threshold = min(3.0, math.log2(len(value)) - 1.2) if hexish else min(3.5, math.log2(len(value)) - 0.7)
    return (start, start + len(value)) if entropy(value) >= threshold else None


CHECKS: dict[str, Callable[[Rule, str, re.Match[str]], Span]] = {
    "token": _check_token,
    "private_key": _check_private_key,
    "jwt": _check_jwt,
    "password": _check_password,
    "password_bare": _check_password_bare,
    "url_password": _check_url_password,
    "ado_password": _check_ado_password,
    "generic": _check_generic,
}


# --- The detector -------------------------------------------------------------------


def _candidates(rule: Rule, text: str, hits: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """Matches of ``rule`` at (or, windowed, near) the (start, end) of its keyword hits."""
    if rule.window is None:
        for start in sorted({start for start, _ in hits}):
            m = rule.pattern.match(text, start)
            if m:
                yield m
        return
    before, after = rule.window
    scanned = 0  # windows of nearby keywords overlap: search each stretch of text once
    for start, end in sorted(hits):
        lo, hi = max(scanned, start - before), min(len(text), end + after)
        for m in rule.pattern.finditer(text, lo, hi + WINDOW_SLACK):
            if m.start() <= hi:
                yield m
        scanned = max(scanned, hi + 1)


class SecretsDetector:
    """Finds credentials in text; see ``data/secret_rules.yaml`` for the rules."""

    name = "secrets"
    category = Category.SECRET

    def __init__(self, rules_path: Path = RULES_PATH) -> None:
        self.rules = load_rules(rules_path)
        self.entity_types = frozenset(rule.entity_type for rule in self.rules)
        # keyword -> (its length, the rules it triggers); picklable, like the rules.
        self._keywords = ahocorasick.Automaton()
        triggers: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for keyword in rule.keywords:
                triggers.setdefault(keyword, []).append(index)
        for keyword, indices in triggers.items():
            self._keywords.add_word(keyword, (len(keyword), tuple(indices)))
        self._keywords.make_automaton()

    def detect(self, text: str, entities: frozenset[str] | None = None) -> list[Finding]:
        types = wanted(self.entity_types, entities)
        if not text or not types:
            return []
        # Keyword offsets must be those of ``text``: str.lower() is fast, but a few non-ASCII
        # characters grow when lowercased; the keywords are ASCII, so ASCII folding is enough.
        lowered = text.lower()
        lowered = lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)
        hits: dict[int, list[tuple[int, int]]] = {}
        for last, (length, indices) in self._keywords.iter(lowered):
            for index in indices:
                hits.setdefault(index, []).append((last + 1 - length, last + 1))
        found: list[Finding] = []
        for index, rule_hits in hits.items():
            rule = self.rules[index]
            if rule.entity_type in types:
                found.extend(self._run(rule, text, rule_hits))
        return resolve_overlaps(found)

    def _run(self, rule: Rule, text: str, hits: list[tuple[int, int]]) -> Iterator[Finding]:
        check = CHECKS[rule.check]
        for m in _candidates(rule, text, hits):
            span = check(rule, text, m)
            if span is not None and span[1] > span[0]:
                yield Finding(rule.entity_type, span[0], span[1], rule.score, self.name, self.category)
