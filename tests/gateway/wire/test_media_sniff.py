"""A base64 payload is what its first bytes say, not what its media type claims (issue 14):
real media of the declared family passes as that kind, text is screened, the rest is a file."""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest

from gateway.wire.media_sniff import (
    HEAD_CHARS,
    Family,
    Verdict,
    family_of,
    head_bytes,
    looks_like_text,
    sniff,
    text_runs,
)

# The first bytes of real files of each format (headers as encoders write them).
IMAGES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x00\xc8\x08\x06\x00\x00\x00",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00\xff\xdb\x00C\x00\x08\x06\x06",
    "gif": b"GIF89a\x10\x00\x10\x00\xf7\x00\x00\x00\x00\x00\x80\x00\x00\x00\x80\x00\x80\x80\x00",
    "webp": b"RIFF\x1a\x4c\x00\x00WEBPVP8 \x0e\x4c\x00\x00\xd0\x2b\x01\x9d\x01\x2a",
    "bmp": b"BM\x36\x0c\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x20\x00\x00\x00",
    "tiff": b"II*\x00\x08\x00\x00\x00\x15\x00\x00\x01\x03\x00\x01\x00\x00\x00\x00\x01\x00\x00",
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x01\xfemeta",
    "avif": b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf\x00\x00\x00\xf2",
}
AUDIO = {
    "wav": b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x44\xac\x00\x00\x88X\x01\x00",
    "mp3 (ID3)": b"ID3\x03\x00\x00\x00\x00\x0f\x76TIT2\x00\x00\x00\x05\x00\x00\x01\xff\xfeS\x00",
    "mp3 (frame)": b"\xff\xfb\x90\x64\x00\x0f\xf0\x00\x00\x69\x00\x00\x00\x08\x00\x00\x0d\x20\x00\x00",
    "flac": b"fLaC\x00\x00\x00\x22\x10\x00\x10\x00\x00\x00\x0e\x00\x2a\x0c\x0a\xc4\x42\xf0",
    "ogg": b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x3a\x5c\x00\x00\x00\x00\x00\x00",
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x00",
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81",
}
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n"
ZIP = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01\x00\x00"
SSN_NOTE = b"my SSN is 536-22-8726, please keep it on file"
AWS_NOTE = b"aws_access_key_id = AKIA" + b"QWERTYUIOPASDFGH"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><text>hello</text></svg>'


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize("name", sorted(IMAGES))
def test_real_images_are_images(name: str):
    assert sniff(b64(IMAGES[name] * 40), Family.IMAGE) is Verdict.MEDIA


@pytest.mark.parametrize("name", sorted(AUDIO))
def test_real_audio_is_audio(name: str):
    assert sniff(b64(AUDIO[name] * 40), Family.AUDIO) is Verdict.MEDIA


@pytest.mark.parametrize("declared", list(Family))
@pytest.mark.parametrize("data", [SSN_NOTE, AWS_NOTE, SVG, "Grüße, Müller: 536-22-8726 ☎".encode()])
def test_text_under_any_label_is_text(declared: Family, data: bytes):
    assert sniff(b64(data), declared) is Verdict.TEXT


@pytest.mark.parametrize(
    "forged",
    [
        b"\x89PNG\r\n\x1a\n" + SSN_NOTE,  # a real signature followed by text
        b"\xff\xd8\xff" + AWS_NOTE,
        b"RIFF1234WAVE " + SSN_NOTE,  # a signature spelled in text
        b"RIFF\x00\x00\x00\x00WAVE" + SSN_NOTE,
        b"\x00\x00\x00\x18ftypheic" + SSN_NOTE,
        b"ID3 " + SSN_NOTE,
    ],
)
def test_a_signature_in_front_of_text_does_not_make_it_media(forged: bytes):
    assert sniff(b64(forged), Family.IMAGE) is Verdict.TEXT
    assert sniff(b64(forged), Family.AUDIO) is Verdict.TEXT


def test_media_of_another_family_or_another_binary_is_a_file():
    assert sniff(b64(AUDIO["wav"] * 4), Family.IMAGE) is Verdict.BINARY
    assert sniff(b64(IMAGES["png"] * 4), Family.AUDIO) is Verdict.BINARY
    assert sniff(b64(IMAGES["png"] * 4), Family.OTHER) is Verdict.BINARY  # undeclared: never media
    assert sniff(b64(ZIP * 4), Family.IMAGE) is Verdict.BINARY
    assert sniff(b64(bytes(range(256))), Family.IMAGE) is Verdict.BINARY


def test_a_pdf_is_a_file_even_when_its_head_reads_as_text():
    ascii_pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    assert looks_like_text(ascii_pdf[:48])
    for data in (PDF, ascii_pdf):
        assert sniff(b64(data), Family.OTHER) is Verdict.BINARY
        assert sniff(b64(data), Family.IMAGE) is Verdict.BINARY


def test_only_the_head_is_decoded_and_line_breaks_are_ignored():
    big = b64(IMAGES["png"] + bytes(3_000_000))
    assert head_bytes(big) == (IMAGES["png"] + bytes(48))[:48]
    assert len(head_bytes(big) or b"") == HEAD_CHARS * 3 // 4
    wrapped = "\n".join(big[i : i + 76] for i in range(0, 400, 76))
    assert head_bytes(wrapped) == head_bytes(big)
    assert sniff(wrapped, Family.IMAGE) is Verdict.MEDIA
    uri = "data:image/png;base64," + big  # read in place after the header, not copied
    assert head_bytes(uri, 22) == head_bytes(big)
    assert sniff(uri, Family.IMAGE, 22) is Verdict.MEDIA
    assert head_bytes("data:image/png;base64,iVBORw0KGgo", 22) == b"\x89PNG\r\n\x1a\n"


def test_short_and_unpadded_payloads_decode():
    assert head_bytes("iVBORw0KGgo=") == b"\x89PNG\r\n\x1a\n"
    assert head_bytes("iVBORw0KGgo") == b"\x89PNG\r\n\x1a\n"
    assert head_bytes("") == b""


@pytest.mark.parametrize("payload", ["my SSN is 536-22-8726", "ab*cd", "a", "iVBORw0KGgo=" + "x" * 60 + "=" + "A" * 80])
def test_what_is_not_base64_is_said_so(payload: str):
    assert head_bytes(payload) is None
    assert sniff(payload, Family.IMAGE) is Verdict.NOT_BASE64


def test_a_character_cut_by_the_prefix_still_reads_as_text():
    data = ("é" * 40).encode()  # two bytes a character: the 48-byte head ends mid-character or not
    for shift in range(3):
        assert looks_like_text(data[shift : shift + 47])
    assert sniff(b64(b"x" + data), Family.IMAGE) is Verdict.TEXT


def test_family_of_a_media_type():
    assert family_of("image/svg+xml") is Family.IMAGE
    assert family_of("audio/") is Family.AUDIO
    assert family_of("application/pdf") is family_of("") is family_of("video/mp4") is Family.OTHER


def _printable_share(head: bytes) -> float:
    """The definition the fast path must agree with: decode, count printable characters."""
    text = head.decode("utf-8", errors="replace")
    ok = sum(1 for ch in text if (ch.isprintable() and ch != "\ufffd") or ch in "\t\n\r\f\v")
    return ok / len(text)


def test_the_control_byte_shortcut_agrees_with_decoding():
    samples = [*IMAGES.values(), *AUDIO.values(), PDF, ZIP, SSN_NOTE, AWS_NOTE, SVG, bytes(range(256))]
    samples += [("é" * 30).encode(), b"a\x01b\x02c" * 10, b"\x7f" * 3 + SSN_NOTE, b"\t\n" * 30]
    samples += [bytes([(i * 37 + k) % 256 for i in range(48)]) for k in range(64)]
    for sample in samples:
        head = sample[:48]
        assert looks_like_text(head) is (_printable_share(head) >= 0.9), head


def test_text_runs_are_the_printable_runs_of_the_whole_payload():
    data = IMAGES["png"] + b"\x00\x01short\x00" + b"\x00" * 5000 + b"tEXt key AKIA123\xff\x00 end"
    assert text_runs(base64.b64encode(data).decode()) == "tEXt key AKIA123"


def test_text_runs_read_what_a_lenient_decoder_would():
    encoded = base64.b64encode(b"\x89PNG\x00\x00ssn 536-22-8726\x00").decode()
    assert text_runs("data:image/png;base64," + encoded.rstrip("="), 22) == "ssn 536-22-8726"
    assert text_runs(encoded[:8] + "\n" + encoded[8:]) == "ssn 536-22-8726"
    assert text_runs(encoded[:8] + "!" + encoded[8:]) == "ssn 536-22-8726"


def test_text_runs_of_compressed_noise_are_few_and_short():
    noise = base64.b64encode(
        IMAGES["png"]
        + zlib.compress(
            bytes(range(256)) * 4 + b"".join(hashlib.sha256(bytes([n % 256, n // 256])).digest() for n in range(8192))
        )
    ).decode()
    runs = text_runs(noise) or ""
    assert len(runs) < len(noise) // 50


def test_a_flat_stretch_of_an_uncompressed_bitmap_is_kept_short_and_values_whole():
    data = IMAGES["bmp"] + b"@" * 100_000 + b"\x00 card 4111111111111111 \x00"
    assert text_runs(base64.b64encode(data).decode()) == "@" * 64 + "\n card 4111111111111111 "
