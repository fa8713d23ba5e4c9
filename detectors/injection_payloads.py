"""Hidden and encoded payloads: where an injection can hide from a reader, and how to read it.

The injection detector decodes these (bounded) and scans what they hold with its rules and its
classifier: base64 and hex blobs, URL-encoded (percent-escaped) runs, rot13 when the text asks for
it, and Unicode tag characters ("ASCII smuggling"). Runs of invisible characters are findings of
their own: zero-width and bidi controls have no business in a prompt in bulk.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from urllib.parse import unquote

# Zero-width, bidi and Unicode tag characters.
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e\U000e0000-\U000e007f]+")
BIDI_RUN = re.compile(r"[\u202a-\u202e\u2066-\u2069]+")
# Emoji sequences use single joiners; three in a row carry no text, only hidden bits.
ZERO_WIDTH_RUN = re.compile(r"[\u200b-\u200d\u2060-\u2064\ufeff\u180e]{3,}")
TAG_RUN = re.compile(r"[\U000e0000-\U000e007f]+")
FLAG = "\U0001f3f4"  # subdivision flags (England, Scotland) are this plus tag characters
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}")
_HEX = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){12,}(?![0-9A-Fa-f])")
# Six or more percent escapes, with what lies between them: "%69%67%6E%6F%72%65 all previous".
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2}[^\s%]{0,12}){6,}")
_URLSAFE = str.maketrans("-_", "+/")
_LOWER, _UPPER = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ROT13_CUES = ("rot13", "rot-13", "rot 13", "caesar", "cipher", "decode", "decrypt")
ROT13 = str.maketrans(_LOWER + _UPPER, _LOWER[13:] + _LOWER[:13] + _UPPER[13:] + _UPPER[:13])
# Bounds the work on huge blobs (inline images); a multiple of 4 for base64.
MAX_DECODE = 256 * 1024


def long_tokens(text: str) -> Iterator[tuple[int, int]]:
    """Runs of 24+ non-space characters, where blobs are (split() beats a regex scan)."""
    pos = 0
    for token in text.split():
        if len(token) >= 24:
            # No shorter token can contain this one, and longer ones were passed already.
            pos = text.find(token, pos)
            yield pos, pos + len(token)
            pos += len(token)


def encoded_blobs(text: str) -> Iterator[tuple[int, int, str]]:
    """Every base64, hex or percent-encoded stretch of ``text`` that decodes, with what it says."""
    for start, end in long_tokens(text):
        for m in _BASE64.finditer(text, start, end):
            if (decoded := from_base64(m.group())) is not None:
                yield m.start(), m.end(), decoded
        for m in _HEX.finditer(text, start, end):
            yield m.start(), m.end(), from_hex(m.group())
    if "%" in text:
        for m in _PERCENT.finditer(text):
            yield m.start(), m.end(), unquote(m.group()[:MAX_DECODE], errors="replace")


def from_base64(blob: str) -> str | None:
    s = blob[:MAX_DECODE].rstrip("=").translate(_URLSAFE)
    s = s[: len(s) - 1] if len(s) % 4 == 1 else s  # a stray last character cannot decode
    try:
        data = base64.b64decode(s + "=" * (-len(s) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return data.decode("utf-8", errors="replace")


def from_hex(blob: str) -> str:
    return bytes.fromhex(blob[:MAX_DECODE]).decode("utf-8", errors="replace")


def from_tags(run: str) -> str:
    # Tag characters U+E0020..U+E007E mirror printable ASCII ("ASCII smuggling").
    return "".join(chr(ord(c) - 0xE0000) for c in run if 0xE0020 <= ord(c) <= 0xE007E)
