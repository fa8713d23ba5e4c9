"""Assurance runs the audit database refused, kept on disk across a restart.

The schedule holds refused runs in memory and stores them, in order, once the store takes them
again (``assurance_schedule``). A gateway stopped meanwhile writes them here (JSON lines, 0600:
controls, statuses and the probes' words, never a planted value or prompt text) and reads them
back when it starts, so the runs made during an outage, its evidence, survive a restart too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import structlog

from gateway.incidents.assurance_runs import AssuranceRun, RunRejected

log = structlog.get_logger("aigw")


def spool_path(prompt_log_spool: Path) -> Path:
    """Beside the prompt log's spool (one per gateway worker, as that one is)."""
    return prompt_log_spool.with_name(f"{prompt_log_spool.name}.assurance")


def save(path: Path, runs: Sequence[AssuranceRun]) -> None:
    """Replace the spool with ``runs`` (none: remove it)."""
    if not runs:
        path.unlink(missing_ok=True)
        return
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        for run in runs:
            out.write(json.dumps(run.as_json(), sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def load(path: Path) -> list[AssuranceRun]:
    """The spooled runs, oldest first; a line that is not a run is logged (by number) and left out."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    runs: list[AssuranceRun] = []
    for number, line in enumerate(lines, 1):
        try:
            runs.append(AssuranceRun.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError, RunRejected) as exc:
            log.error("assurance_spool_line_unreadable", line=number, error_type=type(exc).__name__)
    return runs
