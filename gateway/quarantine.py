"""Records that could not be stored even alone, kept aside instead of lost or retried forever.

One JSON object a line, appended to an owner-only file with fsync, ASCII-escaped (a lone
surrogate cannot break the line). Callers put in it only what their store would have held:
sealed rows for the prompt log, redacted candidates for the incident log -- never raw text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def append_jsonl(path: Path, entries: Iterable[Mapping[str, Any]]) -> int:
    """Append one JSON line per entry to an owner-only file, synced to disk; how many."""
    lines = [json.dumps(entry, ensure_ascii=True, default=repr, separators=(",", ":")) + "\n" for entry in entries]
    if not lines:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="ascii") as out:
        out.writelines(lines)
        out.flush()
        os.fsync(out.fileno())
    return len(lines)


quarantine = append_jsonl  # what callers set aside: the same durable, owner-only append

__all__ = ["append_jsonl", "quarantine"]
