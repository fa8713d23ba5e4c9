"""Classification markers (``CLASSIFICATION_MARKER``): ``CONFIDENTIAL``, ``*** Internal Only ***``,
``STRENG VERTRAULICH``, ``[CONFIDENTIEL]``, ``C0NFIDENTIAL``, ``【社外秘】``...; prose is not a marking,
see :func:`find_markers`.

Markings in English and the main European languages (German, French, Spanish, Portuguese,
Italian, Dutch, the Nordic languages, Finnish, Polish, Czech, Slovak, Hungarian, Romanian,
Turkish, Greek, Russian, Ukrainian) follow the same rules as English ones: a strong marking
(CONFIDENTIAL, КОНФИДЕНЦИАЛЬНО, ΕΜΠΙΣΤΕΥΤΙΚΟ) counts in upper case anywhere, a weak one, the
plain word for "secret" or "internal" in each language (SECRET, GEHEIM, GİZLİ, SALAINEN), only
as a banner. Letters written as digits (0 for O, 1 for I or L, 3 for E, 4 for A, 5 for S, 7 for
T) match too, and a strong marking with such a digit counts in any case ("c0nfidential" is
written to dodge a filter, not in passing); so does one spelled letter by letter
(:mod:`detectors.confidential_letters`). CJK markings: :mod:`detectors.confidential_cjk`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors.confidential_cjk import cjk_markers
from detectors.confidential_letters import spelled_markers

_SEP = r"[ \t_-]+"
# Letters written as digits: "C0NFIDENTIAL", "R3STR1CTED", "5ECRET".
_LEET = {"o": "0", "i": "1", "l": "1", "e": "3", "a": "4", "s": "5", "t": "7"}
_DIGITS_READ = tuple(zip("013457", "oieast", strict=True))


def _word(word: str) -> str:
    return "".join(f"[{c}{_LEET[c]}]" if c in _LEET else re.escape(c) for c in word)


def _alternatives(*phrases: str) -> str:
    # Longest first, so that "strictly confidential" wins over "confidential".
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(_SEP.join(_word(w) for w in p.split()) for p in ordered)


# Strong markings are reported when written as a marking: upper case, title case
# (several words), or in banner form. Weak words are everyday words in code and
# prose ("INTERNAL SERVER ERROR", "client SECRET"): only their banner form counts.
_STRONG = _alternatives(
    *(f"{q} confidential" for q in ("strictly", "highly", "company", "business")),
    *(f"{q} {a} confidential" for q in ("proprietary", "privileged") for a in ("and", "&")),
    "for internal use only",
    "internal use only",
    "internal only",
    "for official use only",
    "top secret",
    "not for distribution",
    "not for external distribution",
    "do not distribute",
    "confidential",
    "restricted",
    # German, French, Spanish/Portuguese, Italian, Dutch, Nordic, Polish, Czech.
    *("streng vertraulich", "vertraulich", "streng geheim", "nur für den dienstgebrauch"),
    *("nur für den internen gebrauch", "strictement confidentiel", "strictement confidentielle"),
    *("confidentiel", "confidentielle", "diffusion restreinte", "très secret", "usage interne"),
    *("estrictamente confidencial", "confidencial", "reservado", "alto secreto", "para uso interno"),
    *("uso interno", "uso exclusivo interno", "sigiloso", "strettamente riservato", "strettamente confidenziale"),
    *("riservato", "riservatissimo", "confidenziale", "solo per uso interno", "strikt vertrouwelijk"),
    *("streng vertrouwelijk", "vertrouwelijk", "alleen voor intern gebruik"),
    *("intern gebruik", "konfidentiellt", "konfidentiell", "konfidensielt", "fortroligt", "fortrolig"),
    *("luottamuksellinen", "ściśle tajne", "poufne", "zastrzeżone", "přísně tajné", "důvěrné"),
    # Italian and Portuguese feminine forms, Nordic, Polish, Czech/Slovak phrases.
    *("riservata", "riservatissima", "strettamente riservata", "sigilosa", "estritamente confidencial"),
    *("endast för internt bruk", "erittäin salainen", "vain sisäiseen käyttöön", "ściśle poufne"),
    *("tajemnica przedsiębiorstwa", "do użytku wewnętrznego", "přísně důvěrné", "dôverné", "prísne tajné"),
    # Russian and Ukrainian stamps ("секретно" is the stamp; the adjective is "секретный").
    *("строго конфиденциально", "конфиденциально", "для служебного пользования", "совершенно секретно"),
    *("секретно", "коммерческая тайна", "строго конфіденційно", "конфіденційно", "цілком таємно", "таємно"),
    *("для службового користування", "комерційна таємниця"),
    # Greek (with and without the accent, which upper case drops), Hungarian, Romanian, Turkish.
    *("εμπιστευτικό", "εμπιστευτικο", "εμπιστευτική", "εμπιστευτικη", "αυστηρώς εμπιστευτικό"),
    *("άκρως απόρρητο", "ακρως απορρητο", "szigorúan bizalmas", "bizalmas", "szigorúan titkos"),
    *("belső használatra", "strict confidențial", "confidențial", "strict confidenţial", "confidenţial"),
    *("strict secret", "secret de serviciu", "çok gizli", "hizmete özel"),
)
# Weak in every language: everyday words, so only their banner form counts.
_WEAK = _alternatives(
    *("internal", "secret", "sensitive", "proprietary", "geheim", "intern", "interne", "interno"),
    *("secreto", "segreto", "restreint", "hemlig", "tajne", "tajné", "salainen", "sisäinen", "titkos"),
    *("gizli", "απόρρητο", "απορρητο", "дсп"),
)
# US-style banners: SECRET//NOFORN, TOP SECRET//SCI//NOFORN, CONFIDENTIAL//REL TO USA, FVEY.
_CAVEATS = r"(?-i://[A-Z][A-Z0-9-]*(?:[ ,]+[A-Z][A-Z0-9-]*)*)*"
# Not after "." or before "(": enum members and calls in code (Level.RESTRICTED).
_MARKER = re.compile(rf"(?<![\w.$@])(?:(?P<strong>{_STRONG})|(?P<weak>{_WEAK}))(?P<caveats>{_CAVEATS})(?![\w(])", re.I)
_DISTRIBUTION = re.compile(
    r"[ \t]*[-–—:,.|/]*\s*(?:do\s+not|don'?t|not\s+for)\s+(?:external\s+)?"
    r"(?:distribute|distribution|forward|share|copy|disclose)\b",
    re.I,
)
_LABEL = re.compile(
    r"(?:classification|classified|sensitivity|security\s+(?:level|label)|marking|label"
    r"|klassifizierung|einstufung|vertraulichkeit|sensibilité|clasificación|sensibilidad|classificazione"
    r"|classificatie|vertrouwelijkheid|гриф|klauzula|klasyfikacja|gizlilik\s+derecesi|luokitus|klassificering"
    r"|分類|分类|密级|機密区分|秘密区分|등급|보안등급)\s*[:=：]\s*$",
    re.I,
)
# "Confidential: Q3 plan" or "Confidential - draft" opening a line: a label, not prose. Title or
# upper case only: "confidential: false" is a YAML key.
_LINE_LABEL = re.compile(r"[ \t]*(?::|[ \t]+[-–—|])[ \t]")
# Every marker holds one of these (lower case, digits read as letters); none has an "l",
# which a digit "1" may stand for. The non-ASCII ones are looked for in non-ASCII text only.
_HINTS = (
    *("onfiden", "intern", "restr", "secret", "distribut", "proprietary", "sensitive", "officia", "vertr"),
    *("geheim", "gebrauch", "riserv", "reserv", "segret", "sigi", "fortro", "uottamuk", "poufn", "taj"),
    *("zastrze", "hemlig", "ainen", "titkos", "giz", "hizmete", "biza"),
)
_HINTS_NON_ASCII = (
    *("důvěrn", "dôvern", "sisäi", "wewnętrzn", "haszn", "конфиден", "конфіден", "секретн", "служебн"),
    *("службов", "таємн", "тайна", "дсп", "εμπιστευτ", "απόρρητ", "απορρητ"),
)
_HINT_REACH = 48  # the farthest a hint sits from either end of a marker (caveats aside)
_SPACE = re.compile(r"\s")
_OPEN, _CLOSE = "[(<{*=#|~-_【「『〔［（《〈", "])>}*=#|~-_】」』〕］）》〉"
_DECOR = " \t\r[](){}<>*=#|~-_–—:.【】「」『』〔〕［］（）《》〈〉：。　"
# Scores: the more a marker looks like a deliberate marking, the higher.
_SCORE_BANNER, _SCORE_CAVEATS, _SCORE_DISTRIBUTION = 0.9, 0.95, 0.9
_SCORE_UPPER_PHRASE, _SCORE_TITLE_PHRASE, _SCORE_UPPER_WORD = 0.85, 0.7, 0.7


def _banner(text: str, start: int, end: int) -> bool:
    """Alone on its line (however decorated), between brackets or rules, or after a label."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before, after = text[line_start:start], text[end : len(text) if line_end < 0 else line_end]
    if not before.strip(_DECOR) and not after.strip(_DECOR):
        return True
    left, right = before.rstrip(" \t"), after.lstrip(" \t")
    if left and right and left[-1] in _OPEN and right[0] in _CLOSE:
        return True
    return _LABEL.search(before) is not None


def _opens_line(text: str, start: int) -> bool:
    return not text[text.rfind("\n", 0, start) + 1 : start].strip(_DECOR)


def _titled(marker: str) -> bool:
    # "Internal Use Only", "Proprietary and Confidential": small words may stay lower.
    return all(w[:1].isupper() for w in re.split(_SEP, marker) if len(w) > 3)


def _marker_score(text: str, m: re.Match[str]) -> tuple[float, int]:
    """Score (0 = prose, not reported) and end of the marker that starts at ``m``."""
    marker, end = m.group(), m.end()
    if m.group("strong") and (suffix := _DISTRIBUTION.match(text, end)):
        return _SCORE_DISTRIBUTION, suffix.end()  # "Confidential - do not distribute", any case
    if m.group("caveats") and marker.isupper():
        return _SCORE_CAVEATS, end
    if _banner(text, m.start(), end):
        return (_SCORE_BANNER if m.group("strong") or not marker.islower() else 0.0), end
    if m.group("weak"):
        return 0.0, end
    if not marker.islower() and _opens_line(text, m.start()) and _LINE_LABEL.match(text, end):
        return _SCORE_UPPER_PHRASE, end
    phrase = re.search(_SEP, marker) is not None
    if marker.isupper() or any(c.isdigit() for c in marker):  # "c0nfidential": written to dodge a filter
        return (_SCORE_UPPER_PHRASE if phrase else _SCORE_UPPER_WORD), end
    return (_SCORE_TITLE_PHRASE if phrase and _titled(marker) else 0.0), end


def find_markers(text: str) -> list[tuple[int, int, float]]:
    """Classification markings in ``text`` as (start, end, score).

    A marking is written as one: upper case (``CONFIDENTIAL``), a title-case phrase
    (``Internal Use Only``), a banner (``[Confidential]``, ``*** internal only ***``, a
    line of its own, ``Classification: Restricted``), a title-case label opening a line
    (``Confidential: Q3 plan``), followed by a distribution notice (``Confidential - do not
    distribute``), or spelled letter by letter (``C-O-N-F-I-D-E-N-T-I-A-L``). The same words
    in running prose ("keep this confidential", "Confidential information must...") are not
    reported at all, not even with a low score: the policy acts on findings, and prose
    mentions would drown real markings. CJK: :mod:`detectors.confidential_cjk`."""
    low = text.lower()  # keeps offsets but for U+0130 (İ)
    low = _fold_leet(low if len(low) == len(text) else text.replace("\u0130", "i").lower())
    found: list[tuple[int, int, float]] = []
    pos = 0
    for lo, hi in _hint_windows(text, low):
        pos = max(pos, lo)
        while m := _MARKER.search(text, pos, hi):
            score, pos = _marker_score(text, m)
            if score:
                found.append((m.start(), pos, score))
    found.extend(spelled_markers(text, low, _banner))
    if not text.isascii():
        found.extend(cjk_markers(text, _banner))
    found.sort()
    return found


def _fold_leet(low: str) -> str:
    """Digits read as letters. Six str.replace calls: str.translate takes ~0.2 µs a character
    on non-ASCII text (a dict look-up each), replace a few ns."""
    for digit, letter in _DIGITS_READ:
        if digit in low:
            low = low.replace(digit, letter)
    return low


def _hint_windows(text: str, low: str) -> list[tuple[int, int]]:
    """Where markers can be: around the hint words, which every marker contains. The
    regex costs ~45 ns a character; the hints, a few substring searches (usually no hit)."""
    hints = _HINTS if text.isascii() else (*_HINTS, *_HINTS_NON_ASCII)
    windows: list[tuple[int, int]] = []
    for at in sorted(i for hint in hints for i in _occurrences(low, hint)):
        lo, hi = max(0, at - _HINT_REACH), at + _HINT_REACH
        if windows and lo <= windows[-1][1]:
            lo = windows.pop()[0]
        windows.append((lo, hi))
    # End each window at whitespace, so that lookarounds at its edge see real text.
    return [(lo, m.start() if (m := _SPACE.search(text, hi)) else len(text)) for lo, hi in windows]


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)
