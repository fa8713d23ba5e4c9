"""What a base64 payload really holds, from its first bytes: media of the kind it declares,
text, or some other binary.

A declared media type is the caller's word. Images and audio pass unscreened by default
(``detection.unscreenable``), so a payload that says ``image/png`` but holds plain text
would carry that text past every detector. The verdict is taken on a short prefix (a few
dozen bytes, ``sniff``); only media that passes is then decoded whole (``text_runs``). The
head's verdict comes first:

* text (mostly printable UTF-8) is screened as text whatever it declares (an SVG, a "PNG"
  that is a note, a real signature followed by text); if the whole payload is not UTF-8
  text after all, it is a file;
* otherwise the magic number must be one of the declared family's formats;
* anything else is a binary the gateway cannot read: a file.

A PDF signature is checked before the text test: a PDF may legitimately start with ASCII,
and it must count as a file (never slip through as screened text that the detectors could
only partly read).

A head that passes as media says nothing about the rest: a PNG ``tEXt`` chunk, bytes after
``IEND``, a GIF comment or a JPEG ``COM`` segment carry text behind a genuine signature. So a
payload that passes as media is decoded whole and its printable ASCII runs (``text_runs``,
like ``strings``) are screened too. Compressed pixels and sound give a few short random runs
per kilobyte; the pattern detectors find nothing in them (loadtests/RESULTS.md, red team r2).
Decoding costs about 10 ms per MB, on the event loop (the caller walks the body there).
"""

from __future__ import annotations

import base64
import binascii
import enum
import re

# Base64 characters decoded for sniffing: 48 bytes, enough for every signature below
# (the furthest reads bytes 8-12) and for a meaningful text test.
HEAD_CHARS = 64
# Share of printable characters (whitespace counts) for a head to be text.
TEXT_SHARE = 0.9
_WHITESPACE = frozenset("\t\n\r\f\v")
# MIME's line breaks are skipped; a space or a tab is not base64 (text is more likely).
_LINE_BREAKS = str.maketrans("", "", "\r\n")
# Every byte but the C0 controls other than whitespace, and DEL: deleting these counts controls.
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 and chr(b) not in _WHITESPACE) and b != 0x7F)
# The shortest run of printable bytes taken as text inside media (``strings`` uses 4; 8 keeps the
# random runs of compressed data few while every key, SSN or card shape is longer).
MIN_RUN = 8
# Printable ASCII (and tab) map to "a", every other byte to NUL: runs are then found with
# bytes.find, which is C speed, where a regex over megabytes of binary is ten times slower.
_RUN_MAP = bytes(0x61 if 0x20 <= b < 0x7F or b == 0x09 else 0 for b in range(256))
_RUN = b"a" * MIN_RUN
_NOT_B64 = re.compile(r"[^A-Za-z0-9+/]")
# Longer than any value a detector finds (a card of one digit repeated is 19 at most).
MAX_REPEAT = 64
_REPEATS = re.compile(rf"(.)\1{{{MAX_REPEAT},}}")


class Family(enum.StrEnum):
    """What a media type declares (or what the bytes turn out to be)."""

    IMAGE = "image"
    AUDIO = "audio"
    OTHER = "other"


class Verdict(enum.Enum):
    MEDIA = "media"  # a known format of the declared family
    TEXT = "text"  # the head is text: decode the whole payload and screen it
    BINARY = "binary"  # some other binary: a file the gateway cannot screen
    NOT_BASE64 = "not_base64"  # not base64 at all: the string itself is the text


def family_of(media_type: str) -> Family:
    if media_type.startswith("image/"):
        return Family.IMAGE
    if media_type.startswith("audio/"):
        return Family.AUDIO
    return Family.OTHER


def sniff(payload: str, declared: Family, start: int = 0) -> Verdict:
    """The verdict on the base64 payload ``payload[start:]`` declared as ``declared``, from its
    first bytes only (``start`` skips a data URI's header without copying megabytes)."""
    head = head_bytes(payload, start)
    if head is None:
        return Verdict.NOT_BASE64
    if head.startswith(b"%PDF-"):
        return Verdict.BINARY
    if looks_like_text(head):
        return Verdict.TEXT
    if declared is not Family.OTHER and format_family(head) is declared:
        return Verdict.MEDIA
    return Verdict.BINARY


def head_bytes(payload: str, start: int = 0) -> bytes | None:
    """The first bytes the base64 payload ``payload[start:]`` decodes to (line breaks ignored),
    or None when its prefix is not base64. Only ``HEAD_CHARS`` characters are decoded."""
    chunk = payload[start : start + HEAD_CHARS * 2]
    if "\n" in chunk or "\r" in chunk:  # rare: translate costs more than the rest together
        chunk = chunk.translate(_LINE_BREAKS)
    chunk = chunk[:HEAD_CHARS]
    if len(payload) - start > HEAD_CHARS * 2:
        chunk = chunk[: len(chunk) - len(chunk) % 4]  # whole quanta only: more follows
    else:
        chunk += "=" * (-len(chunk) % 4)  # the whole payload: its padding may be missing
    try:
        return base64.b64decode(chunk, validate=True)
    except (binascii.Error, ValueError):
        return None  # URL-safe or stray characters too: the string is screened as it is


def text_runs(payload: str, start: int = 0) -> str | None:
    """The printable ASCII runs of at least ``MIN_RUN`` bytes that the whole base64 payload
    ``payload[start:]`` decodes to, one a line, or None when it is not base64 at all. Characters
    outside the alphabet are skipped and missing padding is supplied, as a lenient decoder
    upstream would: what it could read is what is screened."""
    encoded = payload[start:]
    try:
        data = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError):
        cleaned = _NOT_B64.sub("", encoded.split("=", 1)[0])
        cleaned = cleaned[: len(cleaned) - 1] if len(cleaned) % 4 == 1 else cleaned  # a stray last character
        try:
            data = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        except (binascii.Error, ValueError):
            return None
    mapped = data.translate(_RUN_MAP)
    runs: list[bytes] = []
    at = mapped.find(_RUN)
    while at >= 0:
        end = mapped.find(b"\x00", at)
        end = len(mapped) if end < 0 else end
        runs.append(data[at:end])
        at = mapped.find(_RUN, end)
    # A stretch of one repeated byte (a flat grey in an uncompressed bitmap) holds no value: kept
    # short, so such an image does not turn into megabytes of text to scan.
    return _REPEATS.sub(lambda m: m.group(1) * MAX_REPEAT, b"\n".join(runs).decode("ascii"))


def looks_like_text(head: bytes) -> bool:
    """Mostly printable once decoded as UTF-8. An invalid byte counts against it rather than
    ruling text out, so a real signature followed by text (a forged header) is still text;
    a real binary header is dense with NULs, lengths and invalid UTF-8 well below the share."""
    controls = len(head.translate(None, _NOT_CONTROL))  # each one a character that is not printable
    if controls > (1 - TEXT_SHARE) * len(head) or head.isascii():
        return bool(head) and controls <= (1 - TEXT_SHARE) * len(head)  # decided without decoding
    text = head.decode("utf-8", errors="replace")
    printable = sum(1 for ch in text if (ch.isprintable() and ch != "\ufffd") or ch in _WHITESPACE)
    return bool(text) and printable >= TEXT_SHARE * len(text)


def format_family(head: bytes) -> Family | None:
    """The family of the image or audio format whose magic number starts ``head``."""
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")):
        return Family.IMAGE
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":  # BMP: reserved bytes are zero
        return Family.IMAGE
    if head.startswith(b"RIFF") and head[8:12] in (b"WEBP", b"WAVE"):
        return Family.IMAGE if head[8:12] == b"WEBP" else Family.AUDIO
    if head[4:8] == b"ftyp":  # ISO base media: HEIC/AVIF images, M4A/MP4 audio
        return Family.IMAGE if head[8:12] in _IMAGE_BRANDS else Family.AUDIO
    if head.startswith((b"ID3", b"fLaC", b"OggS", b"\x1a\x45\xdf\xa3", b"FORM")):
        return Family.AUDIO  # MP3 with a tag, FLAC, Ogg, WebM/Matroska, AIFF
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return Family.AUDIO  # an MPEG audio frame (MP3, AAC in ADTS) without a tag
    return None


_IMAGE_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1", b"avif", b"avis"}
)
