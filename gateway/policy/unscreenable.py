"""What the policy does with request data the gateway cannot screen as text.

Base64 images and audio, binary files (PDFs...), prompts given as token ids, and the
credentials a caller hands the provider for remote tools (``mcp_servers[].authorization_token``,
Responses ``tools[].headers`` / ``authorization``) cannot be read by the detectors. Each kind
is allowed or blocked (``detection.unscreenable``); credentials fail closed by default, as do
files and token ids, while images and audio pass by default (screening them needs OCR and
speech recognition the gateway does not have). A payload is the kind its bytes say, not the
one it declares (gateway.wire.media_sniff): text under an image, audio or file label is
screened as text, a binary that is not the declared media is a file, and the printable
text inside genuine media (metadata chunks, comments) is screened but never rewritten. A
block names the kind, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from gateway.errors import PolicyDenied

Verdict = Literal["allow", "block"]


class UnscreenablePolicy(BaseModel):
    """``detection.unscreenable``: per data kind, allow or block (the gateway.wire.request_slots kinds)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    images: Verdict = "allow"
    audio: Verdict = "allow"
    files: Verdict = "block"
    token_ids: Verdict = "block"  # noqa: S105 (a data kind, not a password)
    tool_credentials: Verdict = "block"

    def blocked(self, kinds: Iterable[str]) -> list[str]:
        return sorted(kind for kind in set(kinds) if getattr(self, kind) == "block")


class UnscreenableData(PolicyDenied):
    """The request holds data of a kind the policy blocks because it cannot be screened."""

    code = "unscreenable_data"


def refuse_unscreenable(policy: UnscreenablePolicy, kinds: Iterable[str], *, monitor: bool) -> list[str]:
    """The blocked kinds found; raised as a 403 unless the policy only monitors."""
    blocked = policy.blocked(kinds)
    if blocked and not monitor:
        names = ", ".join(blocked)
        rules = ", ".join(f"detection.unscreenable.{kind}" for kind in blocked)
        raise UnscreenableData(
            "The request was blocked by the AI policy: it holds data the gateway cannot screen "
            f"({names}; rule: {rules})."
        )
    return blocked
