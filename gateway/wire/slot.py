"""A writable place in a JSON body that holds text: a value, a key, or an encoded document.

Detection reads ``text``; redaction and pseudonymization call ``replace``, which writes
back in the encoding the body used, so what goes upstream keeps the API's exact shape.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from gateway.errors import SensitiveDataBlocked
from gateway.wire.part_source import UNKNOWN, PartSource

Container = dict[str, Any] | list[Any]


@dataclass(frozen=True, slots=True)
class Slot:
    container: Container
    key: str | int
    # Where the text came from (a request's walk sets it; answers are the assistant's). Keyword-only,
    # so the subclasses' own positional fields keep their places.
    source: PartSource = field(default=UNKNOWN, kw_only=True)

    @property
    def text(self) -> str:
        value = self.container[self.key]  # type: ignore[index]
        return value if isinstance(value, str) else ""

    def replace(self, new: str) -> None:
        self.container[self.key] = new  # type: ignore[index]


@dataclass(frozen=True, slots=True)
class KeySlot(Slot):
    """A caller-chosen dict key (a schema's property name, a metadata key): the key is text.

    A key cannot be rewritten in place, so it is renamed where it stands (the dict keeps its
    order). Redaction and pseudonyms are consistent within a request, so a renamed property
    and the same name in ``required`` stay equal. A rename onto another existing key would
    silently merge two fields: that request is blocked instead."""

    @property
    def text(self) -> str:
        return str(self.key)

    def replace(self, new: str) -> None:
        node = self.container
        if not isinstance(node, dict) or new == self.key:
            return
        if new in node:
            raise SensitiveDataBlocked(
                "The request was blocked by the AI policy: a field name holds data the policy rewrites, "
                "and its rewritten form collides with another field name."
            )
        items = [(new if k == self.key else k, v) for k, v in node.items()]
        node.clear()
        node.update(items)


@dataclass(frozen=True, slots=True)
class Base64Slot(Slot):
    """A base64-encoded UTF-8 text document (optionally after a ``data:`` URI prefix).

    It is decoded for scanning and re-encoded when rewritten, so a redacted document is
    still a valid document of the same media type."""

    prefix: str = ""

    @property
    def text(self) -> str:
        return decode_text(self.container[self.key][len(self.prefix) :]) or ""  # type: ignore[index]

    def replace(self, new: str) -> None:
        self.container[self.key] = self.prefix + base64.b64encode(new.encode()).decode("ascii")  # type: ignore[index]


@dataclass(frozen=True, slots=True)
class NumberSlot(Slot):
    """A number in caller data (a tool input, metadata): a card or an account number written as a
    JSON number is read as its JSON text. A rewrite stores the new text as a JSON string, so the
    value changes type (``4111111111111111`` becomes ``"[CREDIT_CARD]"``): a redacted number has
    no number to keep."""

    @property
    def text(self) -> str:
        value = self.container[self.key]  # type: ignore[index]
        return json.dumps(value) if isinstance(value, int | float) and not isinstance(value, bool) else ""

    def replace(self, new: str) -> None:
        if new != self.text:  # unchanged text keeps the number a number
            self.container[self.key] = new  # type: ignore[index]


@dataclass(frozen=True, slots=True)
class MediaTextSlot(Slot):
    """The printable text inside an image or audio payload (a PNG text chunk, a comment, bytes
    after the end marker), read but not writable: it lies within binary data whose lengths and
    checksums would break. So a finding a rule redacts or pseudonymizes there refuses the request,
    as the model name does; a blocking rule blocks as anywhere else. The payload is never changed."""

    runs: str = ""

    @property
    def text(self) -> str:
        return self.runs

    def replace(self, new: str) -> None:
        # Scanned with the pattern detectors only (gateway.screening.screen): no NER "name" in random runs.
        raise SensitiveDataBlocked(
            "The request was blocked by the AI policy: an image or audio payload holds text with data the "
            "policy protects, and it cannot be redacted inside the media. Remove the text from the file."
        )


def decode_text(encoded: str) -> str | None:
    """The UTF-8 text a base64 string holds, or None when it is not base64 of UTF-8 text.
    Line breaks (MIME wraps at 76) are allowed; any other stray character is not."""
    try:
        return base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        pass
    unwrapped = encoded.translate(_LINE_SPACE)
    if len(unwrapped) == len(encoded):
        return None
    try:
        return base64.b64decode(unwrapped, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


_LINE_SPACE = str.maketrans("", "", "\r\n")
