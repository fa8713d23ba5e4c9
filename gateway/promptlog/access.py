"""Reading the prompt log, for ``aigw logs`` and the admin API alike.

Metadata is shown to anyone allowed to search. Prompt text is opened only with the log
key, only when asked for, and every such read is itself recorded (who, in which role,
which record, through what) in the store and in the gateway's log, before the text is
returned.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import structlog

from gateway.promptlog.crypto import LogDecryptError, LogKeyring
from gateway.promptlog.record import Row, open_text, parse_list
from gateway.promptlog.store import PromptStore

log = structlog.get_logger("aigw")
HIDDEN = ("prompt_sealed", "response_sealed", "key_id")


def iso(us: int | None) -> str | None:
    return None if us is None else datetime.fromtimestamp(us / 1_000_000, UTC).isoformat(timespec="milliseconds")


def view(row: Row) -> dict[str, Any]:
    """A record's metadata as JSON-ready values (never its text)."""
    out = {k: v for k, v in row.items() if k not in HIDDEN}
    out["time"], out["expires"] = iso(row["ts_us"]), iso(row["expires_us"])
    for name in ("groups", "entity_types", "data_classes"):
        out[name] = parse_list(row[name])
    for name in ("findings", "response_findings", "finding_sources"):
        out[name] = json.loads(row[name])
    out["has_text"] = row["prompt_sealed"] is not None or row["response_sealed"] is not None
    return out


async def read_record(
    store: PromptStore,
    keyring: LogKeyring | None,
    request_id: str,
    *,
    reader: str,
    role: str,
    via: str,
    with_text: bool,
) -> dict[str, Any] | None:
    row = await store.get(request_id)
    if row is None:
        return None
    out = view(row)
    if not with_text or not out["has_text"]:
        return out
    if keyring is None:
        out["text_error"] = "the log key is not configured here: the text cannot be opened"
        return out
    await store.record_text_read(reader, role, request_id, via)  # recorded before anything is shown
    log.warning("prompt_text_read", reader=reader, role=role, request_id=request_id, via=via)
    try:
        out["prompt_text"] = open_text(row, "prompt", keyring)
        out["response_text"] = open_text(row, "response", keyring)
    except LogDecryptError as exc:
        out["text_error"] = str(exc)
    return out
