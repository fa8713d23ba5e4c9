"""E-mail addresses: on any top-level domain, and spelled out (``alice [at] acme [dot] com``).

``OfflineEmailRecognizer`` keeps Presidio's regex; a domain passes when tldextract's bundled
public-suffix list knows its suffix *or* its last label is letters only (2-63 characters),
so addresses on private names (``alice@acme.corp``, ``bob@mail.internal``, ``carol@host.local``)
are found: a company's internal addresses are the ones most worth protecting.

``SpelledEmailRecognizer`` finds addresses written to dodge a pattern match: "at" and "dot"
in brackets (``[at]``, ``(dot)``, ``{at}``, ``<dot>``), a spaced ``@`` or ``.``, or bare
words. Bare words are everyday English ("look at this dot"), so a bare ``at`` counts only
with a spelled dot, a top-level domain from a short list of ones that are not English
words, and a local part that is not a common word of prose ("look", "us", "me"...). The
span covers the whole spelled form, so redaction removes all of it.
"""

from __future__ import annotations

import re

import tldextract
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

ENTITY = "EMAIL_ADDRESS"
ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
# A top-level domain of letters (IDN ones included): not "T" of "x@self.T", not "21" of "pkg@4.17.21".
LETTER_TLD = re.compile(r"[^\W\d_]{2,63}")
# Spelled forms: "[at]" beats a bare " at " (which is prose far more often than an address).
SCORE_BRACKETED, SCORE_BARE = 0.95, 0.85

_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_AT_MARKED = rf"\s*(?:{_OPEN}\s*(?:at|@)\s*{_CLOSE}|@)\s*"
# Not "." with a space on one side only: "write to a [at] b.com. Then" ends a sentence.
_DOT_MARKED = rf"\s*{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}\s*|\s+dot\s+|\s+\.\s+|\."
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_LOCAL = r"[^\W_](?:[\w%+-]{0,63}[^\W_])?"
# The local part may be dotted too ("alice [dot] smith [at] ..."), in any dot style.
_SPELLED = re.compile(
    rf"(?<![\w.%+-])(?P<local>{_LOCAL}(?:(?:{_DOT_MARKED}){_LOCAL})*)"
    rf"(?P<at>{_AT_MARKED}|\s+at\s+)"
    rf"(?P<domain>{_LABEL}(?:(?:{_DOT_MARKED}){_LABEL})*?)"
    rf"(?P<dot>{_DOT_MARKED})(?P<tld>[^\W\d_]{{2,63}})(?![\w-])",
    re.IGNORECASE,
)
# A dot written so that a pattern would not see it: "dot", "[.]", or with spaces around it.
_SPELLED_DOT = re.compile(rf"{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}|\sdot\s|\s\.\s", re.IGNORECASE)
# One more "dot label" after a match ends at a known top-level domain ("acme dot co dot uk").
_MORE = re.compile(rf"(?:{_DOT_MARKED})(?P<tld>[^\W\d_]{{2,63}})(?![\w-])", re.IGNORECASE)
# Cheap test before the regex: every spelled form has a bracketed at or dot, a spaced "@",
# " dot " or " . " (see ``maybe_spelled``).
_BRACKETED = re.compile(rf"{_OPEN}\s*(?:at|@|dot|\.)\s*{_CLOSE}", re.IGNORECASE)
_DOT_WORD = re.compile(r"\sdot\s", re.IGNORECASE)
# Top-level domains accepted after a bare "at": common ones and private ones, none an English word.
BARE_TLDS = frozenset(
    [
        "com",
        "org",
        "net",
        "edu",
        "gov",
        "mil",
        "io",
        "co",
        "uk",
        "de",
        "fr",
        "nl",
        "es",
        "ch",
        "se",
        "dk",
        "fi",
        "pl",
        "ru",
        "jp",
        "cn",
        "au",
        "ca",
        "br",
        "eu",
        "info",
        "biz",
        "dev",
        "app",
        "ai",
        "corp",
        "internal",
        "local",
        "lan",
        "home",
        "intranet",
    ]
)
# Words that precede "at" in prose about places and sites ("look at", "reach us at", "based at").
PROSE_LOCALS = frozenset(
    [
        "look",
        "looking",
        "looked",
        "looks",
        "me",
        "us",
        "him",
        "her",
        "them",
        "it",
        "this",
        "that",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "available",
        "online",
        "found",
        "here",
        "there",
        "site",
        "website",
        "page",
        "visit",
        "located",
        "hosted",
        "live",
        "lives",
        "living",
        "you",
        "work",
        "works",
        "worked",
        "working",
        "based",
        "stay",
        "staying",
        "meet",
        "arrive",
        "arrived",
        "shop",
        "buy",
        "sign",
        "up",
        "in",
        "on",
        "out",
        "find",
        "apply",
        "register",
        "reach",
        "went",
        "go",
        "going",
        "arrive",
        "be",
        "the",
        "a",
        "an",
        "one",
        "all",
    ]
)


# Characters Presidio's e-mail regex never matches (whitespace and the ASCII punctuation outside its
# local-part class), none of them a word character: an address lies inside one run between them.
NOT_IN_ADDRESS = frozenset('"(),:;<>[\\]')
_RUN_END = re.compile(r'[^\s"(),:;<>\[\]\\]*')


def at_runs_only(text: str) -> str:
    """``text`` with every character outside the runs (between ``NOT_IN_ADDRESS`` characters) that
    hold an "@" turned into a space: same length and offsets, and the e-mail regex finds exactly
    the same matches in it (a space, like the run's real neighbour, is no word character for its
    word boundaries), without trying every word of the text (~0.45 ms of 2,000 characters)."""
    parts: list[str] = []
    done = 0
    at = text.find("@")
    while at >= 0:
        start = at
        while start > done and not (text[start - 1] in NOT_IN_ADDRESS or text[start - 1].isspace()):
            start -= 1
        end = _RUN_END.match(text, at).end()  # type: ignore[union-attr]  # "*" always matches
        parts += (" " * (start - done), text[start:end])
        done = end
        at = text.find("@", end)
    parts.append(" " * (len(text) - done))
    return "".join(parts)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail regex, with the domain checked offline (tldextract's *bundled* suffix
    list, which never fetches and never writes a cache) or by the shape of its top-level domain.

    Presidio's ``validate_result`` calls the module-level ``tldextract.extract``, whose
    default extractor downloads the public-suffix list on first use (no timeout: it hangs
    offline).
    """

    def __init__(self) -> None:
        super().__init__()
        self._tld = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
        self._tld("warm.example.com")  # read the snapshot now, not on the first request

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None, regex_flags: int | None = None
    ) -> list[RecognizerResult]:
        if "@" not in text:
            return []
        results = super().analyze(at_runs_only(text), entities, nlp_artifacts, regex_flags)
        for result in results:
            # RFC 5322 allows "=" and "/" in a local part, but "user=ana@x.org" in a log line is a key.
            local = text[result.start : text.index("@", result.start)]
            result.start += max(local.rfind("="), local.rfind("/")) + 1
        return results

    def validate_result(self, pattern_text: str) -> bool:
        if self._tld(pattern_text).fqdn != "":
            return True
        return LETTER_TLD.fullmatch(pattern_text.rsplit(".", 1)[-1]) is not None


class SpelledEmailRecognizer(LocalRecognizer):
    """``alice [at] acme [dot] com``, ``bob (at) mail.internal``, ``carol @ host . local``,
    ``dave at acme dot com``: whole spelled form, scored above the default threshold."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[ENTITY])

    def load(self) -> None:
        """Nothing to load: the regexes are compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if ENTITY not in entities or not maybe_spelled(text):
            return []
        return [
            RecognizerResult(ENTITY, start, end, score, recognition_metadata={ID_KEY: self.id})
            for start, end, score in find_spelled(text)
        ]


def maybe_spelled(text: str) -> bool:
    """False when ``text`` cannot hold a spelled-out address: substring tests first, a
    regex only around a hint (one regex over the whole text cost ~0.1 µs a character)."""
    if "@ " in text or " @" in text or " . " in text:
        return True
    if "dot" in text.lower() and _DOT_WORD.search(text):
        return True
    return ("[" in text or "(" in text or "{" in text or "<" in text) and _BRACKETED.search(text) is not None


def find_spelled(text: str) -> list[tuple[int, int, float]]:
    """Spelled-out addresses in ``text`` as (start, end, score); plain ``a@b.com`` is left
    to ``OfflineEmailRecognizer``."""
    found: list[tuple[int, int, float]] = []
    pos = 0
    while m := _SPELLED.search(text, pos):
        score, end = _spelled_score(m), m.end()
        if score:
            while (more := _MORE.match(text, end)) and more.group("tld").lower() in BARE_TLDS:
                end = more.end()
            found.append((m.start(), end, score))
            pos = end
        else:
            # The local part may start later ("look at alice [at] acme.com"): retry after its first word.
            pos = m.start("at")
    return found


def _spelled_score(m: re.Match[str]) -> float:
    at = m.group("at").strip().lower()
    spelled_dot = _SPELLED_DOT.search(m.group()) is not None
    if at == "@" and m.group("at") == "@" and not spelled_dot:
        return 0.0  # a plain address: the regex recognizer's
    if at != "at":
        # "[at]" or a spaced "@": an address, unless a spaced "@" is code ("x @ self.proj").
        if at == "@" and not spelled_dot and m.group("tld").lower() not in BARE_TLDS:
            return 0.0
        return SCORE_BRACKETED
    if not spelled_dot or m.group("tld").lower() not in BARE_TLDS:
        return 0.0
    if m.group("local").lower() in PROSE_LOCALS:
        return 0.0
    return SCORE_BARE
