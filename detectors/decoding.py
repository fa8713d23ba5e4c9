"""Bounded decoding of base64, base32, hex, URL-encoded and quoted-printable segments,
for the secrets and PII detectors.

A key pasted as ``QUtJQTRRV0VSVFpVSU9QQVNERkc=`` or an SSN as ``%35%33%36...`` reaches
the provider, which can decode it as well as we can. Each segment that looks encoded is
decoded when it decodes to printable UTF-8 text, and the base64, base32 and hex segments
of what it decodes to are decoded once more (depth 2: base64 of base64; deeper is not
looked at) (ordinary words, paths and hashes that merely look like base64 or
hex decode to binary and are left alone). The decoded texts are joined, with a blank
line between them, into one text that the detectors scan in one pass (their cost is per
text, so a prompt of many small segments costs no more than one of their total length),
and a finding there maps to the whole encoded segment in the original text: redacting
it replaces the encoded segment.

Bounds: a segment is decoded in pieces of at most ``MAX_SEGMENT_CHARS`` encoded
characters (overlapping by ``PIECE_OVERLAP_CHARS``, so a value across a cut is still
whole in one piece), and a finding in a piece maps to that piece's span; what is decoded
is never longer than the text itself.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from detectors.base import Finding

MAX_SEGMENT_CHARS = 4_096
PIECE_OVERLAP_CHARS = 256  # a multiple of 4: pieces of base64 start on a quantum
MIN_ENCODED_CHARS = 12  # 9 bytes of base64, 6 of hex: shorter holds no SSN with context
_JOIN = "\n\n"

_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{" + str(MIN_ENCODED_CHARS) + r",}={0,2}")
# RFC 4648 base32: capitals and 2-7 (padded to a multiple of eight with "="), found among
# the base64 runs (a base32 run is one) rather than by a scan of its own.
_BASE32 = re.compile(r"[A-Z2-7]{16,}=*")
# Simple character runs (an odd length loses its last digit): cheaper than pair-counting.
_HEX = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{" + str(MIN_ENCODED_CHARS) + r",}(?![0-9A-Fa-f])")
_TOKEN = re.compile(r"[^\s\"'<>]+")
_URL_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_URLSAFE = str.maketrans("-_", "+/")
# A URL query parameter's value (?d=..., &k=...): base64 there follows an "=", which the
# base64 scan takes for padding before it, and it may be percent-encoded ("%3D" padding).
_QUERY_VALUE = re.compile(r"[?&;][^=&#\s\"'<>]{0,64}=([^&#\s\"'<>]{" + str(MIN_ENCODED_CHARS) + r",})")
# Quoted-printable: a run of non-space characters and soft line breaks ("=" at a line's
# end) holding "=XX" escapes; spaces stay literal in QP, so each word is its own segment.
_QP_ESCAPE = re.compile(r"=[0-9A-Fa-f]{2}")
_QP_TOKEN = re.compile(r"(?:=\r?\n|[^\s\"'<>])+")
_QP_SOFT_BREAK = re.compile(r"=\r?\n")


@dataclass(frozen=True, slots=True)
class Decoded:
    """The decoded segments joined; ``parts`` maps each one back to its encoded span."""

    text: str
    parts: tuple[tuple[int, int, int, int], ...]  # (decoded start, decoded end, original start, original end)

    def to_original(self, finding: Finding) -> Finding | None:
        """The finding on the encoded segment(s) it came from, or None if it is in no part."""
        spans = [(s, e) for ds, de, s, e in self.parts if ds < finding.end and finding.start < de]
        if not spans:
            return None
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        return Finding(finding.entity_type, start, end, finding.score, finding.detector, finding.category)


def decoded_segments(text: str) -> Decoded | None:
    """The printable decodings of ``text``'s encoded-looking segments, or None if none."""
    if len(text) < MIN_ENCODED_CHARS:
        return None
    pieces: list[str] = []
    parts: list[tuple[int, int, int, int]] = []
    at = 0
    seen: set[tuple[int, int]] = set()
    for start, end, plain in _candidates(text):
        if (start, end) in seen:
            continue
        seen.add((start, end))
        parts.append((at, at + len(plain), start, end))
        pieces.append(plain)
        at += len(plain) + len(_JOIN)
    if not pieces:
        return None
    return Decoded(_JOIN.join(pieces), tuple(parts))


def _candidates(text: str) -> Iterator[tuple[int, int, str]]:
    for start, end, plain in _binary_candidates(text):
        inner = [nested for _, _, nested in _binary_candidates(plain)]
        yield start, end, _JOIN.join([plain, *inner])
    yield from _text_candidates(text)


def _binary_candidates(text: str) -> Iterator[tuple[int, int, str]]:
    """Segments in hex, base32 or base64, decoded. Hex before base32 before base64: a
    hex run also matches both, a base32 run base64, and each decodes to garbage as the
    wider alphabet (a span decoded once is not tried again, see decoded_segments)."""
    for match in _HEX.finditer(text):
        for start, end in _pieces(match.start(), match.end(), 2):
            plain = _printable(_unhex(text[start:end]))
            if plain is not None:
                yield start, end, plain
    runs = list(_BASE64.finditer(text))
    for match in runs:
        if _BASE32.fullmatch(match.group()) is None:
            continue
        after = text[match.end() : match.end() + 4]  # base32 pads with up to six "=", base64 two
        for start, end in _pieces(match.start(), match.end() + len(after) - len(after.lstrip("=")), 8):
            plain = _printable(_unbase32(text[start:end]))
            if plain is not None:
                yield start, end, plain
    for match in runs:
        for start, end in _pieces(match.start(), match.end(), 4):
            plain = _printable(_unbase64(text[start:end]))
            if plain is not None:
                yield start, end, plain


def _text_candidates(text: str) -> Iterator[tuple[int, int, str]]:
    """Segments URL-encoded or quoted-printable, decoded."""
    if "%" in text:
        for match in _TOKEN.finditer(text):
            if _URL_ESCAPE.search(match.group()) is None:
                continue
            for start, end in _pieces(match.start(), match.end(), 3):
                segment = text[start:end]
                plain = _unquote_twice(segment)
                if plain is not None and plain != segment and plain.isprintable():
                    yield start, end, plain
    if "=" in text and ("?" in text or "&" in text):
        yield from _query_candidates(text)
    if "=" in text and _QP_ESCAPE.search(text) is not None:
        for match in _QP_TOKEN.finditer(text):
            if _QP_ESCAPE.search(match.group()) is None:
                continue
            for start, end in _pieces(match.start(), match.end(), 3):
                plain = _printable(_unquote_printable(text[start:end]))
                if plain is not None and plain != text[start:end]:
                    yield start, end, plain


def _query_candidates(text: str) -> Iterator[tuple[int, int, str]]:
    """Query values in base64 (standard or URL-safe), maybe percent-encoded, decoded."""
    for match in _QUERY_VALUE.finditer(text):
        start, end = match.span(1)
        if end - start > MAX_SEGMENT_CHARS:
            continue  # a long value is read by the base64 scan in pieces, after its first "="
        value = _unquote_twice(match.group(1))
        plain = _printable(_unbase64(value)) if value is not None else None
        if plain is not None:
            yield start, end, plain


def _unquote_twice(segment: str) -> str | None:
    """``segment`` URL-decoded, and once more if that left escapes (``%2541`` is ``%41``,
    then ``A``: a double encoding any URL library undoes on request); None if not UTF-8."""
    if not _decodes(segment):
        return None
    plain = unquote(segment, errors="strict")
    if _URL_ESCAPE.search(plain) is not None and _decodes(plain):
        plain = unquote(plain, errors="strict")
    return plain


def _pieces(start: int, end: int, quantum: int) -> Iterator[tuple[int, int]]:
    step = MAX_SEGMENT_CHARS - PIECE_OVERLAP_CHARS
    step -= step % quantum
    at = start
    while True:
        yield at, min(end, at + MAX_SEGMENT_CHARS)
        if at + MAX_SEGMENT_CHARS >= end:
            return
        at += step


def _unhex(segment: str) -> bytes | None:
    try:
        return bytes.fromhex(segment[: len(segment) - len(segment) % 2])
    except ValueError:
        return None


def _unbase64(segment: str) -> bytes | None:
    body = segment.rstrip("=").translate(_URLSAFE)
    body = body[: len(body) - len(body) % 4] if len(body) % 4 == 1 else body
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _unbase32(segment: str) -> bytes | None:
    body = segment.rstrip("=")
    body = body[: len(body) - len(body) % 8] if len(body) % 8 in (1, 3, 6) else body  # no such lengths
    try:
        return base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        return None


def _unquote_printable(segment: str) -> bytes | None:
    """The bytes of a quoted-printable segment; None when it holds non-ASCII characters
    (not QP) or an "=" that starts no escape (a "key=value" or an equation)."""
    body = _QP_SOFT_BREAK.sub("", segment)
    if not body.isascii() or body.count("=") != len(_QP_ESCAPE.findall(body)):
        return None
    return _QP_ESCAPE.sub(lambda m: chr(int(m.group()[1:], 16)), body).encode("latin-1")


def _decodes(segment: str) -> bool:
    try:
        unquote(segment, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def _printable(raw: bytes | None) -> str | None:
    """Text when ``raw`` is UTF-8 made of printable characters and line breaks."""
    if raw is None or len(raw) < MIN_ENCODED_CHARS // 2:
        return None
    try:
        plain = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not plain.replace("\n", " ").replace("\t", " ").replace("\r", " ").isprintable():
        return None
    return plain
