"""Classification markers (``CLASSIFICATION_MARKER``): ``CONFIDENTIAL``, ``*** Internal Only ***``,
``STRENG VERTRAULICH``, ``[CONFIDENTIEL]``, ``C0NFIDENTIAL``, ``【社外秘】``...; prose is not a marking,
see :func:`find_markers`.

Markings in English and the main European languages (German, French, Spanish, Portuguese,
Italian, Dutch, the Nordic languages, Polish, Czech) follow the same rules as English ones;
letters written as digits (0 for O, 1 for I or L, 3 for E, 4 for A, 5 for S, 7 for T) match too,
and a strong marking with such a digit counts in any case ("c0nfidential" is written to dodge a
filter, not in passing). CJK markings have no case and no spaces: those that are only ever
markings (社外秘, 部外秘, 関係者外秘, 대외비) count anywhere, the ones that are also everyday
words (機密 in 機密情報, 机密, 極秘, 绝密, 기밀) only as a banner (own line, brackets, after a label).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SEP = r"[ \t_-]+"
# Letters written as digits: "C0NFIDENTIAL", "R3STR1CTED", "5ECRET".
_LEET = {"o": "0", "i": "1", "l": "1", "e": "3", "a": "4", "s": "5", "t": "7"}
_FOLD_LEET = str.maketrans("013457", "oieast")


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
)
# Weak in every language: everyday words, so only their banner form counts.
_WEAK = _alternatives(
    *("internal", "secret", "sensitive", "proprietary", "geheim", "intern", "interne", "interno"),
    *("secreto", "segreto", "restreint", "hemlig", "tajne"),
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
    r"|classificatie|vertrouwelijkheid"
    r"|分類|分类|密级|機密区分|秘密区分|등급|보안등급)\s*[:=：]\s*$",
    re.I,
)
# CJK markings: no case, no spaces between words. Only-markings count anywhere; the
# others (also everyday words: 機密情報 "confidential information", 商业机密 "trade
# secret") only as a banner.
_CJK_ANYWHERE = ("関係者外秘", "社外秘", "部外秘", "대외비", "사외비")
_CJK_BANNER: tuple[str, ...] = (
    *("取扱注意", "内部资料", "内部資料", "仅限内部", "僅限內部", "機密", "机密", "極秘", "极秘", "極密", "极密"),
    *("绝密", "絕密", "秘密", "기밀", "극비"),
)
_SCORE_CJK_ANYWHERE = 0.85
# Every marker holds one of these (lower case, digits read as letters); none has an "l",
# which a digit "1" may stand for.
_HINTS = (
    *("confiden", "konfiden", "intern", "restr", "secret", "distribut", "proprietary", "sensitive", "officia"),
    *("vertrau", "geheim", "gebrauch", "riserv", "reserv", "segret", "sigi", "vertrouw", "fortro"),
    *("uottamuk", "poufn", "tajn", "zastrze", "důvěrn", "hemlig"),
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
    phrase = re.search(_SEP, marker) is not None
    if marker.isupper() or any(c.isdigit() for c in marker):  # "c0nfidential": written to dodge a filter
        return (_SCORE_UPPER_PHRASE if phrase else _SCORE_UPPER_WORD), end
    return (_SCORE_TITLE_PHRASE if phrase and _titled(marker) else 0.0), end


def find_markers(text: str) -> list[tuple[int, int, float]]:
    """Classification markings in ``text`` as (start, end, score).

    A marking is written as one: upper case (``CONFIDENTIAL``), a title-case phrase
    (``Internal Use Only``), a banner (``[Confidential]``, ``*** internal only ***``, a
    line of its own, ``Classification: Restricted``), or followed by a distribution
    notice (``Confidential - do not distribute``). The same words in running prose
    ("keep this confidential", "Confidential information must...") are not reported at
    all, not even with a low score: the policy acts on findings, and prose mentions
    would drown real markings."""
    found: list[tuple[int, int, float]] = []
    pos = 0
    for lo, hi in _hint_windows(text):
        pos = max(pos, lo)
        while m := _MARKER.search(text, pos, hi):
            score, pos = _marker_score(text, m)
            if score:
                found.append((m.start(), pos, score))
    if not text.isascii():
        found.extend(_cjk_markers(text))
        found.sort()
    return found


def _cjk_markers(text: str) -> Iterator[tuple[int, int, float]]:
    # Longest first: a shorter word inside a longer one already found is not reported again.
    taken: list[tuple[int, int]] = []
    for word in sorted((*_CJK_ANYWHERE, *_CJK_BANNER), key=len, reverse=True):
        for at in _occurrences(text, word):
            end = at + len(word)
            if any(s < end and at < e for s, e in taken):
                continue
            if word in _CJK_ANYWHERE:
                score = _SCORE_BANNER if _banner(text, at, end) else _SCORE_CJK_ANYWHERE
            else:
                score = _SCORE_BANNER if _banner(text, at, end) else 0.0
            if score:
                taken.append((at, end))
                yield at, end, score


def _hint_windows(text: str) -> list[tuple[int, int]]:
    """Where markers can be: around the hint words, which every marker contains. The
    regex costs ~45 ns a character; the hints, a few substring searches (usually no hit)."""
    low = text.lower().translate(_FOLD_LEET)  # str.lower keeps offsets but for U+0130 (İ)
    if len(low) != len(text):
        low = text.replace("\u0130", "i").lower().translate(_FOLD_LEET)
    windows: list[tuple[int, int]] = []
    for at in sorted(i for hint in _HINTS for i in _occurrences(low, hint)):
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
