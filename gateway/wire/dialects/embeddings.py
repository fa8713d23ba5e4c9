"""OpenAI embeddings (``/v1/embeddings``): texts in, vectors out; nothing streams, no answer text.

The input may be given as token ids, which are no text to screen.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Mapping
from typing import Any, ClassVar

from gateway.wire.dialects.base import Dialect, Reply
from gateway.wire.text import approx_tokens

EMBEDDING_DIMENSIONS = 16


class Embeddings(Dialect):
    __slots__ = ()

    encoded_prompt_field: ClassVar[str | None] = "input"

    def render(self, reply: Reply, body: Mapping[str, Any]) -> dict[str, Any]:
        inputs = body.get("input")
        items = [inputs] if isinstance(inputs, str) else list(inputs) if isinstance(inputs, list) else []
        as_base64 = body.get("encoding_format") == "base64"
        data = []
        for n, item in enumerate(items):
            vector = _vector(str(item))
            embedding: Any = (
                base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode() if as_base64 else vector
            )
            data.append({"object": "embedding", "index": n, "embedding": embedding})
        tokens = sum(approx_tokens(str(item)) for item in items)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return {"object": "list", "data": data, "model": reply.model, "usage": usage}


def _vector(text: str) -> list[float]:
    """A deterministic unit-free vector derived from the text (same text, same vector)."""
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255.0 * 2 - 1, 6) for b in digest[:EMBEDDING_DIMENSIONS]]
